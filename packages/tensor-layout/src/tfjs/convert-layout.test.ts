import * as tf from "@tensorflow/tfjs-core";
// Gradients of the ops used below (tf.sum, tf.mul, tf.transpose), as @tensorflow/tfjs registers them.
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import { describe, expect, it } from "vitest";
import { LayoutError } from "../errors.js";
import { convertLayout, toNCHW, toNHWC } from "./convert-layout.js";

describe("toNHWC / toNCHW on tfjs tensors", () => {
  it("moves channels last: value at [n,c,h,w] lands at [n,h,w,c]", () => {
    const [N, C, H, W] = [2, 3, 4, 5];
    const values = Array.from({ length: N * C * H * W }, (_, i) => i);
    const x = tf.tensor(values, [N, C, H, W]);
    const before = tf.memory().numTensors;
    const y = toNHWC(x, "NCHW");
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(y.shape).toEqual([N, H, W, C]);
    const out = y.arraySync() as number[][][][];
    for (let n = 0; n < N; n++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            expect(out[n]?.[h]?.[w]?.[c]).toBe(((n * C + c) * H + h) * W + w);
          }
    const back = toNCHW(y, "NHWC");
    expect(back.shape).toEqual([N, C, H, W]);
    expect(Array.from(back.dataSync())).toEqual(values);
    tf.dispose([x, y, back]);
  });

  it("handles unbatched and 3-D-volume layouts", () => {
    const x = tf.zeros([3, 8, 6]);
    const y = toNHWC(x, "CHW");
    expect(y.shape).toEqual([8, 6, 3]);
    const v = tf.zeros([1, 2, 3, 4, 5]);
    const w = toNHWC(v, "NCDHW");
    expect(w.shape).toEqual([1, 3, 4, 5, 2]);
    tf.dispose([x, y, v, w]);
  });

  it("on the cpu backend: exactly tf.transpose's values for float32, int32 and bool, without its kernel", async () => {
    expect(tf.getBackend()).toBe("cpu");
    const shape = [2, 5, 3, 7];
    const n = 2 * 5 * 3 * 7;
    for (const dtype of ["float32", "int32", "bool"] as const) {
      const values = Array.from({ length: n }, (_, i) =>
        dtype === "bool" ? i % 3 === 0 : i * 0.25 - 9,
      );
      const x = tf.tensor(values as number[], shape, dtype);
      const profile = await tf.profile(() => toNHWC(x, "NCHW"));
      expect(profile.kernelNames).not.toContain("Transpose");
      const y = toNHWC(x, "NCHW");
      const ref = tf.transpose(x, [0, 2, 3, 1]);
      expect(y.dtype).toBe(dtype);
      expect(y.shape).toEqual(ref.shape);
      expect(Array.from(y.dataSync())).toEqual(Array.from(ref.dataSync()));
      tf.dispose([x, y, ref, profile.result as tf.Tensor]);
    }
  });

  it("passes gradients through as tf.transpose does", () => {
    const x = tf.randomNormal([2, 3, 4, 5], 0, 1, "float32", 7);
    const w = tf.randomNormal([2, 4, 5, 3], 0, 1, "float32", 8);
    const ours = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(toNHWC(t, "NCHW"), w)))(x);
    const ref = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(tf.transpose(t, [0, 2, 3, 1]), w)))(x);
    expect(ours.shape).toEqual([2, 3, 4, 5]);
    expect(Array.from(ours.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, w, ours, ref]);
  });

  it("rejects a tensor whose rank does not match the layout", () => {
    const x = tf.zeros([3, 8, 6]);
    let error: unknown;
    try {
      toNHWC(x, "NCHW");
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LayoutError);
    expect((error as LayoutError).code).toBe("RANK_MISMATCH");
    expect((error as LayoutError).message).toContain("[3, 8, 6] has rank 3");
    x.dispose();
  });
});

describe("the tfjs entry on typed arrays and between any layouts", () => {
  it("gives the same values as the tensor path for a batch", () => {
    const shape = [2, 4, 3, 5];
    const data = Float32Array.from({ length: 120 }, (_, i) => i / 7);
    const t = tf.tensor(data, shape);
    const ref = toNHWC(t, "NCHW");
    const arr = toNHWC({ data, shape }, "NCHW");
    expect(arr.shape).toEqual(ref.shape);
    expect(Array.from(arr.data)).toEqual(Array.from(ref.dataSync()));
    tf.dispose([t, ref]);
  });

  it("converts a tensor between any two layouts as tf.transpose with permutation() does", () => {
    const x = tf.tensor(
      Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const y = convertLayout(x, "NHW", "WNH");
    const ref = tf.transpose(x, [2, 0, 1]);
    expect(y.shape).toEqual([4, 2, 3]);
    expect(Array.from(y.dataSync())).toEqual(Array.from(ref.dataSync()));
    tf.dispose([x, y, ref]);
  });
});
