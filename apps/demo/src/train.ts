import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { type Output, ProgressBar } from "./progress.js";

export interface FitOptions {
  epochs: number;
  batchSize: number;
  out: Output;
  validation?: [tf.Tensor, tf.Tensor];
}

export interface EpochLog {
  epoch: number;
  loss: number;
  accuracy?: number;
  valLoss?: number;
  valAccuracy?: number;
  learningRate: number;
  samplesPerSecond: number;
}

/** The learning rate an optimizer applies now (tfjs keeps it in a protected field). */
export function currentLearningRate(optimizer: tf.Optimizer): number {
  const lr = (optimizer as unknown as { learningRate?: unknown }).learningRate;
  return typeof lr === "number" ? lr : Number.NaN;
}

/** `model.fit` with a progress bar per epoch: loss, learning rate, samples/s and ETA. */
export async function fitWithProgress(
  model: tfl.LayersModel,
  x: tf.Tensor,
  y: tf.Tensor,
  options: FitOptions,
): Promise<EpochLog[]> {
  const n = x.shape[0] as number;
  const batches = Math.ceil(n / options.batchSize);
  const logs: EpochLog[] = [];
  let bar: ProgressBar | undefined;
  let seen = 0;
  await model.fit(x, y, {
    epochs: options.epochs,
    batchSize: options.batchSize,
    shuffle: true,
    verbose: 0,
    ...(options.validation ? { validationData: options.validation } : {}),
    callbacks: {
      onEpochBegin: async (epoch) => {
        bar = new ProgressBar(options.out, `epoch ${epoch + 1}/${options.epochs}`, batches);
        seen = 0;
      },
      onBatchEnd: async (batch, batchLogs) => {
        seen += Math.min(options.batchSize, n - batch * options.batchSize);
        bar?.update(batch + 1, [
          { label: "loss", value: (batchLogs?.loss ?? Number.NaN).toFixed(4) },
          { label: "lr", value: currentLearningRate(model.optimizer).toExponential(2) },
          { label: "samples/s", value: (seen / (bar?.elapsed || 1)).toFixed(0) },
        ]);
      },
      onEpochEnd: async (epoch, epochLogs) => {
        const samplesPerSecond = seen / (bar?.elapsed || 1);
        const log: EpochLog = {
          epoch: epoch + 1,
          loss: epochLogs?.loss ?? Number.NaN,
          learningRate: currentLearningRate(model.optimizer),
          samplesPerSecond,
        };
        if (epochLogs?.acc !== undefined) log.accuracy = epochLogs.acc;
        if (epochLogs?.val_loss !== undefined) log.valLoss = epochLogs.val_loss;
        if (epochLogs?.val_acc !== undefined) log.valAccuracy = epochLogs.val_acc;
        logs.push(log);
        const stats = [
          { label: "loss", value: log.loss.toFixed(4) },
          ...(log.accuracy !== undefined ? [{ label: "acc", value: log.accuracy.toFixed(3) }] : []),
          ...(log.valAccuracy !== undefined
            ? [{ label: "val_acc", value: log.valAccuracy.toFixed(3) }]
            : []),
          { label: "lr", value: log.learningRate.toExponential(2) },
          { label: "samples/s", value: samplesPerSecond.toFixed(0) },
        ];
        bar?.finish(stats);
      },
    },
  });
  return logs;
}

/** Fraction of rows whose arg-max prediction is the label. */
export function accuracy(model: tfl.LayersModel, x: tf.Tensor, labels: Int32Array): number {
  const predicted = tf.tidy(() => tf.argMax(model.predict(x) as tf.Tensor, -1).dataSync());
  let right = 0;
  for (let i = 0; i < labels.length; i++) if (predicted[i] === labels[i]) right++;
  return right / labels.length;
}
