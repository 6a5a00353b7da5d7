import { ScheduleError } from "./errors.js";
import { positiveInt } from "./internal/validate.js";
import type { Schedule, ScheduleConfig } from "./schedule.js";

export type ScheduleWarningCode =
  | "FIRST_UPDATE_AT_ZERO"
  | "PEAK_NOT_REACHED"
  | "RISES_AFTER_DECAY"
  | "RUN_LONGER_THAN_SCHEDULE";

export interface ScheduleWarning {
  code: ScheduleWarningCode;
  message: string;
}

export interface ScheduleDescription {
  /** Number of updates described (`0 .. totalSteps - 1`). */
  totalSteps: number;
  first: number;
  /** Highest rate over the run, and the first update that uses it. */
  peak: number;
  peakStep: number;
  /** Rate of the last update (`totalSteps - 1`). */
  final: number;
  min: number;
  /** The rate the schedule is built to reach (its `lr`/`maxLr`), when it has one. */
  nominalPeak: number | undefined;
  warnings: ScheduleWarning[];
}

const CYCLIC = new Set([
  "cyclicLR",
  "cosineAnnealingWarmRestarts",
  "cosineWithHardRestartsScheduleWithWarmup",
  "cyclicalRamp",
]);

function nominalPeak(c: ScheduleConfig): number | undefined {
  if (c.type === "sequentialLR") {
    const peaks = (c.schedulers as ScheduleConfig[]).map(nominalPeak);
    return peaks.some((p) => p === undefined) ? undefined : Math.max(...(peaks as number[]));
  }
  if (c.type === "linearLR") {
    return (c.lr as number) * Math.max(c.startFactor as number, c.endFactor as number);
  }
  if (c.type === "constantLR") return c.lr as number;
  if (typeof c.maxLr === "number") return c.maxLr;
  if (typeof c.lr === "number") return c.lr;
  return undefined;
}

function cyclic(c: ScheduleConfig): boolean {
  if (c.type === "sequentialLR") return (c.schedulers as ScheduleConfig[]).some(cyclic);
  if (c.type === "cosineScheduleWithWarmup" || c.type === "cosineWithMinLrScheduleWithWarmup") {
    return (c.numCycles as number) > 0.5;
  }
  return CYCLIC.has(c.type);
}

/**
 * Previews a schedule over `totalSteps` updates: first, peak (and where), final and lowest rate,
 * and warnings for the known traps: a first update at 0 (Hugging Face warm-ups), a warm-up that
 * never reaches its peak, a cosine that rises again after its end (PyTorch `CosineAnnealingLR`
 * past `tMax`, HF cosine past `numTrainingSteps`), a run longer than a one-cycle schedule.
 */
export function describeSchedule(schedule: Schedule, totalSteps: number): ScheduleDescription {
  const fn = "describeSchedule" as const;
  if (typeof schedule !== "function") {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: schedule must be a schedule function such as cosineAnnealingLR({...}), got ${String(schedule)}.`,
    );
  }
  positiveInt(fn, "totalSteps", totalSteps);
  const config = schedule.config ?? { type: "custom" };
  const warnings: ScheduleWarning[] = [];
  let steps = totalSteps;
  if (config.type === "oneCycleLR" && (config.totalSteps as number) < totalSteps) {
    steps = config.totalSteps as number;
    warnings.push({
      code: "RUN_LONGER_THAN_SCHEDULE",
      message: `oneCycleLR covers ${steps} updates but the run has ${totalSteps}: update ${steps} would throw. Build it with totalSteps: ${totalSteps}.`,
    });
  }
  const values = new Float64Array(steps);
  for (let k = 0; k < steps; k++) values[k] = schedule(k);
  let peak = -Infinity;
  let peakStep = 0;
  let min = Infinity;
  for (let k = 0; k < steps; k++) {
    const v = values[k] as number;
    if (v > peak) {
      peak = v;
      peakStep = k;
    }
    if (v < min) min = v;
  }
  const first = values[0] as number;
  const final = values[steps - 1] as number;
  if (first === 0) {
    warnings.push({
      code: "FIRST_UPDATE_AT_ZERO",
      message:
        "The first update runs at learning rate 0 and is wasted (the Hugging Face warm-up convention); pass warmupStartFactor > 0, or use linearLR as warm-up.",
    });
  }
  const nominal = nominalPeak(config);
  if (nominal !== undefined && peak < nominal * (1 - 1e-9)) {
    warnings.push({
      code: "PEAK_NOT_REACHED",
      message: `The schedule never reaches its peak ${nominal} within ${totalSteps} updates (highest: ${peak} at update ${peakStep}); shorten the warm-up or lengthen the run.`,
    });
  }
  if (!cyclic(config)) {
    let low = values[peakStep] as number;
    for (let k = peakStep + 1; k < steps; k++) {
      const v = values[k] as number;
      if (v < low) low = v;
      else if (v > low * (1 + 1e-9) + 1e-15) {
        warnings.push({
          code: "RISES_AFTER_DECAY",
          message: `The rate decays, then rises again from update ${k} (${low} -> ${v}): a cosine run past its end (tMax / numTrainingSteps). Set tMax (or numTrainingSteps) to the real number of updates, ${totalSteps}.`,
        });
        break;
      }
    }
  }
  return { totalSteps, first, peak, peakStep, final, min, nominalPeak: nominal, warnings };
}
