import { type Sweep, validateSweep } from "./definition.js";
import { SweepError } from "./errors.js";
import { createRng, deriveSeed, STREAM } from "./internal/seeds.js";
import { sampleConfig, type TrialConfig } from "./space.js";

/** One independent training run of a sweep. */
export interface Trial {
  /** Position in the sweep, 0-based: (configIndex × foldCount + fold) × repeats + repeat. */
  index: number;
  /** `t<index>-<8 hex digits>`: URL- and file-safe, never all digits, no `:`. */
  id: string;
  /** Which config (samples × grid points), 0-based; trials of one config share its values. */
  configIndex: number;
  config: TrialConfig;
  /** Which fold of the sweep's splitter this trial trains on, 0-based (0 without folds). */
  fold: number;
  /** Which repeat of its (config, fold), 0-based. */
  repeat: number;
  /** The trial's own seed (unsigned 32-bit), for weight init, data order and dropout. */
  seed: number;
  budget: { epochs: number };
}

/** The id of trial `index`: derived from the sweep seed and the index only. */
export function trialId(sweepSeed: number, index: number): string {
  const tag = deriveSeed(sweepSeed, STREAM.trialId, index).toString(16).padStart(8, "0");
  return `t${index}-${tag}`;
}

/** The seed of trial `index`: derived from the sweep seed and the index only. */
export function trialSeed(sweepSeed: number, index: number): number {
  return deriveSeed(sweepSeed, STREAM.trialSeed, index);
}

/** Config `configIndex`: its grid point, and random parameters from a stream of its own. */
export function configAt(sweep: Sweep, configIndex: number): TrialConfig {
  const point = configIndex % sweep.gridSize;
  const rng = createRng(deriveSeed(sweep.seed, STREAM.config, configIndex));
  return sampleConfig(sweep.space, point, rng);
}

function checkIndex(sweep: Sweep, index: number): void {
  if (!Number.isInteger(index) || index < 0 || index >= sweep.trialCount) {
    throw new SweepError(
      "UNKNOWN_TRIAL",
      `trial index ${index} is outside this sweep: it has trials 0 to ${sweep.trialCount - 1}.`,
    );
  }
}

/** Trial `index` alone, without expanding the others (what a worker needs). */
export function trialAt(sweep: Sweep, index: number, config?: TrialConfig): Trial {
  checkIndex(sweep, index);
  const repeat = index % sweep.repeats;
  const rest = Math.floor(index / sweep.repeats);
  const fold = rest % sweep.foldCount;
  const configIndex = Math.floor(rest / sweep.foldCount);
  return {
    index,
    id: trialId(sweep.seed, index),
    configIndex,
    config: config ? { ...config } : configAt(sweep, configIndex),
    fold,
    repeat,
    seed: trialSeed(sweep.seed, index),
    budget: { ...sweep.budget },
  };
}

/**
 * Every trial of a sweep, in index order. The same definition always gives the same trials: ids,
 * seeds and configs depend only on the sweep's seed and the indices, not on when or where they run.
 * Accepts a definition (validated here) or an already validated {@link Sweep}.
 */
export function expandTrials(definition: unknown): Trial[] {
  const sweep = validateSweep(definition);
  const trials: Trial[] = [];
  let config: TrialConfig | undefined;
  for (let index = 0; index < sweep.trialCount; index++) {
    const perConfig = sweep.foldCount * sweep.repeats;
    if (index % perConfig === 0) config = configAt(sweep, index / perConfig);
    trials.push(trialAt(sweep, index, config));
  }
  return trials;
}
