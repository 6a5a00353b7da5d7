import { SweepError } from "./errors.js";
import { type FoldsSpec, validateFolds } from "./folds.js";
import { checkInteger, checkKeys, checkName, invalid, requireObject } from "./internal/checks.js";
import { MAX_SEED } from "./internal/seeds.js";
import { gridSize, type SearchSpace, validateSpace } from "./space.js";

/** Whether smaller (`min`, a loss) or larger (`max`, an accuracy) values of the metric are better. */
export type MetricMode = "min" | "max";

/** Asynchronous successive halving (Ray Tune's ASHA), see {@link ashaRungs} and {@link ashaReport}. */
export interface AshaScheduler {
  type: "asha";
  /** Epochs every trial runs before its first rung, integer >= 1 and below the budget. */
  gracePeriod: number;
  /** η: rungs are η times apart and about 1/η of the trials pass each one; integer >= 2. */
  reductionFactor: number;
}

/** A sweep as written in a file (JSON-like; YAML later reads into the same shape). */
export interface SweepDefinition {
  name?: string;
  /** The seed every trial id, trial seed, sampled config and shuffled fold derives from. */
  seed: number;
  space: SearchSpace;
  /** How many times the grid is sampled (random parameters drawn anew each time); default 1. */
  samples?: number;
  /** Cross-validation folds; without it every config runs once on the whole training set. */
  folds?: FoldsSpec;
  /** Runs per (config, fold), each with its own seed; default 1. */
  repeats?: number;
  metric: { name: string; mode: MetricMode };
  budget: { epochs: number };
  /** Early stopping; without it every trial runs its whole budget. */
  scheduler?: AshaScheduler;
  /** Attempts per trial before it counts as failed (the first run included); default 3. */
  retries?: { attempts: number };
  /**
   * What trains each trial, for workers that serve more than one kind: a name the worker knows
   * (such as `plate-bp` for the `trainkit` CLI) or a module path. Workers given one trainable
   * ignore it.
   */
  trainable?: string;
}

/** A validated sweep with every default filled in and its size worked out. */
export interface Sweep {
  name: string | undefined;
  seed: number;
  space: SearchSpace;
  samples: number;
  folds: FoldsSpec | undefined;
  repeats: number;
  metric: { name: string; mode: MetricMode };
  budget: { epochs: number };
  scheduler: AshaScheduler | undefined;
  retries: { attempts: number };
  trainable: string | undefined;
  /** Grid points (product of the grid parameters' sizes). */
  gridSize: number;
  /** Number of folds the splitter gives (1 without folds). */
  foldCount: number;
  /** samples × gridSize. */
  configCount: number;
  /** configCount × foldCount × repeats. */
  trialCount: number;
}

/** Most trials one sweep may hold. */
export const MAX_TRIALS = 1_000_000;

/** Sweeps returned by validateSweep (frozen), so they are not checked again. */
const VALIDATED = new WeakSet<object>();

function deepFreeze<T>(value: T): T {
  if (typeof value === "object" && value !== null) {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}

function register(sweep: Sweep): Sweep {
  VALIDATED.add(deepFreeze(sweep));
  return sweep;
}

const KEYS = [
  "name",
  "seed",
  "space",
  "samples",
  "folds",
  "repeats",
  "metric",
  "budget",
  "scheduler",
  "retries",
  "trainable",
];

export const asha = (options: { gracePeriod: number; reductionFactor: number }): AshaScheduler => ({
  type: "asha",
  ...options,
});

function validateMetric(value: unknown): Sweep["metric"] {
  const metric = requireObject("metric", value);
  checkKeys("metric", metric, ["name", "mode"], ["name", "mode"]);
  const name = checkName("metric.name", metric.name);
  if (metric.mode !== "min" && metric.mode !== "max") {
    throw invalid("metric.mode", '"min" or "max"', metric.mode);
  }
  return { name, mode: metric.mode };
}

function validateScheduler(value: unknown, epochs: number): AshaScheduler | undefined {
  if (value === undefined) return undefined;
  const s = requireObject("scheduler", value);
  if (s.type !== "asha") throw invalid("scheduler.type", '"asha"', s.type);
  checkKeys("scheduler", s, ["type", "gracePeriod", "reductionFactor"], ["gracePeriod"]);
  const gracePeriod = checkInteger("scheduler.gracePeriod", s.gracePeriod, 1);
  if (gracePeriod >= epochs) {
    throw invalid(
      "scheduler.gracePeriod",
      `below budget.epochs (${epochs}), or ASHA never gets to stop a trial`,
      gracePeriod,
    );
  }
  const reductionFactor = checkInteger("scheduler.reductionFactor", s.reductionFactor ?? 4, 2);
  return { type: "asha", gracePeriod, reductionFactor };
}

function checkTrainable(value: unknown): string {
  if (typeof value !== "string" || value.trim() === "" || value.length > 1000) {
    throw invalid("trainable", "a non-empty string (a trainable's name or module path)", value);
  }
  return value;
}

function validateCounts(d: Record<string, unknown>) {
  const budget = requireObject("budget", d.budget);
  checkKeys("budget", budget, ["epochs"], ["epochs"]);
  const retries = requireObject("retries", d.retries ?? { attempts: 3 });
  checkKeys("retries", retries, ["attempts"], ["attempts"]);
  return {
    samples: checkInteger("samples", d.samples ?? 1, 1),
    repeats: checkInteger("repeats", d.repeats ?? 1, 1),
    budget: { epochs: checkInteger("budget.epochs", budget.epochs, 1) },
    retries: { attempts: checkInteger("retries.attempts", retries.attempts, 1) },
  };
}

/**
 * Checks a sweep definition (parsed JSON or YAML, or a typed object) and returns it with defaults
 * filled in. Throws a {@link SweepError} whose message names the key path of the first problem.
 */
export function validateSweep(input: unknown): Sweep {
  if (typeof input === "object" && input !== null && VALIDATED.has(input)) return input as Sweep;
  const d = requireObject("", input);
  checkKeys("", d, KEYS, ["seed", "space", "metric", "budget"]);
  const seed = checkInteger("seed", d.seed, 0, MAX_SEED);
  const name = d.name === undefined ? undefined : checkName("name", d.name);
  const trainable = d.trainable === undefined ? undefined : checkTrainable(d.trainable);
  const space = validateSpace("space", d.space);
  const counts = validateCounts(d);
  const metric = validateMetric(d.metric);
  const scheduler = validateScheduler(d.scheduler, counts.budget.epochs);
  const folds = d.folds === undefined ? undefined : validateFolds("folds", d.folds, seed);
  const grid = gridSize(space);
  const configCount = counts.samples * grid;
  const foldCount = folds?.count ?? 1;
  const trialCount = configCount * foldCount * counts.repeats;
  if (trialCount > MAX_TRIALS) {
    throw new SweepError(
      "INVALID_VALUE",
      `the sweep would have ${trialCount} trials (${counts.samples} samples × ${grid} grid points × ${foldCount} folds × ${counts.repeats} repeats); at most ${MAX_TRIALS} are allowed. Lower samples, repeats or the grid.`,
      "samples",
    );
  }
  return register({
    name,
    seed,
    space,
    ...counts,
    folds: folds?.spec,
    metric,
    scheduler,
    trainable,
    gridSize: grid,
    foldCount,
    configCount,
    trialCount,
  });
}

/** {@link validateSweep} for a definition written in TypeScript (typed, so typos fail to compile). */
export function defineSweep(definition: SweepDefinition): Sweep {
  return validateSweep(definition);
}
