import { checkLengths, requireY, type SampleSource, type SplitIndices } from "./internal/cv.js";
import { encodeLabels } from "./internal/labels.js";
import { createRng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";
import { resolveSizes } from "./internal/sizes.js";
import { checkStratifiable, stratifiedSelect } from "./internal/stratify.js";
import { BaseShuffleSplit, type ShuffleSplitOptions } from "./shuffle-split.js";

/**
 * scikit-learn's StratifiedShuffleSplit: per split, train gets `approximateMode(classCounts, nTrain)`
 * rows of each class, test `approximateMode(rest, nTest)`, chosen at random; both in random order.
 * 2-D labels (multilabel rows) count each distinct row as one class.
 */
export class StratifiedShuffleSplit extends BaseShuffleSplit {
  constructor(options?: ShuffleSplitOptions) {
    super("StratifiedShuffleSplit", options, 10);
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    requireY("StratifiedShuffleSplit", y);
    const n = checkLengths(x, y, groups);
    const { nTrain, nTest } = resolveSizes(n, this.testSize, this.trainSize, 0.1);
    const labels = encodeLabels(y, "y");
    checkStratifiable(labels, nTrain, nTest);
    const rng = createRng(this.seed ?? randomSeed());
    for (let s = 0; s < this.nSplits; s++) {
      const sel = stratifiedSelect(labels, nTrain, nTest, rng);
      const train = permutation(rng, nTrain, sel.train);
      const test = permutation(rng, nTest, sel.test);
      yield { train, test };
    }
  }
}
