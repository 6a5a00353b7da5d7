import { ScheduleError } from "./errors.js";

/** JSON description of a built-in schedule: `type` names the factory, the rest are its options. */
export interface ScheduleConfig {
  readonly type: string;
  readonly [option: string]: unknown;
}

/**
 * A learning-rate schedule: a pure function from the optimizer's update number `step` (counted
 * from 0: `schedule(0)` is the rate of the first update) to the rate to use for that update.
 * Built-in schedules also carry their JSON `config`, so `scheduleFromJSON(schedule.toJSON())`
 * rebuilds them.
 */
export interface Schedule<C extends ScheduleConfig = ScheduleConfig> {
  (step: number): number;
  /** The options the schedule was built with, defaults filled in. */
  readonly config: C;
  /** The JSON config (what `JSON.stringify(schedule)` writes). */
  toJSON(): C;
}

/** Throws unless `step` is an update count: an integer >= 0. */
export function checkStep(name: string, step: unknown): asserts step is number {
  if (typeof step !== "number" || !Number.isInteger(step) || step < 0) {
    throw new ScheduleError(
      "INVALID_STEP",
      `${name}: step must be a non-negative integer (the optimizer's update count, from 0), got ${String(step)}.`,
    );
  }
}

/** Wraps a closed form into a {@link Schedule} that checks its step and knows its config. */
export function makeSchedule<C extends ScheduleConfig>(
  config: C,
  lrAt: (step: number) => number,
): Schedule<C> {
  const frozen = Object.freeze({ ...config }) as C;
  const schedule = ((step: number) => {
    checkStep(frozen.type, step);
    return lrAt(step);
  }) as Schedule<C>;
  Object.defineProperty(schedule, "config", { value: frozen, enumerable: true });
  Object.defineProperty(schedule, "toJSON", {
    value: () => JSON.parse(JSON.stringify(frozen)) as C,
    enumerable: false,
  });
  return schedule;
}
