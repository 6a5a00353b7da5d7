import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { tfSamePadding } from "./same-padding.js";

describe("tfSamePadding", () => {
  it.each([
    // in, k, s, d -> out, before, after
    [8, 3, 2, 1, 4, 0, 1],
    [7, 3, 2, 1, 4, 1, 1],
    [224, 7, 2, 1, 112, 2, 3],
    [5, 3, 1, 1, 5, 1, 1],
    [6, 1, 2, 1, 3, 0, 0],
    [9, 3, 1, 2, 9, 2, 2],
  ])(
    "in %i, kernel %i, stride %i, dilation %i → out %i, pad %i/%i",
    (n, k, s, d, out, before, after) => {
      const p = tfSamePadding(n, k, s, d);
      expect(p).toEqual({
        outSize: out,
        total: before + after,
        before,
        after,
        asymmetric: before !== after,
      });
    },
  );

  it("matches what tfjs really does: 'same' at stride 2 equals explicit padding then 'valid'", () => {
    const before0 = tf.memory().numTensors;
    for (const size of [8, 7]) {
      tf.tidy(() => {
        const x = tf.randomNormal([1, size, size, 2], 0, 1, "float32", 1) as tf.Tensor4D;
        const k = tf.randomNormal([3, 3, 2, 3], 0, 1, "float32", 2) as tf.Tensor4D;
        const { before, after } = tfSamePadding(size, 3, 2);
        const same = tf.conv2d(x, k, 2, "same");
        const explicit = tf.conv2d(
          tf.pad(x, [
            [0, 0],
            [before, after],
            [before, after],
            [0, 0],
          ]) as tf.Tensor4D,
          k,
          2,
          "valid",
        );
        expect(same.shape).toEqual(explicit.shape);
        const diff = tf.max(tf.abs(tf.sub(same, explicit))).dataSync()[0] as number;
        expect(diff).toBeLessThan(1e-5);
        // and symmetric padding (what PyTorch padding=1 does) differs exactly when the split is uneven
        const symmetric = tf.conv2d(
          tf.pad(x, [
            [0, 0],
            [1, 1],
            [1, 1],
            [0, 0],
          ]) as tf.Tensor4D,
          k,
          2,
          "valid",
        );
        const symDiff = tf.max(tf.abs(tf.sub(same, symmetric))).dataSync()[0] as number;
        if (tfSamePadding(size, 3, 2).asymmetric) expect(symDiff).toBeGreaterThan(1e-3);
        else expect(symDiff).toBeLessThan(1e-5);
      });
    }
    expect(tf.memory().numTensors).toBe(before0);
  });
});
