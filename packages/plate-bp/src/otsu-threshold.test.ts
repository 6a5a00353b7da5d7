import { describe, expect, it } from "vitest";
import { binarize } from "./binarize.js";
import { PlateBpError } from "./errors.js";
import { grayHistogram, otsuThreshold } from "./otsu-threshold.js";

function hist(pairs: [level: number, count: number][]): number[] {
  const h = new Array<number>(256).fill(0);
  for (const [l, c] of pairs) h[l] = c;
  return h;
}

describe("otsuThreshold", () => {
  it("picks the level with the largest between-class variance (hand-computed, 6 pixels)", () => {
    // pixels 1,1,2,6,7,7: t=1 -> (2/6)(4/6)(5.5-1)^2 = 4.5; t=2..5 -> (1/2)(1/2)(20/3-4/3)^2 = 7.11;
    // t=6 -> (4/6)(2/6)(7-2.5)^2 = 4.5. The plateau t=2..5 keeps the smallest level, 2.
    expect(
      otsuThreshold(
        hist([
          [1, 2],
          [2, 1],
          [6, 1],
          [7, 2],
        ]),
      ),
    ).toBe(2);
  });

  it("separates a bright minority from a spread-out dark majority (hand-computed)", () => {
    // 10x5, 60x3, 120x2 | 250x6: t=120 -> (10/16)(6/16)(250-47)^2 = 9658.36, larger than
    // t=60 -> (8/16)(8/16)(217.5-28.75)^2 = 8906.6 and t=10 -> (5/16)(11/16)(...)^2 = 8003.4
    expect(
      otsuThreshold(
        hist([
          [10, 5],
          [60, 3],
          [120, 2],
          [250, 6],
        ]),
      ),
    ).toBe(120);
  });

  it("reads the histogram of an image", () => {
    const img = { width: 3, height: 2, data: Uint8Array.of(1, 1, 2, 6, 7, 7) };
    expect(grayHistogram(img)[7]).toBe(2);
    expect(otsuThreshold(img)).toBe(2);
  });

  it("returns 0 for an empty histogram and a constant image", () => {
    expect(otsuThreshold(new Array(256).fill(0))).toBe(0);
    expect(otsuThreshold({ width: 2, height: 1, data: Uint8Array.of(9, 9) })).toBe(0);
  });

  it("rejects histograms without 256 bins or with negative counts", () => {
    expect(() => otsuThreshold([1, 2, 3])).toThrow(PlateBpError);
    expect(() => otsuThreshold([1, 2, 3])).toThrow(/256 bins .* got 3/);
    const h = hist([[4, -1]]);
    expect(() => otsuThreshold(h)).toThrow(/bin 4 is -1/);
  });
});

describe("binarize", () => {
  // bright "T" (200) on a dark background (20)
  const tShape = [0, 0, 0, 0, 0, 0, 1, 1, 1, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0];
  const lightOnDark = { width: 5, height: 5, data: Uint8Array.from(tShape, (v) => (v ? 200 : 20)) };
  const darkOnLight = { width: 5, height: 5, data: Uint8Array.from(tShape, (v) => (v ? 20 : 200)) };

  it("makes the character 1 for both polarities (automatic polarity from the border)", () => {
    const a = binarize(lightOnDark);
    expect(Array.from(a.data)).toEqual(tShape);
    expect(a.inverted).toBe(false);
    expect(a.threshold).toBe(20);
    const b = binarize(darkOnLight);
    expect(Array.from(b.data)).toEqual(tShape);
    expect(b.inverted).toBe(true);
  });

  it("honours a fixed threshold and a forced polarity", () => {
    const img = { width: 4, height: 1, data: Uint8Array.of(10, 100, 101, 250) };
    expect(Array.from(binarize(img, { threshold: 100, polarity: "light-on-dark" }).data)).toEqual([
      0, 0, 1, 1,
    ]);
    expect(Array.from(binarize(img, { threshold: 100, polarity: "dark-on-light" }).data)).toEqual([
      1, 1, 0, 0,
    ]);
  });

  it("falls back to the smaller class when the border is split evenly", () => {
    // 3x3: the 8 border pixels are half bright, half dark; the centre decides the minority
    const ring = [250, 250, 250, 10, 0, 250, 10, 10, 10];
    const darkCentre = {
      width: 3,
      height: 3,
      data: Uint8Array.from(ring, (v, i) => (i === 4 ? 10 : v)),
    };
    expect(Array.from(binarize(darkCentre, { threshold: 100 }).data)).toEqual([
      1, 1, 1, 0, 0, 1, 0, 0, 0,
    ]);
    const brightCentre = {
      width: 3,
      height: 3,
      data: Uint8Array.from(ring, (v, i) => (i === 4 ? 250 : v)),
    };
    expect(Array.from(binarize(brightCentre, { threshold: 100 }).data)).toEqual([
      0, 0, 0, 1, 0, 0, 1, 1, 1,
    ]);
  });

  it("rejects bad thresholds and polarities, naming them", () => {
    expect(() => binarize(lightOnDark, { threshold: Number.NaN })).toThrow(
      /"otsu" or a finite gray level, got null/,
    );
    expect(() => binarize(lightOnDark, { polarity: "blue" as never })).toThrow(PlateBpError);
    expect(() => binarize(lightOnDark, { polarity: "blue" as never })).toThrow(/got "blue"/);
  });
});
