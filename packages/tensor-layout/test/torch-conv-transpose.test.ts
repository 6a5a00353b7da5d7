import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import { toNCHW, toNHWC } from "../src/tfjs.js";
import { loadTorchStateDict, torchConvTransposeCrop } from "../src/torch.js";
import { collectWarnings, loadTorchFixture, relativeError } from "./helpers/torch-fixtures.js";

const pairs = (c: [number, number]): [[number, number], [number, number]] => [c, c];

// PyTorch: Conv2d(3,8,3,p=1) → ReLU → ConvTranspose2d(8,4,3,s=2,p=1,op=1) → ReLU
//          → ConvTranspose2d(4,2,4,s=2,p=1), on a 4×3 input (→ 8×6 → 16×12)
function decoder(up1: "recipe" | "same"): tfl.LayersModel {
  // rows 4, columns 3 both give the same crop: it does not depend on the input size
  const crop = torchConvTransposeCrop(4, 3, 2, 1, 1);
  expect(crop.cropping).toEqual([1, 0]);
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [4, 3, 3],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
      }),
      ...(up1 === "recipe"
        ? [
            tfl.layers.conv2dTranspose({
              filters: 4,
              kernelSize: 3,
              strides: 2,
              padding: "valid",
              activation: "relu", // elementwise, so it commutes with the crop
            }),
            tfl.layers.cropping2D({ cropping: pairs(crop.cropping) }),
          ]
        : [
            tfl.layers.conv2dTranspose({
              filters: 4,
              kernelSize: 3,
              strides: 2,
              padding: "same",
              activation: "relu",
            }),
          ]),
      // k=4, s=2, p=1: one of the settings 'same' reproduces exactly (k − s even, p = (k − s)/2)
      tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 4, strides: 2, padding: "same" }),
    ],
  });
}

// PyTorch: ConvTranspose2d(4,3,3,s=2,p=1) → ReLU → ConvTranspose2d(3,2,2,s=2,op=1),
//          on a 3×2 input (→ 5×3 → 11×7)
function oddDecoder(): tfl.LayersModel {
  const up1 = torchConvTransposeCrop(3, 3, 2, 1, 0);
  const up2 = torchConvTransposeCrop(5, 2, 2, 0, 1);
  expect([up1.outSize, up1.cropping]).toEqual([5, [1, 1]]);
  // output_padding > padding: one zero row/column appended to the input makes the extra
  // bias-only row/column, then the crop trims the full output back to PyTorch's size
  expect([up2.outSize, up2.inputPadAfter, up2.cropping]).toEqual([11, 1, [0, 1]]);
  return tfl.sequential({
    layers: [
      tfl.layers.conv2dTranspose({
        inputShape: [3, 2, 4],
        filters: 3,
        kernelSize: 3,
        strides: 2,
        padding: "valid",
        activation: "relu",
      }),
      tfl.layers.cropping2D({ cropping: pairs(up1.cropping) }),
      tfl.layers.zeroPadding2d({ padding: pairs([0, up2.inputPadAfter]) }),
      tfl.layers.conv2dTranspose({ filters: 2, kernelSize: 2, strides: 2, padding: "valid" }),
      tfl.layers.cropping2D({ cropping: pairs(up2.cropping) }),
    ],
  });
}

function predictNCHW(
  model: tfl.LayersModel,
  input: { data: Float32Array; shape: number[] },
): { data: Float32Array; shape: number[] } {
  return tf.tidy(() => {
    const x = toNHWC(tf.tensor(input.data, input.shape), "NCHW");
    const y = toNCHW(model.predict(x) as tf.Tensor, "NHWC");
    return { data: y.dataSync() as Float32Array, shape: y.shape };
  });
}

describe("porting PyTorch ConvTranspose2d with padding / output_padding", () => {
  it("k=3 s=2 p=1 op=1 as 'valid' + cropping2D [[1, 0], [1, 0]] reproduces PyTorch to 1e-4", async () => {
    const fx = await loadTorchFixture("conv-transpose-decoder");
    const model = decoder("recipe");
    const { warnings, onWarning } = collectWarnings();
    const before = tf.memory().numTensors;
    const result = loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings).toEqual([]);
    expect(result.assignments.map((a) => [a.torchKey, a.conversion])).toEqual([
      ["stem.weight", "o i h w -> h w i o"],
      ["stem.bias", "copy"],
      ["up1.weight", "i o h w -> h w o i"],
      ["up1.bias", "copy"],
      ["up2.weight", "i o h w -> h w o i"],
      ["up2.bias", "copy"],
    ]);
    const y = predictNCHW(model, fx.input as { data: Float32Array; shape: number[] });
    expect(y.shape).toEqual([2, 2, 16, 12]);
    expect(fx.output.shape).toEqual([2, 2, 16, 12]);
    expect(relativeError(y.data, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("warns about the naive 'same' layer, whose output has PyTorch's shape and the wrong numbers", async () => {
    const fx = await loadTorchFixture("conv-transpose-decoder");
    const model = decoder("same");
    const { warnings, onWarning } = collectWarnings();
    loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    // only up1 (k − s = 1, odd); up2 (k − s = 2) is exact and gets no warning
    expect(warnings.map((w) => [w.code, w.layer])).toEqual([
      ["SAME_PADDING_TRANSPOSE", model.layers[1]?.name],
    ]);
    const message = warnings[0]?.message ?? "";
    expect(message).toContain(`Layer ${model.layers[1]?.name} is a conv2dTranspose`);
    expect(message).toContain("rows 0 top / 1 bottom and columns 0 left / 1 right");
    expect(message).toContain("shifted by one row and column");
    expect(message).toContain(
      "padding: 'valid' followed by tf.layers.cropping2D({ cropping: [[p, p − op], [p, p − op]] })",
    );
    expect(message).toContain(
      "For rows padding=1, output_padding=1 and columns padding=1, output_padding=1: cropping: [[1, 0], [1, 0]].",
    );
    const y = predictNCHW(model, fx.input as { data: Float32Array; shape: number[] });
    expect(y.shape).toEqual(fx.output.shape);
    expect(relativeError(y.data, fx.output.data as Float32Array)).toBeGreaterThan(1e-2);
    model.dispose();
  });

  it("odd sizes (p=1, no output_padding) and output_padding > padding (bias-only last row) reproduce PyTorch to 1e-4", async () => {
    const fx = await loadTorchFixture("conv-transpose-odd");
    const model = oddDecoder();
    const { warnings, onWarning } = collectWarnings();
    loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(warnings).toEqual([]);
    const y = predictNCHW(model, fx.input as { data: Float32Array; shape: number[] });
    expect(y.shape).toEqual([2, 2, 11, 7]);
    expect(relativeError(y.data, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    // PyTorch's last row and column hold only up2's bias
    const bias = fx.stateDict["up2.bias"]?.data as Float32Array;
    const out = fx.output.data as Float32Array;
    for (let c = 0; c < 2; c++) {
      const lastRow = 10 * 7 + 3 + c * 77; // batch 0, row 10, column 3
      expect(out[lastRow]).toBeCloseTo(bias[c] as number, 6);
    }
    model.dispose();
  });
});
