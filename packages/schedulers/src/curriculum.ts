import { ScheduleError } from "./errors.js";
import { stepRandom } from "./internal/random.js";
import { checkKeys, inRange, positive, positiveInt } from "./internal/validate.js";
import { checkStep, makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";

export interface CompetenceOptions {
  /** Fraction of the data available at step 0, in (0, 1]. Default 0.01 (Platanios et al. 2019). */
  c0?: number;
  /** Update at which all the data is in play. */
  totalSteps: number;
  /** 1: linear competence; 2: square root (default, Platanios et al.'s choice); p: p-th root. */
  power?: number;
}

export interface CompetenceConfig extends ScheduleConfig {
  readonly type: "competence";
  readonly c0: number;
  readonly totalSteps: number;
  readonly power: number;
}

/**
 * Competence-based curriculum (Platanios et al. 2019): the fraction of the data, easiest first,
 * the model may see at update `step`: `min(1, (step * (1 - c0^p) / totalSteps + c0^p) ^ (1/p))`.
 */
export function competence(options: CompetenceOptions): Schedule<CompetenceConfig> {
  const fn = "competence" as const;
  checkKeys(fn, options, ["c0", "totalSteps", "power"]);
  const c0 = inRange(fn, "c0", options.c0 ?? 0.01, 0, 1, { lo: true });
  const totalSteps = positiveInt(fn, "totalSteps", options.totalSteps);
  const power = positive(fn, "power", options.power ?? 2);
  const c0p = c0 ** power;
  return makeSchedule({ type: fn, c0, totalSteps, power }, (k) =>
    Math.min(1, ((k * (1 - c0p)) / totalSteps + c0p) ** (1 / power)),
  );
}

function checkDifficulties(fn: string, difficulties: ArrayLike<number>): void {
  if (!difficulties || typeof difficulties.length !== "number" || difficulties.length === 0) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: difficulties must be a non-empty array with one number per sample, got ${String(difficulties)}.`,
    );
  }
  for (let i = 0; i < difficulties.length; i++) {
    if (!Number.isFinite(difficulties[i])) {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `${fn}: difficulties[${i}] is ${String(difficulties[i])}; every sample needs a finite difficulty (lower = easier).`,
      );
    }
  }
}

/** Sample indices from easiest to hardest (ties keep their original order). */
export function curriculumOrder(difficulties: ArrayLike<number>): Int32Array {
  checkDifficulties("curriculumOrder", difficulties);
  const idx = Array.from({ length: difficulties.length }, (_, i) => i);
  idx.sort((a, b) => (difficulties[a] as number) - (difficulties[b] as number) || a - b);
  return Int32Array.from(idx);
}

/** How many samples a competence `c` allows: `ceil(c * n)`, at least 1. */
export function poolSize(numSamples: number, c: number): number {
  return Math.max(1, Math.min(numSamples, Math.ceil(c * numSamples - 1e-9)));
}

export interface CompetenceSamplerOptions {
  /** One difficulty per sample; lower is easier. */
  difficulties: ArrayLike<number>;
  /** Fraction of the data in play per update, e.g. `competence({ totalSteps })`. */
  competence: (step: number) => number;
  batchSize: number;
  /** Seed of the sampler's own generator. Default 0. */
  seed?: number;
}

export interface CompetenceSampler {
  /** Indices for update `step`: `batchSize` draws, uniform (with replacement) over the easiest pool. */
  batch(step: number): Int32Array;
  /** The pool (easiest samples) for update `step`. */
  pool(step: number): Int32Array;
}

/**
 * Draws each batch uniformly from the easiest `competence(step)` fraction of the data. Batches
 * depend only on (seed, step), so a resumed run draws what the uninterrupted run would have.
 */
export function competenceSampler(options: CompetenceSamplerOptions): CompetenceSampler {
  const fn = "competenceSampler" as const;
  checkKeys(fn, options, ["difficulties", "competence", "batchSize", "seed"]);
  checkDifficulties(fn, options.difficulties);
  if (typeof options.competence !== "function") {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: competence must be a function of the step, such as competence({ totalSteps }), got ${String(options.competence)}.`,
    );
  }
  const batchSize = positiveInt(fn, "batchSize", options.batchSize);
  const seed = options.seed ?? 0;
  if (!Number.isInteger(seed)) {
    throw new ScheduleError("INVALID_ARGUMENT", `${fn}: seed must be an integer, got ${seed}.`);
  }
  const order = curriculumOrder(options.difficulties);
  const n = order.length;
  const comp = options.competence;
  const sizeAt = (step: number) => {
    checkStep(fn, step);
    const c = comp(step);
    return poolSize(n, inRange(fn, `competence(${step})`, c, 0, 1, { lo: true }));
  };
  return {
    pool(step) {
      return order.slice(0, sizeAt(step));
    },
    batch(step) {
      const size = sizeAt(step);
      const below = stepRandom(seed, step);
      const out = new Int32Array(batchSize);
      for (let i = 0; i < batchSize; i++) out[i] = order[below(size)] as number;
      return out;
    },
  };
}
