import { SplitError } from "./errors.js";
import { type Column, type SplitOf, type Splittable, wrapRows } from "./internal/columns.js";
import { runSplit, type SplitOptions } from "./internal/run-split.js";
import { columnsOf } from "./train-test-split.js";

/** Options of `splitTogether`: `stratify` may also name one of the inputs, e.g. `"y"`. */
export interface SplitTogetherOptions<K extends string = string>
  extends Omit<SplitOptions, "stratify"> {
  stratify?: Splittable | K;
}

export type SplitRecord<T extends Record<string, Splittable>> = { [K in keyof T]: SplitOf<T[K]> };

export interface SplitTogetherResult<T extends Record<string, Splittable>> {
  readonly train: SplitRecord<T>;
  readonly test: SplitRecord<T>;
  /** Source row of every train / test row, in output order. */
  readonly indices: { readonly train: Int32Array; readonly test: Int32Array };
  /** The seed that produced this split (a fresh one when none was passed; undefined without shuffle). */
  readonly seed: number | undefined;
}

/**
 * The named, paired split: `splitTogether({ x, y, weights }, options)` splits every named input
 * with one row order and returns `{ train: { x, y, weights }, test: { … }, indices, seed }`.
 */
export function splitTogether<const T extends Record<string, Splittable>>(
  inputs: T,
  options?: SplitTogetherOptions<Extract<keyof T, string>>,
): SplitTogetherResult<T> {
  if (typeof inputs !== "object" || inputs === null || Array.isArray(inputs)) {
    throw new SplitError(
      "NO_ARRAYS",
      `splitTogether takes named inputs, got ${Array.isArray(inputs) ? "an array" : String(inputs)}: splitTogether({ x: X, y }, { testSize: 0.25 }).`,
    );
  }
  const names = Object.keys(inputs);
  const columns = columnsOf(
    "splitTogether",
    names.map((k) => inputs[k] as Splittable),
    names,
  );
  let opts = options as SplitOptions | undefined;
  if (typeof options?.stratify === "string") {
    const key = options.stratify;
    if (!(key in inputs)) {
      throw new SplitError(
        "INVALID_OPTION",
        `splitTogether: stratify='${key}' names no input; inputs are: ${names.join(", ")}.`,
      );
    }
    opts = { ...options, stratify: inputs[key] as Splittable };
  }
  const run = runSplit("splitTogether", (columns[0] as Column).n, opts, columns, true);
  const train: Record<string, unknown> = {};
  const test: Record<string, unknown> = {};
  names.forEach((name, i) => {
    const c = columns[i] as Column;
    const buf = run.buffers[i] as ArrayLike<unknown>;
    train[name] = wrapRows(c, buf, run.trainStart, run.nTrain);
    test[name] = wrapRows(c, buf, run.testStart, run.nTest);
  });
  const idx = run.indices as Int32Array;
  return {
    train: train as SplitRecord<T>,
    test: test as SplitRecord<T>,
    indices: {
      train: idx.subarray(run.trainStart, run.trainStart + run.nTrain),
      test: idx.subarray(run.testStart, run.testStart + run.nTest),
    },
    seed: run.seed,
  };
}
