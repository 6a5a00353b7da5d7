import { ScheduleError } from "./errors.js";
import { checkKeys, inRange, intList, oneOf, positive, positiveInt } from "./internal/validate.js";

/** What a batch-size schedule is a function of. */
export type BatchSizeUnit = "samples" | "epochs";

/**
 * Batch size as a function of progress `t`: samples seen so far (unit "samples") or the epoch
 * index (unit "epochs"). Scheduling by samples keeps the ramp right when batch sizes change the
 * number of steps per epoch.
 */
export interface BatchSizeSchedule {
  (t: number): number;
  readonly unit: BatchSizeUnit;
}

function make(unit: BatchSizeUnit, fn: (t: number) => number, name: string): BatchSizeSchedule {
  const s = ((t: number) => {
    if (typeof t !== "number" || !Number.isFinite(t) || t < 0) {
      throw new ScheduleError(
        "INVALID_STEP",
        `${name}: t must be a finite number >= 0 (${unit} seen so far), got ${String(t)}.`,
      );
    }
    return fn(t);
  }) as BatchSizeSchedule;
  Object.defineProperty(s, "unit", { value: unit, enumerable: true });
  return s;
}

export interface BatchSizeRampOptions {
  start: number;
  end: number;
  /** Length of the ramp in `unit`. */
  rampLength: number;
  /** Default "samples". */
  unit?: BatchSizeUnit;
  /** Round sizes down to a multiple of this (never below `start`). Default 1. */
  multipleOf?: number;
}

/** Linear batch-size ramp from `start` to `end` over `rampLength` samples (or epochs). */
export function batchSizeRamp(options: BatchSizeRampOptions): BatchSizeSchedule {
  const fn = "batchSizeRamp";
  checkKeys(fn, options, ["start", "end", "rampLength", "unit", "multipleOf"]);
  const start = positiveInt(fn, "start", options.start);
  const end = positiveInt(fn, "end", options.end);
  const rampLength = positive(fn, "rampLength", options.rampLength);
  const unit = oneOf(fn, "unit", options.unit ?? "samples", ["samples", "epochs"] as const);
  const multipleOf = positiveInt(fn, "multipleOf", options.multipleOf ?? 1);
  return make(
    unit,
    (t) => {
      const raw = start + ((end - start) * Math.min(t, rampLength)) / rampLength;
      const rounded = Math.floor(raw / multipleOf) * multipleOf;
      return Math.max(Math.min(start, end), Math.min(Math.max(start, end), rounded || start));
    },
    fn,
  );
}

export interface BatchSizeStepsOptions {
  /** `sizes[i]` applies from `boundaries[i - 1]` (inclusive) to `boundaries[i]`. */
  sizes: number[];
  /** Increasing, one fewer than `sizes`. */
  boundaries: number[];
  unit?: BatchSizeUnit;
}

/** Piecewise-constant batch size (e.g. 32 for 2 epochs, then 64, then 128). */
export function batchSizeSteps(options: BatchSizeStepsOptions): BatchSizeSchedule {
  const fn = "batchSizeSteps";
  checkKeys(fn, options, ["sizes", "boundaries", "unit"]);
  const sizes = options.sizes;
  if (!Array.isArray(sizes) || sizes.length === 0) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: sizes must be a non-empty array of positive integers, got ${String(sizes)}.`,
    );
  }
  for (const s of sizes) positiveInt(fn, "sizes[]", s);
  const boundaries = intList(fn, "boundaries", options.boundaries, 1);
  if (boundaries.length !== sizes.length - 1) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: ${sizes.length} sizes need ${sizes.length - 1} boundaries, got ${boundaries.length}.`,
    );
  }
  const unit = oneOf(fn, "unit", options.unit ?? "epochs", ["samples", "epochs"] as const);
  return make(
    unit,
    (t) => {
      let i = 0;
      while (i < boundaries.length && (boundaries[i] as number) <= t) i++;
      return sizes[i] as number;
    },
    fn,
  );
}

export interface BatchInsteadOfDecayOptions {
  /** Starting learning rate. */
  lr: number;
  /** Starting batch size. */
  batchSize: number;
  /** Where a step-decay schedule would multiply the rate by `gamma`. */
  milestones: number[];
  /** The decay it replaces, in (0, 1). E.g. 0.2 means "batch x5 instead of lr / 5". */
  gamma: number;
  /** Largest batch that fits; past it the rate decays instead. */
  maxBatchSize: number;
  unit?: BatchSizeUnit;
}

export interface BatchInsteadOfDecay {
  batchSize: BatchSizeSchedule;
  /** Learning rate as a function of the same `t`. */
  lr: (t: number) => number;
}

/**
 * "Don't decay the learning rate, increase the batch size" (Smith et al. 2017): at each milestone
 * the batch grows by `1 / gamma` instead of the rate shrinking by `gamma`, keeping `lr / batchSize`
 * (the noise scale) exactly what the step-decay schedule would have had. When the batch would pass
 * `maxBatchSize`, the rate takes the rest of the decay.
 */
export function batchInsteadOfDecay(options: BatchInsteadOfDecayOptions): BatchInsteadOfDecay {
  const fn = "batchInsteadOfDecay";
  checkKeys(fn, options, ["lr", "batchSize", "milestones", "gamma", "maxBatchSize", "unit"]);
  const lr = positive(fn, "lr", options.lr);
  const b0 = positiveInt(fn, "batchSize", options.batchSize);
  const milestones = intList(fn, "milestones", options.milestones, 1);
  const gamma = inRange(fn, "gamma", options.gamma, 0, 1, { lo: true, hi: true });
  const maxBatchSize = positiveInt(fn, "maxBatchSize", options.maxBatchSize);
  if (maxBatchSize < b0) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: maxBatchSize (${maxBatchSize}) is below batchSize (${b0}); raise it to at least the starting batch.`,
    );
  }
  const unit = oneOf(fn, "unit", options.unit ?? "epochs", ["samples", "epochs"] as const);
  const decays = (t: number) => milestones.filter((m) => m <= t).length;
  const sizeAt = (t: number) => Math.min(maxBatchSize, Math.round(b0 / gamma ** decays(t)));
  const batchSize = make(unit, sizeAt, fn);
  const rate = make(unit, (t) => (lr * gamma ** decays(t) * sizeAt(t)) / b0, fn);
  return { batchSize, lr: rate };
}

/** Linear scaling rule (Goyal et al. 2017): `baseLr * batchSize / baseBatchSize`. */
export function linearScaledLr(baseLr: number, baseBatchSize: number, batchSize: number): number {
  const fn = "linearScaledLr";
  return (
    (positive(fn, "baseLr", baseLr) * positiveInt(fn, "batchSize", batchSize)) /
    positiveInt(fn, "baseBatchSize", baseBatchSize)
  );
}

/**
 * The batch sizes a schedule yields over one epoch of `numSamples` samples, starting after
 * `samplesSeen` samples in epoch `epoch` (the last batch takes what is left).
 */
export function planEpochBatches(
  schedule: BatchSizeSchedule,
  numSamples: number,
  progress: { epoch: number; samplesSeen: number } = { epoch: 0, samplesSeen: 0 },
): number[] {
  positiveInt("planEpochBatches", "numSamples", numSamples);
  const sizes: number[] = [];
  let done = 0;
  while (done < numSamples) {
    const t = schedule.unit === "epochs" ? progress.epoch : progress.samplesSeen + done;
    const b = Math.min(
      positiveInt("planEpochBatches", "batch size", schedule(t)),
      numSamples - done,
    );
    sizes.push(b);
    done += b;
  }
  return sizes;
}
