import { describe, expect, it } from "vitest";
import { barlow } from "../test/fonts.js";
import { binarize } from "./binarize.js";
import { boxBlur3 } from "./box-blur.js";
import { cropToBoundingBox } from "./crop-to-bounding-box.js";
import { deskew } from "./deskew.js";
import { easyprFeatures } from "./easypr-features.js";
import { PlateBpError } from "./errors.js";
import { extractFeatures, featureLength } from "./extract-features.js";
import { flattenLighting } from "./flatten-lighting.js";
import { argmax } from "./one-hot.js";
import { grayHistogram, otsuThreshold } from "./otsu-threshold.js";
import { renderCharacter } from "./render-character.js";
import { slidingWindowFeatures } from "./sliding-window-features.js";

// a dark 5-tall, 3-wide "C" at rows 2..6, cols 3..5 of a white 10x9 RGB image
const C = [
  [1, 1, 1],
  [1, 0, 0],
  [1, 0, 0],
  [1, 0, 0],
  [1, 1, 1],
];
function rgbImage(dark: boolean) {
  const w = 10;
  const h = 9;
  const data = new Uint8Array(w * h * 3).fill(dark ? 230 : 30);
  for (let y = 0; y < 5; y++)
    for (let x = 0; x < 3; x++)
      if (C[y]?.[x])
        data.fill(dark ? 25 : 240, ((y + 2) * w + x + 3) * 3, ((y + 2) * w + x + 4) * 3);
  return { width: w, height: h, channels: 3 as const, data };
}

describe("extractFeatures", () => {
  it("runs grayscale -> Otsu -> polarity -> square crop -> 5x5 grid", () => {
    const expected = C.flatMap((r) => [0, ...r, 0]);
    expect(Array.from(extractFeatures(rgbImage(true)))).toEqual(expected);
    expect(Array.from(extractFeatures(rgbImage(false)))).toEqual(expected);
  });

  it("stretches without keepAspect and sees the whole frame with noCrop", () => {
    const f = extractFeatures(rgbImage(true), { keepAspect: false });
    expect(f.length).toBe(25);
    expect(f[0]).toBeCloseTo(1, 6);
    const whole = extractFeatures(rgbImage(true), { noCrop: true });
    expect(whole[0]).toBe(0);
  });

  it("gives 120 EasyPR numbers", () => {
    expect(extractFeatures(rgbImage(true), { features: "easypr120" }).length).toBe(120);
    expect(featureLength("easypr120")).toBe(120);
    expect(featureLength("grid5x5")).toBe(25);
  });

  it("rejects an unknown feature kind, naming the valid ones", () => {
    expect(() => extractFeatures(rgbImage(true), { features: "hog" as never })).toThrow(
      PlateBpError,
    );
    expect(() => featureLength("hog" as never)).toThrow(
      /"grid5x5", "easypr120", "grid5x5-deskew", got "hog"/,
    );
  });
});

describe("extractFeatures fused path", () => {
  it("equals binarize -> cropToBoundingBox -> slidingWindowFeatures / easyprFeatures on noisy glyphs", () => {
    for (let i = 0; i < 20; i++) {
      const img = renderCharacter(barlow, "A3K7"[i % 4] as string, { augment: "heavy", seed: i });
      expect(otsuThreshold(img)).toBe(otsuThreshold(grayHistogram(img)));
      const crop = cropToBoundingBox(binarize(img));
      expect(Array.from(extractFeatures(img))).toEqual(Array.from(slidingWindowFeatures(crop)));
      expect(Array.from(extractFeatures(img, { features: "easypr120" }))).toEqual(
        Array.from(easyprFeatures(crop)),
      );
    }
  });
});

describe('extractFeatures "grid5x5-deskew"', () => {
  it("equals flattenLighting -> boxBlur3 -> binarize -> deskew -> crop -> 5x5 grid", () => {
    expect(featureLength("grid5x5-deskew")).toBe(25);
    for (let i = 0; i < 10; i++) {
      const img = renderCharacter(barlow, "1478"[i % 4] as string, { augment: "heavy", seed: i });
      const steps = slidingWindowFeatures(
        cropToBoundingBox(deskew(binarize(boxBlur3(flattenLighting(img))))),
      );
      expect(Array.from(extractFeatures(img, { features: "grid5x5-deskew" }))).toEqual(
        Array.from(steps),
      );
    }
  });

  it("turns a slanted bar into one vertical band of the grid", () => {
    // a 2-pixel-wide dark bar on white, slanted one pixel per two rows
    const w = 20;
    const h = 20;
    const data = new Uint8Array(w * h).fill(255);
    for (let y = 2; y < 18; y++) {
      const x = 5 + Math.floor(y / 2);
      data[y * w + x] = 0;
      data[y * w + x + 1] = 0;
    }
    const peakColumn = (f: Float32Array, r: number) => argmax(f.subarray(r * 5, r * 5 + 5));
    const plain = extractFeatures({ width: w, height: h, data });
    const straight = extractFeatures({ width: w, height: h, data }, { features: "grid5x5-deskew" });
    // classic features: the ink walks from column 1 (top row) to column 3 (bottom row)
    expect([0, 4].map((r) => peakColumn(plain, r))).toEqual([1, 3]);
    // deskewed: the same column in every row, the outer columns empty
    expect([0, 1, 2, 3, 4].map((r) => peakColumn(straight, r))).toEqual([2, 2, 2, 2, 2]);
    for (let r = 0; r < 5; r++) {
      expect(straight[r * 5]).toBe(0);
      expect(straight[r * 5 + 4]).toBe(0);
    }
  });

  it("matches the step functions with every option on odd sizes and shapes", () => {
    // sizes around the 32-pixel word boundary, one-pixel strips, and a wide frame
    const sizes: [number, number][] = [
      [31, 9],
      [33, 12],
      [64, 20],
      [1, 7],
      [7, 1],
      [3, 2],
    ];
    let seed = 12345;
    const rand = () => {
      seed = (Math.imul(seed, 1103515245) + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (const [w, h] of sizes) {
      for (let k = 0; k < 4; k++) {
        const data = new Uint8Array(w * h);
        const slant = 2 * rand() - 1;
        for (let y = 0; y < h; y++)
          for (let x = 0; x < w; x++) {
            const ink = Math.abs(x - w / 2 - slant * (y - h / 2)) < w / 6 + 0.5;
            data[y * w + x] = Math.round((ink ? 60 : 190) + 3 * x + 40 * rand());
          }
        const img = { width: w, height: h, data };
        for (const polarity of ["auto", "light-on-dark", "dark-on-light"] as const) {
          for (const threshold of ["otsu", 120.5, -3, 300] as const) {
            const bin = binarize(boxBlur3(flattenLighting(img)), { threshold, polarity });
            const d = deskew(bin);
            const o = { features: "grid5x5-deskew", threshold, polarity } as const;
            const empty = d.data.every((v) => v === 0);
            const crop = empty ? new Float32Array(25) : slidingWindowFeatures(cropToBoundingBox(d));
            expect(Array.from(extractFeatures(img, o))).toEqual(Array.from(crop));
            expect(Array.from(extractFeatures(img, { ...o, noCrop: true }))).toEqual(
              Array.from(slidingWindowFeatures(d)),
            );
          }
        }
      }
    }
  });

  it("rejects bad images and options with the binarize messages", () => {
    const f = (img: { width: number; height: number; data: Uint8Array }, o = {}) =>
      extractFeatures(img, { features: "grid5x5-deskew", ...o });
    const ok = { width: 4, height: 4, data: new Uint8Array(16) };
    expect(() => f({ width: 4, height: 4, data: new Uint8Array(15) })).toThrow(
      /binarize: data has 15 values but 4x4x1 = 16 were expected/,
    );
    expect(() => f({ width: 0, height: 4, data: new Uint8Array(0) })).toThrow(PlateBpError);
    expect(() => f(ok, { polarity: "dark" })).toThrow(
      /polarity must be one of "auto", "light-on-dark", "dark-on-light", got "dark"/,
    );
    expect(() => f(ok, { threshold: Number.NaN })).toThrow(
      /threshold must be "otsu" or a finite gray level, got null/,
    );
  });
});
