import { constantLR } from "./constant-lr.js";
import { cosineAnnealingLR } from "./cosine-annealing-lr.js";
import { cosineAnnealingWarmRestarts } from "./cosine-annealing-warm-restarts.js";
import { competence } from "./curriculum.js";
import { cyclicLR } from "./cyclic-lr.js";
import { ScheduleError } from "./errors.js";
import { exponentialLR } from "./exponential-lr.js";
import { linearLR } from "./linear-lr.js";
import { multiStepLR } from "./multi-step-lr.js";
import { oneCycleLR } from "./one-cycle-lr.js";
import { polynomialLR } from "./polynomial-lr.js";
import { cyclicalRamp, linearRamp, sigmoidRamp } from "./ramps.js";
import type { Schedule, ScheduleConfig } from "./schedule.js";
import { sequentialLR } from "./sequential-lr.js";
import { stepLR } from "./step-lr.js";
import { unfreezeSchedule } from "./unfreeze-schedule.js";
import {
  constantScheduleWithWarmup,
  cosineScheduleWithWarmup,
  cosineWithHardRestartsScheduleWithWarmup,
  cosineWithMinLrScheduleWithWarmup,
  inverseSqrtSchedule,
  linearScheduleWithWarmup,
  polynomialDecayScheduleWithWarmup,
  wsdSchedule,
} from "./warmup-recipes.js";

// biome-ignore lint/suspicious/noExplicitAny: each factory validates its own options
type Factory = (options: any) => Schedule;

const FACTORIES: Record<string, Factory> = {
  stepLR,
  multiStepLR,
  constantLR,
  linearLR,
  exponentialLR,
  polynomialLR,
  cosineAnnealingLR,
  cosineAnnealingWarmRestarts,
  cyclicLR,
  oneCycleLR,
  linearScheduleWithWarmup,
  cosineScheduleWithWarmup,
  cosineWithHardRestartsScheduleWithWarmup,
  polynomialDecayScheduleWithWarmup,
  constantScheduleWithWarmup,
  inverseSqrtSchedule,
  cosineWithMinLrScheduleWithWarmup,
  wsdSchedule,
  linearRamp,
  sigmoidRamp,
  cyclicalRamp,
  competence,
  unfreezeSchedule,
};

/** The `type` names `scheduleFromJSON` understands. */
export const SCHEDULE_TYPES: readonly string[] = Object.freeze([
  ...Object.keys(FACTORIES),
  "sequentialLR",
]);

/**
 * Rebuilds a schedule from `schedule.toJSON()` (or the parsed JSON string), for example from a
 * checkpoint. Options are validated exactly as by the factory.
 */
export function scheduleFromJSON(config: ScheduleConfig | string): Schedule {
  const c: unknown = typeof config === "string" ? JSON.parse(config) : config;
  if (c === null || typeof c !== "object" || typeof (c as ScheduleConfig).type !== "string") {
    throw new ScheduleError(
      "INVALID_CONFIG",
      `scheduleFromJSON: expected an object with a "type" (one of ${SCHEDULE_TYPES.join(", ")}), got ${JSON.stringify(c)}.`,
    );
  }
  const { type, ...options } = c as ScheduleConfig;
  if (type === "sequentialLR") {
    const children = (options as { schedulers?: unknown }).schedulers;
    if (!Array.isArray(children)) {
      throw new ScheduleError(
        "INVALID_CONFIG",
        `scheduleFromJSON: sequentialLR needs a "schedulers" array of child configs, got ${JSON.stringify(children)}.`,
      );
    }
    return sequentialLR({
      schedulers: children.map((child) => scheduleFromJSON(child as ScheduleConfig)),
      milestones: (options as { milestones: number[] }).milestones,
    });
  }
  const factory = FACTORIES[type];
  if (!factory) {
    throw new ScheduleError(
      "INVALID_CONFIG",
      `scheduleFromJSON: unknown schedule type "${type}". Known types: ${SCHEDULE_TYPES.join(", ")}.${type === "lambdaLR" ? " lambdaLR holds a function and cannot be rebuilt from JSON." : ""}`,
    );
  }
  return factory(options);
}
