import { SplitError } from "./errors.js";
import { checkSplitsVsGroups } from "./group-k-fold.js";
import {
  type CrossValidator,
  checkLengths,
  requireGroups,
  requireY,
  type SampleSource,
  type SplitIndices,
  warn,
} from "./internal/cv.js";
import { encodeLabels } from "./internal/labels.js";
import { createRng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";
import { classLabels } from "./internal/targets.js";
import { checkSplitsVsSamples, type KFoldOptions, kFoldSettings, splitByFolds } from "./k-fold.js";

function std(values: ArrayLike<number>): number {
  const n = values.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += values[i] as number;
  const mean = sum / n;
  let sq = 0;
  for (let i = 0; i < n; i++) {
    const d = (values[i] as number) - mean;
    sq += d * d;
  }
  return Math.sqrt(sq / n);
}

/** numpy's isclose with its default tolerances. */
function isClose(a: number, b: number): boolean {
  if (!Number.isFinite(b)) return a === b;
  return Math.abs(a - b) <= 1e-8 + 1e-5 * Math.abs(b);
}

/**
 * scikit-learn's StratifiedGroupKFold: groups sorted by the spread of their class counts (largest
 * first, stable), each sent to the fold that keeps the mean per-class standard deviation of class
 * shares lowest (ties: the fold with fewer samples). With shuffle, the group order before that
 * stable sort is random, so only ties change. scikit-learn shuffles the count rows but not the
 * group ids with them; here the groups themselves are shuffled, as its documentation describes.
 */
export class StratifiedGroupKFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(options?: KFoldOptions) {
    const s = kFoldSettings("StratifiedGroupKFold", options);
    this.nSplits = s.nSplits;
    this.shuffle = s.shuffle;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireY("StratifiedGroupKFold", y);
    requireGroups("StratifiedGroupKFold", groups);
    const n = checkLengths(x, y, groups);
    const k = this.nSplits;
    checkSplitsVsSamples(k, n);
    const labels = classLabels("StratifiedGroupKFold", y);
    const yCnt = labels.counts;
    if (yCnt.every((c) => k > c)) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `nSplits=${k} cannot be greater than the number of members in each class (largest class: ${Math.max(...yCnt)}). Use fewer splits.`,
      );
    }
    const least = Math.min(...yCnt);
    if (k > least) {
      warn(
        `The least populated class in y has only ${least} members, which is less than nSplits=${k}.`,
      );
    }
    const g = encodeLabels(groups, "groups");
    const nGroups = g.classes.length;
    checkSplitsVsGroups(k, nGroups);
    const nClasses = yCnt.length;
    const perGroup = Array.from({ length: nGroups }, () => new Float64Array(nClasses));
    for (let i = 0; i < n; i++) {
      const row = perGroup[g.ids[i] as number] as Float64Array;
      const c = labels.ids[i] as number;
      row[c] = (row[c] as number) + 1;
    }
    let order = Array.from({ length: nGroups }, (_, i) => i);
    if (this.shuffle) {
      order = Array.from(permutation(createRng(this.seed ?? randomSeed()), nGroups));
    }
    const spread = perGroup.map((row) => std(row));
    order.sort((a, b) => (spread[b] as number) - (spread[a] as number));

    const perFold = Array.from({ length: k }, () => new Float64Array(nClasses));
    const groupFold = new Int32Array(nGroups);
    const shares = new Float64Array(k);
    for (const grp of order) {
      const counts = perGroup[grp] as Float64Array;
      let best = -1;
      let minEval = Number.POSITIVE_INFINITY;
      let minSamples = Number.POSITIVE_INFINITY;
      for (let f = 0; f < k; f++) {
        const fold = perFold[f] as Float64Array;
        let evalSum = 0;
        for (let c = 0; c < nClasses; c++) {
          for (let h = 0; h < k; h++) {
            const v =
              ((perFold[h] as Float64Array)[c] as number) + (h === f ? (counts[c] as number) : 0);
            shares[h] = v / (yCnt[c] as number);
          }
          evalSum += std(shares);
        }
        const foldEval = evalSum / nClasses;
        let samples = 0;
        for (let c = 0; c < nClasses; c++) samples += fold[c] as number;
        if (foldEval < minEval || (isClose(foldEval, minEval) && samples < minSamples)) {
          minEval = foldEval;
          minSamples = samples;
          best = f;
        }
      }
      const target = perFold[best] as Float64Array;
      for (let c = 0; c < nClasses; c++) target[c] = (target[c] as number) + (counts[c] as number);
      groupFold[grp] = best;
    }
    const foldOf = new Int32Array(n);
    for (let i = 0; i < n; i++) foldOf[i] = groupFold[g.ids[i] as number] as number;
    yield* splitByFolds(foldOf, k);
  }
}
