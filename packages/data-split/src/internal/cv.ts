import { SplitError } from "../errors.js";
import { isNdArray } from "./columns.js";
import { inconsistentMessage } from "./run-split.js";

/** One train/test split as row indices (Int32Array, as tfjs's gather wants). */
export interface SplitIndices {
  readonly train: Int32Array;
  readonly test: Int32Array;
}

/** Anything with a number of samples: an array, typed array, NdArray, tensor, or `{ length }`. */
export type SampleSource = { readonly length: number } | { readonly shape: readonly number[] };

/** The common shape of every splitter. */
export interface CrossValidator {
  split(x: SampleSource, y?: unknown, groups?: unknown): Generator<SplitIndices>;
  getNSplits(x?: SampleSource, y?: unknown, groups?: unknown): number;
}

export function sampleCount(x: unknown, name = "X"): number {
  if (isNdArray(x)) return x.shape[0] as number;
  if (typeof x === "object" && x !== null) {
    const len = (x as { length?: unknown }).length;
    if (typeof len === "number" && Number.isInteger(len) && len >= 0) return len;
    const shape = (x as { shape?: unknown }).shape;
    if (Array.isArray(shape) && typeof shape[0] === "number") return shape[0];
  }
  throw new SplitError(
    "INVALID_INPUT",
    `${name} must have a number of samples (an array, typed array, { data, shape }, a tensor or { length }), got ${String(x)}.`,
  );
}

/** scikit-learn's `indexable`: X, y and groups must agree on the number of samples. */
export function checkLengths(x: unknown, y: unknown, groups: unknown): number {
  const n = sampleCount(x);
  const names = ["X"];
  const lengths = [n];
  if (y !== undefined && y !== null) {
    names.push("y");
    lengths.push(sampleCount(y, "y"));
  }
  if (groups !== undefined && groups !== null) {
    names.push("groups");
    lengths.push(sampleCount(groups, "groups"));
  }
  if (lengths.some((l) => l !== n)) {
    throw new SplitError("INCONSISTENT_LENGTH", inconsistentMessage(lengths, names));
  }
  return n;
}

export function requireY(where: string, y: unknown): void {
  if (y === undefined || y === null) {
    throw new SplitError(
      "MISSING_Y",
      `The 'y' parameter should not be undefined: ${where}.split(X, y) needs the class labels.`,
    );
  }
}

export function requireGroups(where: string, groups: unknown): void {
  if (groups === undefined || groups === null) {
    throw new SplitError(
      "MISSING_GROUPS",
      `The 'groups' parameter should not be undefined: ${where}.split(X, y, groups) needs one group label per sample.`,
    );
  }
}

export function checkNSplits(where: string, nSplits: unknown, min = 2): number {
  if (typeof nSplits !== "number" || !Number.isInteger(nSplits) || nSplits < min) {
    throw new SplitError(
      "INVALID_N_SPLITS",
      min === 2
        ? `${where}: k-fold cross-validation requires at least one train/test split by setting nSplits=2 or more, got nSplits=${String(nSplits)}.`
        : `${where}: nSplits must be an integer >= ${min}, got nSplits=${String(nSplits)}.`,
    );
  }
  return nSplits;
}

/** Test = rows whose fold is `f`, train = every other row (fold -1 is always train); both ascending. */
export function foldSplit(foldOf: Int32Array, f: number): SplitIndices {
  const n = foldOf.length;
  let nTest = 0;
  for (let i = 0; i < n; i++) if (foldOf[i] === f) nTest++;
  const test = new Int32Array(nTest);
  const train = new Int32Array(n - nTest);
  let a = 0;
  let b = 0;
  for (let i = 0; i < n; i++) {
    if (foldOf[i] === f) test[b++] = i;
    else train[a++] = i;
  }
  return { train, test };
}

/** Train = every row not in `test` (ascending); `test` as given. */
export function complementSplit(n: number, test: Int32Array): SplitIndices {
  const mask = new Uint8Array(n);
  for (let k = 0; k < test.length; k++) mask[test[k] as number] = 1;
  const train = new Int32Array(n - test.length);
  let a = 0;
  for (let i = 0; i < n; i++) if (mask[i] === 0) train[a++] = i;
  return { train, test };
}

/** Emits a warning where the runtime supports it (Node's process warnings), never throws. */
export function warn(message: string): void {
  const proc = (globalThis as { process?: { emitWarning?: (m: string) => void } }).process;
  proc?.emitWarning?.(message);
}
