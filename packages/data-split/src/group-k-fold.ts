import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  requireGroups,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { encodeLabels } from "./internal/labels.js";
import { createRng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";
import { checkSplitsVsSamples, type KFoldOptions, kFoldSettings, splitByFolds } from "./k-fold.js";

export function checkSplitsVsGroups(nSplits: number, nGroups: number): void {
  if (nSplits > nGroups) {
    throw new SplitError(
      "TOO_MANY_SPLITS",
      `Cannot have number of splits nSplits=${nSplits} greater than the number of groups: ${nGroups}. Use nSplits <= ${nGroups}.`,
    );
  }
}

/**
 * scikit-learn's GroupKFold: no group is in two folds. Without shuffle, groups go largest first to
 * the fold with the fewest samples so far (ties of equal-sized groups: later group first; numpy's
 * unstable sort leaves that order platform-dependent). With shuffle, shuffled groups are cut into
 * nSplits nearly equal runs (`np.array_split`).
 */
export class GroupKFold implements CrossValidator {
  readonly nSplits: number;
  readonly shuffle: boolean;
  readonly seed: number | undefined;

  constructor(options?: KFoldOptions) {
    const s = kFoldSettings("GroupKFold", options);
    this.nSplits = s.nSplits;
    this.shuffle = s.shuffle;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireGroups("GroupKFold", groups);
    const n = checkLengths(x, y, groups);
    checkSplitsVsSamples(this.nSplits, n);
    const g = encodeLabels(groups, "groups");
    const nGroups = g.classes.length;
    checkSplitsVsGroups(this.nSplits, nGroups);
    const groupFold = new Int32Array(nGroups);
    if (this.shuffle) {
      const order = permutation(createRng(this.seed ?? randomSeed()), nGroups);
      const base = Math.floor(nGroups / this.nSplits);
      const extra = nGroups % this.nSplits;
      let pos = 0;
      for (let f = 0; f < this.nSplits; f++) {
        const size = base + (f < extra ? 1 : 0);
        for (let k = 0; k < size; k++, pos++) groupFold[order[pos] as number] = f;
      }
    } else {
      const order = Array.from({ length: nGroups }, (_, i) => i)
        .sort((a, b) => (g.counts[a] as number) - (g.counts[b] as number))
        .reverse();
      const weight = new Float64Array(this.nSplits);
      for (const grp of order) {
        let lightest = 0;
        for (let f = 1; f < this.nSplits; f++) {
          if ((weight[f] as number) < (weight[lightest] as number)) lightest = f;
        }
        weight[lightest] = (weight[lightest] as number) + (g.counts[grp] as number);
        groupFold[grp] = lightest;
      }
    }
    const foldOf = new Int32Array(n);
    for (let i = 0; i < n; i++) foldOf[i] = groupFold[g.ids[i] as number] as number;
    yield* splitByFolds(foldOf, this.nSplits);
  }
}
