import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { registerWasmGradients } from "../src/index.js";
import { avgPoolReference } from "./support/avg-pool-reference.js";

/**
 * Trains every layer type of the issue on wasm (with trainkit's kernels) and on the plain
 * cpu backend from the same weights and data, and compares the gradients of every trainable
 * weight. Inputs are centred on zero so pooling windows hold negative and tied values.
 *
 * tfjs-backend-cpu 4.22's own AvgPoolGrad is wrong where 'same' padding cuts a window (it
 * divides by the full window size, its forward by the cells inside the input), so on the cpu
 * side the average-pool gradient comes from the float64 reference (support/avg-pool-reference)
 * instead; every other kernel is cpu's own.
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

type Pair = number | [number, number];
const pair = (v: Pair): [number, number] => (typeof v === "number" ? [v, v] : v);

/** The parts of tfjs-backend-cpu's backend object the reference kernel touches. */
interface CpuBackendLike {
  readSync(dataId: object): unknown;
  makeTensorInfo(shape: number[], dtype: "float32", values: Float32Array): tf.TensorInfo;
}

/** An AvgPoolGrad kernel for the cpu backend that computes the float64 reference. */
function referenceAvgPoolGrad({
  inputs,
  attrs,
  backend,
}: {
  inputs: Record<string, tf.TensorInfo>;
  attrs: tf.NamedAttrMap;
  backend: CpuBackendLike;
}): tf.TensorInfo {
  const dy = inputs.dy as tf.TensorInfo;
  const input = inputs.input as tf.TensorInfo;
  const geometry = {
    shape: input.shape as [number, number, number, number],
    filterSize: pair(attrs.filterSize as Pair),
    strides: pair(attrs.strides as Pair),
    pad: attrs.pad as "valid" | "same" | number,
  };
  const x = backend.readSync(input.dataId) as Float32Array;
  const { dx } = avgPoolReference(geometry, x, backend.readSync(dy.dataId) as Float32Array);
  return backend.makeTensorInfo(input.shape, "float32", Float32Array.from(dx));
}

/** cpu's AvgPoolGrad replaced by the float64 reference while `body` runs. */
async function withReferenceAvgPoolGradOnCpu<T>(body: () => Promise<T>): Promise<T> {
  const own = tf.getKernel("AvgPoolGrad", "cpu");
  if (own === undefined) throw new Error("the cpu backend has no AvgPoolGrad kernel");
  tf.unregisterKernel("AvgPoolGrad", "cpu");
  tf.registerKernel({
    kernelName: "AvgPoolGrad",
    backendName: "cpu",
    kernelFunc: referenceAvgPoolGrad as unknown as tf.KernelFunc,
  });
  try {
    return await body();
  } finally {
    tf.unregisterKernel("AvgPoolGrad", "cpu");
    tf.registerKernel(own);
  }
}

beforeAll(() => {
  registerWasmGradients();
});

describe("training each layer type on wasm gives the cpu backend's gradients (reference average pooling)", () => {
  it.each(Object.keys(models))("%s", async (name) => {
    const layers = models[name] as Build;
    const x = Float32Array.from({ length: 4 * INPUT[0] * INPUT[1] * INPUT[2] }, (_, i) =>
      Math.sin(i * 12.9898 + 1.5),
    );
    const y = Float32Array.from({ length: 12 }, (_, i) => Math.cos(i * 4.1));
    const cpu = await withReferenceAvgPoolGradOnCpu(() => gradients("cpu", layers, [], x, y));
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
