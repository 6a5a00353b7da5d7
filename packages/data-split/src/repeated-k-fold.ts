import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  checkNSplits,
  requireY,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { checkOptionKeys } from "./internal/options.js";
import { checkSeed, createRng, randomSeed } from "./internal/rng.js";
import { checkSplitsVsSamples, kFoldAssignment, splitByFolds } from "./k-fold.js";
import { stratifiedFoldAssignment } from "./stratified-k-fold.js";

export interface RepeatedKFoldOptions {
  /** Folds per repetition, >= 2 (default 5). */
  nSplits?: number;
  /** Repetitions, each with a new shuffle, >= 1 (default 10). */
  nRepeats?: number;
  seed?: number;
}

function settings(where: string, options: RepeatedKFoldOptions | undefined) {
  checkOptionKeys(where, options, ["nSplits", "nRepeats", "seed"]);
  const o = options ?? {};
  const nSplits = checkNSplits(where, o.nSplits ?? 5);
  const nRepeats = o.nRepeats ?? 10;
  if (typeof nRepeats !== "number" || !Number.isInteger(nRepeats) || nRepeats <= 0) {
    throw new SplitError(
      "INVALID_OPTION",
      `${where}: number of repetitions must be an integer greater than 0, got nRepeats=${String(nRepeats)}.`,
    );
  }
  if (o.seed !== undefined) checkSeed(where, o.seed);
  return { nSplits, nRepeats, seed: o.seed };
}

/** scikit-learn's RepeatedKFold: shuffled KFold nRepeats times, one random stream across repeats. */
export class RepeatedKFold implements CrossValidator {
  readonly nSplits: number;
  readonly nRepeats: number;
  readonly seed: number | undefined;

  constructor(options?: RepeatedKFoldOptions) {
    const s = settings("RepeatedKFold", options);
    this.nSplits = s.nSplits;
    this.nRepeats = s.nRepeats;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits * this.nRepeats;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    checkSplitsVsSamples(this.nSplits, n);
    const rng = createRng(this.seed ?? randomSeed());
    for (let r = 0; r < this.nRepeats; r++) {
      yield* splitByFolds(kFoldAssignment(n, this.nSplits, rng), this.nSplits);
    }
  }
}

/** scikit-learn's RepeatedStratifiedKFold: shuffled StratifiedKFold nRepeats times. */
export class RepeatedStratifiedKFold implements CrossValidator {
  readonly nSplits: number;
  readonly nRepeats: number;
  readonly seed: number | undefined;

  constructor(options?: RepeatedKFoldOptions) {
    const s = settings("RepeatedStratifiedKFold", options);
    this.nSplits = s.nSplits;
    this.nRepeats = s.nRepeats;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits * this.nRepeats;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireY("RepeatedStratifiedKFold", y);
    const n = checkLengths(x, y, groups);
    checkSplitsVsSamples(this.nSplits, n);
    const rng = createRng(this.seed ?? randomSeed());
    for (let r = 0; r < this.nRepeats; r++) {
      const folds = stratifiedFoldAssignment("RepeatedStratifiedKFold", y, this.nSplits, rng);
      yield* splitByFolds(folds, this.nSplits);
    }
  }
}
