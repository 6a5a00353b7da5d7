import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { tfSameConvTransposeCrop, torchConvTransposeCrop } from "./conv-transpose-crop.js";
import { TorchPortError } from "./errors.js";

function catchPortError(fn: () => unknown): TorchPortError {
  try {
    fn();
  } catch (e) {
    if (e instanceof TorchPortError) return e;
    throw e;
  }
  throw new Error("expected a TorchPortError");
}

describe("torchConvTransposeCrop", () => {
  // Hand-computed: full = (in − 1)·s + d·(k − 1) + 1, out = full − 2p + op, PyTorch keeps rows
  // [p, full − p + op) of the full output; rows past `full` hold only the bias.
  it.each([
    // in, k, s, p, op, d -> full, out, before, after, inputPadAfter, cropping, tfSame
    [4, 3, 2, 1, 1, 1, 9, 8, 1, 0, 0, [1, 0], false], // the common decoder layer: 'same' is shifted
    [4, 3, 2, 1, 0, 1, 9, 7, 1, 1, 0, [1, 1], false], // odd output 2n − 1: 'same' cannot give it
    [4, 4, 2, 1, 0, 1, 10, 8, 1, 1, 0, [1, 1], true], // DCGAN's k=4 s=2 p=1: 'same' is exact
    [4, 2, 2, 0, 0, 1, 8, 8, 0, 0, 0, [0, 0], true],
    [5, 3, 1, 1, 0, 1, 7, 5, 1, 1, 0, [1, 1], true],
    [3, 5, 2, 2, 1, 1, 9, 6, 2, 1, 0, [2, 1], false], // k − s = 3 odd: shifted
    [4, 2, 2, 0, 1, 1, 8, 9, 0, -1, 1, [0, 1], false], // op > p: one bias-only row
    [4, 1, 2, 0, 1, 1, 7, 8, 0, -1, 1, [0, 1], true], // k < s: 'same' appends the bias row too
    [4, 3, 3, 1, 2, 1, 12, 12, 1, -1, 1, [1, 2], false], // same size as 'same', shifted by one
    [4, 3, 1, 1, 2, 3, 10, 10, 1, -1, 1, [1, 0], false], // dilation 3 allows op 2
  ] as const)(
    "in %i, k %i, s %i, p %i, op %i, d %i → full %i, out %i, crop %i/%i",
    (n, k, s, p, op, d, fullSize, outSize, before, after, inputPadAfter, cropping, tfSame) => {
      expect(torchConvTransposeCrop(n, k, s, p, op, d)).toEqual({
        outSize,
        fullSize,
        before,
        after,
        inputPadAfter,
        cropping: [...cropping],
        tfSame,
      });
    },
  );

  it("defaults to stride 1, no padding, dilation 1", () => {
    expect(torchConvTransposeCrop(5, 3)).toEqual({
      outSize: 7,
      fullSize: 7,
      before: 0,
      after: 0,
      inputPadAfter: 0,
      cropping: [0, 0],
      tfSame: false,
    });
  });

  it("rejects output_padding ≥ max(stride, dilation), as PyTorch does", () => {
    const e = catchPortError(() => torchConvTransposeCrop(4, 3, 2, 1, 2));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("outputPadding 2 must be smaller than stride 2 or dilation 1");
    expect(e.message).toContain("Use an outputPadding from 0 to 1");
    // dilation raises the limit
    expect(torchConvTransposeCrop(4, 3, 2, 1, 2, 3).outSize).toBe(13);
  });

  it("rejects a padding that leaves no output, naming the largest that works", () => {
    const e = catchPortError(() => torchConvTransposeCrop(1, 3, 1, 2));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("padding 2 leaves no output");
    expect(e.message).toContain("= 3 − 4 + 0 = -1");
    expect(e.message).toContain("Use a padding of at most 1");
    expect(torchConvTransposeCrop(1, 3, 1, 1).outSize).toBe(1);
  });

  it.each([
    ["inSize", () => torchConvTransposeCrop(0, 3), "inSize must be an integer ≥ 1, got 0"],
    ["stride", () => torchConvTransposeCrop(4, 3, 1.5), "stride must be an integer ≥ 1, got 1.5"],
    [
      "padding",
      () => torchConvTransposeCrop(4, 3, 2, -1),
      "padding must be an integer ≥ 0, got -1",
    ],
    [
      "dilation",
      () => torchConvTransposeCrop(4, 3, 2, 0, 0, 0),
      "dilation must be an integer ≥ 1, got 0",
    ],
    [
      "kernelSize",
      () => tfSameConvTransposeCrop(4, Number.NaN),
      "kernelSize must be an integer ≥ 1, got NaN",
    ],
  ])("rejects a bad %s", (_, fn, text) => {
    const e = catchPortError(fn);
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain(text);
  });
});

describe("tfSameConvTransposeCrop", () => {
  it.each([
    // in, k, s -> out, full, before, after, PyTorch equivalent
    [4, 3, 2, 8, 9, 0, 1, undefined],
    [4, 4, 2, 8, 10, 1, 1, { padding: 1, outputPadding: 0 }],
    [4, 1, 2, 8, 7, 0, -1, { padding: 0, outputPadding: 1 }],
    [4, 5, 2, 8, 11, 1, 2, undefined],
    [4, 3, 1, 4, 6, 1, 1, { padding: 1, outputPadding: 0 }],
    [4, 2, 1, 4, 5, 0, 1, undefined],
    [4, 7, 3, 12, 16, 2, 2, { padding: 2, outputPadding: 0 }],
  ] as const)(
    "in %i, k %i, s %i → out %i of %i, crop %i/%i",
    (n, k, s, outSize, fullSize, before, after, torch) => {
      expect(tfSameConvTransposeCrop(n, k, s)).toEqual({
        outSize,
        fullSize,
        before,
        after,
        torch: torch === undefined ? undefined : { ...torch },
      });
    },
  );

  it("matches what tfjs really does: 'same' equals 'valid' cropped (or extended) as predicted", () => {
    const before0 = tf.memory().numTensors;
    for (const [k, s] of [
      [3, 2],
      [4, 2],
      [5, 2],
      [1, 2],
      [2, 1],
      [3, 3],
    ] as const) {
      tf.tidy(() => {
        const n = 4;
        const x = tf.randomNormal([1, n, n, 2], 0, 1, "float32", 1) as tf.Tensor4D;
        const w = tf.randomNormal([k, k, 3, 2], 0, 1, "float32", 2) as tf.Tensor4D;
        const crop = tfSameConvTransposeCrop(n, k, s);
        const same = tf.conv2dTranspose(x, w, [1, crop.outSize, crop.outSize, 3], s, "same");
        let full = tf.conv2dTranspose(x, w, [1, crop.fullSize, crop.fullSize, 3], s, "valid");
        if (crop.after < 0) {
          full = tf.pad(full, [
            [0, 0],
            [0, -crop.after],
            [0, -crop.after],
            [0, 0],
          ]);
        }
        const cropped = tf.slice(
          full,
          [0, crop.before, crop.before, 0],
          [1, crop.outSize, crop.outSize, 3],
        );
        const diff = tf.max(tf.abs(tf.sub(same, cropped))).dataSync()[0] as number;
        expect(diff, `k ${k} s ${s}`).toBeLessThan(1e-4);
      });
    }
    expect(tf.memory().numTensors).toBe(before0);
  });
});
