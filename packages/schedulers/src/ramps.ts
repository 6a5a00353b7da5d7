import {
  checkKeys,
  finite,
  inRange,
  nonNegativeInt,
  positive,
  positiveInt,
} from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

/**
 * Ramps for loss-term weights (KL annealing and the like). They are {@link Schedule}s of the update
 * number, so they serialize and work with the same tfjs helpers; the value is a weight, not a rate.
 */
export interface LinearRampOptions {
  /** Value up to `delay`. Default 0. */
  from?: number;
  /** Value from `delay + steps` on. Default 1. */
  to?: number;
  /** Length of the ramp in updates. */
  steps: number;
  /** Updates held at `from` before the ramp starts. Default 0. */
  delay?: number;
}

export interface LinearRampConfig extends ScheduleConfig {
  readonly type: "linearRamp";
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly delay: number;
}

/** `from` until `delay`, then linear to `to` over `steps` updates, then `to`. */
export function linearRamp(options: LinearRampOptions): Schedule<LinearRampConfig> {
  const fn = "linearRamp" as const;
  checkKeys(fn, options, ["from", "to", "steps", "delay"]);
  const from = finite(fn, "from", options.from ?? 0);
  const to = finite(fn, "to", options.to ?? 1);
  const steps = positiveInt(fn, "steps", options.steps);
  const delay = nonNegativeInt(fn, "delay", options.delay ?? 0);
  return makeSchedule({ type: fn, from, to, steps, delay }, (k) => {
    const p = Math.min(1, Math.max(0, (k - delay) / steps));
    return from + (to - from) * p;
  });
}

export interface SigmoidRampOptions {
  from?: number;
  to?: number;
  /** Updates over which the logistic curve goes from near `from` to near `to` (centre at steps/2). */
  steps: number;
  /** Steepness; default 10 (value at step 0 is `from + (to - from) * 0.0067`). */
  sharpness?: number;
}

export interface SigmoidRampConfig extends ScheduleConfig {
  readonly type: "sigmoidRamp";
  readonly from: number;
  readonly to: number;
  readonly steps: number;
  readonly sharpness: number;
}

/** Logistic ramp (Bowman et al. 2016 KL annealing): `from + (to - from) / (1 + exp(-sharpness * (step / steps - 0.5)))`. */
export function sigmoidRamp(options: SigmoidRampOptions): Schedule<SigmoidRampConfig> {
  const fn = "sigmoidRamp" as const;
  checkKeys(fn, options, ["from", "to", "steps", "sharpness"]);
  const from = finite(fn, "from", options.from ?? 0);
  const to = finite(fn, "to", options.to ?? 1);
  const steps = positiveInt(fn, "steps", options.steps);
  const sharpness = positive(fn, "sharpness", options.sharpness ?? 10);
  return makeSchedule(
    { type: fn, from, to, steps, sharpness },
    (k) => from + (to - from) / (1 + Math.exp(-sharpness * (k / steps - 0.5))),
  );
}

export interface CyclicalRampOptions {
  from?: number;
  to?: number;
  /** Total updates, split into `numCycles` equal cycles. */
  totalSteps: number;
  /** Default 4 (Fu et al. 2019). */
  numCycles?: number;
  /** Fraction of each cycle spent ramping, in (0, 1]; the rest holds `to`. Default 0.5. */
  ratio?: number;
}

export interface CyclicalRampConfig extends ScheduleConfig {
  readonly type: "cyclicalRamp";
  readonly from: number;
  readonly to: number;
  readonly totalSteps: number;
  readonly numCycles: number;
  readonly ratio: number;
}

/**
 * Cyclical annealing (Fu et al. 2019): each cycle of `totalSteps / numCycles` updates ramps
 * linearly from `from` to `to` over its first `ratio`, then holds `to`.
 */
export function cyclicalRamp(options: CyclicalRampOptions): Schedule<CyclicalRampConfig> {
  const fn = "cyclicalRamp" as const;
  checkKeys(fn, options, ["from", "to", "totalSteps", "numCycles", "ratio"]);
  const from = finite(fn, "from", options.from ?? 0);
  const to = finite(fn, "to", options.to ?? 1);
  const totalSteps = positiveInt(fn, "totalSteps", options.totalSteps);
  const numCycles = positiveInt(fn, "numCycles", options.numCycles ?? 4);
  const ratio = inRange(fn, "ratio", options.ratio ?? 0.5, 0, 1, { lo: true });
  const period = totalSteps / numCycles;
  const whole = Math.ceil(period);
  return makeSchedule({ type: fn, from, to, totalSteps, numCycles, ratio }, (k) => {
    const tau = (k % whole) / period;
    return from + (to - from) * Math.min(1, tau / ratio);
  });
}
