import { SplitError } from "./errors.js";
import {
  type Column,
  type SplitOf,
  type Splittable,
  toColumn,
  wrapRows,
} from "./internal/columns.js";
import { inconsistentMessage, runSplit, type SplitOptions } from "./internal/run-split.js";

export type { SplitOptions } from "./internal/run-split.js";

/** `[a0Train, a0Test, a1Train, a1Test, …]` for inputs `[a0, a1, …]`, each of its input's kind. */
export type TrainTestPairs<T extends readonly unknown[]> = T extends readonly [infer H, ...infer R]
  ? [SplitOf<H>, SplitOf<H>, ...TrainTestPairs<R>]
  : T extends readonly []
    ? []
    : SplitOf<T[number]>[];

/** Checks the inputs and converts them to row stores; throws on no inputs or mismatched lengths. */
export function columnsOf(
  where: string,
  arrays: readonly Splittable[],
  names?: readonly string[],
): Column[] {
  if (!Array.isArray(arrays) || arrays.length === 0) {
    throw new SplitError(
      "NO_ARRAYS",
      `At least one array required as input to ${where}, got ${Array.isArray(arrays) ? "[]" : String(arrays)}. Pass every array to split in one list: ${where}([X, y], { testSize: 0.25 }).`,
    );
  }
  const columns = arrays.map((a, i) => toColumn(a, names ? (names[i] as string) : `arrays[${i}]`));
  const lengths = columns.map((c) => c.n);
  if (lengths.some((l) => l !== lengths[0])) {
    throw new SplitError("INCONSISTENT_LENGTH", inconsistentMessage(lengths, names));
  }
  return columns;
}

/**
 * scikit-learn's `train_test_split`: splits every input with the same shuffled row order, so row i
 * of X stays paired with row i of y. Returns `[a0Train, a0Test, a1Train, a1Test, …]`.
 *
 * Typed-array and NdArray outputs are views over one fresh buffer per input (test rows first).
 */
export function trainTestSplit<const T extends readonly Splittable[]>(
  arrays: T,
  options?: SplitOptions,
): TrainTestPairs<T> {
  const columns = columnsOf("trainTestSplit", arrays);
  const run = runSplit("trainTestSplit", (columns[0] as Column).n, options, columns, false);
  const out: unknown[] = [];
  columns.forEach((c, i) => {
    const buf = run.buffers[i] as ArrayLike<unknown>;
    out.push(
      wrapRows(c, buf, run.trainStart, run.nTrain),
      wrapRows(c, buf, run.testStart, run.nTest),
    );
  });
  return out as TrainTestPairs<T>;
}
