import { checkKeys, inRange, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface LinearLROptions {
  lr: number;
  /** Factor at step 0, in (0, 1]. PyTorch default 1/3. */
  startFactor?: number;
  /** Factor from `totalIters` on, in [0, 1]. PyTorch default 1. */
  endFactor?: number;
  /** PyTorch default 5. */
  totalIters?: number;
}

export interface LinearLRConfig extends Required<LinearLROptions>, ScheduleConfig {
  readonly type: "linearLR";
}

/**
 * PyTorch `LinearLR`: `lr * (startFactor + (endFactor - startFactor) * min(step, totalIters) / totalIters)`.
 * Used as a warm-up it starts at `lr * startFactor` (never 0) and reaches `lr` at `totalIters`.
 */
export function linearLR(options: LinearLROptions): Schedule<LinearLRConfig> {
  const fn = "linearLR" as const;
  checkKeys(fn, options, ["lr", "startFactor", "endFactor", "totalIters"]);
  const lr = positive(fn, "lr", options.lr);
  const startFactor = inRange(fn, "startFactor", options.startFactor ?? 1 / 3, 0, 1, { lo: true });
  const endFactor = inRange(fn, "endFactor", options.endFactor ?? 1, 0, 1);
  const totalIters = positiveInt(fn, "totalIters", options.totalIters ?? 5);
  return makeSchedule({ type: fn, lr, startFactor, endFactor, totalIters }, (k) => {
    return lr * (startFactor + ((endFactor - startFactor) * Math.min(k, totalIters)) / totalIters);
  });
}
