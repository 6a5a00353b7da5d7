import * as tf from "@tensorflow/tfjs-core";
// tfjs-core alone has no gradient functions; tfjs-layers registers all of them on the shared
// tfjs-core when it loads. The demo trains with core ops and needs them.
import "@tensorflow/tfjs-layers";
import { AspectRatioGroupedSampler } from "../aspect-ratio-grouped-sampler.js";
import { planPaddingWaste } from "../epoch-padding-report.js";
import { BatchingError } from "../errors.js";
import type { ImageArray } from "../image.js";
import { assertInteger, assertPositive } from "../internal/validate.js";
import { padBatch } from "../pad-batch.js";
import { RandomBatchSampler } from "../random-batch-sampler.js";
import { syntheticShapes } from "../synthetic-shapes.js";
import { createMaskedFcn } from "./masked-fcn.js";
import { maskedMeanSquaredError } from "./masked-loss.js";

/** The three ways the demo trains. */
export type DemoMode = "batch-size-1" | "random-padded" | "grouped-padded";

/** Options of {@link runBatchingDemo}. */
export interface BatchingDemoOptions {
  /** Number of synthetic images (default 64). */
  count?: number;
  /** Shorter image side range in pixels (default 16..32). */
  minSide?: number;
  maxSide?: number;
  /** Epochs per way (default 6). */
  epochs?: number;
  /** Batch size of the padded ways (default 8). */
  batchSize?: number;
  /** Pad canvases to a multiple of this (default 8). */
  sizeDivisible?: number;
  /** Adam learning rate at batch size 1 (default 0.003). */
  learningRate?: number;
  /** How the learning rate grows with batch size B: `"sqrt"` (default, lr * sqrt(B)), `"linear"`, `"none"`. */
  lrScaling?: "sqrt" | "linear" | "none";
  /** torchvision aspect-ratio group factor for the grouped way (default 1: bins 0.5, 1, 2). */
  groupFactor?: number;
  /** Hidden channels of the model (default 8). */
  channels?: number;
  seed?: number;
  /** Which ways to run (default all three, in this order). */
  modes?: readonly DemoMode[];
  /** Called after each epoch of each way. */
  onEpoch?: (info: { mode: DemoMode; epoch: number; loss: number }) => void;
}

/** What one way of training measured. */
export interface DemoRun {
  mode: DemoMode;
  batchSize: number;
  /** Optimizer steps taken. */
  steps: number;
  /** Training wall time in seconds (padding, tensor upload and steps). */
  seconds: number;
  imagesPerSecond: number;
  /** Share of computed pixels that were padding, over all epochs. */
  paddingWaste: number;
  /** Masked MSE over the whole data set (mean of per-image MSE) before and after training. */
  initialLoss: number;
  finalLoss: number;
}

/** Result of {@link runBatchingDemo}. */
export interface BatchingDemoResult {
  backend: string;
  images: number;
  epochs: number;
  runs: DemoRun[];
  /** imagesPerSecond of each way over batch size 1 (when it ran). */
  speedup: Partial<Record<DemoMode, number>>;
  /** finalLoss of each way over batch size 1 (when it ran). */
  lossRatio: Partial<Record<DemoMode, number>>;
}

const ALL_MODES: readonly DemoMode[] = ["batch-size-1", "random-padded", "grouped-padded"];

/**
 * Trains the same small fully-convolutional denoiser on the same variable-size synthetic images
 * three ways on the active tfjs backend: batch size 1, random padded batches and aspect-ratio-grouped
 * padded batches, with a masked loss so padding never counts. Reports images/s, padding waste and
 * final loss of each. Every tensor it makes is disposed.
 */
export async function runBatchingDemo(
  options: BatchingDemoOptions = {},
): Promise<BatchingDemoResult> {
  const {
    count = 64,
    minSide = 16,
    maxSide = 32,
    epochs = 6,
    batchSize = 8,
    sizeDivisible = 8,
    learningRate = 0.003,
    lrScaling = "sqrt",
    groupFactor = 1,
    channels = 8,
    seed = 0,
    modes = ALL_MODES,
    onEpoch,
  } = options;
  assertInteger("epochs", epochs, 1);
  assertInteger("batchSize", batchSize, 1);
  assertPositive("learningRate", learningRate);
  if (lrScaling !== "sqrt" && lrScaling !== "linear" && lrScaling !== "none") {
    throw new BatchingError(
      "INVALID_OPTION",
      `lrScaling must be "sqrt", "linear" or "none", got ${JSON.stringify(lrScaling)}.`,
    );
  }
  for (const m of modes) {
    if (!ALL_MODES.includes(m)) {
      throw new BatchingError(
        "INVALID_OPTION",
        `modes contains ${JSON.stringify(m)}; valid modes are ${ALL_MODES.map((x) => `"${x}"`).join(", ")}.`,
      );
    }
  }
  const data = syntheticShapes({ count, minSide, maxSide, seed });
  const n = data.inputs.length;
  const evalBatches = new AspectRatioGroupedSampler(data.sizes, {
    batchSize,
    groupFactor,
    shuffle: false,
  }).batches(0);

  const runs: DemoRun[] = [];
  for (const mode of modes) {
    const B = mode === "batch-size-1" ? 1 : batchSize;
    const sampler =
      mode === "grouped-padded"
        ? new AspectRatioGroupedSampler(data.sizes, { batchSize: B, groupFactor, seed })
        : new RandomBatchSampler(n, { batchSize: B, seed });
    const model = createMaskedFcn({ channels, seed });
    const factor = lrScaling === "linear" ? B : lrScaling === "sqrt" ? Math.sqrt(B) : 1;
    const optimizer = tf.train.adam(learningRate * factor);
    const lossOf = (batch: number[]) => {
      const x = toTensors(
        batch.map((i) => data.inputs[i] as ImageArray<Float32Array>),
        sizeDivisible,
      );
      const y = toTensors(
        batch.map((i) => data.targets[i] as ImageArray<Float32Array>),
        sizeDivisible,
      );
      return { x, y, dispose: () => tf.dispose([x.batch, x.mask, y.batch, y.mask]) };
    };
    const evaluate = async (): Promise<number> => {
      let total = 0;
      for (const batch of evalBatches) {
        const { x, y, dispose } = lossOf(batch);
        const loss = tf.tidy(() =>
          maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
        );
        total += ((await loss.data())[0] as number) * batch.length;
        loss.dispose();
        dispose();
      }
      return total / n;
    };
    const initialLoss = await evaluate();
    const allBatches: number[][] = [];
    let steps = 0;
    const t0 = performance.now();
    for (let epoch = 0; epoch < epochs; epoch++) {
      const batches = sampler.batches(epoch);
      let epochLoss = 0;
      for (const batch of batches) {
        const { x, y, dispose } = lossOf(batch);
        const loss = optimizer.minimize(
          () => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
          true,
          model.variables,
        ) as tf.Scalar;
        epochLoss += ((await loss.data())[0] as number) * batch.length;
        loss.dispose();
        dispose();
        steps++;
      }
      allBatches.push(...batches);
      onEpoch?.({ mode, epoch, loss: epochLoss / n });
    }
    const seconds = (performance.now() - t0) / 1000;
    const finalLoss = await evaluate();
    model.dispose();
    optimizer.dispose();
    runs.push({
      mode,
      batchSize: B,
      steps,
      seconds,
      imagesPerSecond: (n * epochs) / seconds,
      paddingWaste: planPaddingWaste(data.sizes, allBatches, { sizeDivisible }).waste,
      initialLoss,
      finalLoss,
    });
  }
  const base = runs.find((r) => r.mode === "batch-size-1");
  const speedup: Partial<Record<DemoMode, number>> = {};
  const lossRatio: Partial<Record<DemoMode, number>> = {};
  if (base) {
    for (const r of runs) {
      speedup[r.mode] = r.imagesPerSecond / base.imagesPerSecond;
      lossRatio[r.mode] = r.finalLoss / base.finalLoss;
    }
  }
  return { backend: tf.getBackend(), images: n, epochs, runs, speedup, lossRatio };
}

function toTensors(images: ImageArray<Float32Array>[], sizeDivisible: number) {
  const { batch, mask } = padBatch(images, { sizeDivisible });
  const [B, H, W, C] = batch.shape;
  return {
    batch: tf.tensor4d(batch.data, [B, H, W, C]),
    mask: tf.tensor4d(Float32Array.from(mask.data), [B, H, W, 1]),
  };
}
