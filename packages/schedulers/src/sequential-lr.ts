import { ScheduleError } from "./errors.js";
import { intList } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface SequentialLROptions {
  /** The schedules to run one after the other. */
  schedulers: Schedule[];
  /** Update numbers where the next schedule takes over (one fewer than `schedulers`, increasing, > 0). */
  milestones: number[];
}

export interface SequentialLRConfig {
  readonly type: "sequentialLR";
  readonly schedulers: ScheduleConfig[];
  readonly milestones: number[];
  readonly [option: string]: unknown;
}

/**
 * PyTorch `SequentialLR`: schedule `i` runs from `milestones[i - 1]`, and restarts its own count
 * there (it sees `step - milestones[i - 1]`), as PyTorch does.
 */
export function sequentialLR(options: SequentialLROptions): Schedule<SequentialLRConfig> {
  const fn = "sequentialLR" as const;
  const schedulers = options?.schedulers;
  if (!Array.isArray(schedulers) || schedulers.length === 0) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: schedulers must be a non-empty array of schedules, got ${String(schedulers)}.`,
    );
  }
  for (const [i, s] of schedulers.entries()) {
    if (typeof s !== "function") {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: schedulers[${i}] is ${String(s)}, not a schedule; build it with a factory such as linearLR({...}).`,
      );
    }
  }
  const raw = options.milestones;
  const milestones = intList(fn, "milestones", raw, 1);
  if (milestones.length !== schedulers.length - 1) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: ${schedulers.length} schedulers need ${schedulers.length - 1} milestones, got ${milestones.length} ([${milestones.join(", ")}]).`,
    );
  }
  for (let i = 0; i < milestones.length; i++) {
    if (milestones[i] !== raw[i] || (i > 0 && milestones[i] === milestones[i - 1])) {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: milestones must be strictly increasing, got [${raw.join(", ")}].`,
      );
    }
  }
  let childConfigs: ScheduleConfig[] | undefined;
  try {
    childConfigs = schedulers.map((s) => s.toJSON());
  } catch {
    childConfigs = undefined;
  }
  const config: SequentialLRConfig = {
    type: fn,
    schedulers: childConfigs ?? schedulers.map((s) => s.config),
    milestones,
  };
  const schedule = makeSchedule(config, (k) => {
    let idx = 0;
    while (idx < milestones.length && (milestones[idx] as number) <= k) idx++;
    const offset = idx === 0 ? 0 : (milestones[idx - 1] as number);
    return (schedulers[idx] as Schedule)(k - offset);
  });
  if (childConfigs === undefined) {
    Object.defineProperty(schedule, "toJSON", {
      value: () => {
        throw new ScheduleError(
          "NOT_SERIALIZABLE",
          `${fn}: one of its schedulers cannot be saved as JSON (a lambdaLR); replace it with a built-in schedule to checkpoint.`,
        );
      },
    });
  }
  return schedule;
}
