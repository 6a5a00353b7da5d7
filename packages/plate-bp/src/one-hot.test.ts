import { describe, expect, it } from "vitest";
import { PlateBpError } from "./errors.js";
import { argmax, oneHot } from "./one-hot.js";

describe("oneHot / argmax", () => {
  it("encodes labels row by row", () => {
    expect(Array.from(oneHot([2, 0], 3))).toEqual([0, 0, 1, 1, 0, 0]);
  });
  it("argmax returns the first maximum", () => {
    expect(argmax([0.1, 0.7, 0.2])).toBe(1);
    expect(argmax([3, 5, 5])).toBe(1);
    expect(argmax(Float32Array.of(-2))).toBe(0);
  });
  it("names out-of-range labels, bad class counts and empty input", () => {
    expect(() => oneHot([0, 3], 3)).toThrow(PlateBpError);
    expect(() => oneHot([0, 3], 3)).toThrow(/label 3 at index 1 is not an integer in 0..2/);
    expect(() => oneHot([0], 0)).toThrow(/numClasses must be a positive integer, got 0/);
    expect(() => argmax([])).toThrow(/empty array/);
  });
});
