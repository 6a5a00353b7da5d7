import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { isTensor } from "./is-tensor.js";

describe("isTensor", () => {
  it("accepts tfjs tensors of any rank and dtype, and nothing that only looks like data", () => {
    const tensors = [tf.scalar(1), tf.tensor2d([1, 2, 3, 4], [2, 2], "int32"), tf.tensor1d(["a"])];
    for (const t of tensors) expect(isTensor(t)).toBe(true);
    const notTensors = [
      { data: new Float32Array(4), shape: [2, 2] },
      { shape: [2], dtype: "float32" },
      [1, 2, 3],
      new Float32Array(3),
      null,
      undefined,
      "tensor",
    ];
    for (const v of notTensors) expect(isTensor(v)).toBe(false);
    tf.dispose(tensors);
  });
});
