import { ScheduleError } from "./errors.js";
import {
  checkKeys,
  inRange,
  nonNegativeInt,
  oneOf,
  positive,
  positiveInt,
} from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

/**
 * The Hugging Face `transformers` warm-up recipes (`get_*_schedule_with_warmup`), same
 * multipliers. HF's warm-up is `step / numWarmupSteps`, so the first update runs at exactly 0
 * and is wasted; `warmupStartFactor` (default 0, as HF) starts the linear warm-up at
 * `lr * warmupStartFactor` instead: `warmupStartFactor + (1 - warmupStartFactor) * step / numWarmupSteps`.
 */
export interface WarmupOptions {
  /** Peak learning rate (the optimizer's base rate in HF). */
  lr: number;
  /** Updates spent warming up. */
  numWarmupSteps: number;
  /** Multiplier at step 0, in [0, 1). Default 0 (Hugging Face). */
  warmupStartFactor?: number;
}

export interface DecayWarmupOptions extends WarmupOptions {
  /** Total number of updates (warm-up included). */
  numTrainingSteps: number;
}

type Cfg<T extends string, O> = { readonly type: T } & Required<O> & ScheduleConfig;

const WARMUP_KEYS = ["lr", "numWarmupSteps", "warmupStartFactor"] as const;
const DECAY_KEYS = [...WARMUP_KEYS, "numTrainingSteps"] as const;

function base(fn: string, o: WarmupOptions) {
  return {
    lr: positive(fn, "lr", o.lr),
    numWarmupSteps: nonNegativeInt(fn, "numWarmupSteps", o.numWarmupSteps),
    warmupStartFactor: inRange(fn, "warmupStartFactor", o.warmupStartFactor ?? 0, 0, 1, {
      hi: true,
    }),
  };
}

function training(fn: string, o: DecayWarmupOptions, numWarmupSteps: number): number {
  const n = positiveInt(fn, "numTrainingSteps", o.numTrainingSteps);
  if (numWarmupSteps > n) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: numWarmupSteps (${numWarmupSteps}) exceeds numTrainingSteps (${n}); the warm-up would never reach the peak. Use a warm-up shorter than the run.`,
    );
  }
  return n;
}

/** Linear warm-up multiplier for k < W. */
function warm(k: number, w: number, s: number): number {
  return s + ((1 - s) * k) / Math.max(1, w);
}

export type LinearScheduleWithWarmupConfig = Cfg<"linearScheduleWithWarmup", DecayWarmupOptions>;

/** HF `get_linear_schedule_with_warmup`: warm up, then linear to 0 at `numTrainingSteps`. */
export function linearScheduleWithWarmup(
  options: DecayWarmupOptions,
): Schedule<LinearScheduleWithWarmupConfig> {
  const fn = "linearScheduleWithWarmup" as const;
  checkKeys(fn, options, DECAY_KEYS);
  const b = base(fn, options);
  const n = training(fn, options, b.numWarmupSteps);
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, numTrainingSteps: n }, (k) =>
    k < w ? lr * warm(k, w, s) : lr * Math.max(0, (n - k) / Math.max(1, n - w)),
  );
}

export interface CosineWarmupOptions extends DecayWarmupOptions {
  /** Number of cosine waves; HF default 0.5 (one half-wave from peak to 0). */
  numCycles?: number;
}

export type CosineScheduleWithWarmupConfig = Cfg<"cosineScheduleWithWarmup", CosineWarmupOptions>;

/**
 * HF `get_cosine_schedule_with_warmup`. As in HF, past `numTrainingSteps` the cosine rises again
 * (it is only clipped at 0); `describeSchedule` warns about it.
 */
export function cosineScheduleWithWarmup(
  options: CosineWarmupOptions,
): Schedule<CosineScheduleWithWarmupConfig> {
  const fn = "cosineScheduleWithWarmup" as const;
  checkKeys(fn, options, [...DECAY_KEYS, "numCycles"]);
  const b = base(fn, options);
  const n = training(fn, options, b.numWarmupSteps);
  const numCycles = positive(fn, "numCycles", options.numCycles ?? 0.5);
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, numTrainingSteps: n, numCycles }, (k) => {
    if (k < w) return lr * warm(k, w, s);
    const p = (k - w) / Math.max(1, n - w);
    return lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * p)));
  });
}

export type CosineWithHardRestartsScheduleWithWarmupConfig = Cfg<
  "cosineWithHardRestartsScheduleWithWarmup",
  CosineWarmupOptions
>;

/** HF `get_cosine_with_hard_restarts_schedule_with_warmup` (`numCycles` default 1); 0 after the run. */
export function cosineWithHardRestartsScheduleWithWarmup(
  options: CosineWarmupOptions,
): Schedule<CosineWithHardRestartsScheduleWithWarmupConfig> {
  const fn = "cosineWithHardRestartsScheduleWithWarmup" as const;
  checkKeys(fn, options, [...DECAY_KEYS, "numCycles"]);
  const b = base(fn, options);
  const n = training(fn, options, b.numWarmupSteps);
  const numCycles = positive(fn, "numCycles", options.numCycles ?? 1);
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, numTrainingSteps: n, numCycles }, (k) => {
    if (k < w) return lr * warm(k, w, s);
    const p = (k - w) / Math.max(1, n - w);
    if (p >= 1) return 0;
    return lr * Math.max(0, 0.5 * (1 + Math.cos(Math.PI * ((numCycles * p) % 1))));
  });
}

export interface PolynomialWarmupOptions extends DecayWarmupOptions {
  /** Final rate (absolute, as HF). HF default 1e-7; must be below `lr`. */
  lrEnd?: number;
  /** HF default 1. */
  power?: number;
}

export type PolynomialDecayScheduleWithWarmupConfig = Cfg<
  "polynomialDecayScheduleWithWarmup",
  PolynomialWarmupOptions
>;

/** HF `get_polynomial_decay_schedule_with_warmup`: from `lr` to `lrEnd`, then holds `lrEnd`. */
export function polynomialDecayScheduleWithWarmup(
  options: PolynomialWarmupOptions,
): Schedule<PolynomialDecayScheduleWithWarmupConfig> {
  const fn = "polynomialDecayScheduleWithWarmup" as const;
  checkKeys(fn, options, [...DECAY_KEYS, "lrEnd", "power"]);
  const b = base(fn, options);
  const n = training(fn, options, b.numWarmupSteps);
  const lrEnd = inRange(fn, "lrEnd", options.lrEnd ?? 1e-7, 0, b.lr, { hi: true });
  const power = positive(fn, "power", options.power ?? 1);
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, numTrainingSteps: n, lrEnd, power }, (k) => {
    if (k < w) return lr * warm(k, w, s);
    if (k > n) return lrEnd;
    const remaining = 1 - (k - w) / (n - w || 1);
    return (lr - lrEnd) * remaining ** power + lrEnd;
  });
}

export type ConstantScheduleWithWarmupConfig = Cfg<"constantScheduleWithWarmup", WarmupOptions>;

/** HF `get_constant_schedule_with_warmup`: warm up, then hold `lr`. */
export function constantScheduleWithWarmup(
  options: WarmupOptions,
): Schedule<ConstantScheduleWithWarmupConfig> {
  const fn = "constantScheduleWithWarmup" as const;
  checkKeys(fn, options, WARMUP_KEYS);
  const b = base(fn, options);
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b }, (k) => (k < w ? lr * warm(k, w, s) : lr));
}

export interface InverseSqrtOptions extends WarmupOptions {
  /** HF default: `numWarmupSteps`, or 10000 when that is 0. */
  timescale?: number;
}

export type InverseSqrtScheduleConfig = Cfg<"inverseSqrtSchedule", InverseSqrtOptions>;

/** HF `get_inverse_sqrt_schedule`: warm up, then `lr / sqrt((step + timescale - W) / timescale)`. */
export function inverseSqrtSchedule(
  options: InverseSqrtOptions,
): Schedule<InverseSqrtScheduleConfig> {
  const fn = "inverseSqrtSchedule" as const;
  checkKeys(fn, options, [...WARMUP_KEYS, "timescale"]);
  const b = base(fn, options);
  const timescale = positive(fn, "timescale", options.timescale ?? (b.numWarmupSteps || 10_000));
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, timescale }, (k) => {
    if (k < w) return lr * warm(k, w, s);
    return lr / Math.sqrt((k + timescale - w) / timescale);
  });
}

export interface CosineWithMinLrOptions extends CosineWarmupOptions {
  /** Floor as an absolute rate. Give this or `minLrRate`. */
  minLr?: number;
  /** Floor as a fraction of `lr`. */
  minLrRate?: number;
}

export interface CosineWithMinLrScheduleWithWarmupConfig extends ScheduleConfig {
  readonly type: "cosineWithMinLrScheduleWithWarmup";
  readonly lr: number;
  readonly numWarmupSteps: number;
  readonly warmupStartFactor: number;
  readonly numTrainingSteps: number;
  readonly numCycles: number;
  readonly minLrRate: number;
}

/** HF `get_cosine_with_min_lr_schedule_with_warmup`: cosine from `lr` to the floor. */
export function cosineWithMinLrScheduleWithWarmup(
  options: CosineWithMinLrOptions,
): Schedule<CosineWithMinLrScheduleWithWarmupConfig> {
  const fn = "cosineWithMinLrScheduleWithWarmup" as const;
  checkKeys(fn, options, [...DECAY_KEYS, "numCycles", "minLr", "minLrRate"]);
  const b = base(fn, options);
  const n = training(fn, options, b.numWarmupSteps);
  const numCycles = positive(fn, "numCycles", options.numCycles ?? 0.5);
  if ((options.minLr === undefined) === (options.minLrRate === undefined)) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: pass exactly one of minLr (absolute floor) or minLrRate (fraction of lr); got minLr ${String(options.minLr)}, minLrRate ${String(options.minLrRate)}.`,
    );
  }
  const minLrRate =
    options.minLrRate !== undefined
      ? inRange(fn, "minLrRate", options.minLrRate, 0, 1)
      : inRange(fn, "minLr", options.minLr, 0, b.lr) / b.lr;
  const { lr, numWarmupSteps: w, warmupStartFactor: s } = b;
  return makeSchedule({ type: fn, ...b, numTrainingSteps: n, numCycles, minLrRate }, (k) => {
    if (k < w) return lr * warm(k, w, s);
    const p = (k - w) / Math.max(1, n - w);
    const f = 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * p));
    return lr * Math.max(0, f * (1 - minLrRate) + minLrRate);
  });
}

export type WsdShape = "linear" | "cosine" | "1-sqrt";

export interface WsdOptions {
  lr: number;
  numWarmupSteps: number;
  /** Updates at the peak. Give it, or `numTrainingSteps` (stable = total - warm-up - decay). */
  numStableSteps?: number;
  numTrainingSteps?: number;
  numDecaySteps: number;
  /** Floor and warm-up start as a fraction of `lr`. HF default 0. */
  minLrRatio?: number;
  /** HF default "linear". */
  warmupType?: WsdShape;
  /** HF default "cosine". */
  decayType?: WsdShape;
  /** Cosine decay waves, HF default 0.5. */
  numCycles?: number;
}

export interface WsdScheduleConfig extends ScheduleConfig {
  readonly type: "wsdSchedule";
  readonly lr: number;
  readonly numWarmupSteps: number;
  readonly numStableSteps: number;
  readonly numDecaySteps: number;
  readonly minLrRatio: number;
  readonly warmupType: WsdShape;
  readonly decayType: WsdShape;
  readonly numCycles: number;
}

/**
 * HF `get_wsd_schedule` (warmup-stable-decay): warm up from `lr * minLrRatio`, hold `lr`, decay to
 * `lr * minLrRatio`, then hold the floor. The warm-up starts at the floor, so it is above 0
 * whenever `minLrRatio > 0`.
 */
export function wsdSchedule(options: WsdOptions): Schedule<WsdScheduleConfig> {
  const fn = "wsdSchedule" as const;
  checkKeys(fn, options, [
    "lr",
    "numWarmupSteps",
    "numStableSteps",
    "numTrainingSteps",
    "numDecaySteps",
    "minLrRatio",
    "warmupType",
    "decayType",
    "numCycles",
  ]);
  const lr = positive(fn, "lr", options.lr);
  const w = nonNegativeInt(fn, "numWarmupSteps", options.numWarmupSteps);
  const d = nonNegativeInt(fn, "numDecaySteps", options.numDecaySteps);
  let stable: number;
  if (options.numStableSteps !== undefined) {
    stable = nonNegativeInt(fn, "numStableSteps", options.numStableSteps);
  } else if (options.numTrainingSteps !== undefined) {
    const n = positiveInt(fn, "numTrainingSteps", options.numTrainingSteps);
    stable = n - w - d;
    if (stable < 0) {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: numTrainingSteps (${n}) is shorter than numWarmupSteps + numDecaySteps (${w + d}); lengthen the run or shorten the phases.`,
      );
    }
  } else {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: numStableSteps is undefined; pass numStableSteps, or numTrainingSteps to derive it.`,
    );
  }
  const shapes = ["linear", "cosine", "1-sqrt"] as const;
  const minLrRatio = inRange(fn, "minLrRatio", options.minLrRatio ?? 0, 0, 1);
  const warmupType = oneOf(fn, "warmupType", options.warmupType ?? "linear", shapes);
  const decayType = oneOf(fn, "decayType", options.decayType ?? "cosine", shapes);
  const numCycles = positive(fn, "numCycles", options.numCycles ?? 0.5);
  const config: WsdScheduleConfig = {
    type: fn,
    lr,
    numWarmupSteps: w,
    numStableSteps: stable,
    numDecaySteps: d,
    minLrRatio,
    warmupType,
    decayType,
    numCycles,
  };
  const floor = (f: number) => Math.max(0, f * (1 - minLrRatio) + minLrRatio);
  return makeSchedule(config, (k) => {
    if (k < w) {
      const p = k / Math.max(1, w);
      const f =
        warmupType === "linear"
          ? p
          : warmupType === "cosine"
            ? 0.5 * (1 - Math.cos(Math.PI * p))
            : 1 - Math.sqrt(1 - p);
      return lr * floor(f);
    }
    if (k < w + stable) return lr;
    if (k < w + stable + d) {
      const p = (k - w - stable) / Math.max(1, d);
      const f =
        decayType === "linear"
          ? 1 - p
          : decayType === "cosine"
            ? 0.5 * (1 + Math.cos(Math.PI * numCycles * 2 * p))
            : 1 - Math.sqrt(p);
      return lr * floor(f);
    }
    return lr * minLrRatio;
  });
}
