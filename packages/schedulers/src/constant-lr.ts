import { checkKeys, inRange, nonNegativeInt, positive } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface ConstantLROptions {
  lr: number;
  /** Factor applied before `totalIters`, in [0, 1]. PyTorch default 1/3. */
  factor?: number;
  /** PyTorch default 5. */
  totalIters?: number;
}

export interface ConstantLRConfig extends Required<ConstantLROptions>, ScheduleConfig {
  readonly type: "constantLR";
}

/** PyTorch `ConstantLR`: `lr * factor` for `step < totalIters`, then `lr`. */
export function constantLR(options: ConstantLROptions): Schedule<ConstantLRConfig> {
  const fn = "constantLR" as const;
  checkKeys(fn, options, ["lr", "factor", "totalIters"]);
  const lr = positive(fn, "lr", options.lr);
  const factor = inRange(fn, "factor", options.factor ?? 1 / 3, 0, 1);
  const totalIters = nonNegativeInt(fn, "totalIters", options.totalIters ?? 5);
  return makeSchedule({ type: fn, lr, factor, totalIters }, (k) =>
    k < totalIters ? lr * factor : lr,
  );
}
