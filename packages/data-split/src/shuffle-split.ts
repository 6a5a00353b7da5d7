import {
  type CrossValidator,
  checkLengths,
  checkNSplits,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { checkOptionKeys } from "./internal/options.js";
import { checkSeed, createRng, randomSeed } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";
import { resolveSizes, type SizeOption } from "./internal/sizes.js";

export interface ShuffleSplitOptions {
  /** Number of re-shuffled splits, >= 1 (default 10). */
  nSplits?: number;
  /** Fraction in (0, 1) or a whole count (default 0.1 when trainSize is unset too). */
  testSize?: SizeOption;
  trainSize?: SizeOption;
  seed?: number;
}

export function shuffleSplitSettings(
  where: string,
  options: object | undefined,
  defaultNSplits: number,
): { nSplits: number; testSize?: SizeOption; trainSize?: SizeOption; seed: number | undefined } {
  checkOptionKeys(where, options, ["nSplits", "testSize", "trainSize", "seed"]);
  const o = (options ?? {}) as ShuffleSplitOptions;
  const nSplits = checkNSplits(where, o.nSplits ?? defaultNSplits, 1);
  if (o.seed !== undefined) checkSeed(where, o.seed);
  return { nSplits, testSize: o.testSize, trainSize: o.trainSize, seed: o.seed };
}

/** The settings every shuffle splitter shares (checked once, in {@link shuffleSplitSettings}). */
export abstract class BaseShuffleSplit implements CrossValidator {
  readonly nSplits: number;
  readonly testSize: SizeOption | undefined;
  readonly trainSize: SizeOption | undefined;
  readonly seed: number | undefined;

  protected constructor(
    where: string,
    options: ShuffleSplitOptions | undefined,
    defaultSplits: number,
  ) {
    const s = shuffleSplitSettings(where, options, defaultSplits);
    this.nSplits = s.nSplits;
    this.testSize = s.testSize;
    this.trainSize = s.trainSize;
    this.seed = s.seed;
  }

  getNSplits(): number {
    return this.nSplits;
  }

  abstract split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices>;
}

/**
 * scikit-learn's ShuffleSplit: nSplits independent random splits (test sets may overlap across
 * splits). Indices come in permutation order: test = perm[0, nTest), train = the next nTrain.
 */
export class ShuffleSplit extends BaseShuffleSplit {
  constructor(options?: ShuffleSplitOptions) {
    super("ShuffleSplit", options, 10);
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    const { nTrain, nTest } = resolveSizes(n, this.testSize, this.trainSize, 0.1);
    const rng = createRng(this.seed ?? randomSeed());
    for (let s = 0; s < this.nSplits; s++) {
      const perm = permutation(rng, n);
      yield { test: perm.slice(0, nTest), train: perm.slice(nTest, nTest + nTrain) };
    }
  }
}
