import { ScheduleError } from "./errors.js";
import { noMomentumCycling } from "./internal/momentum.js";
import { bool, checkKeys, inRange, oneOf, positive, positiveInt } from "./internal/validate.js";
import { makeSchedule, type Schedule } from "./schedule.js";

export type AnnealStrategy = "cos" | "linear";

export interface OneCycleLROptions {
  maxLr: number;
  /** Number of updates the cycle covers. Give it, or `epochs` and `stepsPerEpoch`. */
  totalSteps?: number;
  epochs?: number;
  stepsPerEpoch?: number;
  /** Fraction of the cycle spent rising, in (0, 1). PyTorch default 0.3. */
  pctStart?: number;
  /** PyTorch default "cos". */
  annealStrategy?: AnnealStrategy;
  /** Start at `maxLr / divFactor`. PyTorch default 25. */
  divFactor?: number;
  /** End at `maxLr / divFactor / finalDivFactor`. PyTorch default 1e4. */
  finalDivFactor?: number;
  /** Rise, fall back to the start, then anneal (fast.ai's original). PyTorch default false. */
  threePhase?: boolean;
  /** Only `false` is supported. */
  cycleMomentum?: boolean;
  /**
   * What a step >= totalSteps does: "error" (default; PyTorch raises "Tried to step ... times")
   * or "clamp" (hold the final rate).
   */
  afterEnd?: "error" | "clamp";
}

export interface OneCycleLRConfig {
  readonly type: "oneCycleLR";
  readonly maxLr: number;
  readonly totalSteps: number;
  readonly pctStart: number;
  readonly annealStrategy: AnnealStrategy;
  readonly divFactor: number;
  readonly finalDivFactor: number;
  readonly threePhase: boolean;
  readonly cycleMomentum: false;
  readonly afterEnd: "error" | "clamp";
  readonly [option: string]: unknown;
}

/**
 * PyTorch `OneCycleLR`. Covers updates `0 .. totalSteps - 1`; asking for a later step throws
 * `STEP_PAST_END` (or holds the last value with `afterEnd: "clamp"`), never a silent NaN.
 */
export function oneCycleLR(options: OneCycleLROptions): Schedule<OneCycleLRConfig> {
  const fn = "oneCycleLR" as const;
  checkKeys(fn, options, [
    "maxLr",
    "totalSteps",
    "epochs",
    "stepsPerEpoch",
    "pctStart",
    "annealStrategy",
    "divFactor",
    "finalDivFactor",
    "threePhase",
    "cycleMomentum",
    "afterEnd",
  ]);
  const maxLr = positive(fn, "maxLr", options.maxLr);
  let totalSteps: number;
  if (options.totalSteps !== undefined) {
    totalSteps = positiveInt(fn, "totalSteps", options.totalSteps);
  } else if (options.epochs !== undefined || options.stepsPerEpoch !== undefined) {
    totalSteps =
      positiveInt(fn, "epochs", options.epochs) *
      positiveInt(fn, "stepsPerEpoch", options.stepsPerEpoch);
  } else {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: totalSteps is undefined; pass totalSteps, or epochs and stepsPerEpoch (the number of batches per epoch).`,
    );
  }
  const pctStart = inRange(fn, "pctStart", options.pctStart ?? 0.3, 0, 1, { lo: true, hi: true });
  const annealStrategy = oneOf(fn, "annealStrategy", options.annealStrategy ?? "cos", [
    "cos",
    "linear",
  ] as const);
  const divFactor = positive(fn, "divFactor", options.divFactor ?? 25);
  const finalDivFactor = positive(fn, "finalDivFactor", options.finalDivFactor ?? 1e4);
  const threePhase = bool(fn, "threePhase", options.threePhase ?? false);
  const cycleMomentum = noMomentumCycling(fn, options.cycleMomentum);
  const afterEnd = oneOf(fn, "afterEnd", options.afterEnd ?? "error", ["error", "clamp"] as const);

  const initialLr = maxLr / divFactor;
  const minLr = initialLr / finalDivFactor;
  const phases: { end: number; from: number; to: number }[] = threePhase
    ? [
        { end: pctStart * totalSteps - 1, from: initialLr, to: maxLr },
        { end: 2 * pctStart * totalSteps - 2, from: maxLr, to: initialLr },
        { end: totalSteps - 1, from: initialLr, to: minLr },
      ]
    : [
        { end: pctStart * totalSteps - 1, from: initialLr, to: maxLr },
        { end: totalSteps - 1, from: maxLr, to: minLr },
      ];
  let start = 0;
  for (const phase of phases) {
    if (!(phase.end > start)) {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: pctStart ${pctStart} with totalSteps ${totalSteps} leaves a phase with no updates (phase ends at step ${phase.end}, starts at ${start}); raise totalSteps or move pctStart towards 0.5${threePhase ? " (three phases need 2 * pctStart * totalSteps < totalSteps + 1)" : ""}.`,
      );
    }
    start = phase.end;
  }
  const anneal =
    annealStrategy === "cos"
      ? (a: number, b: number, pct: number) => b + ((a - b) / 2) * (Math.cos(Math.PI * pct) + 1)
      : (a: number, b: number, pct: number) => (b - a) * pct + a;

  const lrAt = (k: number): number => {
    let from = 0;
    for (let i = 0; i < phases.length; i++) {
      const phase = phases[i] as (typeof phases)[number];
      if (k <= phase.end || i === phases.length - 1) {
        return anneal(phase.from, phase.to, (k - from) / (phase.end - from));
      }
      from = phase.end;
    }
    return minLr;
  };
  return makeSchedule(
    {
      type: fn,
      maxLr,
      totalSteps,
      pctStart,
      annealStrategy,
      divFactor,
      finalDivFactor,
      threePhase,
      cycleMomentum,
      afterEnd,
    },
    (k) => {
      if (k >= totalSteps) {
        if (afterEnd === "clamp") return lrAt(totalSteps - 1);
        throw new ScheduleError(
          "STEP_PAST_END",
          `${fn}: step ${k} is past the cycle, which covers updates 0..${totalSteps - 1} (totalSteps ${totalSteps}). Count the real number of batches (epochs * ceil(samples / batchSize)) into totalSteps, or pass afterEnd: "clamp" to hold the final rate.`,
        );
      }
      return lrAt(k);
    },
  );
}
