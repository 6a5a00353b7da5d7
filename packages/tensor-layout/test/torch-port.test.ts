import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import { toNHWC } from "../src/tfjs.js";
import {
  batchNormConfigFromTorch,
  convertLinearWeight,
  loadTorchStateDict,
  TorchPortError,
} from "../src/torch.js";
import { collectWarnings, loadTorchFixture, relativeError } from "./helpers/torch-fixtures.js";

// PyTorch: Conv2d(3,8,3,p=1) → ReLU → MaxPool2d(2) → Conv2d(8,16,3,s=2,p=1) → ReLU → flatten → Linear(192,10)
function smallCnn(stride2: "recipe" | "same"): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [16, 12, 3],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      ...(stride2 === "recipe"
        ? [
            tfl.layers.zeroPadding2d({
              padding: [
                [1, 1],
                [1, 1],
              ],
            }),
            tfl.layers.conv2d({
              filters: 16,
              kernelSize: 3,
              strides: 2,
              padding: "valid",
              activation: "relu",
            }),
          ]
        : [
            tfl.layers.conv2d({
              filters: 16,
              kernelSize: 3,
              strides: 2,
              padding: "same",
              activation: "relu",
            }),
          ]),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10 }),
    ],
  });
}

// PyTorch: Conv2d(3,8,3,p=1,bias=False) → BN → ReLU → Conv2d(8,16,3,p=1,groups=8) → BN → ReLU
//          → ConvTranspose2d(16,4,2,s=2) → ReLU → AvgPool2d(4) → view(N,-1) → Linear(80,6)
function bnDepthwiseCnn(): tfl.LayersModel {
  const bn = batchNormConfigFromTorch({ eps: 1e-5, momentum: 0.1 });
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [10, 8, 3],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        useBias: false,
      }),
      tfl.layers.batchNormalization(bn),
      tfl.layers.reLU(),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
      tfl.layers.batchNormalization(bn),
      tfl.layers.reLU(),
      tfl.layers.conv2dTranspose({
        filters: 4,
        kernelSize: 2,
        strides: 2,
        padding: "valid",
        activation: "relu",
      }),
      tfl.layers.averagePooling2d({ poolSize: 4 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 6 }),
    ],
  });
}

function predict(
  model: tfl.LayersModel,
  input: { data: Float32Array; shape: number[] },
): Float32Array {
  return tf.tidy(() => {
    const x = toNHWC(tf.tensor(input.data, input.shape), "NCHW");
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

describe("porting real PyTorch models (fixtures made by scripts/make-torch-fixtures.py)", () => {
  it("small CNN: the tfjs model reproduces PyTorch's output to 1e-4", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("recipe");
    const { warnings, onWarning } = collectWarnings();
    const before = tf.memory().numTensors;
    const result = loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings).toEqual([]);
    const dense = result.assignments.find((a) => a.torchKey === "classifier.weight");
    expect(dense?.conversion).toBe("o (c h w) -> (h w c) o with c=16, h=4, w=3");
    expect(dense?.torchShape).toEqual([10, 192]);
    expect(dense?.tfjsShape).toEqual([192, 10]);

    const y = predict(model, fx.input as { data: Float32Array; shape: number[] });
    expect(fx.output.shape).toEqual([2, 10]);
    expect(relativeError(y, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("CNN with BatchNorm, depthwise and transposed conv: reproduces PyTorch's output to 1e-4", async () => {
    const fx = await loadTorchFixture("bn-depthwise-cnn");
    expect(Object.keys(fx.stateDict)).toContain("bn1.num_batches_tracked");
    const model = bnDepthwiseCnn();
    const { warnings, onWarning } = collectWarnings();
    const result = loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(warnings).toEqual([]);
    expect(result.assignments.map((a) => [a.torchKey, a.conversion])).toEqual([
      ["stem.weight", "o i h w -> h w i o"],
      ["bn1.weight", "copy"],
      ["bn1.bias", "copy"],
      ["bn1.running_mean", "copy"],
      ["bn1.running_var", "copy"],
      ["dw.weight", "(c m) 1 h w -> h w c m"],
      ["dw.bias", "copy"],
      ["bn2.weight", "copy"],
      ["bn2.bias", "copy"],
      ["bn2.running_mean", "copy"],
      ["bn2.running_var", "copy"],
      ["up.weight", "i o h w -> h w o i"],
      ["up.bias", "copy"],
      ["head.weight", "o (c h w) -> (h w c) o with c=4, h=5, w=4"],
      ["head.bias", "copy"],
    ]);
    const y = predict(model, fx.input as { data: Float32Array; shape: number[] });
    expect(relativeError(y, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("shows the silent bug: a plain Linear transpose after flatten fits the shapes and gives wrong outputs", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("recipe");
    loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning: () => {} });
    const dense = model.layers[model.layers.length - 1] as tfl.layers.Layer;
    const wrong = convertLinearWeight(fx.stateDict["classifier.weight"] as never);
    const bias = dense.getWeights()[1] as tf.Tensor;
    dense.setWeights([wrong, bias]);
    wrong.dispose();
    const y = predict(model, fx.input as { data: Float32Array; shape: number[] });
    expect(relativeError(y, fx.output.data as Float32Array)).toBeGreaterThan(0.05);
    model.dispose();
  });

  it("warns about stride-2 'same' padding, and that model indeed disagrees with PyTorch", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("same");
    const { warnings, onWarning } = collectWarnings();
    loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(warnings).toHaveLength(1);
    const [w] = warnings;
    expect(w?.code).toBe("SAME_PADDING_STRIDE");
    expect(w?.layer).toBe(model.layers[2]?.name);
    expect(w?.message).toContain("on a 8×6 input");
    expect(w?.message).toContain("rows 0 top / 1 bottom");
    expect(w?.message).toContain("zeroPadding2d({ padding: [[p, p], [p, p]] })");
    expect(w?.message).toContain("padding: 'valid'");
    const y = predict(model, fx.input as { data: Float32Array; shape: number[] });
    expect(relativeError(y, fx.output.data as Float32Array)).toBeGreaterThan(1e-3);
    model.dispose();
  });

  it("warns when BatchNormalization keeps tfjs's epsilon and momentum defaults", async () => {
    const fx = await loadTorchFixture("bn-depthwise-cnn");
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [10, 8, 3],
          filters: 8,
          kernelSize: 3,
          padding: "same",
          useBias: false,
        }),
        tfl.layers.batchNormalization(),
        tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
        tfl.layers.batchNormalization(batchNormConfigFromTorch()),
        tfl.layers.conv2dTranspose({ filters: 4, kernelSize: 2, strides: 2 }),
        tfl.layers.averagePooling2d({ poolSize: 4 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 6 }),
      ],
    });
    const { warnings, onWarning } = collectWarnings();
    loadTorchStateDict(model, fx.stateDict, { order: fx.keys, onWarning });
    expect(warnings.map((w) => w.code)).toEqual(["BATCHNORM_EPSILON", "BATCHNORM_MOMENTUM"]);
    expect(warnings[0]?.message).toContain(
      "has epsilon 0.001 but PyTorch BatchNorm2d module bn1 uses eps 0.00001",
    );
    expect(warnings[1]?.message).toContain(
      "momentum 0.99; PyTorch momentum 0.1 means tfjs momentum 0.9",
    );
    model.dispose();
  });

  it("without the key order, the sorted safetensors keys still load: each module goes where its shapes fit", async () => {
    const fx = await loadTorchFixture("small-cnn");
    // the file's order: classifier.* before features.*
    expect(Object.keys(fx.stateDict)[0]).toBe("classifier.bias");
    const model = smallCnn("recipe");
    const result = loadTorchStateDict(model, fx.stateDict, { onWarning: () => {} });
    expect(result.assignments.map((a) => a.torchKey)).toEqual(fx.keys);
    const y = predict(model, fx.input as { data: Float32Array; shape: number[] });
    expect(relativeError(y, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("when no order of the modules fits, fails on the first mismatch, says so, and writes nothing", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("recipe");
    const kernelBefore = model.layers[0]?.getWeights()[0]?.dataSync().slice();
    const stateDict = {
      ...fx.stateDict,
      "classifier.weight": { dtype: "F32", shape: [10, 190], data: new Float32Array(1900) },
    };
    let error: unknown;
    try {
      loadTorchStateDict(model, stateDict, { onWarning: () => {} });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TorchPortError);
    const e = error as TorchPortError;
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("classifier.weight has 190 inputs");
    expect(e.message).toContain(
      `tfjs weight ${model.layers[model.layers.length - 1]?.weights[0]?.name}`,
    );
    expect(e.message).toContain("No order of the PyTorch modules that their names allow");
    expect(e.message).toContain("pass options.order");
    expect(model.layers[0]?.getWeights()[0]?.dataSync()).toEqual(kernelBefore);
    model.dispose();
  });

  it("pairs in the order given by options.order, even a wrong one, and then fails without the hint", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("recipe");
    let error: unknown;
    try {
      loadTorchStateDict(model, fx.stateDict, {
        order: ["classifier", "features.0", "features.3"],
        onWarning: () => {},
      });
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(TorchPortError);
    expect((error as TorchPortError).message).toContain("classifier.weight has shape [10, 192]");
    expect((error as TorchPortError).message).not.toContain("options.order");
    model.dispose();
  });

  it("accepts module names as the order", async () => {
    const fx = await loadTorchFixture("small-cnn");
    const model = smallCnn("recipe");
    const r = loadTorchStateDict(model, fx.stateDict, {
      order: ["features.0", "features.3", "classifier"],
      onWarning: () => {},
    });
    expect(r.assignments).toHaveLength(6);
    model.dispose();
  });
});
