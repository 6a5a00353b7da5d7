import { describe, expect, it } from "vitest";
import { boxBlur3 } from "./box-blur.js";
import { PlateBpError } from "./errors.js";

describe("boxBlur3", () => {
  it("averages the 3x3 neighbourhood inside the image, rounded", () => {
    // 3x3 with a single 90 in the centre: every pixel's neighbourhood holds the centre
    // corners: 90/4 = 22.5 → 23; edges: 90/6 = 15; centre: 90/9 = 10
    const data = new Uint8Array(9);
    data[4] = 90;
    const r = boxBlur3({ width: 3, height: 3, data });
    expect([...r.data]).toEqual([23, 15, 23, 15, 10, 15, 23, 15, 23]);
  });

  it("leaves a constant image unchanged and handles one-pixel images", () => {
    expect([...boxBlur3({ width: 4, height: 2, data: new Uint8Array(8).fill(77) }).data]).toEqual(
      new Array(8).fill(77),
    );
    expect([...boxBlur3({ width: 1, height: 1, data: Uint8Array.of(5) }).data]).toEqual([5]);
  });

  it("rejects inconsistent dimensions with INVALID_IMAGE", () => {
    const bad = { width: 0, height: 2, data: new Uint8Array(0) };
    expect(() => boxBlur3(bad)).toThrow(PlateBpError);
    expect(() => boxBlur3(bad)).toThrow(
      /boxBlur3: width and height must be positive integers, got 0x2/,
    );
  });
});
