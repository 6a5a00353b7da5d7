import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { KFold } from "../k-fold.js";
import { gatherIndices, takeSplit } from "./gather-indices.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

describe("gatherIndices / takeSplit", () => {
  it("gathers cross-validation splits with int32 indices", () => {
    const before = tf.memory().numTensors;
    const xs = tf.tensor2d(
      Array.from({ length: 12 }, (_, i) => i),
      [6, 2],
    );
    const [first] = [...new KFold({ nSplits: 3 }).split(xs)];
    const { train, test } = takeSplit(xs, first as { train: Int32Array; test: Int32Array });
    expect(test.arraySync()).toEqual([
      [0, 1],
      [2, 3],
    ]);
    expect(train.shape).toEqual([4, 2]);
    tf.dispose([train, test, xs]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("on the cpu backend: tf.gather's rows for float32, int32 and bool tensors, without GatherV2", async () => {
    const indices = Int32Array.from([4, 0, 3, 3, 1]);
    const inputs = [
      tf.tensor1d([1.5, -2, 3, 4.25, 5], "float32"),
      tf.tensor2d(
        Array.from({ length: 15 }, (_, i) => i - 7),
        [5, 3],
        "int32",
      ),
      tf.tensor4d(
        Array.from({ length: 40 }, (_, i) => i % 3 === 0),
        [5, 2, 2, 2],
        "bool",
      ),
    ];
    for (const x of inputs) {
      const profile = await tf.profile(() => gatherIndices(x, indices));
      expect(profile.kernelNames).not.toContain("GatherV2");
      const ours = profile.result as tf.Tensor;
      const ref = tf.gather(x, tf.tensor1d(indices, "int32"), 0);
      expect(ours.dtype).toBe(x.dtype);
      expect(ours.shape).toEqual(ref.shape);
      expect(Array.from(ours.dataSync())).toEqual(Array.from(ref.dataSync()));
      tf.dispose([ours, ref, x]);
    }
  });
});
