import { checkKeys, intList, positive } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface MultiStepLROptions {
  lr: number;
  /** Update numbers at which the rate is multiplied by `gamma` (a repeated milestone counts twice). */
  milestones: number[];
  /** PyTorch default 0.1. */
  gamma?: number;
}

export interface MultiStepLRConfig extends Required<MultiStepLROptions>, ScheduleConfig {
  readonly type: "multiStepLR";
}

/** PyTorch `MultiStepLR`: `lr * gamma ** (number of milestones <= step)`. */
export function multiStepLR(options: MultiStepLROptions): Schedule<MultiStepLRConfig> {
  const fn = "multiStepLR" as const;
  checkKeys(fn, options, ["lr", "milestones", "gamma"]);
  const lr = positive(fn, "lr", options.lr);
  const milestones = intList(fn, "milestones", options.milestones, 1);
  const gamma = positive(fn, "gamma", options.gamma ?? 0.1);
  return makeSchedule({ type: fn, lr, milestones, gamma }, (k) => {
    let passed = 0;
    for (const m of milestones) if (m <= k) passed++;
    return lr * gamma ** passed;
  });
}
