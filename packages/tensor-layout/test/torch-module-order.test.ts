import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import { toNHWC } from "../src/tfjs.js";
import { batchNormConfigFromTorch, loadTorchStateDict, TorchPortError } from "../src/torch.js";
import {
  collectWarnings,
  loadTorchFixture,
  relativeError,
  type TorchFixture,
} from "./helpers/torch-fixtures.js";

const bn = () => tfl.layers.batchNormalization(batchNormConfigFromTorch());

// PyTorch nn.Sequential (scripts/make-torch-fixtures.py, LongSequential), 18 modules:
// 0 Conv2d(3,8,3,p=1,bias=False) 1 BN 2 ReLU 3 Conv2d(8,16,3,p=1,groups=8) 4 BN 5 ReLU
// 6 Conv2d(16,16,1) 7 BN 8 ReLU 9 MaxPool2d(2) 10 Conv2d(16,16,3,p=1,groups=16,bias=False) 11 BN
// 12 ReLU 13 AvgPool2d(2) 14 Flatten 15 Linear(256,10) 16 ReLU 17 Linear(10,5)
function longSequential(): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [16, 16, 3],
        filters: 8,
        kernelSize: 3,
        padding: "same",
        useBias: false,
      }),
      bn(),
      tfl.layers.reLU(),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
      bn(),
      tfl.layers.reLU(),
      tfl.layers.conv2d({ filters: 16, kernelSize: 1 }),
      bn(),
      tfl.layers.reLU(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false }),
      bn(),
      tfl.layers.reLU(),
      tfl.layers.averagePooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: "relu" }),
      tfl.layers.dense({ units: 5 }),
    ],
  });
}

// PyTorch NamedBlocks: stem (Conv2d(3,12,3,p=1,bias=False), BN, ReLU), blocks.0 ... blocks.10
// (each Conv2d(12,12,3,p=1,groups=12,bias=False), BN, ReLU), AdaptiveAvgPool2d(1),
// head (Flatten, Linear(12,16), ReLU, Linear(16,5)).
function namedBlocks(): tfl.LayersModel {
  const blocks = Array.from({ length: 11 }, () => [
    tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: "same", useBias: false }),
    bn(),
    tfl.layers.reLU(),
  ]).flat();
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 3],
        filters: 12,
        kernelSize: 3,
        padding: "same",
        useBias: false,
      }),
      bn(),
      tfl.layers.reLU(),
      ...blocks,
      tfl.layers.globalAveragePooling2d({}),
      tfl.layers.dense({ units: 16, activation: "relu" }),
      tfl.layers.dense({ units: 5 }),
    ],
  });
}

function predict(model: tfl.LayersModel, fx: TorchFixture): Float32Array {
  return tf.tidy(() => {
    const x = toNHWC(tf.tensor(fx.input.data as Float32Array, [...fx.input.shape]), "NCHW");
    return (model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** The state_dict keys PyTorch had, without the BatchNorm counters the loader skips. */
const forwardKeys = (fx: TorchFixture) => fx.keys.filter((k) => !k.endsWith("num_batches_tracked"));

describe("loading the sorted keys of a safetensors file with no order option (real PyTorch models)", () => {
  it("an nn.Sequential of 18 modules: number order recovers the forward order, output to 1e-4", async () => {
    const fx = await loadTorchFixture("long-sequential");
    const fileOrder = Object.keys(fx.stateDict);
    // The file lists 10.* and 15.* before 3.*: pairing in the file's order cannot work.
    expect(fileOrder.indexOf("10.weight")).toBeLessThan(fileOrder.indexOf("3.weight"));
    expect(fileOrder.indexOf("15.weight")).toBeLessThan(fileOrder.indexOf("3.weight"));
    const model = longSequential();
    const { warnings, onWarning } = collectWarnings();
    const before = tf.memory().numTensors;
    const result = loadTorchStateDict(model, fx.stateDict, { onWarning });
    expect(tf.memory().numTensors).toBe(before);
    expect(warnings).toEqual([]);
    expect(result.assignments.map((a) => a.torchKey)).toEqual(forwardKeys(fx));
    expect(result.assignments.find((a) => a.torchKey === "10.weight")?.conversion).toBe(
      "(c m) 1 h w -> h w c m",
    );
    expect(result.assignments.find((a) => a.torchKey === "15.weight")?.conversion).toBe(
      "o (c h w) -> (h w c) o with c=16, h=4, w=4",
    );
    const y = predict(model, fx);
    expect(fx.output.shape).toEqual([2, 5]);
    expect(relativeError(y, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });

  it("the same file paired in the file's own order fails (what number order fixes)", async () => {
    const fx = await loadTorchFixture("long-sequential");
    const model = longSequential();
    expect(() =>
      loadTorchStateDict(model, fx.stateDict, {
        order: Object.keys(fx.stateDict),
        onWarning: () => {},
      }),
    ).toThrow(TorchPortError);
    model.dispose();
  });

  it("named submodules sorted blocks < head < stem: shapes put stem first, output to 1e-4", async () => {
    const fx = await loadTorchFixture("named-blocks");
    const fileOrder = Object.keys(fx.stateDict).filter((k) => !k.endsWith("num_batches_tracked"));
    expect(fileOrder[0]).toBe("blocks.0.0.weight");
    expect(fileOrder.indexOf("blocks.10.0.weight")).toBeLessThan(
      fileOrder.indexOf("blocks.2.0.weight"),
    );
    expect(fileOrder.slice(-2)).toEqual(["stem.1.running_var", "stem.1.weight"]);
    const model = namedBlocks();
    const { warnings, onWarning } = collectWarnings();
    const result = loadTorchStateDict(model, fx.stateDict, { onWarning });
    expect(warnings).toEqual([]);
    expect(result.assignments.map((a) => a.torchKey)).toEqual(forwardKeys(fx));
    const y = predict(model, fx);
    expect(relativeError(y, fx.output.data as Float32Array)).toBeLessThan(1e-4);
    model.dispose();
  });
});
