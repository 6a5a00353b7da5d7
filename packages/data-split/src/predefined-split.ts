import { SplitError } from "./errors.js";
import { type CrossValidator, foldSplit, type SplitIndices } from "./internal/cv.js";
import { checkOptionKeys } from "./internal/options.js";

/**
 * scikit-learn's PredefinedSplit: `testFold[i]` is the fold where row i is test; -1 keeps the row in
 * train for every split. One split per distinct fold value other than -1, in ascending order.
 */
export class PredefinedSplit implements CrossValidator {
  readonly testFold: Int32Array;
  readonly folds: readonly number[];

  constructor(options: { testFold: ArrayLike<number> }) {
    checkOptionKeys("PredefinedSplit", options, ["testFold"]);
    const tf = options?.testFold;
    if (tf === undefined || typeof tf.length !== "number") {
      throw new SplitError(
        "INVALID_OPTION",
        `PredefinedSplit: testFold must be an array of fold numbers (-1 for always-train), got ${String(tf)}.`,
      );
    }
    const values = Array.from(tf);
    const bad = values.find((v) => !Number.isInteger(v) || v < -1);
    if (bad !== undefined) {
      throw new SplitError(
        "INVALID_OPTION",
        `PredefinedSplit: testFold values must be integers >= -1 (-1 means always train), got ${bad}.`,
      );
    }
    const folds = [...new Set(values.filter((v) => v !== -1))].sort((a, b) => a - b);
    // Fold numbers mapped to 0..k-1 so foldSplit can compare them.
    const rank = new Map(folds.map((f, i) => [f, i]));
    this.testFold = Int32Array.from(values, (v) => (v === -1 ? -1 : (rank.get(v) as number)));
    this.folds = folds;
  }

  getNSplits(): number {
    return this.folds.length;
  }

  *split(_x?: unknown, _y?: unknown, _groups?: unknown): Generator<SplitIndices> {
    for (let f = 0; f < this.folds.length; f++) yield foldSplit(this.testFold, f);
  }
}
