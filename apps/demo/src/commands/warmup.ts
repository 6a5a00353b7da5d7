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
import type { Context } from "../context.js";
import { barChart, lineChart } from "../report/charts.js";
import { Report } from "../report/report.js";
import { barImages } from "../synthetic.js";
import {
  accuracy,
  type BatchLog,
  type EpochLog,
  type FitResult,
  fitDatasetWithProgress,
  fitWithProgress,
} from "../train.js";
import { type BackendSummary, backendSummary, reportSubtitle } from "./common.js";

export type WarmupKind = "none" | "learning-rate" | "batch-size" | "layers" | "loss";

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

export interface WarmupResult {
  command: "warmup";
  backend: BackendSummary;
  train: number;
  test: number;
  peakLearningRate: number;
  warmupSteps: number;
  runs: WarmupRun[];
  report: string;
  seconds: number;
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

/** A moving average over `k` updates, for readable per-update loss curves. */
function smooth(values: number[], k: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    if (i >= k) sum -= values[i - k] as number;
    out.push(sum / Math.min(i + 1, k));
  }
  return out;
}

/**
 * The demo CNN at a high learning rate, with and without warm-up: the learning rate (linear
 * warm-up), the batch size (growing batches), the layers (gradual unfreezing) and a loss term
 * (a ramped weight), each against the same start without warm-up.
 */
export async function runWarmup(ctx: Context): Promise<WarmupResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const trainSize = flags.quick ? 256 : 1536;
  const testSize = flags.quick ? 128 : 512;
  const epochs = flags.epochs ?? (flags.quick ? 2 : 3);
  const batchSize = 32;
  const peak = 0.1;
  const stepsPerEpoch = Math.ceil(trainSize / batchSize);
  const totalSteps = epochs * stepsPerEpoch;
  const warmupSteps = Math.max(2, Math.round(stepsPerEpoch * (flags.quick ? 0.5 : 1)));
  const train = await barImages(trainSize, flags.seed);
  const test = await barImages(testSize, flags.seed + 1000);

  log();
  log(
    `Warm-up: the demo CNN on ${trainSize} bar images at Adam ${peak} (100x the usual 1e-3), ${epochs} epochs of ${stepsPerEpoch} updates, batch ${batchSize}`,
  );
  const constant = constantScheduleWithWarmup({ lr: peak, numWarmupSteps: 0 });
  const warm = constantScheduleWithWarmup({
    lr: peak,
    numWarmupSteps: warmupSteps,
    warmupStartFactor: 0.05,
  });
  for (const w of describeSchedule(warm, totalSteps).warnings) log(`  schedule: ${w.message}`);

  const runs: WarmupRun[] = [];
  const run = async (
    name: string,
    kind: WarmupKind,
    what: string,
    body: (model: tfl.Sequential, label: string) => Promise<FitResult>,
    loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor,
  ) => {
    const t0 = performance.now();
    log(`- ${name}: ${what}`);
    // Every run starts from the same weights (seeded initialisers).
    const model = demoCnn({ learningRate: peak, seed: flags.seed, ...(loss ? { loss } : {}) });
    const fit = await body(model, name);
    const testAccuracy = await accuracy(model, test.x, test.labels);
    model.optimizer.dispose(); // passed to compile, so not owned (disposed) by the model
    model.dispose();
    const r: WarmupRun = {
      name,
      kind,
      what,
      testAccuracy,
      firstEpochLoss: fit.epochs[0]?.loss ?? Number.NaN,
      finalLoss: fit.epochs.at(-1)?.loss ?? Number.NaN,
      epochs: fit.epochs,
      batches: fit.batches,
      seconds: (performance.now() - t0) / 1000,
    };
    log(`  test accuracy ${(testAccuracy * 100).toFixed(1)}%`);
    runs.push(r);
  };
  const fitOptions = (label: string, callbacks: tfl.Callback[]) => ({
    epochs,
    batchSize,
    out: ctx.out,
    label,
    shuffle: false, // the images are already in random order; runs see the same batches
    callbacks,
  });

  await run("no warm-up", "none", `Adam at ${peak} from the first update`, (model, label) =>
    fitWithProgress(
      model,
      train.x,
      train.y,
      fitOptions(label, [new LearningRateScheduler(constant)]),
    ),
  );
  await run(
    "learning-rate warm-up",
    "learning-rate",
    `linear from ${Number((peak * 0.05).toPrecision(3))} to ${peak} over ${warmupSteps} updates (constantScheduleWithWarmup)`,
    (model, label) =>
      fitWithProgress(
        model,
        train.x,
        train.y,
        fitOptions(label, [new LearningRateScheduler(warm)]),
      ),
  );
  const batchRamp = batchSizeRamp({
    start: 4,
    end: batchSize,
    rampLength: trainSize,
    multipleOf: 4,
  });
  await run(
    "batch-size warm-up",
    "batch-size",
    `batches grow from 4 to ${batchSize} over the first epoch (batchSizeRamp + growingBatchDataset)`,
    async (model, label) => {
      const dataset = growingBatchDataset({ xs: train.x, ys: train.y, schedule: batchRamp });
      let seen = 0;
      return fitDatasetWithProgress(model, dataset as never, {
        epochs,
        out: ctx.out,
        label,
        callbacks: [new LearningRateScheduler(constant)],
        batchesInEpoch: (epoch) => {
          const sizes = planEpochBatches(batchRamp, trainSize, { epoch, samplesSeen: seen });
          seen += trainSize;
          return sizes.length;
        },
      });
    },
  );
  await run(
    "layer warm-up",
    "layers",
    "the top layer trains alone first, one more layer each epoch (GradualUnfreezing)",
    (model, label) =>
      fitWithProgress(
        model,
        train.x,
        train.y,
        fitOptions(label, [
          new LearningRateScheduler(constant),
          new GradualUnfreezing({
            schedule: unfreezeSchedule({ numGroups: 3, epochsPerGroup: 1, initialGroups: 1 }),
          }),
        ]),
      ),
  );
  const penalty = new ScheduledValue(linearRamp({ from: 0, to: 0.2, steps: warmupSteps }));
  await run(
    "loss warm-up",
    "loss",
    `a confidence penalty whose weight ramps from 0 to 0.2 over ${warmupSteps} updates (ScheduledValue)`,
    (model, label) =>
      fitWithProgress(
        model,
        train.x,
        train.y,
        fitOptions(label, [new LearningRateScheduler(constant), penalty]),
      ),
    penalisedLoss(() => penalty.value),
  );
  tf.dispose([train.x, train.y, test.x, test.y]);

  const report = new Report("trainkit warmup: warm-up at a high learning rate", [
    ...reportSubtitle(ctx),
    `${trainSize} training and ${testSize} test images (10 classes of bars), Adam peak ${peak}, batch ${batchSize}, ${epochs} epochs`,
  ]);
  const stepRows = (names: string[], smoothK: number) =>
    runs
      .filter((r) => names.includes(r.name))
      .flatMap((r) => {
        const s = smooth(
          r.batches.map((b) => b.loss),
          smoothK,
        );
        let seen = 0;
        return r.batches.map((b, i) => {
          seen += b.size;
          return { run: r.name, step: b.step, samples: seen, loss: s[i] as number };
        });
      });
  const lrSection = report.section("Learning-rate warm-up");
  lrSection
    .text(
      `Adam at ${peak} from the first update takes steps of about ${peak} per weight while its moment estimates still come from a handful of gradients: the softmax saturates and the loss can stick near 14 (accuracy at chance). A linear warm-up over ${warmupSteps} updates starts at 5% of the rate and reaches the peak once the estimates are reliable. Whether the run without warm-up survives depends on the seed; try a few with --seed.`,
    )
    .chart(
      lineChart({
        id: "warmup-loss",
        title: "Training loss per update (moving average of 4)",
        data: stepRows(["no warm-up", "learning-rate warm-up"], 4),
        x: { field: "step", title: "update" },
        y: { field: "loss", title: "loss", log: true },
        color: { field: "run" },
      }),
    )
    .chart(
      lineChart({
        id: "lr-schedule",
        title: "Learning rate per update",
        data: runs
          .filter((r) => r.kind === "none" || r.kind === "learning-rate")
          .flatMap((r) => r.batches.map((b) => ({ run: r.name, step: b.step, lr: b.lr }))),
        x: { field: "step", title: "update" },
        y: { field: "lr", title: "learning rate" },
        color: { field: "run" },
        caption: "Read from the optimizer before each update (LearningRateScheduler sets it).",
      }),
    );
  report
    .section("Other warm-ups")
    .text(
      "Each run starts from the same initial weights and sees the same images in the same order at the same constant learning rate; only the warm-up differs.",
    )
    .chart(
      lineChart({
        id: "all-warmups-loss",
        title: "Training loss, every run (moving average of 4 updates)",
        data: stepRows(
          runs.map((r) => r.name),
          4,
        ),
        x: { field: "samples", title: "images seen" },
        y: { field: "loss", title: "loss", log: true },
        color: { field: "run" },
      }),
    )
    .chart(
      lineChart({
        id: "batch-size-ramp",
        title: "Batch size per update (batch-size warm-up)",
        data: (runs.find((r) => r.kind === "batch-size")?.batches ?? []).map((b) => ({
          step: b.step,
          size: b.size,
        })),
        x: { field: "step", title: "update" },
        y: { field: "size", title: "batch size" },
      }),
    )
    .chart(
      lineChart({
        id: "loss-weight-ramp",
        title: "Confidence-penalty weight per update (loss warm-up)",
        data: penalty.applied.map((a) => ({ step: a.step, weight: a.value })),
        x: { field: "step", title: "update" },
        y: { field: "weight", title: "weight" },
      }),
    );
  report
    .section("Accuracy")
    .chart(
      lineChart({
        id: "train-accuracy",
        title: "Training accuracy per epoch",
        data: runs.flatMap((r) =>
          r.epochs.map((e) => ({ run: r.name, epoch: e.epoch, accuracy: e.accuracy ?? null })),
        ),
        x: { field: "epoch", integer: true },
        y: { field: "accuracy", format: ".0%" },
        color: { field: "run" },
        points: true,
      }),
    )
    .chart(
      barChart({
        id: "test-accuracy",
        title: `Test accuracy on ${testSize} new images`,
        data: runs.map((r) => ({
          run: r.name,
          accuracy: r.testAccuracy,
          text: `${(r.testAccuracy * 100).toFixed(1)}%`,
        })),
        category: { field: "run" },
        value: { field: "accuracy", format: ".0%" },
        label: "text",
      }),
    )
    .table(
      ["run", "warm-up", "loss, epoch 1", "loss, last epoch", "test accuracy", "seconds"],
      runs.map((r) => [
        r.name,
        r.what,
        r.firstEpochLoss.toFixed(4),
        r.finalLoss.toFixed(4),
        `${(r.testAccuracy * 100).toFixed(1)}%`,
        r.seconds.toFixed(1),
      ]),
    );
  const reportPath = await report.write(flags.out);

  const seconds = (performance.now() - started) / 1000;
  log();
  log("run                     loss, epoch 1   last epoch   test accuracy");
  for (const r of runs) {
    log(
      `${r.name.padEnd(24)}${r.firstEpochLoss.toFixed(4).padStart(13)}${r.finalLoss.toFixed(4).padStart(13)}${`${(r.testAccuracy * 100).toFixed(1)}%`.padStart(16)}`,
    );
  }
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "warmup",
    backend: backendSummary(ctx),
    train: trainSize,
    test: testSize,
    peakLearningRate: peak,
    warmupSteps,
    runs,
    report: reportPath,
    seconds,
  };
}
