import { describe, expect, it } from "vitest";
import { deskew } from "./deskew.js";
import { PlateBpError } from "./errors.js";

/** A w x h binary image with the pixels (x, y) of `on` set. */
function img(w: number, h: number, on: [number, number][]) {
  const data = new Uint8Array(w * h);
  for (const [x, y] of on) data[y * w + x] = 1;
  return { width: w, height: h, data };
}

describe("deskew", () => {
  it("straightens a bar slanted by one pixel per row (skew = μ11/μ02 = 1)", () => {
    // pixels (1,0) (2,1) (3,2): cx = 2, cy = 1, μ11 = (-1)(-1) + 0 + (1)(1) = 2, μ02 = 2 -> skew 1
    const r = deskew(
      img(5, 3, [
        [1, 0],
        [2, 1],
        [3, 2],
      ]),
    );
    expect(r.skew).toBe(1);
    // pad = ceil(1 * 3 / 2) + 1 = 3 columns each side: width 11; source x = x + (y - 1) - 3
    expect(r.width).toBe(11);
    expect(r.height).toBe(3);
    const cols = [0, 1, 2].map((y) => [...r.data.subarray(y * 11, y * 11 + 11)].indexOf(1));
    expect(cols).toEqual([5, 5, 5]); // one vertical column, x = 2 + pad
    expect(r.data.reduce((a, v) => a + v, 0)).toBe(3);
  });

  it("leaves an upright shape in place (skew 0) and an empty image empty", () => {
    const r = deskew(
      img(3, 3, [
        [1, 0],
        [1, 1],
        [1, 2],
      ]),
    );
    expect(r.skew).toBe(0);
    expect(r.width).toBe(5); // pad 1 each side
    expect([...r.data]).toEqual([0, 0, 1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0, 0]);
    const e = deskew(img(2, 2, []));
    expect(e.skew).toBe(0);
    expect([...e.data].every((v) => v === 0)).toBe(true);
  });

  it("rejects inconsistent dimensions with INVALID_IMAGE", () => {
    const bad = { width: 3, height: 3, data: new Uint8Array(5) };
    expect(() => deskew(bad)).toThrow(PlateBpError);
    expect(() => deskew(bad)).toThrow(/deskew: data has 5 values but 3x3x1 = 9/);
  });
});
