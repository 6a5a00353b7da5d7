import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { uniform } from "./seeded-values.js";

/**
 * A small training set-up that every child process rebuilds identically (seeded weights, data
 * and data order), for the exact-resume and optimizer tests on the tensorflow rung.
 */
export const N = 32;
export const BATCH = 8;
export const STEPS_PER_EPOCH = N / BATCH;
export const CLASSES = 3;

/** conv-bn-pool-dense with seeded initializers, compiled with `optimizer` (default Adam 0.01). */
export function buildSmallModel(optimizer: tf.Optimizer = tf.train.adam(0.01)): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [8, 8, 1],
        filters: 4,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: CLASSES,
        activation: "softmax",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer, loss: "categoricalCrossentropy" });
  return model;
}

export const xData = uniform(N * 64, 7);
export const yData = Float32Array.from({ length: N * CLASSES }, (_, i) =>
  Math.floor(i / CLASSES) % CLASSES === i % CLASSES ? 1 : 0,
);

/** The data order of an epoch: a permutation seeded by the epoch number (the whole RNG state). */
function epochOrder(epoch: number): number[] {
  const r = uniform(N, 1000 + epoch);
  const p = Array.from({ length: N }, (_, i) => i);
  for (let i = N - 1; i > 0; i--) {
    const j = Math.floor((r[i] as number) * (i + 1));
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

/** One optimizer step with trainOnBatch on the batch of global step `step`. */
export async function trainStep(model: tfl.Sequential, step: number): Promise<number> {
  const epoch = Math.floor(step / STEPS_PER_EPOCH);
  const start = (step % STEPS_PER_EPOCH) * BATCH;
  const rows = epochOrder(epoch).slice(start, start + BATCH);
  const x = tf.tensor4d(
    Float32Array.from(rows.flatMap((r) => Array.from(xData.subarray(r * 64, r * 64 + 64)))),
    [BATCH, 8, 8, 1],
  );
  const y = tf.tensor2d(
    Float32Array.from(rows.flatMap((r) => Array.from(yData.subarray(r * 3, r * 3 + 3)))),
    [BATCH, CLASSES],
  );
  const loss = (await model.trainOnBatch(x, y)) as number;
  tf.dispose([x, y]);
  return loss;
}

/** Float32 bytes as hex, for bit-exact comparisons across processes. */
export const hex = (d: Float32Array) =>
  Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");
