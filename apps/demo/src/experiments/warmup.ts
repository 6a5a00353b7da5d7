import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import {
  batchSizeRamp,
  constantScheduleWithWarmup,
  describeSchedule,
  linearRamp,
  planEpochBatches,
  unfreezeSchedule,
} from "@trainkit/schedulers";
import {
  GradualUnfreezing,
  growingBatchDataset,
  LearningRateScheduler,
  ScheduledValue,
} from "@trainkit/schedulers/tfjs";
import { demoCnn } from "../cnn.js";
import { barImages } from "../synthetic.js";
import {
  accuracy,
  type BatchLog,
  type EpochLog,
  type FitResult,
  fitDatasetWithProgress,
  fitWithProgress,
} from "../train.js";
import { type ExperimentFlags, type Progress, SILENT } from "./common.js";

export type WarmupKind = "none" | "learning-rate" | "batch-size" | "layers" | "loss";

export interface WarmupOptions {
  /** Bar images to train on and to test on. */
  trainSize: number;
  testSize: number;
  epochs: number;
  batchSize: number;
  /** Adam's learning rate (after the warm-up). */
  peakLearningRate: number;
  /** Updates of the learning-rate and loss warm-ups. */
  warmupSteps: number;
  seed: number;
  progress?: Progress;
}

export interface WarmupRun {
  name: string;
  kind: WarmupKind;
  what: string;
  testAccuracy: number;
  /** Mean loss of the first epoch and of the last. */
  firstEpochLoss: number;
  finalLoss: number;
  epochs: EpochLog[];
  batches: BatchLog[];
  seconds: number;
}

export interface WarmupData extends Omit<WarmupOptions, "progress"> {
  runs: WarmupRun[];
  /** The confidence-penalty weight of every update of the loss warm-up. */
  lossWeights: { step: number; value: number }[];
}

/** The `warmup` command's settings for the flags. */
export function warmupOptions(flags: ExperimentFlags): WarmupOptions {
  const trainSize = flags.quick ? 256 : 1536;
  const batchSize = 32;
  const stepsPerEpoch = Math.ceil(trainSize / batchSize);
  return {
    trainSize,
    testSize: flags.quick ? 128 : 512,
    epochs: flags.epochs ?? (flags.quick ? 2 : 3),
    batchSize,
    peakLearningRate: 0.1,
    warmupSteps: Math.max(2, Math.round(stepsPerEpoch * (flags.quick ? 0.5 : 1))),
    seed: flags.seed,
  };
}

/** The weight of a confidence penalty (negative entropy) added to the cross-entropy. */
function penalisedLoss(weight: () => number) {
  return (yTrue: tf.Tensor, yPred: tf.Tensor): tf.Tensor =>
    tf.tidy(() => {
      const p = tf.clipByValue(yPred, 1e-7, 1);
      const ce = tf.mean(tf.neg(tf.sum(tf.mul(yTrue, tf.log(p)), -1)));
      const negEntropy = tf.mean(tf.sum(tf.mul(p, tf.log(p)), -1));
      return tf.add(ce, tf.mul(weight(), negEntropy));
    });
}

type Images = Awaited<ReturnType<typeof barImages>>;

/** One way to train: what it is, how it fits, and its loss if not cross-entropy. */
interface WarmupWay {
  name: string;
  kind: WarmupKind;
  what: string;
  fit: (model: tfl.Sequential, label: string) => Promise<FitResult>;
  loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

/**
 * The demo CNN at a high learning rate, with and without warm-up: the learning rate (linear
 * warm-up), the batch size (growing batches), the layers (gradual unfreezing) and a loss term
 * (a ramped weight), each from the same initial weights on the same batches.
 */
export async function warmupExperiment(options: WarmupOptions): Promise<WarmupData> {
  const progress = options.progress ?? SILENT;
  const train = await barImages(options.trainSize, options.seed);
  const test = await barImages(options.testSize, options.seed + 1000);
  const penalty = new ScheduledValue(linearRamp({ from: 0, to: 0.2, steps: options.warmupSteps }));
  const totalSteps = options.epochs * Math.ceil(options.trainSize / options.batchSize);
  const schedules = warmupSchedules(options);
  for (const w of describeSchedule(schedules.warm, totalSteps).warnings) {
    progress.log(`  schedule: ${w.message}`);
  }
  const runs: WarmupRun[] = [];
  try {
    for (const way of warmupWays(options, train, schedules, penalty)) {
      runs.push(await trainWay(way, options, test, progress));
    }
  } finally {
    tf.dispose([train.x, train.y, test.x, test.y]);
  }
  const { progress: _progress, ...settings } = options;
  return {
    ...settings,
    runs,
    lossWeights: penalty.applied.map((a) => ({ step: a.step, value: a.value })),
  };
}

/** Trains the demo CNN one way from the seeded start and tests it. */
async function trainWay(
  way: WarmupWay,
  options: WarmupOptions,
  test: Images,
  progress: Progress,
): Promise<WarmupRun> {
  const t0 = performance.now();
  progress.log(`- ${way.name}: ${way.what}`);
  // Every run starts from the same weights (seeded initialisers).
  const model = demoCnn({
    learningRate: options.peakLearningRate,
    seed: options.seed,
    ...(way.loss ? { loss: way.loss } : {}),
  });
  try {
    const fit = await way.fit(model, way.name);
    const testAccuracy = await accuracy(model, test.x, test.labels);
    progress.log(`  test accuracy ${(testAccuracy * 100).toFixed(1)}%`);
    return {
      name: way.name,
      kind: way.kind,
      what: way.what,
      testAccuracy,
      firstEpochLoss: fit.epochs[0]?.loss ?? Number.NaN,
      finalLoss: fit.epochs.at(-1)?.loss ?? Number.NaN,
      epochs: fit.epochs,
      batches: fit.batches,
      seconds: (performance.now() - t0) / 1000,
    };
  } finally {
    model.optimizer.dispose(); // passed to compile, so not owned (disposed) by the model
    model.dispose();
  }
}

/** Adam at the peak from the first update, and with a linear warm-up from 5% of it. */
function warmupSchedules(options: WarmupOptions) {
  const lr = options.peakLearningRate;
  return {
    constant: constantScheduleWithWarmup({ lr, numWarmupSteps: 0 }),
    warm: constantScheduleWithWarmup({
      lr,
      numWarmupSteps: options.warmupSteps,
      warmupStartFactor: 0.05,
    }),
  };
}

/** The five ways, in order: none, learning rate, batch size, layers, loss. */
function warmupWays(
  options: WarmupOptions,
  train: Images,
  schedules: ReturnType<typeof warmupSchedules>,
  penalty: ScheduledValue,
): WarmupWay[] {
  const { epochs, batchSize, warmupSteps, peakLearningRate: peak } = options;
  const out = (options.progress ?? SILENT).out;
  const constant = () => new LearningRateScheduler(schedules.constant);
  // shuffle: false: the images are already in random order; every run sees the same batches.
  const fit = (extra: tfl.Callback[]) => (model: tfl.Sequential, label: string) =>
    fitWithProgress(model, train.x, train.y, {
      epochs,
      batchSize,
      out,
      label,
      shuffle: false,
      callbacks: extra,
    });
  const unfreeze = unfreezeSchedule({ numGroups: 3, epochsPerGroup: 1, initialGroups: 1 });
  return [
    {
      name: "no warm-up",
      kind: "none",
      what: `Adam at ${peak} from the first update`,
      fit: fit([constant()]),
    },
    {
      name: "learning-rate warm-up",
      kind: "learning-rate",
      what: `linear from ${Number((peak * 0.05).toPrecision(3))} to ${peak} over ${warmupSteps} updates (constantScheduleWithWarmup)`,
      fit: fit([new LearningRateScheduler(schedules.warm)]),
    },
    {
      name: "batch-size warm-up",
      kind: "batch-size",
      what: `batches grow from 4 to ${batchSize} over the first epoch (batchSizeRamp + growingBatchDataset)`,
      fit: (model, label) => fitGrowingBatches(model, label, options, train, constant()),
    },
    {
      name: "layer warm-up",
      kind: "layers",
      what: "the top layer trains alone first, one more layer each epoch (GradualUnfreezing)",
      fit: fit([constant(), new GradualUnfreezing({ schedule: unfreeze })]),
    },
    {
      name: "loss warm-up",
      kind: "loss",
      what: `a confidence penalty whose weight ramps from 0 to 0.2 over ${warmupSteps} updates (ScheduledValue)`,
      fit: fit([constant(), penalty]),
      loss: penalisedLoss(() => penalty.value),
    },
  ];
}

/** Batches growing from 4 to the batch size over the first epoch (batchSizeRamp). */
function fitGrowingBatches(
  model: tfl.Sequential,
  label: string,
  options: WarmupOptions,
  train: Images,
  scheduler: LearningRateScheduler,
): Promise<FitResult> {
  const { trainSize, batchSize, epochs } = options;
  const schedule = batchSizeRamp({
    start: 4,
    end: batchSize,
    rampLength: trainSize,
    multipleOf: 4,
  });
  const dataset = growingBatchDataset({ xs: train.x, ys: train.y, schedule });
  let seen = 0;
  return fitDatasetWithProgress(model, dataset as never, {
    epochs,
    out: (options.progress ?? SILENT).out,
    label,
    callbacks: [scheduler],
    batchesInEpoch: (epoch) => {
      const sizes = planEpochBatches(schedule, trainSize, { epoch, samplesSeen: seen });
      seen += trainSize;
      return sizes.length;
    },
  });
}
