import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  checkNSplits,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { checkInteger, checkOptionKeys } from "./internal/options.js";

export interface TimeSeriesSplitOptions {
  /** Number of splits, >= 2 (default 5). */
  nSplits?: number;
  /** Keep only the last `maxTrainSize` rows before each test window. */
  maxTrainSize?: number;
  /** Rows per test window (default floor(n / (nSplits + 1))). */
  testSize?: number;
  /** Rows left out between the end of train and the start of test (default 0). */
  gap?: number;
}

const range = (from: number, to: number): Int32Array => {
  const out = new Int32Array(Math.max(0, to - from));
  for (let i = 0; i < out.length; i++) out[i] = from + i;
  return out;
};

/**
 * scikit-learn's TimeSeriesSplit: test windows of `testSize` rows end at the last row; train is
 * every row before `testStart - gap` (the last `maxTrainSize` of them when set). Never shuffles.
 */
export class TimeSeriesSplit implements CrossValidator {
  readonly nSplits: number;
  readonly maxTrainSize: number | undefined;
  readonly testSize: number | undefined;
  readonly gap: number;

  constructor(options?: TimeSeriesSplitOptions) {
    const where = "TimeSeriesSplit";
    checkOptionKeys(where, options, ["nSplits", "maxTrainSize", "testSize", "gap"]);
    const o = options ?? {};
    this.nSplits = checkNSplits(where, o.nSplits ?? 5);
    this.gap = checkInteger(where, "gap", o.gap ?? 0, 0);
    this.maxTrainSize =
      o.maxTrainSize === undefined
        ? undefined
        : checkInteger(where, "maxTrainSize", o.maxTrainSize, 1);
    this.testSize =
      o.testSize === undefined ? undefined : checkInteger(where, "testSize", o.testSize, 1);
  }

  getNSplits(): number {
    return this.nSplits;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    const k = this.nSplits;
    const nFolds = k + 1;
    const testSize = this.testSize ?? Math.floor(n / nFolds);
    if (nFolds > n) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `Cannot have number of folds=${nFolds} greater than the number of samples=${n}. Use nSplits <= ${n - 1}.`,
      );
    }
    if (n - this.gap - testSize * k <= 0) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `Too many splits=${k} for number of samples=${n} with testSize=${testSize} and gap=${this.gap}. Reduce nSplits, testSize or gap.`,
      );
    }
    for (let testStart = n - k * testSize; testStart < n; testStart += testSize) {
      const trainEnd = testStart - this.gap;
      const from =
        this.maxTrainSize !== undefined && this.maxTrainSize < trainEnd
          ? trainEnd - this.maxTrainSize
          : 0;
      yield { train: range(from, trainEnd), test: range(testStart, testStart + testSize) };
    }
  }
}
