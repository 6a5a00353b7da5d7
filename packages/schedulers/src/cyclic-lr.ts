import { ScheduleError } from "./errors.js";
import { noMomentumCycling } from "./internal/momentum.js";
import {
  checkKeys,
  inRange,
  nonNegative,
  oneOf,
  positive,
  positiveInt,
} from "./internal/validate.js";
import { makeSchedule, type Schedule } from "./schedule.js";

export type CyclicMode = "triangular" | "triangular2" | "exp_range";

export interface CyclicLROptions {
  /** Lower bound of each cycle (PyTorch overwrites the optimizer rate with it). */
  baseLr: number;
  maxLr: number;
  /** Updates from `baseLr` up to `maxLr`. PyTorch default 2000. */
  stepSizeUp?: number;
  /** Updates back down. Default: `stepSizeUp`. */
  stepSizeDown?: number;
  /** PyTorch default "triangular". */
  mode?: CyclicMode;
  /** Per-update decay of the amplitude in "exp_range". PyTorch default 1. */
  gamma?: number;
  /** Only `false` is supported (PyTorch's default is true and cycles momentum too). */
  cycleMomentum?: boolean;
}

export interface CyclicLRConfig {
  readonly type: "cyclicLR";
  readonly baseLr: number;
  readonly maxLr: number;
  readonly stepSizeUp: number;
  readonly stepSizeDown: number;
  readonly mode: CyclicMode;
  readonly gamma: number;
  readonly cycleMomentum: false;
  readonly [option: string]: unknown;
}

/** PyTorch `CyclicLR` (triangular, triangular2, exp_range), one step per update. */
export function cyclicLR(options: CyclicLROptions): Schedule<CyclicLRConfig> {
  const fn = "cyclicLR" as const;
  checkKeys(fn, options, [
    "baseLr",
    "maxLr",
    "stepSizeUp",
    "stepSizeDown",
    "mode",
    "gamma",
    "cycleMomentum",
  ]);
  const baseLr = nonNegative(fn, "baseLr", options.baseLr);
  const maxLr = positive(fn, "maxLr", options.maxLr);
  if (maxLr < baseLr) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: maxLr (${maxLr}) must be >= baseLr (${baseLr}); swap them.`,
    );
  }
  const stepSizeUp = positiveInt(fn, "stepSizeUp", options.stepSizeUp ?? 2000);
  const stepSizeDown = positiveInt(fn, "stepSizeDown", options.stepSizeDown ?? stepSizeUp);
  const mode = oneOf(fn, "mode", options.mode ?? "triangular", [
    "triangular",
    "triangular2",
    "exp_range",
  ] as const);
  const gamma = inRange(fn, "gamma", options.gamma ?? 1, 0, 1, { lo: true });
  const cycleMomentum = noMomentumCycling(fn, options.cycleMomentum);
  const totalSize = stepSizeUp + stepSizeDown;
  const stepRatio = stepSizeUp / totalSize;
  return makeSchedule(
    { type: fn, baseLr, maxLr, stepSizeUp, stepSizeDown, mode, gamma, cycleMomentum },
    (k) => {
      const cycle = Math.floor(1 + k / totalSize);
      const x = 1 + k / totalSize - cycle;
      const scaleFactor = x <= stepRatio ? x / stepRatio : (x - 1) / (stepRatio - 1);
      const height = (maxLr - baseLr) * scaleFactor;
      const scale =
        mode === "triangular" ? 1 : mode === "triangular2" ? 1 / 2 ** (cycle - 1) : gamma ** k;
      return baseLr + height * scale;
    },
  );
}
