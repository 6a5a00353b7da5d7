import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  requireY,
  type SampleSource,
  type SplitIndices,
  warn,
} from "./internal/cv.js";
import { createRng, type Rng, randomSeed, shuffleRange } from "./internal/rng.js";
import { classLabels } from "./internal/targets.js";
import { checkSplitsVsSamples, type KFoldOptions, kFoldSettings, splitByFolds } from "./k-fold.js";

/** How many p in [0, x) have p % k === f. */
function congruentBelow(x: number, f: number, k: number): number {
  return x <= f ? 0 : Math.floor((x - 1 - f) / k) + 1;
}

/**
 * Fold of every row as scikit-learn's StratifiedKFold: classes numbered by first appearance,
 * per-class fold counts by round robin over the sorted labels, each class's rows given their
 * folds in contiguous blocks (shuffled when `rng` is given).
 */
export function stratifiedFoldAssignment(
  where: string,
  y: unknown,
  nSplits: number,
  rng: Rng | null,
): Int32Array {
  const labels = classLabels(where, y);
  const n = labels.ids.length;
  const k = labels.classes.length;
  // Renumber classes by order of first appearance.
  const first = new Int32Array(k).fill(-1);
  for (let i = 0; i < n; i++) {
    const c = labels.ids[i] as number;
    if (first[c] === -1) first[c] = i;
  }
  const byAppearance = Array.from({ length: k }, (_, c) => c).sort(
    (a, b) => (first[a] as number) - (first[b] as number),
  );
  const counts = byAppearance.map((c) => labels.counts[c] as number);
  const rank = new Int32Array(k);
  byAppearance.forEach((c, r) => {
    rank[c] = r;
  });
  if (counts.every((c) => nSplits > c)) {
    throw new SplitError(
      "TOO_MANY_SPLITS",
      `nSplits=${nSplits} cannot be greater than the number of members in each class (largest class: ${Math.max(...counts)}). Use fewer splits.`,
    );
  }
  const least = Math.min(...counts);
  if (nSplits > least) {
    warn(
      `The least populated class in y has only ${least} members, which is less than nSplits=${nSplits}.`,
    );
  }
  const foldOf = new Int32Array(n);
  const cursor = new Int32Array(k);
  const foldsFor: Int32Array[] = [];
  let start = 0;
  for (let r = 0; r < k; r++) {
    const end = start + (counts[r] as number);
    const folds = new Int32Array(counts[r] as number);
    let p = 0;
    for (let f = 0; f < nSplits; f++) {
      const a = congruentBelow(end, f, nSplits) - congruentBelow(start, f, nSplits);
      for (let q = 0; q < a; q++) folds[p++] = f;
    }
    if (rng) shuffleRange(rng, folds, 0, folds.length);
    foldsFor.push(folds);
    start = end;
  }
  for (let i = 0; i < n; i++) {
    const r = rank[labels.ids[i] as number] as number;
    const p = cursor[r] as number;
    cursor[r] = p + 1;
    foldOf[i] = (foldsFor[r] as Int32Array)[p] as number;
  }
  return foldOf;
}

/** scikit-learn's StratifiedKFold: folds that keep each class's share; test indices ascending. */
export class StratifiedKFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(options?: KFoldOptions) {
    const s = kFoldSettings("StratifiedKFold", options);
    this.nSplits = s.nSplits;
    this.shuffle = s.shuffle;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireY("StratifiedKFold", y);
    const n = checkLengths(x, y, groups);
    checkSplitsVsSamples(this.nSplits, n);
    const rng = this.shuffle ? createRng(this.seed ?? randomSeed()) : null;
    yield* splitByFolds(
      stratifiedFoldAssignment("StratifiedKFold", y, this.nSplits, rng),
      this.nSplits,
    );
  }
}
