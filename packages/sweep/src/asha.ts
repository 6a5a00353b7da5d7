import type { MetricMode } from "./definition.js";
import { SweepError } from "./errors.js";
import { checkInteger } from "./internal/checks.js";

export type AshaDecision = "continue" | "stop";

/** What ASHA needs to know: its two settings, the budget and which way the metric improves. */
export interface AshaOptions {
  gracePeriod: number;
  reductionFactor: number;
  /** The trials' budget in epochs; rungs lie below it. */
  maxEpochs: number;
  mode: MetricMode;
}

/** The first value a trial reported at a rung, with the decision taken then. */
export interface AshaRecord {
  value: number;
  /** The value a trial needed to continue (in metric units), or null when it was the first. */
  cutoff: number | null;
  decision: AshaDecision;
}

/** ASHA's whole memory: plain JSON, so it can live in a file or a key-value store. */
export interface AshaState {
  options: AshaOptions;
  /** Ascending milestones, each with the records of the trials that reached it, by trial id. */
  rungs: { milestone: number; records: Record<string, AshaRecord> }[];
}

export interface AshaReport {
  trialId: string;
  /** Epochs the trial has completed. */
  epoch: number;
  /** The sweep metric after that many epochs. */
  value: number;
}

export interface AshaResult {
  state: AshaState;
  decision: AshaDecision;
  /** The milestone this report was judged at, or null when the trial is below the first rung. */
  rung: number | null;
  cutoff: number | null;
  /** True when the trial already had a record at this rung: the stored decision is returned. */
  replayed: boolean;
}

/**
 * Rung milestones: gracePeriod × reductionFactor^k epochs for k = 0, 1, ... while below maxEpochs
 * (a trial that reaches its budget ends anyway). Integers, so no rounding of logarithms.
 */
export function ashaRungs(
  gracePeriod: number,
  reductionFactor: number,
  maxEpochs: number,
): number[] {
  checkInteger("gracePeriod", gracePeriod, 1);
  checkInteger("reductionFactor", reductionFactor, 2);
  checkInteger("maxEpochs", maxEpochs, 1);
  const rungs: number[] = [];
  for (let m = gracePeriod; m < maxEpochs; m *= reductionFactor) rungs.push(m);
  return rungs;
}

/**
 * numpy's `percentile(values, q)` with the default linear method, step for step as numpy computes
 * it (virtual index (n − 1)·q/100, and its two-sided lerp), so results agree to the last bit.
 */
export function percentile(values: readonly number[], q: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  const n = sorted.length;
  if (n === 0) throw new RangeError("percentile of no values");
  const p = q / 100;
  const virtual = (n - 1) * p;
  const below = Math.min(Math.max(Math.floor(virtual), 0), n - 1);
  const above = Math.min(below + 1, n - 1);
  const t = virtual - Math.floor(virtual);
  const a = sorted[below] as number;
  const b = sorted[above] as number;
  const diff = b - a;
  return t >= 0.5 ? b - diff * (1 - t) : a + diff * t;
}

/**
 * The value a trial must reach to pass a rung, given the values recorded there before it (Ray
 * Tune's `cutoff`: the (1 − 1/η) percentile of the rewards, rewards being −value for `min`).
 * Returned in metric units; null when nothing is recorded. Non-finite values are left out.
 */
export function ashaCutoff(
  recorded: readonly number[],
  reductionFactor: number,
  mode: MetricMode,
): number | null {
  const sign = mode === "max" ? 1 : -1;
  const rewards = recorded.filter(Number.isFinite).map((v) => sign * v);
  if (rewards.length === 0) return null;
  return sign * percentile(rewards, (1 - 1 / reductionFactor) * 100);
}

export function createAshaState(options: AshaOptions): AshaState {
  const milestones = ashaRungs(options.gracePeriod, options.reductionFactor, options.maxEpochs);
  if (options.mode !== "min" && options.mode !== "max") {
    throw new SweepError(
      "INVALID_VALUE",
      `mode must be "min" or "max", got ${String(options.mode)}.`,
    );
  }
  return {
    options: { ...options },
    rungs: milestones.map((milestone) => ({ milestone, records: {} })),
  };
}

function checkReport(report: AshaReport): void {
  if (typeof report.trialId !== "string" || report.trialId === "") {
    throw new SweepError(
      "INVALID_REPORT",
      `trialId must be a non-empty string, got ${String(report.trialId)}.`,
    );
  }
  if (!Number.isInteger(report.epoch) || report.epoch < 0) {
    throw new SweepError(
      "INVALID_REPORT",
      `epoch must be an integer >= 0, got ${String(report.epoch)}.`,
    );
  }
  if (typeof report.value !== "number") {
    throw new SweepError("INVALID_REPORT", `value must be a number, got ${String(report.value)}.`);
  }
}

/**
 * Ray Tune's asynchronous successive halving, one report at a time. The report is judged at the
 * highest rung the trial has reached: the first time there, its value is compared with the cutoff
 * of the values recorded at that rung so far (worse → stop), then recorded. A later report at the
 * same rung (a replay after a resume) records nothing and gets the stored decision back, whatever
 * its value. A NaN or infinite value stops the trial once any value is recorded at its rung (Ray
 * would let NaN continue). Pure: the state passed in is not modified.
 */
export function ashaReport(state: AshaState, report: AshaReport): AshaResult {
  checkReport(report);
  const { reductionFactor, mode } = state.options;
  for (let r = state.rungs.length - 1; r >= 0; r--) {
    const rung = state.rungs[r] as AshaState["rungs"][number];
    if (report.epoch < rung.milestone) continue;
    const stored = rung.records[report.trialId];
    if (stored) {
      return {
        state,
        decision: stored.decision,
        rung: rung.milestone,
        cutoff: stored.cutoff,
        replayed: true,
      };
    }
    const cutoff = ashaCutoff(
      Object.values(rung.records).map((x) => x.value),
      reductionFactor,
      mode,
    );
    const worse =
      cutoff !== null &&
      (!Number.isFinite(report.value) ||
        (mode === "max" ? report.value < cutoff : report.value > cutoff));
    const decision: AshaDecision = worse ? "stop" : "continue";
    const records = {
      ...rung.records,
      [report.trialId]: { value: report.value, cutoff, decision },
    };
    const rungs = state.rungs.map((x, i) => (i === r ? { milestone: x.milestone, records } : x));
    return {
      state: { options: state.options, rungs },
      decision,
      rung: rung.milestone,
      cutoff,
      replayed: false,
    };
  }
  return { state, decision: "continue", rung: null, cutoff: null, replayed: false };
}
