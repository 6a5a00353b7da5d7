import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { createImage } from "./image.js";
import { padBatch } from "./pad-batch.js";
import { paddedSize } from "./padded-size.js";

const a = createImage(Float32Array.from([1, 2, 3, 4, 5, 6]), 2, 3); // 2x3
const b = createImage(Float32Array.from([7, 8, 9, 10, 11, 12]), 3, 2); // 3x2

describe("paddedSize", () => {
  it("takes the per-dimension max and rounds each up to sizeDivisible", () => {
    expect(
      paddedSize(
        [
          [2, 3],
          [3, 2],
        ],
        4,
      ),
    ).toEqual([4, 4]);
    expect(
      paddedSize(
        [
          [800, 1066],
          [1066, 800],
        ],
        32,
      ),
    ).toEqual([1088, 1088]);
    expect(
      paddedSize(
        [
          [800, 1066],
          [800, 1066],
        ],
        32,
      ),
    ).toEqual([800, 1088]);
    expect(paddedSize([[5, 7]], 1)).toEqual([5, 7]);
  });

  it("rejects an empty list and a non-integer divisor, naming the value", () => {
    expect(() => paddedSize([], 32)).toThrow(BatchingError);
    expect(() => paddedSize([], 32)).toThrow(/non-empty array/);
    expect(() => paddedSize([[2, 2]], 0)).toThrow(/sizeDivisible must be an integer >= 1, got 0/);
    expect(() => paddedSize([[2, 2.5] as never], 32)).toThrow(/imageSizes\[0\].*\[2,2.5\]/);
  });
});

describe("padBatch on typed-array images", () => {
  it("copies each image to the top-left and pads bottom/right to the rounded batch max", () => {
    const { batch, imageSizes, mask } = padBatch([a, b], { sizeDivisible: 4 });
    expect(batch.shape).toEqual([2, 4, 4, 1]);
    expect(imageSizes).toEqual([
      [2, 3],
      [3, 2],
    ]);
    expect(batch.data).toBeInstanceOf(Float32Array);
    // prettier-ignore
    expect(Array.from(batch.data)).toEqual([
      1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0,

      7, 8, 0, 0, 9, 10, 0, 0, 11, 12, 0, 0, 0, 0, 0, 0,
    ]);
    expect(mask.shape).toEqual([2, 4, 4]);
    // prettier-ignore
    expect(Array.from(mask.data)).toEqual([
      1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0,

      1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0, 0,
    ]);
  });

  it("keeps channels interleaved (HWC), fills padValue and keeps the array type", () => {
    const rgb = createImage(Uint8Array.from([1, 2, 3, 4, 5, 6]), 1, 2, 3); // 1x2x3
    const { batch, mask } = padBatch([rgb], { sizeDivisible: 2, padValue: 9 });
    expect(batch.shape).toEqual([1, 2, 2, 3]);
    expect(batch.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(batch.data)).toEqual([1, 2, 3, 4, 5, 6, 9, 9, 9, 9, 9, 9]);
    expect(Array.from(mask.data)).toEqual([1, 1, 0, 0]);
  });

  it("with sizeDivisible 1 pads only to the batch max", () => {
    const { batch } = padBatch([a, b], { sizeDivisible: 1 });
    expect(batch.shape).toEqual([2, 3, 3, 1]);
  });

  it("rejects empty batches, mixed channel counts, bad images and bad padValue", () => {
    expect(() => padBatch([])).toThrow(/at least one image, got an empty array/);
    const rgb = createImage(new Float32Array(12), 2, 2, 3);
    try {
      padBatch([a, rgb]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(BatchingError);
      expect((e as BatchingError).code).toBe("CHANNEL_MISMATCH");
      expect((e as BatchingError).message).toMatch(
        /images\[1\] has 3 channels but images\[0\] has 1/,
      );
    }
    const bad = { data: new Float32Array(5), height: 2, width: 3, channels: 1 };
    expect(() => padBatch([bad])).toThrow(/images\[0\] data has 5 values but .* = 6/);
    expect(() => padBatch([a], { padValue: Number.NaN })).toThrow(/padValue must be a number/);
    expect(() => createImage(new Float32Array(4), 2, 0)).toThrow(/positive integer sizes.*width=0/);
  });
});
