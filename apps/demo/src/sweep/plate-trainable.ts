import { createHash } from "node:crypto";
import type { Optimizer } from "@tensorflow/tfjs-core";
import type { PlateClassifier } from "@trainkit/plate-bp";
import type { EpochLog } from "@trainkit/plate-bp/tfjs";
import {
  defineTrainable,
  type ParamSpec,
  type ParamValue,
  type Sweep,
  SweepError,
  type Trainable,
  type TrialContext,
  type TrialRun,
} from "@trainkit/sweep";
import type { PlateKind } from "../experiments/plates.js";
import type { CharacterRows } from "../plates/dataset.js";

/**
 * The `plate-bp` trainable of `trainkit sweep`: the plate-character BP network of `plates train`
 * (trainPlateModel of @trainkit/plate-bp), one trial per (config, fold), checkpointed every epoch
 * through the trial's fenced CheckpointManager and resumed from it after a killed or preempted
 * worker. Its Adam is `tensorflowAdam` of @trainkit/backend (native on tensorflow).
 *
 * Config keys (the sweep's `space`):
 * - `schedule`: `constant`, `cosine` (one epoch of linear warm-up from 5%, then cosine decay to 0
 *   over the budget, as `plates train`) or `onecycle` (PyTorch's OneCycleLR over the budget);
 * - `lr`: the peak learning rate of Adam;
 * - `kind` (fixed): `alphanumerics` (default: the 34 plate characters, 120 EasyPR features, the
 *   `demo` command's 5,440 rows) or `digits` (10 classes, 5×5 grid features, 4,000 rows);
 * - `quick` (fixed, default false): 3 fonts and 4 glyphs per class instead of 10 fonts (tests).
 *
 * Reports after every epoch `{ epoch, val_accuracy, loss, accuracy }` (validation accuracy on the
 * trial's test fold; mean training loss and accuracy over the epoch).
 *
 * tfjs, the fonts and the trainer load on first use, so that checking a definition is quick.
 */

export const PLATE_TRAINABLE = "plate-bp";
/**
 * The least time between two checkpoints of a plate trial (epochs take about 0.2 to 0.4 s here):
 * measured, a checkpoint every epoch cost about 6% of a trial's time.
 */
export const CHECKPOINT_INTERVAL_MS = 2000;
export const PLATE_SCHEDULES = ["constant", "cosine", "onecycle"] as const;
export type PlateSchedule = (typeof PLATE_SCHEDULES)[number];
/** The metrics every report holds; the sweep's `metric.name` must be one of them. */
export const PLATE_METRICS = ["val_accuracy", "loss", "accuracy"] as const;
const CONFIG_KEYS = ["schedule", "lr", "kind", "quick"];

/** Rows are rendered with this seed whatever the trial's seed, so every trial sees the same data. */
export const PLATE_DATA_SEED = 42;
const BATCH_SIZE = 64;

export interface PlateDataOptions {
  kind: PlateKind;
  quick: boolean;
}

function fixedValue(space: Sweep["space"], key: string): ParamValue | undefined {
  const spec = space[key];
  if (spec === undefined) return undefined;
  if (typeof spec === "object") {
    throw new SweepError(
      "INVALID_VALUE",
      `space.${key} must be a fixed value for the ${PLATE_TRAINABLE} trainable (every trial's folds are cut from the same rows); got a ${spec.type}.`,
      `space.${key}`,
    );
  }
  return spec;
}

/** The rows a sweep trains on, from the fixed `kind` and `quick` of its space. */
export function plateDataOptions(sweep: Sweep): PlateDataOptions {
  const kind = fixedValue(sweep.space, "kind") ?? "alphanumerics";
  if (kind !== "digits" && kind !== "alphanumerics") {
    throw new SweepError(
      "INVALID_VALUE",
      `space.kind must be "alphanumerics" or "digits", got ${JSON.stringify(kind)}.`,
      "space.kind",
    );
  }
  const quick = fixedValue(sweep.space, "quick") ?? false;
  if (typeof quick !== "boolean") {
    throw new SweepError(
      "INVALID_VALUE",
      `space.quick must be true or false, got ${JSON.stringify(quick)}.`,
      "space.quick",
    );
  }
  return { kind, quick };
}

/** The values a parameter can take, when it has a finite list of them. */
function listedValues(spec: ParamSpec | ParamValue): ParamValue[] | null {
  if (typeof spec !== "object") return [spec];
  if (spec.type === "grid" || spec.type === "choice") return spec.values;
  return null;
}

function checkSchedule(spec: ParamSpec | ParamValue | undefined): void {
  const valid = PLATE_SCHEDULES.map((s) => `"${s}"`).join(", ");
  if (spec === undefined) {
    throw new SweepError(
      "MISSING_KEY",
      `space.schedule is missing: the ${PLATE_TRAINABLE} trainable needs a schedule (${valid}), e.g. schedule: { type: grid, values: [constant, cosine, onecycle] }.`,
      "space.schedule",
    );
  }
  const values = listedValues(spec);
  if (values === null) {
    throw new SweepError(
      "INVALID_VALUE",
      `space.schedule must be one of ${valid}, or a grid or choice of them; got a ${(spec as ParamSpec).type}.`,
      "space.schedule",
    );
  }
  for (const v of values) {
    if (!(PLATE_SCHEDULES as readonly ParamValue[]).includes(v)) {
      throw new SweepError(
        "INVALID_VALUE",
        `space.schedule has ${JSON.stringify(v)}; the schedules are ${valid}.`,
        "space.schedule",
      );
    }
  }
}

function checkLr(spec: ParamSpec | ParamValue | undefined): void {
  if (spec === undefined) {
    throw new SweepError(
      "MISSING_KEY",
      `space.lr is missing: the ${PLATE_TRAINABLE} trainable needs Adam's peak learning rate, e.g. lr: { type: grid, values: [0.003, 0.03] }.`,
      "space.lr",
    );
  }
  const values =
    typeof spec === "object" && (spec.type === "uniform" || spec.type === "loguniform")
      ? [spec.low, spec.high]
      : (listedValues(spec) ?? []);
  for (const v of values) {
    if (typeof v !== "number" || !(v > 0) || !Number.isFinite(v)) {
      throw new SweepError(
        "INVALID_VALUE",
        `space.lr must hold learning rates > 0, got ${JSON.stringify(v)}.`,
        "space.lr",
      );
    }
  }
}

/**
 * Checks that a (validated) sweep suits the `plate-bp` trainable: its config keys, schedules,
 * learning rates, fixed data options and metric. Throws SweepError naming the key.
 */
export function checkPlateSweep(sweep: Sweep): PlateDataOptions {
  for (const key of Object.keys(sweep.space)) {
    if (!CONFIG_KEYS.includes(key)) {
      throw new SweepError(
        "UNKNOWN_KEY",
        `space.${key} is not a parameter of the ${PLATE_TRAINABLE} trainable; its parameters are ${CONFIG_KEYS.join(", ")}.`,
        `space.${key}`,
      );
    }
  }
  checkSchedule(sweep.space.schedule);
  checkLr(sweep.space.lr);
  if (!(PLATE_METRICS as readonly string[]).includes(sweep.metric.name)) {
    throw new SweepError(
      "INVALID_VALUE",
      `metric.name is "${sweep.metric.name}", which the ${PLATE_TRAINABLE} trainable does not report; use one of ${PLATE_METRICS.join(", ")}.`,
      "metric.name",
    );
  }
  return plateDataOptions(sweep);
}

const datasets = new Map<string, Promise<CharacterRows>>();

/**
 * The glyphs of the training fonts the `plates train` experiment renders: features, class of each
 * row. Kept once per process, and on disk between runs (the row cache of `plates/row-cache.ts`:
 * every worker of every `sweep run` would otherwise render the same rows again).
 */
export function plateRows(options: PlateDataOptions): Promise<CharacterRows> {
  const key = `${options.kind}:${options.quick}`;
  let rows = datasets.get(key);
  if (rows === undefined) {
    rows = (async () => {
      const { PLATE_KINDS } = await import("../experiments/plates.js");
      const { cachedCharacterRows } = await import("../plates/row-cache.js");
      const { TRAIN_FONT_FILES } = await import("../plates/fonts.js");
      const { SILENT } = await import("../experiments/common.js");
      const spec = PLATE_KINDS[options.kind];
      const fonts = options.quick ? TRAIN_FONT_FILES.slice(0, 3) : TRAIN_FONT_FILES;
      return cachedCharacterRows(SILENT.out, "render glyphs", fonts, {
        charset: spec.charset,
        augment: "mild",
        features: spec.features,
        samplesPerClass: options.quick ? 4 : spec.perClass,
        seed: PLATE_DATA_SEED,
      }).rows;
    })();
    datasets.set(key, rows);
    rows.catch(() => datasets.delete(key));
  }
  return rows;
}

/** The learning rate of every update of a trial's whole budget. */
export async function plateSchedule(
  schedule: PlateSchedule,
  lr: number,
  stepsPerEpoch: number,
  epochs: number,
) {
  const { constantScheduleWithWarmup, cosineScheduleWithWarmup, oneCycleLR } = await import(
    "@trainkit/schedulers"
  );
  const total = stepsPerEpoch * epochs;
  switch (schedule) {
    case "constant":
      return constantScheduleWithWarmup({ lr, numWarmupSteps: 0 });
    case "cosine":
      return cosineScheduleWithWarmup({
        lr,
        numWarmupSteps: epochs > 1 ? stepsPerEpoch : 0,
        numTrainingSteps: total,
        warmupStartFactor: 0.05,
      });
    case "onecycle":
      return oneCycleLR({ maxLr: lr, totalSteps: total });
  }
}

/** SHA-256 of the classifier's weights and biases (w1, b1, w2, b2 as little-endian float32). */
export function weightsSha256(classifier: PlateClassifier): string {
  const hash = createHash("sha256");
  for (const a of [classifier.w1, classifier.b1, classifier.w2, classifier.b2]) {
    hash.update(new Uint8Array(a.buffer, a.byteOffset, a.byteLength));
  }
  return hash.digest("hex");
}

function gather(rows: CharacterRows, index: ArrayLike<number>): { x: Float32Array; y: Int32Array } {
  const { nf } = rows;
  const x = new Float32Array(index.length * nf);
  const y = new Int32Array(index.length);
  for (let i = 0; i < index.length; i++) {
    const r = index[i] as number;
    x.set(rows.x.subarray(r * nf, r * nf + nf), i * nf);
    y[i] = rows.y[r] as number;
  }
  return { x, y };
}

/** The trial's training and validation rows: its fold, or a stratified 80/20 split without folds. */
async function trialRows(rows: CharacterRows, trial: TrialRun) {
  let folds = trial.folds;
  if (folds === null) {
    const { splitTogether } = await import("@trainkit/data-split");
    const index = Int32Array.from({ length: rows.n }, (_, i) => i);
    const split = splitTogether(
      { i: index, y: rows.y },
      { testSize: 0.2, seed: PLATE_DATA_SEED, stratify: "y" },
    );
    folds = { train: split.train.i as Int32Array, test: split.test.i as Int32Array };
  }
  return { train: gather(rows, folds.train), validation: gather(rows, folds.test) };
}

export interface PlateTrialOutput {
  /** Updates done over the trial's whole run (all attempts). */
  updates: number;
  /** SHA-256 of the final weights; null when the trial was stopped early. */
  finalWeightsSha256: string | null;
}

type Metrics = { epoch: number } & Record<string, number>;

function epochMetrics(log: EpochLog): Metrics {
  return {
    epoch: log.epoch + 1,
    val_accuracy: log.validationAccuracy ?? Number.NaN,
    loss: log.loss,
    accuracy: log.trainAccuracy,
  };
}

/**
 * A resumed attempt first replays the report of the epoch its checkpoint ended (the worker may
 * have died between the save and the report); the answer is the one given the first time.
 */
async function replayCheckpointReport(
  ctx: TrialContext,
  latest: { step: number; epoch: number; metrics: Record<string, number>; batch: number },
): Promise<"continue" | "stop"> {
  const m = latest.metrics;
  if (latest.batch !== 0 || latest.epoch < 1 || typeof m.val_accuracy !== "number") {
    return "continue";
  }
  return ctx.report({
    epoch: latest.epoch,
    val_accuracy: m.val_accuracy,
    ...(typeof m.loss === "number" ? { loss: m.loss } : {}),
    ...(typeof m.accuracy === "number" ? { accuracy: m.accuracy } : {}),
  });
}

async function runPlateTrial(
  data: PlateDataOptions,
  trial: TrialRun,
  ctx: TrialContext,
  options: PlateTrainableOptions & { checkpointIntervalMs: number },
): Promise<PlateTrialOutput | undefined> {
  const { schedule, lr } = trial.config as { schedule: PlateSchedule; lr: number };
  const { PLATE_KINDS } = await import("../experiments/plates.js");
  const { TrainingAbortedError } = await import("@trainkit/plate-bp");
  const { trainPlateModel } = await import("@trainkit/plate-bp/tfjs");
  const adam = options.adam ?? (await import("@trainkit/backend")).tensorflowAdam;
  const spec = PLATE_KINDS[data.kind];
  const rows = await plateRows(data);
  const { train, validation } = await trialRows(rows, trial);
  const epochs = trial.budget.epochs;
  const stepsPerEpoch = Math.ceil(train.y.length / BATCH_SIZE);
  // A checkpoint at an epoch's end, at most every CHECKPOINT_INTERVAL_MS: its I/O stays a small
  // share of a trial, and a dead worker costs at most about that much work again.
  const manager = await ctx.checkpoints.manager({
    maxToKeep: 2,
    minIntervalMs: options.checkpointIntervalMs,
  });

  const latest = await manager.latest();
  if (latest !== null) {
    const extra = latest.state.extra as { trainPlateModel?: { batch?: number } } | undefined;
    const point = { path: latest.path, step: latest.state.step, epoch: latest.state.epoch };
    await ctx.checkpoints.resumedFrom(point);
    const batch = extra?.trainPlateModel?.batch ?? 0;
    const replay = await replayCheckpointReport(ctx, { ...point, metrics: latest.metrics, batch });
    if (replay === "stop" || ctx.signal.aborted) {
      return { updates: latest.state.step, finalWeightsSha256: null };
    }
  }

  const stop = new AbortController();
  const onAbort = () => stop.abort(ctx.signal.reason);
  ctx.signal.addEventListener("abort", onAbort, { once: true });
  if (ctx.signal.aborted) onAbort();
  try {
    const result = await trainPlateModel({
      ...train,
      validation,
      labels: spec.charset,
      features: spec.features,
      hiddenUnits: spec.hidden,
      activation: "tanh",
      epochs,
      batchSize: BATCH_SIZE,
      schedule: await plateSchedule(schedule, lr, stepsPerEpoch, epochs),
      seed: trial.seed,
      adam,
      checkpoint: { manager, resume: true },
      signal: stop.signal,
      onEpochEnd: async (log) => {
        if ((await ctx.report(epochMetrics(log))) === "stop") stop.abort("stopped by the sweep");
      },
    });
    return { updates: result.updates, finalWeightsSha256: weightsSha256(result.classifier) };
  } catch (error) {
    // Stopped by ASHA, or the worker is stopping (preemption, cancel): the checkpoint is written.
    if (error instanceof TrainingAbortedError) {
      return { updates: error.updates, finalWeightsSha256: null };
    }
    throw error;
  } finally {
    ctx.signal.removeEventListener("abort", onAbort);
  }
}

export interface PlateTrainableOptions {
  /** The least time between two checkpoints of a trial (default {@link CHECKPOINT_INTERVAL_MS}). */
  checkpointIntervalMs?: number;
  /**
   * Makes each trial's Adam (default: `tensorflowAdam` of @trainkit/backend, one native op per
   * weight on tensorflow, where epochs took about a fifth less time than with tf.train.adam; it is
   * tf.train.adam on the other backends).
   */
  adam?: (learningRate: number) => Optimizer;
}

/**
 * The `plate-bp` trainable for a sweep (its data options come from the sweep's fixed `kind` and
 * `quick`); throws SweepError when the sweep does not suit it ({@link checkPlateSweep}).
 */
export function createPlateTrainable(sweep: Sweep, options: PlateTrainableOptions = {}): Trainable {
  const settings = {
    ...options,
    checkpointIntervalMs: options.checkpointIntervalMs ?? CHECKPOINT_INTERVAL_MS,
  };
  const data = checkPlateSweep(sweep);
  return defineTrainable({
    data: async () => {
      const rows = await plateRows(data);
      return { size: rows.n, y: rows.y };
    },
    run: (trial, ctx) => runPlateTrial(data, trial, ctx, settings),
  });
}
