import { describe, expect, it } from "vitest";
import { cropToBoundingBox } from "./crop-to-bounding-box.js";
import { easyprFeatures } from "./easypr-features.js";
import { PlateBpError } from "./errors.js";
import { slidingWindowFeatures } from "./sliding-window-features.js";

const bin = (width: number, height: number, px: number[]) => ({
  width,
  height,
  data: Uint8Array.from(px),
});

describe("slidingWindowFeatures", () => {
  it("gives the pixels themselves for a 5x5 image and the default 5x5 grid", () => {
    const px = Array.from({ length: 25 }, (_, i) => (i % 3 === 0 ? 1 : 0));
    expect(Array.from(slidingWindowFeatures(bin(5, 5, px)))).toEqual(px);
  });

  it("weights cells by area when cells are smaller than pixels", () => {
    // 2x2 diagonal into a 4x4 grid: each pixel covers a 2x2 block of cells
    const f = slidingWindowFeatures(bin(2, 2, [1, 0, 0, 1]), { grid: 4 });
    expect(Array.from(f)).toEqual([1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1]);
  });

  it("splits pixels across cell edges (3 pixels into 2 cells)", () => {
    // cell 0 = pixel 0 + half of pixel 1 -> (1 + 0.5*0)/1.5
    const f = slidingWindowFeatures(bin(3, 1, [1, 0, 1]), { grid: [1, 2] });
    expect(f[0]).toBeCloseTo(2 / 3, 6);
    expect(f[1]).toBeCloseTo(2 / 3, 6);
    const g = slidingWindowFeatures(bin(3, 1, [1, 1, 0]), { grid: [1, 2] });
    expect(g[0]).toBeCloseTo(1, 6);
    expect(g[1]).toBeCloseTo(0.5 / 1.5, 6);
  });

  it("slides an integer window with a stride", () => {
    const img = bin(4, 4, [1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    expect(Array.from(slidingWindowFeatures(img, { window: 2, stride: 1 }))).toEqual([
      1, 0.5, 0, 0.5, 0.25, 0, 0, 0, 0.25,
    ]);
    expect(Array.from(slidingWindowFeatures(img, { window: 2 }))).toEqual([1, 0, 0, 0.25]);
  });

  it("rejects bad grids and windows larger than the image", () => {
    const img = bin(3, 3, new Array(9).fill(0));
    expect(() => slidingWindowFeatures(img, { grid: 0 })).toThrow(PlateBpError);
    expect(() => slidingWindowFeatures(img, { grid: [5, 2.5] })).toThrow(/grid .* got \[5,2.5\]/);
    expect(() => slidingWindowFeatures(img, { window: 4 })).toThrow(
      /window 4x4 is larger than the 3x3 image/,
    );
  });
});

describe("cropToBoundingBox", () => {
  // a 5-tall, 3-wide bar in a 9x9 field
  const px = new Array(81).fill(0);
  for (let y = 2; y < 7; y++) for (let x = 4; x < 7; x++) px[y * 9 + x] = 1;
  const field = bin(9, 9, px);

  it("keeps the aspect ratio by centring the box in a square", () => {
    const c = cropToBoundingBox(field);
    expect([c.width, c.height]).toEqual([5, 5]);
    expect(Array.from(slidingWindowFeatures(c))).toEqual(new Array(5).fill([0, 1, 1, 1, 0]).flat());
  });

  it("stretches the bare box when keepAspect is false", () => {
    const c = cropToBoundingBox(field, { keepAspect: false });
    expect([c.width, c.height]).toEqual([3, 5]);
    expect(Array.from(slidingWindowFeatures(c))).toEqual(new Array(25).fill(1));
  });

  it("turns an empty image into one background pixel", () => {
    const c = cropToBoundingBox(bin(2, 2, [0, 0, 0, 0]));
    expect([c.width, c.height, c.data[0]]).toEqual([1, 1, 0]);
  });
});

describe("easyprFeatures", () => {
  it("is [column projection, row projection, 10x10 grid] = 120 numbers", () => {
    // 10x10 image, vertical bar in column 3
    const px = new Array(100).fill(0);
    for (let y = 0; y < 10; y++) px[y * 10 + 3] = 1;
    const f = easyprFeatures(bin(10, 10, px));
    expect(f.length).toBe(120);
    expect(Array.from(f.subarray(0, 10))).toEqual([0, 0, 0, 1, 0, 0, 0, 0, 0, 0]);
    expect(Array.from(f.subarray(10, 20))).toEqual(new Array(10).fill(1));
    expect(Array.from(f.subarray(20))).toEqual(px);
  });

  it("normalises each projection by its maximum on a down-sampled image", () => {
    // 20x20, top-left quadrant plus a full bottom row band (rows 18-19)
    const px = new Array(400).fill(0);
    for (let y = 0; y < 10; y++) for (let x = 0; x < 10; x++) px[y * 20 + x] = 1;
    for (let y = 18; y < 20; y++) for (let x = 0; x < 20; x++) px[y * 20 + x] = 1;
    const f = easyprFeatures(bin(20, 20, px));
    // grid: rows 0-4 = [1 x5, 0 x5], row 9 = all 1 -> column sums 6 (x<5) and 1 (x>=5)
    expect(Array.from(f.subarray(0, 10))).toEqual(
      [1, 1, 1, 1, 1, 1 / 6, 1 / 6, 1 / 6, 1 / 6, 1 / 6].map(Math.fround),
    );
    // row sums 5,5,5,5,5,0,0,0,0,10 -> / 10
    expect(Array.from(f.subarray(10, 20))).toEqual([0.5, 0.5, 0.5, 0.5, 0.5, 0, 0, 0, 0, 1]);
  });

  it("rejects a bad size", () => {
    expect(() => easyprFeatures(bin(1, 1, [1]), 0)).toThrow(
      /size must be a positive integer .* got 0/,
    );
  });
});
