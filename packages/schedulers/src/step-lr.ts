import { checkKeys, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface StepLROptions {
  /** Base learning rate. */
  lr: number;
  /** Updates between two decays. */
  stepSize: number;
  /** Multiplicative decay. PyTorch default 0.1. */
  gamma?: number;
}

export interface StepLRConfig extends Required<StepLROptions>, ScheduleConfig {
  readonly type: "stepLR";
}

/** PyTorch `StepLR`: `lr * gamma ** floor(step / stepSize)`. */
export function stepLR(options: StepLROptions): Schedule<StepLRConfig> {
  const fn = "stepLR" as const;
  checkKeys(fn, options, ["lr", "stepSize", "gamma"]);
  const lr = positive(fn, "lr", options.lr);
  const stepSize = positiveInt(fn, "stepSize", options.stepSize);
  const gamma = positive(fn, "gamma", options.gamma ?? 0.1);
  return makeSchedule(
    { type: fn, lr, stepSize, gamma },
    (k) => lr * gamma ** Math.floor(k / stepSize),
  );
}
