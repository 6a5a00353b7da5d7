import { ScheduleError } from "./errors.js";
import { checkKeys, nonNegative, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface CosineAnnealingWarmRestartsOptions {
  lr: number;
  /** Length of the first period, in updates. */
  t0: number;
  /** Each period is `tMult` times longer than the previous one (an integer >= 1). PyTorch default 1. */
  tMult?: number;
  /** PyTorch default 0. */
  etaMin?: number;
}

export interface CosineAnnealingWarmRestartsConfig
  extends Required<CosineAnnealingWarmRestartsOptions>,
    ScheduleConfig {
  readonly type: "cosineAnnealingWarmRestarts";
}

/** PyTorch `CosineAnnealingWarmRestarts` (SGDR), stepped once per update. */
export function cosineAnnealingWarmRestarts(
  options: CosineAnnealingWarmRestartsOptions,
): Schedule<CosineAnnealingWarmRestartsConfig> {
  const fn = "cosineAnnealingWarmRestarts" as const;
  checkKeys(fn, options, ["lr", "t0", "tMult", "etaMin"]);
  const lr = positive(fn, "lr", options.lr);
  const t0 = positiveInt(fn, "t0", options.t0);
  const tMult = positiveInt(fn, "tMult", options.tMult ?? 1);
  const etaMin = nonNegative(fn, "etaMin", options.etaMin ?? 0);
  if (etaMin > lr) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: etaMin (${etaMin}) must not exceed lr (${lr}); etaMin is the floor of every period.`,
    );
  }
  return makeSchedule({ type: fn, lr, t0, tMult, etaMin }, (k) => {
    let tCur = k;
    let tI = t0;
    if (tMult === 1) {
      tCur = k % t0;
    } else {
      while (tCur >= tI) {
        tCur -= tI;
        tI *= tMult;
      }
    }
    return etaMin + ((lr - etaMin) * (1 + Math.cos((Math.PI * tCur) / tI))) / 2;
  });
}
