import { checkKeys, nonNegativeInt, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface UnfreezeScheduleOptions {
  /** Number of layer groups (top group first). */
  numGroups: number;
  /** Epochs between two unfreezings. Default 1 (ULMFiT). */
  epochsPerGroup?: number;
  /** Groups trainable at epoch 0. Default 1 (only the top group, e.g. the new head). */
  initialGroups?: number;
}

export interface UnfreezeScheduleConfig extends ScheduleConfig {
  readonly type: "unfreezeSchedule";
  readonly numGroups: number;
  readonly epochsPerGroup: number;
  readonly initialGroups: number;
}

/**
 * Gradual unfreezing (ULMFiT): how many layer groups, counted from the top, are trainable at a
 * given epoch: `min(numGroups, initialGroups + floor(epoch / epochsPerGroup))`.
 */
export function unfreezeSchedule(
  options: UnfreezeScheduleOptions,
): Schedule<UnfreezeScheduleConfig> {
  const fn = "unfreezeSchedule" as const;
  checkKeys(fn, options, ["numGroups", "epochsPerGroup", "initialGroups"]);
  const numGroups = positiveInt(fn, "numGroups", options.numGroups);
  const epochsPerGroup = positiveInt(fn, "epochsPerGroup", options.epochsPerGroup ?? 1);
  const initialGroups = nonNegativeInt(fn, "initialGroups", options.initialGroups ?? 1);
  return makeSchedule({ type: fn, numGroups, epochsPerGroup, initialGroups }, (epoch) =>
    Math.min(numGroups, initialGroups + Math.floor(epoch / epochsPerGroup)),
  );
}
