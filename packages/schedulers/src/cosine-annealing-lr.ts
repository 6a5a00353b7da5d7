import { ScheduleError } from "./errors.js";
import { checkKeys, nonNegative, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface CosineAnnealingLROptions {
  lr: number;
  /** Updates from `lr` down to `etaMin` (half a period). */
  tMax: number;
  /** Floor. PyTorch default 0. */
  etaMin?: number;
}

export interface CosineAnnealingLRConfig
  extends Required<CosineAnnealingLROptions>,
    ScheduleConfig {
  readonly type: "cosineAnnealingLR";
}

/**
 * PyTorch `CosineAnnealingLR`: `etaMin + (lr - etaMin) * (1 + cos(pi * step / tMax)) / 2`.
 * Like PyTorch it is NOT clamped: after `tMax` it rises again (period `2 * tMax`);
 * `describeSchedule` warns when a run is longer than `tMax`.
 */
export function cosineAnnealingLR(
  options: CosineAnnealingLROptions,
): Schedule<CosineAnnealingLRConfig> {
  const fn = "cosineAnnealingLR" as const;
  checkKeys(fn, options, ["lr", "tMax", "etaMin"]);
  const lr = positive(fn, "lr", options.lr);
  const tMax = positiveInt(fn, "tMax", options.tMax);
  const etaMin = nonNegative(fn, "etaMin", options.etaMin ?? 0);
  if (etaMin > lr) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: etaMin (${etaMin}) must not exceed lr (${lr}); etaMin is the floor the rate anneals to.`,
    );
  }
  return makeSchedule(
    { type: fn, lr, tMax, etaMin },
    (k) => etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * k) / tMax))) / 2,
  );
}
