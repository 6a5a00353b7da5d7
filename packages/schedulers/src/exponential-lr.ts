import { checkKeys, positive } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface ExponentialLROptions {
  lr: number;
  /** Multiplicative decay per update. */
  gamma: number;
}

export interface ExponentialLRConfig extends Required<ExponentialLROptions>, ScheduleConfig {
  readonly type: "exponentialLR";
}

/** PyTorch `ExponentialLR`: `lr * gamma ** step`. */
export function exponentialLR(options: ExponentialLROptions): Schedule<ExponentialLRConfig> {
  const fn = "exponentialLR" as const;
  checkKeys(fn, options, ["lr", "gamma"]);
  const lr = positive(fn, "lr", options.lr);
  const gamma = positive(fn, "gamma", options.gamma);
  return makeSchedule({ type: fn, lr, gamma }, (k) => lr * gamma ** k);
}
