import { describe, expect, it } from "vitest";
import {
  aspectRatioBins,
  aspectRatioGroups,
  landscapePortraitGroups,
} from "./aspect-ratio-groups.js";
import { BatchingError } from "./errors.js";

describe("aspectRatioBins (2 ** linspace(-1, 1, 2k + 1))", () => {
  it("k = 3 gives [0.5, 0.63, 0.794, 1, 1.26, 1.587, 2]", () => {
    const bins = aspectRatioBins(3);
    const expected = [0.5, 2 ** (-2 / 3), 2 ** (-1 / 3), 1, 2 ** (1 / 3), 2 ** (2 / 3), 2];
    expect(bins).toHaveLength(7);
    bins.forEach((b, i) => {
      expect(b).toBeCloseTo(expected[i] as number, 12);
    });
    expect(bins.map((b) => Number(b.toFixed(3)))).toEqual([0.5, 0.63, 0.794, 1, 1.26, 1.587, 2]);
  });

  it("k = 1 gives [0.5, 1, 2] and k = 0 gives [1]", () => {
    expect(aspectRatioBins(1)).toEqual([0.5, 1, 2]);
    expect(aspectRatioBins(0)).toEqual([1]);
  });

  it("rejects a negative or fractional factor", () => {
    expect(() => aspectRatioBins(-1)).toThrow(BatchingError);
    expect(() => aspectRatioBins(1.5)).toThrow(/groupFactor must be an integer >= 0, got 1.5/);
  });
});

describe("aspectRatioGroups (bisect_right on width / height)", () => {
  it("puts each ratio in the bin above its left edge; edges go up", () => {
    // [h, w]: ratios 0.25, 0.5 (edge), 0.75, 1 (edge), 4/3, 2 (edge), 3
    const sizes = [
      [400, 100],
      [200, 100],
      [400, 300],
      [100, 100],
      [480, 640],
      [100, 200],
      [100, 300],
    ] as const;
    expect(aspectRatioGroups(sizes, 3)).toEqual([0, 1, 2, 4, 5, 7, 7]);
    expect(aspectRatioGroups(sizes, 0)).toEqual([0, 0, 0, 1, 1, 1, 1]);
  });
});

describe("landscapePortraitGroups (detectron2)", () => {
  it("is 0 for width > height, 1 otherwise (squares go with portraits)", () => {
    expect(
      landscapePortraitGroups([
        [480, 640],
        [640, 480],
        [500, 500],
      ]),
    ).toEqual([0, 1, 1]);
  });

  it("rejects a malformed size by index", () => {
    expect(() => landscapePortraitGroups([[1, 2], [3] as never])).toThrow(/sizes\[1\]/);
  });
});
