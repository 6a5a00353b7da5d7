import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { type Output, ProgressBar } from "./progress.js";

export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  samplesPerSecond: number;
}

/** One optimizer update: its global step, loss, learning rate and batch size. */
export interface BatchLog {
  step: number;
  loss: number;
  lr: number;
  size: number;
}

export interface FitResult {
  epochs: EpochLog[];
  batches: BatchLog[];
}

interface ProgressOptions {
  epochs: number;
  out: Output;
  /** Shown before "epoch i/n" (e.g. the run's name). */
  label?: string;
  /** Batches in an epoch (for the bar). */
  batchesInEpoch: (epoch: number) => number;
  /** Samples in batch `batch` of the current epoch. */
  batchSize: (batch: number) => number;
  /** Called after every batch with its loss (for extra bookkeeping). */
  onBatch?: (log: BatchLog) => void;
}

/** The learning rate an optimizer applies now (tfjs keeps it in a protected field). */
export function currentLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === "number" ? lr : Number.NaN;
}

/**
 * A fit callback that draws a progress bar per epoch (loss, learning rate, samples/s, ETA) and
 * records every batch and epoch. It reads the learning rate after the other callbacks have set
 * it, so put it last.
 */
function progressCallback(
  model: tfl.LayersModel,
  options: ProgressOptions,
): { callback: tfl.CustomCallback; result: FitResult } {
  const result: FitResult = { epochs: [], batches: [] };
  let bar: ProgressBar | undefined;
  let seen = 0;
  let lr = Number.NaN;
  const prefix = options.label ? `${options.label}: ` : "";
  const callback = new tfl.CustomCallback(
    {
      onEpochBegin: async (epoch) => {
        bar = new ProgressBar(
          options.out,
          `${prefix}epoch ${epoch + 1}/${options.epochs}`,
          options.batchesInEpoch(epoch),
        );
        seen = 0;
      },
      onBatchBegin: async () => {
        lr = currentLearningRate(model.optimizer);
      },
      onBatchEnd: async (batch, logs) => {
        const size = (logs?.size as number | undefined) ?? options.batchSize(batch);
        seen += size;
        const log: BatchLog = {
          step: result.batches.length,
          loss: logs?.loss ?? Number.NaN,
          lr,
          size,
        };
        result.batches.push(log);
        options.onBatch?.(log);
        bar?.update(batch + 1, [
          { label: "loss", value: log.loss.toFixed(4) },
          { label: "lr", value: lr.toExponential(2) },
          { label: "samples/s", value: (seen / (bar?.elapsed || 1)).toFixed(0) },
        ]);
      },
      onEpochEnd: async (epoch, logs) => {
        const samplesPerSecond = seen / (bar?.elapsed || 1);
        const log: EpochLog = {
          epoch: epoch + 1,
          loss: logs?.loss ?? Number.NaN,
          learningRate: lr,
          samplesPerSecond,
        };
        if (logs?.acc !== undefined) log.accuracy = logs.acc;
        if (logs?.val_loss !== undefined) log.valLoss = logs.val_loss;
        if (logs?.val_acc !== undefined) log.valAccuracy = logs.val_acc;
        result.epochs.push(log);
        bar?.finish([
          { label: "loss", value: log.loss.toFixed(4) },
          ...(log.accuracy !== undefined ? [{ label: "acc", value: log.accuracy.toFixed(3) }] : []),
          ...(log.valAccuracy !== undefined
            ? [{ label: "val_acc", value: log.valAccuracy.toFixed(3) }]
            : []),
          { label: "lr", value: log.learningRate.toExponential(2) },
          { label: "samples/s", value: samplesPerSecond.toFixed(0) },
        ]);
      },
    },
    "never",
  );
  return { callback, result };
}

export interface FitOptions {
  epochs: number;
  batchSize: number;
  out: Output;
  label?: string;
  validation?: [tf.Tensor, tf.Tensor];
  /** Extra callbacks (learning-rate schedulers, unfreezing, ...), run before the progress bar. */
  callbacks?: tfl.Callback[];
  /** Shuffle every epoch (tfjs uses Math.random; default true). */
  shuffle?: boolean;
}

/** `model.fit` with a progress bar per epoch: loss, learning rate, samples/s and ETA. */
export async function fitWithProgress(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: FitOptions,
): Promise<FitResult> {
  const n = x.shape[0] as number;
  const { callback, result } = progressCallback(model, {
    epochs: options.epochs,
    out: options.out,
    ...(options.label ? { label: options.label } : {}),
    batchesInEpoch: () => Math.ceil(n / options.batchSize),
    batchSize: (batch) => Math.min(options.batchSize, n - batch * options.batchSize),
  });
  await model.fit(x, y, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    shuffle: options.shuffle ?? true,
    verbose: 0,
    ...(options.validation ? { validationData: options.validation } : {}),
    callbacks: [...(options.callbacks ?? []), callback],
  });
  return result;
}

/** `model.fitDataset` with the same progress bar; `batchesInEpoch` sizes the bar. */
export async function fitDatasetWithProgress(
  model: tfl.LayersModel,
  dataset: Parameters<tfl.LayersModel["fitDataset"]>[0],
  options: Omit<FitOptions, "batchSize" | "shuffle"> & {
    batchesInEpoch: (epoch: number) => number;
  },
): Promise<FitResult> {
  const { callback, result } = progressCallback(model, {
    epochs: options.epochs,
    out: options.out,
    ...(options.label ? { label: options.label } : {}),
    batchesInEpoch: options.batchesInEpoch,
    batchSize: () => Number.NaN,
  });
  await model.fitDataset(dataset, {
    epochs: options.epochs,
    verbose: 0,
    ...(options.validation ? { validationData: options.validation } : {}),
    callbacks: [...(options.callbacks ?? []), callback],
  });
  return result;
}

/**
 * Arg-max class of each row. Read with `await data()`: webgpu in Node has no `dataSync()`.
 */
export async function argMaxRows(rows: tf.Tensor): Promise<Int32Array> {
  const classes = tf.argMax(rows, -1);
  try {
    return (await classes.data()) as Int32Array;
  } finally {
    classes.dispose();
  }
}

/** Arg-max class of each row of a model's predictions. */
export async function predictClasses(model: tfl.LayersModel, x: tf.Tensor): Promise<Int32Array> {
  const predictions = model.predict(x) as tf.Tensor;
  try {
    return await argMaxRows(predictions);
  } finally {
    predictions.dispose();
  }
}

/** Fraction of rows whose arg-max prediction is the label. */
export async function accuracy(
  model: tfl.LayersModel,
  x: tf.Tensor,
  labels: ArrayLike<number>,
): Promise<number> {
  return accuracyOf(await predictClasses(model, x), labels);
}

export function accuracyOf(predicted: ArrayLike<number>, labels: ArrayLike<number>): number {
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return labels.length > 0 ? right / labels.length : Number.NaN;
}

/** `matrix[t][p]`: rows of true class t predicted as p. */
export function confusionMatrix(
  predicted: ArrayLike<number>,
  labels: ArrayLike<number>,
  classes: number,
): number[][] {
  const m = Array.from({ length: classes }, () => new Array<number>(classes).fill(0));
  for (let i = 0; i < labels.length; i++) {
    const row = m[labels[i] as number];
    if (row) row[predicted[i] as number] = (row[predicted[i] as number] ?? 0) + 1;
  }
  return m;
}
