import { describe, expect, it } from "vitest";
import { PlateBpError } from "./errors.js";
import { flattenLighting } from "./flatten-lighting.js";

describe("flattenLighting", () => {
  it("turns a pure linear gradient into its mean level", () => {
    // v = 100 + 4x + 2y on 8x6: the plane is fitted exactly; mean level at the centre
    // (3.5, 2.5) is 100 + 14 + 5 = 119
    const w = 8;
    const h = 6;
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data[y * w + x] = 100 + 4 * x + 2 * y;
    const r = flattenLighting({ width: w, height: h, data });
    expect(new Set(r.data)).toEqual(new Set([119]));
  });

  it("keeps a dark mark inside a lit background and flattens the background around it", () => {
    // background 200 + 6x (fitted on the 2-pixel border), a mark of 50 in the middle
    const w = 10;
    const h = 10;
    const data = new Uint8Array(w * h);
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) data[y * w + x] = 200 + 6 * (x - 4.5) + 0.5;
    data[5 * w + 5] = 50;
    const r = flattenLighting({ width: w, height: h, data });
    // plane 200.5 + 6(x − 4.5): each background pixel becomes round(200.5 + 6(x − 4.5) + … ) → 200 or 201
    for (let i = 0; i < w * h; i++) {
      if (i === 55) continue;
      expect(Math.abs((r.data[i] as number) - 200.5)).toBeLessThanOrEqual(0.5);
    }
    // the mark loses the plane's offset at x = 5: 50 − 6·0.5 = 47
    expect(r.data[55]).toBe(47);
  });

  it("leaves a one-pixel-wide column unchanged (no plane across x can be fitted)", () => {
    // every pixel is border and x is constant, so the normal equations are singular
    const data = Uint8Array.from([10, 60, 110, 160, 210]);
    expect(Array.from(flattenLighting({ width: 1, height: 5, data }).data)).toEqual([
      10, 60, 110, 160, 210,
    ]);
  });

  it("rejects inconsistent dimensions with INVALID_IMAGE", () => {
    const bad = { width: 4, height: 4, data: new Uint8Array(3) };
    expect(() => flattenLighting(bad)).toThrow(PlateBpError);
    expect(() => flattenLighting(bad)).toThrow(/flattenLighting: data has 3 values/);
  });
});
