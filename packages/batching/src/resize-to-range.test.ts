import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { createImage } from "./image.js";
import {
  type Box,
  resizeBilinear,
  resizedSize,
  resizeToRange,
  scaleBoxes,
} from "./resize-to-range.js";

describe("resizedSize (torchvision GeneralizedRCNNTransform rule)", () => {
  it("scales the short side to minSize unless the long side would pass maxSize", () => {
    // 600x800: scale = min(800/600, 1333/800) = 1.333 -> 800x1066
    expect(resizedSize([600, 800]).size).toEqual([800, 1066]);
    // 1080x1920: min(800/1080, 1333/1920) = 1333/1920 -> 749x1333
    expect(resizedSize([1080, 1920]).size).toEqual([749, 1333]);
    // small sizes: 10x40 with 20/50 -> min(2, 1.25) = 1.25 -> 12x50
    expect(resizedSize([10, 40], { minSize: 20, maxSize: 50 })).toEqual({
      size: [12, 50],
      scale: 1.25,
    });
  });

  it("reproduces torchvision's float32 scale: 480 -> 799.99998 -> 799 rows", () => {
    // float32(800/480) = 1.6666666269302368; 480 * that = 799.99998; floor = 799.
    const tv = resizedSize([480, 640]);
    expect(tv.scale).toBe(Math.fround(800 / 480));
    expect(tv.size).toEqual([799, 1066]);
    expect(resizedSize([480, 640], { scalePrecision: "float64" }).size).toEqual([800, 1066]);
  });

  it("rejects bad sizes and options, naming them", () => {
    expect(() => resizedSize([0, 5])).toThrow(/\[height, width\].*\[0,5\]/);
    expect(() => resizedSize([5, 5], { minSize: -1 })).toThrow(
      /minSize must be a finite number > 0, got -1/,
    );
    expect(() => resizedSize([5, 5], { scalePrecision: "half" as never })).toThrow(BatchingError);
  });
});

describe("resizeBilinear (align_corners=False)", () => {
  it("upsamples 2x2 -> 4x4 like torch.nn.functional.interpolate(mode='bilinear')", () => {
    const im = createImage(Float32Array.from([1, 2, 3, 4]), 2, 2);
    const out = resizeBilinear(im, 4, 4);
    // torch: [[1, 1.25, 1.75, 2], [1.5, 1.75, 2.25, 2.5], [2.5, 2.75, 3.25, 3.5], [3, 3.25, 3.75, 4]]
    // prettier-ignore
    const expected = [
      1, 1.25, 1.75, 2, 1.5, 1.75, 2.25, 2.5, 2.5, 2.75, 3.25, 3.5, 3, 3.25, 3.75, 4,
    ];
    Array.from(out.data).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 6);
    });
  });

  it("downsamples 4x4 -> 2x2 by averaging 2x2 blocks (sample points at 0.5 and 2.5)", () => {
    const im = createImage(
      Float32Array.from({ length: 16 }, (_, i) => i),
      4,
      4,
    );
    expect(Array.from(resizeBilinear(im, 2, 2).data)).toEqual([2.5, 4.5, 10.5, 12.5]);
  });
});

describe("resizeToRange", () => {
  it("resizes pixels and scales boxes by new/old size per axis", () => {
    const im = createImage(new Float32Array(10 * 40 * 3).fill(7), 10, 40, 3);
    const r = resizeToRange(im, { minSize: 20, maxSize: 50 }, [[4, 2, 40, 10]]);
    expect(r.size).toEqual([12, 50]);
    expect(r.image.height).toBe(12);
    expect(r.image.width).toBe(50);
    expect(r.image.channels).toBe(3);
    expect(r.image.data.every((v) => v === 7)).toBe(true);
    // ratio_w = 50/40 = 1.25, ratio_h = 12/10 = 1.2
    const box = r.boxes?.[0] as Box;
    expect(box[0]).toBeCloseTo(5, 12);
    expect(box[1]).toBeCloseTo(2.4, 12);
    expect(box[2]).toBeCloseTo(50, 12);
    expect(box[3]).toBeCloseTo(12, 12);
  });

  it("scaleBoxes uses per-axis ratios (480x640 -> 800x1066)", () => {
    const [box] = scaleBoxes([[10, 20, 30, 40]], [480, 640], [800, 1066]);
    expect(box?.[0]).toBeCloseTo(10 * (1066 / 640), 10);
    expect(box?.[1]).toBeCloseTo(20 * (800 / 480), 10);
    expect(box?.[2]).toBeCloseTo(30 * 1.665625, 10);
    expect(box?.[3]).toBeCloseTo(40 * (5 / 3), 10);
  });

  it("rejects malformed boxes with the box and its index", () => {
    expect(() => scaleBoxes([[1, 2, 3] as never], [2, 2], [4, 4])).toThrow(
      /boxes\[0\] must be \[xmin, ymin, xmax, ymax\].*\[1,2,3\]/,
    );
    try {
      scaleBoxes("x" as never, [2, 2], [4, 4]);
      expect.unreachable();
    } catch (e) {
      expect((e as BatchingError).code).toBe("INVALID_BOX");
    }
  });
});
