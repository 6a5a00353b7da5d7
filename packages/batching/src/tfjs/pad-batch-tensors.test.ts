import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchingError } from "../errors.js";
import { createImage } from "../image.js";
import { padBatch } from "./pad-batch-tensors.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("padBatch on tfjs tensors", () => {
  it("pads [h, w, c] tensors bottom/right to the rounded max and returns a [B, H, W, 1] mask", () => {
    const a = tf.tensor3d([1, 2, 3, 4, 5, 6], [2, 3, 1]);
    const b = tf.tensor3d([7, 8, 9, 10, 11, 12], [3, 2, 1]);
    const before = tf.memory().numTensors;
    const { batch, mask, imageSizes } = padBatch([a, b], { sizeDivisible: 4 });
    expect(tf.memory().numTensors).toBe(before + 2);
    expect(batch.shape).toEqual([2, 4, 4, 1]);
    expect(mask.shape).toEqual([2, 4, 4, 1]);
    expect(imageSizes).toEqual([
      [2, 3],
      [3, 2],
    ]);
    // prettier-ignore
    expect(Array.from(batch.dataSync())).toEqual([
      1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0, 0, 0, 0, 0, 0, 7, 8, 0, 0, 9, 10, 0, 0, 11, 12, 0, 0, 0, 0,
      0, 0,
    ]);
    // prettier-ignore
    expect(Array.from(mask.dataSync())).toEqual([
      1, 1, 1, 0, 1, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 1, 1, 0, 0, 0, 0, 0,
      0,
    ]);
    expect(a.isDisposed).toBe(false);
    tf.dispose([a, b, batch, mask]);
  });

  it("accepts typed-array images and gives the same tensors", () => {
    const t = tf.tensor3d([1, 2, 3, 4, 5, 6], [1, 2, 3]);
    const fromTensor = padBatch([t], { sizeDivisible: 2, padValue: -1 });
    const fromArray = padBatch([createImage(Float32Array.from([1, 2, 3, 4, 5, 6]), 1, 2, 3)], {
      sizeDivisible: 2,
      padValue: -1,
    });
    expect(Array.from(fromArray.batch.dataSync())).toEqual(Array.from(fromTensor.batch.dataSync()));
    expect(Array.from(fromArray.batch.dataSync())).toEqual([
      1, 2, 3, 4, 5, 6, -1, -1, -1, -1, -1, -1,
    ]);
    expect(Array.from(fromArray.mask.dataSync())).toEqual([1, 1, 0, 0]);
    tf.dispose([t, fromTensor.batch, fromTensor.mask, fromArray.batch, fromArray.mask]);
  });

  it("rejects empty input, wrong rank and mixed channels without leaking", () => {
    const before = tf.memory().numTensors;
    const flat = tf.zeros([4, 4]);
    const rgb = tf.zeros([2, 2, 3]) as tf.Tensor3D;
    const grey = tf.zeros([2, 2, 1]) as tf.Tensor3D;
    expect(() => padBatch([])).toThrow(BatchingError);
    expect(() => padBatch([flat as never])).toThrow(
      /images\[0\] must be a \[h, w, c\] tensor.*rank 2/,
    );
    expect(() => padBatch([grey, rgb])).toThrow(/images\[1\] has 3 channels but images\[0\] has 1/);
    tf.dispose([flat, rgb, grey]);
    expect(tf.memory().numTensors).toBe(before);
  });
});
