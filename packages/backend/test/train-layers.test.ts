import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { registerWasmGradients } from "../src/index.js";

/**
 * Trains every layer type of the issue on wasm (with trainkit's kernels) and on the plain
 * cpu backend from the same weights and data, and compares the gradients of every trainable
 * weight. Inputs are centred on zero so pooling windows hold negative and tied values.
 */

type Build = () => tfl.layers.Layer[];
const INPUT: [number, number, number] = [10, 9, 3];

const models: Record<string, Build> = {
  Conv2D: () => [tfl.layers.conv2d({ filters: 4, kernelSize: 3, strides: 2, padding: "same" })],
  DepthwiseConv2D: () => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 1 }),
    tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
  ],
  SeparableConv2D: () => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 1 }),
    tfl.layers.separableConv2d({ filters: 4, kernelSize: 3, strides: 2 }),
  ],
  BatchNormalization: () => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 1 }),
    tfl.layers.batchNormalization(),
  ],
  MaxPooling2D: () => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 1 }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
  ],
  AveragePooling2D: () => [
    tfl.layers.conv2d({ filters: 3, kernelSize: 1 }),
    tfl.layers.averagePooling2d({ poolSize: 3, strides: 2, padding: "same" }),
  ],
  Dense: () => [tfl.layers.dense({ units: 5, activation: "tanh" })],
};

function build(layers: Build): tfl.Sequential {
  return tfl.sequential({
    layers: [
      tfl.layers.inputLayer({ inputShape: INPUT }),
      ...layers(),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 3 }),
    ],
  });
}

async function gradients(
  backend: "cpu" | "wasm",
  layers: Build,
  weights: Float32Array[],
  x: Float32Array,
  y: Float32Array,
): Promise<{ grads: Float32Array[]; leaked: number; weights: Float32Array[] }> {
  await tf.setBackend(backend);
  const model = build(layers);
  if (weights.length > 0) {
    model.setWeights(weights.map((w, i) => tf.tensor(w, model.getWeights()[i]?.shape)));
  }
  const before = tf.memory().numTensors;
  const xs = tf.tensor4d(x, [4, ...INPUT]);
  const ys = tf.tensor2d(y, [4, 3]);
  const { value, grads } = tf.variableGrads(() =>
    tf.losses.meanSquaredError(ys, model.apply(xs, { training: true }) as tf.Tensor),
  );
  const trainable = model.trainableWeights.map((w) => w.originalName);
  const out = await Promise.all(
    trainable.map((name) => grads[name]?.data() as Promise<Float32Array>),
  );
  tf.dispose([value, xs, ys, ...Object.values(grads)]);
  const leaked = tf.memory().numTensors - before;
  const initial = await Promise.all(
    model.getWeights().map((w) => w.data() as Promise<Float32Array>),
  );
  model.dispose();
  return { grads: out, leaked, weights: initial };
}

const maxAbs = (a: Float32Array) => a.reduce((m, v) => Math.max(m, Math.abs(v)), 0);

/**
 * max |a - b| over a weight's gradient, relative to the largest gradient of the model: a bias
 * followed by BatchNormalization has a true gradient of 0, where only rounding noise is left.
 */
function relError(actual: Float32Array, expected: Float32Array, scale: number): number {
  let maxDiff = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] as number) - (expected[i] as number)));
  }
  return maxDiff / scale;
}

beforeAll(() => {
  registerWasmGradients();
});

describe("training each layer type on wasm gives the cpu backend's gradients", () => {
  it.each(Object.keys(models))("%s", async (name) => {
    const layers = models[name] as Build;
    const x = Float32Array.from({ length: 4 * INPUT[0] * INPUT[1] * INPUT[2] }, (_, i) =>
      Math.sin(i * 12.9898 + 1.5),
    );
    const y = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 4.1));
    const cpu = await gradients("cpu", layers, [], x, y);
    const wasm = await gradients("wasm", layers, cpu.weights, x, y);
    expect(wasm.grads.length).toBe(cpu.grads.length);
    const scale = Math.max(...cpu.grads.map(maxAbs));
    expect(scale).toBeGreaterThan(0);
    for (let i = 0; i < cpu.grads.length; i++) {
      expect(
        relError(wasm.grads[i] as Float32Array, cpu.grads[i] as Float32Array, scale),
      ).toBeLessThan(1e-4);
    }
    expect(wasm.leaked).toBe(0);
  });
});
