import { SplitError } from "./errors.js";
import { gatherRows, type SplitOf, type Splittable, toColumn } from "./internal/columns.js";
import { inconsistentMessage, runSplit, type SplitOptions } from "./internal/run-split.js";

/** A drawn split of `n` rows, to apply to arrays that arrive one at a time. */
export interface SplitPlan {
  readonly n: number;
  readonly nTrain: number;
  readonly nTest: number;
  readonly seed: number | undefined;
  /** Source rows of train and test, in output order. */
  readonly train: Int32Array;
  readonly test: Int32Array;
  /** Splits one array with this plan; throws unless it has exactly `n` rows. */
  apply<T extends Splittable>(array: T): { train: SplitOf<T>; test: SplitOf<T> };
}

/**
 * Draws a split of `n` rows once; `plan.apply(X)` and `plan.apply(y)` then split each array with
 * the same rows, so arrays that arrive separately stay paired. Same options as `trainTestSplit`.
 */
export function planSplit(n: number, options?: SplitOptions): SplitPlan {
  if (typeof n !== "number" || !Number.isInteger(n) || n < 0) {
    throw new SplitError(
      "INVALID_OPTION",
      `planSplit: n must be the number of samples, an integer >= 0, got ${String(n)}.`,
    );
  }
  const run = runSplit("planSplit", n, options, [], true);
  const idx = run.indices as Int32Array;
  const train = idx.slice(run.trainStart, run.trainStart + run.nTrain);
  const test = idx.slice(run.testStart, run.testStart + run.nTest);
  return {
    n,
    nTrain: run.nTrain,
    nTest: run.nTest,
    seed: run.seed,
    train,
    test,
    apply<T extends Splittable>(array: T) {
      const column = toColumn(array, "array");
      if (column.n !== n) {
        throw new SplitError(
          "INCONSISTENT_LENGTH",
          `${inconsistentMessage([n, column.n], ["plan", "array"])} This plan was drawn for n=${n} rows.`,
        );
      }
      return {
        train: gatherRows(column, train) as SplitOf<T>,
        test: gatherRows(column, test) as SplitOf<T>,
      };
    },
  };
}
