import { SplitError } from "./errors.js";
import {
  type CrossValidator,
  checkLengths,
  complementSplit,
  type SampleSource,
  type SplitIndices,
} from "./internal/cv.js";
import { checkInteger, checkOptionKeys } from "./internal/options.js";

/** scikit-learn's LeaveOneOut: n splits, test = [i], train = every other row ascending. */
export class LeaveOneOut implements CrossValidator {
  getNSplits(x?: SampleSource): number {
    if (x === undefined) {
      throw new SplitError(
        "INVALID_INPUT",
        "LeaveOneOut.getNSplits(X) needs X to count the samples.",
      );
    }
    return checkLengths(x, undefined, undefined);
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    if (n <= 1) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `Cannot perform LeaveOneOut with n_samples=${n}. It needs at least 2 samples.`,
      );
    }
    for (let i = 0; i < n; i++) yield complementSplit(n, Int32Array.of(i));
  }
}

function binomial(n: number, p: number): number {
  let r = 1;
  for (let i = 1; i <= p; i++) r = (r * (n - p + i)) / i;
  return Math.round(r);
}

/** scikit-learn's LeavePOut: every set of `p` rows as test once, in lexicographic order. */
export class LeavePOut implements CrossValidator {
  readonly p: number;

  constructor(options: { p: number }) {
    checkOptionKeys("LeavePOut", options, ["p"]);
    this.p = checkInteger("LeavePOut", "p", options?.p, 1);
  }

  getNSplits(x?: SampleSource): number {
    if (x === undefined) {
      throw new SplitError(
        "INVALID_INPUT",
        "LeavePOut.getNSplits(X) needs X to count the samples.",
      );
    }
    const n = checkLengths(x, undefined, undefined);
    return n > this.p ? binomial(n, this.p) : 0;
  }

  *split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices> {
    const n = checkLengths(x, y, groups);
    const p = this.p;
    if (n <= p) {
      throw new SplitError(
        "TOO_MANY_SPLITS",
        `p=${p} must be strictly less than the number of samples=${n}.`,
      );
    }
    const combo = Int32Array.from({ length: p }, (_, i) => i);
    while (true) {
      yield complementSplit(n, combo.slice());
      let i = p - 1;
      while (i >= 0 && combo[i] === n - p + i) i--;
      if (i < 0) return;
      combo[i] = (combo[i] as number) + 1;
      for (let j = i + 1; j < p; j++) combo[j] = (combo[j - 1] as number) + 1;
    }
  }
}
