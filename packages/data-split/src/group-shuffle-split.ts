import {
  checkLengths,
  requireGroups,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { encodeLabels } from "./internal/labels.js";
import { createRng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";
import { resolveSizes } from "./internal/sizes.js";
import { BaseShuffleSplit, type ShuffleSplitOptions } from "./shuffle-split.js";

/**
 * scikit-learn's GroupShuffleSplit: random splits of whole groups. `testSize` and `trainSize`
 * count groups, not samples (default testSize 0.2 of the groups). Indices ascending.
 */
export class GroupShuffleSplit extends BaseShuffleSplit {
  constructor(options?: ShuffleSplitOptions) {
    super("GroupShuffleSplit", options, 5);
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireGroups("GroupShuffleSplit", groups);
    const n = checkLengths(x, y, groups);
    const g = encodeLabels(groups, "groups");
    const nGroups = g.classes.length;
    const { nTrain, nTest } = resolveSizes(nGroups, this.testSize, this.trainSize, 0.2, "groups");
    const rng = createRng(this.seed ?? randomSeed());
    const side = new Int8Array(nGroups);
    for (let s = 0; s < this.nSplits; s++) {
      const perm = permutation(rng, nGroups);
      side.fill(0);
      for (let k = 0; k < nTest; k++) side[perm[k] as number] = 2;
      for (let k = nTest; k < nTest + nTrain; k++) side[perm[k] as number] = 1;
      let a = 0;
      let b = 0;
      for (let i = 0; i < n; i++) {
        const v = side[g.ids[i] as number];
        if (v === 1) a++;
        else if (v === 2) b++;
      }
      const train = new Int32Array(a);
      const test = new Int32Array(b);
      a = 0;
      b = 0;
      for (let i = 0; i < n; i++) {
        const v = side[g.ids[i] as number];
        if (v === 1) train[a++] = i;
        else if (v === 2) test[b++] = i;
      }
      yield { train, test };
    }
  }
}
