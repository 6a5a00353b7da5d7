import * as tf from "@tensorflow/tfjs-core";
// tfjs-core alone has no gradient functions; tfjs-layers registers them all on the shared
// tfjs-core when it loads. This experiment trains with core ops and needs them.
import "@tensorflow/tfjs-layers";
import {
  AspectRatioGroupedSampler,
  epochPaddingReport,
  type ImageArray,
  padBatch,
  planPaddingWaste,
  RandomBatchSampler,
} from "@trainkit/batching";
import { maskedMeanSquaredError } from "@trainkit/batching/tfjs";
import { ProgressBar } from "../progress.js";
import { type SyntheticShapes, syntheticShapes } from "../synthetic.js";
import { type ExperimentFlags, type Progress, SILENT } from "./common.js";
import { createMaskedFcn, type MaskedFcn } from "./masked-fcn.js";

/** The three ways the experiment trains. */
export type BatchingMode = "batch-size-1" | "random-padded" | "grouped-padded";

export const BATCHING_MODES: readonly BatchingMode[] = [
  "batch-size-1",
  "random-padded",
  "grouped-padded",
];

export const BATCHING_LABELS: Record<BatchingMode, string> = {
  "batch-size-1": "batch size 1",
  "random-padded": "random padded batches",
  "grouped-padded": "aspect-ratio grouped batches",
};

export interface BatchingOptions {
  /** Synthetic images, and the range of their shorter side in pixels. */
  count: number;
  minSide: number;
  maxSide: number;
  epochs: number;
  /** Batch size of the padded ways. */
  batchSize: number;
  /** Canvases are padded to a multiple of this. */
  sizeDivisible: number;
  /** Adam's learning rate at batch size 1; batch size B trains at `learningRate * sqrt(B)`. */
  learningRate: number;
  /** torchvision's aspect-ratio group factor for the grouped way. */
  groupFactor: number;
  /** Hidden channels of the masked FCN. */
  channels: number;
  seed: number;
  progress?: Progress;
}

/** What one way of training measured. */
export interface BatchingRun {
  mode: BatchingMode;
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

/** One padded batch as pixels: real pixels bright (90..255), padding 0. */
export interface PaddedCanvas {
  pixels: Uint8Array;
  width: number;
  height: number;
  /** The image's own `[height, width]` inside the canvas. */
  imageSize: [number, number];
}

export interface BatchingData {
  images: number;
  epochs: number;
  batchSize: number;
  sizeDivisible: number;
  runs: BatchingRun[];
  /** imagesPerSecond and finalLoss of each way over batch size 1's. */
  speedup: Partial<Record<BatchingMode, number>>;
  lossRatio: Partial<Record<BatchingMode, number>>;
  losses: { mode: BatchingMode; epoch: number; loss: number }[];
  /** Padding of one epoch as planned by epochPaddingReport, without training. */
  plannedWaste: Record<BatchingMode, number>;
  /** A random batch of 4 and a batch of 4 from one aspect-ratio group, padded. */
  randomBatch: PaddedCanvas[];
  groupedBatch: PaddedCanvas[];
}

/** The `batching` command's settings for the flags. */
export function batchingOptions(flags: ExperimentFlags): BatchingOptions {
  return {
    count: flags.quick ? 24 : 96,
    minSide: 12,
    maxSide: 14,
    batchSize: 8,
    sizeDivisible: 4,
    epochs: flags.epochs ?? (flags.quick ? 2 : 20),
    learningRate: 0.003,
    groupFactor: 3,
    channels: 8,
    seed: flags.seed,
  };
}

/**
 * Trains the same masked fully-convolutional denoiser on the same variable-size images three
 * ways on the active backend: batch size 1, random padded batches and aspect-ratio-grouped
 * padded batches (@trainkit/batching), with a masked loss so padding never counts. Every tensor
 * it makes is disposed.
 */
export async function batchingExperiment(options: BatchingOptions): Promise<BatchingData> {
  const progress = options.progress ?? SILENT;
  const data = syntheticShapes(options);
  const losses: BatchingData["losses"] = [];
  const runs: BatchingRun[] = [];
  for (const mode of BATCHING_MODES) {
    runs.push(await trainOneWay(mode, data, options, progress, losses));
  }
  const base = runs[0] as BatchingRun;
  const speedup: BatchingData["speedup"] = {};
  const lossRatio: BatchingData["lossRatio"] = {};
  for (const r of runs) {
    speedup[r.mode] = r.imagesPerSecond / base.imagesPerSecond;
    lossRatio[r.mode] = r.finalLoss / base.finalLoss;
  }
  return {
    images: data.inputs.length,
    epochs: options.epochs,
    batchSize: options.batchSize,
    sizeDivisible: options.sizeDivisible,
    runs,
    speedup,
    lossRatio,
    losses,
    ...paddingExamples(data, options),
  };
}

async function trainOneWay(
  mode: BatchingMode,
  data: SyntheticShapes,
  options: BatchingOptions,
  progress: Progress,
  losses: BatchingData["losses"],
): Promise<BatchingRun> {
  const { batchSize, groupFactor, seed, sizeDivisible, epochs } = options;
  const n = data.inputs.length;
  const B = mode === "batch-size-1" ? 1 : batchSize;
  const sampler =
    mode === "grouped-padded"
      ? new AspectRatioGroupedSampler(data.sizes, { batchSize: B, groupFactor, seed })
      : new RandomBatchSampler(n, { batchSize: B, seed });
  const model = createMaskedFcn({ channels: options.channels, seed });
  const optimizer = tf.train.adam(options.learningRate * Math.sqrt(B));
  const initialLoss = await datasetLoss(model, data, options);
  const allBatches: number[][] = [];
  let steps = 0;
  const bar = new ProgressBar(progress.out, BATCHING_LABELS[mode].padEnd(28), epochs);
  const t0 = performance.now();
  for (let epoch = 0; epoch < epochs; epoch++) {
    const batches = sampler.batches(epoch);
    let epochLoss = 0;
    for (const batch of batches) {
      const loss = await withBatch(data, batch, sizeDivisible, (x, y) =>
        optimizer.minimize(
          () => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
          true,
          model.variables,
        ),
      );
      epochLoss += loss * batch.length;
      steps++;
    }
    allBatches.push(...batches);
    losses.push({ mode, epoch: epoch + 1, loss: epochLoss / n });
    const stats = [
      { label: "loss", value: (epochLoss / n).toFixed(5) },
      { label: "images/s", value: (((epoch + 1) * n) / (bar.elapsed || 1)).toFixed(0) },
    ];
    if (epoch + 1 === epochs) bar.finish(stats);
    else bar.update(epoch + 1, stats);
  }
  const seconds = (performance.now() - t0) / 1000;
  const finalLoss = await datasetLoss(model, data, options);
  model.dispose();
  optimizer.dispose();
  return {
    mode,
    batchSize: B,
    steps,
    seconds,
    imagesPerSecond: (n * epochs) / seconds,
    paddingWaste: planPaddingWaste(data.sizes, allBatches, { sizeDivisible }).waste,
    initialLoss,
    finalLoss,
  };
}

interface TensorBatch {
  batch: tf.Tensor4D;
  mask: tf.Tensor4D;
}

/** Pads the inputs and targets of `batch` into tensors, runs `f` and reads its scalar. */
async function withBatch(
  data: SyntheticShapes,
  batch: number[],
  sizeDivisible: number,
  f: (x: TensorBatch, y: TensorBatch) => tf.Scalar | null,
): Promise<number> {
  const pick = (images: ImageArray<Float32Array>[]) =>
    toTensors(
      batch.map((i) => images[i] as ImageArray<Float32Array>),
      sizeDivisible,
    );
  const x = pick(data.inputs);
  const y = pick(data.targets);
  try {
    const loss = f(x, y) as tf.Scalar;
    const value = (await loss.data())[0] as number;
    loss.dispose();
    return value;
  } finally {
    tf.dispose([x.batch, x.mask, y.batch, y.mask]);
  }
}

/** Masked MSE over the whole data set (mean of per-image MSE), in fixed grouped batches. */
async function datasetLoss(
  model: MaskedFcn,
  data: SyntheticShapes,
  options: BatchingOptions,
): Promise<number> {
  const batches = new AspectRatioGroupedSampler(data.sizes, {
    batchSize: options.batchSize,
    groupFactor: options.groupFactor,
    shuffle: false,
  }).batches(0);
  let total = 0;
  for (const batch of batches) {
    const loss = await withBatch(data, batch, options.sizeDivisible, (x, y) =>
      tf.tidy(() => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask)),
    );
    total += loss * batch.length;
  }
  return total / data.inputs.length;
}

function toTensors(images: ImageArray<Float32Array>[], sizeDivisible: number): TensorBatch {
  const { batch, mask } = padBatch(images, { sizeDivisible });
  const [B, H, W, C] = batch.shape;
  return {
    batch: tf.tensor4d(batch.data, [B, H, W, C]),
    mask: tf.tensor4d(Float32Array.from(mask.data), [B, H, W, 1]),
  };
}

/** One epoch's planned padding, and a random and a grouped batch of 4 to look at. */
function paddingExamples(data: SyntheticShapes, options: BatchingOptions) {
  const { batchSize, sizeDivisible, groupFactor, seed } = options;
  const plan = epochPaddingReport(data.sizes, { batchSize, sizeDivisible, groupFactor, seed });
  const randomBatch =
    new RandomBatchSampler(data.sizes.length, { batchSize: 4, seed }).batches(0)[0] ?? [];
  const groupedBatch =
    new AspectRatioGroupedSampler(data.sizes, { batchSize: 4, groupFactor, seed })
      .batches(0)
      .find((b) => b.length === 4) ?? [];
  return {
    plannedWaste: {
      "batch-size-1": plan.batchSizeOne.waste,
      "random-padded": plan.random.waste,
      "grouped-padded": plan.grouped.waste,
    },
    randomBatch: paddedCanvases(data, randomBatch, sizeDivisible),
    groupedBatch: paddedCanvases(data, groupedBatch, sizeDivisible),
  };
}

/** The padded canvases of one batch of targets. */
function paddedCanvases(
  data: SyntheticShapes,
  batch: number[],
  sizeDivisible: number,
): PaddedCanvas[] {
  const padded = padBatch(
    batch.map((i) => data.targets[i] as ImageArray<Float32Array>),
    { sizeDivisible, padValue: -1 },
  );
  const [b, h, w] = padded.batch.shape;
  return Array.from({ length: b }, (_, i) => {
    const pixels = new Uint8Array(h * w);
    for (let p = 0; p < h * w; p++) {
      const v = padded.batch.data[i * h * w + p] as number;
      pixels[p] = v < 0 ? 0 : 90 + Math.round(Math.min(1, Math.max(0, v)) * 165);
    }
    return { pixels, width: w, height: h, imageSize: padded.imageSizes[i] as [number, number] };
  });
}
