import { checkKeys, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface PolynomialLROptions {
  lr: number;
  /** Updates until the rate reaches 0. PyTorch default 5. */
  totalIters?: number;
  /** PyTorch default 1. */
  power?: number;
}

export interface PolynomialLRConfig extends Required<PolynomialLROptions>, ScheduleConfig {
  readonly type: "polynomialLR";
}

/** PyTorch `PolynomialLR`: `lr * (1 - min(step, totalIters) / totalIters) ** power` (0 from `totalIters` on). */
export function polynomialLR(options: PolynomialLROptions): Schedule<PolynomialLRConfig> {
  const fn = "polynomialLR" as const;
  checkKeys(fn, options, ["lr", "totalIters", "power"]);
  const lr = positive(fn, "lr", options.lr);
  const totalIters = positiveInt(fn, "totalIters", options.totalIters ?? 5);
  const power = positive(fn, "power", options.power ?? 1);
  return makeSchedule(
    { type: fn, lr, totalIters, power },
    (k) => lr * (1 - Math.min(k, totalIters) / totalIters) ** power,
  );
}
