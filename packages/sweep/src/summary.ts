import { type Sweep, validateSweep } from "./definition.js";
import { SweepError } from "./errors.js";
import { checkInteger, invalid } from "./internal/checks.js";
import type { TrialConfig } from "./space.js";
import { expandTrials, type Trial } from "./trials.js";

export type TrialStatus = "completed" | "stopped" | "failed";

/** What running one trial produced (as a worker records it). */
export interface TrialResult {
  /** The trial's id from {@link expandTrials}. */
  id: string;
  /** `completed`: ran its budget; `stopped`: ASHA stopped it; `failed`: out of attempts. */
  status: TrialStatus;
  /** Epochs trained, in total over its attempts. */
  epochs: number;
  /** The sweep metric after each epoch the trial reported, in order. */
  values: number[];
  /**
   * Attempts spent (1 when it ran once; a failure spends one, a preemption or a dead worker does
   * not); 0 for a failed trial that never started, such as one cancelled while it waited.
   */
  attempts: number;
  /** Starts that went on from a checkpoint instead of epoch 0 (after a failure, preemption or crash). */
  resumes: number;
  /** The last error of a failed trial. */
  error?: string;
}

/** One trial with its outcome. */
export interface TrialRow {
  id: string;
  index: number;
  configIndex: number;
  config: TrialConfig;
  fold: number;
  repeat: number;
  seed: number;
  status: TrialStatus;
  epochs: number;
  /** Its last reported value of the metric, or null when it reported none. */
  metric: number | null;
  /** Its best reported value (lowest for `min`, highest for `max`; NaN ignored), or null. */
  best: number | null;
  attempts: number;
  resumes: number;
  error?: string;
}

/** One config over its folds: completed trials only (a stopped trial did not train its budget). */
export interface ConfigSummary {
  configIndex: number;
  config: TrialConfig;
  completed: number;
  stopped: number;
  failed: number;
  /** Per fold, the mean best value over its completed repeats (null: no completed trial). */
  foldValues: (number | null)[];
  /** Mean over the folds that have a value (over the repeats when the sweep has no folds). */
  mean: number | null;
  /** Sample standard deviation (n − 1) of the same values; null with fewer than two. */
  std: number | null;
  /** How many values the mean and std are over. */
  n: number;
}

export interface SweepSummary {
  trials: TrialRow[];
  configs: ConfigSummary[];
}

const STATUSES: readonly string[] = ["completed", "stopped", "failed"];

export function mean(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  let sum = 0;
  for (const v of values) sum += v;
  return sum / values.length;
}

/** Sample standard deviation (divides by n − 1, as numpy's `std(ddof=1)`); null below two values. */
export function sampleStd(values: readonly number[]): number | null {
  const m = mean(values);
  if (m === null || values.length < 2) return null;
  let ss = 0;
  for (const v of values) ss += (v - m) * (v - m);
  return Math.sqrt(ss / (values.length - 1));
}

function bestOf(values: readonly number[], mode: "min" | "max"): number | null {
  let best: number | null = null;
  for (const v of values) {
    if (Number.isNaN(v)) continue;
    if (best === null || (mode === "min" ? v < best : v > best)) best = v;
  }
  return best;
}

function checkResult(r: TrialResult, i: number, sweep: Sweep): void {
  const at = `results[${i}]`;
  if (!STATUSES.includes(r.status)) {
    throw invalid(`${at}.status`, '"completed", "stopped" or "failed"', r.status);
  }
  checkInteger(`${at}.epochs`, r.epochs, 0, sweep.budget.epochs);
  // 0 attempts: a failed trial that never started (cancelled while it waited).
  checkInteger(`${at}.attempts`, r.attempts, r.status === "failed" ? 0 : 1);
  checkInteger(`${at}.resumes`, r.resumes, 0);
  if (!Array.isArray(r.values) || r.values.some((v) => typeof v !== "number")) {
    throw invalid(`${at}.values`, "an array of numbers", r.values);
  }
}

function toRow(trial: Trial, r: TrialResult, sweep: Sweep): TrialRow {
  const { index, id, configIndex, config, fold, repeat, seed } = trial;
  const row: TrialRow = {
    id,
    index,
    configIndex,
    config,
    fold,
    repeat,
    seed,
    status: r.status,
    epochs: r.epochs,
    metric: r.values.length > 0 ? (r.values[r.values.length - 1] as number) : null,
    best: bestOf(r.values, sweep.metric.mode),
    attempts: r.attempts,
    resumes: r.resumes,
  };
  if (r.error !== undefined) row.error = r.error;
  return row;
}

/** Rows for the trials that have results, in trial order; unknown ids and duplicates are refused. */
function trialRows(sweep: Sweep, results: readonly TrialResult[]): TrialRow[] {
  const byId = new Map(expandTrials(sweep).map((t) => [t.id, t]));
  const seen = new Set<string>();
  const rows = results.map((r, i) => {
    const trial = byId.get(r.id);
    if (!trial) {
      throw new SweepError(
        "UNKNOWN_TRIAL",
        `results[${i}].id: no trial ${JSON.stringify(r.id)} in this sweep.`,
        `results[${i}].id`,
      );
    }
    if (seen.has(r.id)) {
      throw new SweepError(
        "DUPLICATE_RESULT",
        `results[${i}].id: trial ${r.id} has a result already; give one per trial.`,
        `results[${i}].id`,
      );
    }
    seen.add(r.id);
    checkResult(r, i, sweep);
    return toRow(trial, r, sweep);
  });
  return rows.sort((a, b) => a.index - b.index);
}

function summarizeConfig(sweep: Sweep, rows: TrialRow[]): ConfigSummary {
  const first = rows[0] as TrialRow;
  const count = (s: TrialStatus) => rows.filter((r) => r.status === s).length;
  const done = rows.filter((r) => r.status === "completed" && r.best !== null);
  const foldValues = Array.from({ length: sweep.foldCount }, (_, f) =>
    mean(done.filter((r) => r.fold === f).map((r) => r.best as number)),
  );
  const values =
    sweep.foldCount > 1
      ? foldValues.filter((v): v is number => v !== null)
      : done.map((r) => r.best as number);
  return {
    configIndex: first.configIndex,
    config: first.config,
    completed: count("completed"),
    stopped: count("stopped"),
    failed: count("failed"),
    foldValues,
    mean: mean(values),
    std: sampleStd(values),
    n: values.length,
  };
}

/**
 * One row per trial (config, fold, seed, status, epochs, last and best metric, attempts, resumes)
 * and, per config with results, the mean ± sample std of the best metric over folds.
 */
export function summarizeTrials(
  definition: unknown,
  results: readonly TrialResult[],
): SweepSummary {
  const sweep = validateSweep(definition);
  const trials = trialRows(sweep, results);
  const byConfig = new Map<number, TrialRow[]>();
  for (const row of trials) {
    const list = byConfig.get(row.configIndex) ?? [];
    list.push(row);
    byConfig.set(row.configIndex, list);
  }
  const configs = [...byConfig.values()].map((rows) => summarizeConfig(sweep, rows));
  return { trials, configs };
}
