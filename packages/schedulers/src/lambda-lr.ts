import { ScheduleError } from "./errors.js";
import { checkKeys, positive } from "./internal/validate.js";
import { checkStep, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface LambdaLROptions {
  lr: number;
  /** Multiplier for update `step`. */
  lambda: (step: number) => number;
}

export interface LambdaLRConfig extends ScheduleConfig {
  readonly type: "lambdaLR";
  readonly lr: number;
}

/**
 * PyTorch `LambdaLR`: `lr * lambda(step)`. A function cannot be stored as JSON, so `toJSON()`
 * throws (as PyTorch's `state_dict` drops plain lambdas); use a built-in schedule to checkpoint.
 * A non-finite or negative multiplier is an error at the step that produces it.
 */
export function lambdaLR(options: LambdaLROptions): Schedule<LambdaLRConfig> {
  const fn = "lambdaLR" as const;
  checkKeys(fn, options, ["lr", "lambda"]);
  const lr = positive(fn, "lr", options.lr);
  const lambda = options.lambda;
  if (typeof lambda !== "function") {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: lambda must be a function (step) => multiplier, got ${typeof lambda}.`,
    );
  }
  const config: LambdaLRConfig = Object.freeze({ type: fn, lr });
  const schedule = ((step: number) => {
    checkStep(fn, step);
    const m = lambda(step);
    if (typeof m !== "number" || !Number.isFinite(m) || m < 0) {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: lambda(${step}) returned ${String(m)}; it must return a finite multiplier >= 0.`,
      );
    }
    return lr * m;
  }) as Schedule<LambdaLRConfig>;
  Object.defineProperty(schedule, "config", { value: config, enumerable: true });
  Object.defineProperty(schedule, "toJSON", {
    value: () => {
      throw new ScheduleError(
        "NOT_SERIALIZABLE",
        `${fn}: a schedule built from a function cannot be saved as JSON. Use a built-in schedule (for example sequentialLR of linearLR and cosineAnnealingLR) to checkpoint it.`,
      );
    },
  });
  return schedule;
}
