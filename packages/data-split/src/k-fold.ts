import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  checkNSplits,
  foldSplit,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { checkBoolean, checkOptionKeys } from "./internal/options.js";
import { checkSeed, createRng, type Rng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";

export interface KFoldOptions {
  /** Number of folds, >= 2 (default 5). */
  nSplits?: number;
  /** Shuffle rows before cutting folds (default false). Test folds are still returned ascending. */
  shuffle?: boolean;
  /** Seed for the shuffle; only valid with shuffle: true. */
  seed?: number;
}

/** Shared validation of the k-fold family (nSplits >= 2, seed only with shuffle). */
export function kFoldSettings(
  where: string,
  options: object | undefined,
  extraKeys: readonly string[] = [],
): { nSplits: number; shuffle: boolean; seed: number | undefined } {
  checkOptionKeys(where, options, ["nSplits", "shuffle", "seed", ...extraKeys]);
  const o = (options ?? {}) as KFoldOptions;
  const nSplits = checkNSplits(where, o.nSplits ?? 5);
  const shuffle = o.shuffle === undefined ? false : checkBoolean(where, "shuffle", o.shuffle);
  if (o.seed !== undefined) {
    checkSeed(where, o.seed);
    if (!shuffle) {
      throw new SplitError(
        "SEED_WITHOUT_SHUFFLE",
        `${where}: setting seed=${o.seed} has no effect since shuffle is false. Leave seed unset, or set shuffle: true.`,
      );
    }
  }
  return { nSplits, shuffle, seed: o.seed };
}

export function checkSplitsVsSamples(nSplits: number, n: number): void {
  if (nSplits > n) {
    throw new SplitError(
      "TOO_MANY_SPLITS",
      `Cannot have number of splits nSplits=${nSplits} greater than the number of samples: n_samples=${n}. Use nSplits <= ${n}.`,
    );
  }
}

/** Fold of every row: the first n % k folds get one extra row, as scikit-learn's KFold. */
export function kFoldAssignment(n: number, nSplits: number, rng: Rng | null): Int32Array {
  const order = rng ? permutation(rng, n) : null;
  const foldOf = new Int32Array(n);
  const base = Math.floor(n / nSplits);
  const extra = n % nSplits;
  let pos = 0;
  for (let f = 0; f < nSplits; f++) {
    const size = base + (f < extra ? 1 : 0);
    for (let k = 0; k < size; k++, pos++) foldOf[order ? (order[pos] as number) : pos] = f;
  }
  return foldOf;
}

/** scikit-learn's KFold: consecutive folds (optionally of shuffled rows), test indices ascending. */
export class KFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(options?: KFoldOptions) {
    const s = kFoldSettings("KFold", options);
    this.nSplits = s.nSplits;
    this.shuffle = s.shuffle;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    checkSplitsVsSamples(this.nSplits, n);
    const rng = this.shuffle ? createRng(this.seed ?? randomSeed()) : null;
    yield* splitByFolds(kFoldAssignment(n, this.nSplits, rng), this.nSplits);
  }
}

export function* splitByFolds(foldOf: Int32Array, nSplits: number): Generator<SplitIndices> {
  for (let f = 0; f < nSplits; f++) yield foldSplit(foldOf, f);
}
