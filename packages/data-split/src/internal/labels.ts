import { SplitError } from "../errors.js";
import { isNdArray, isTypedArray, lengthOf } from "./columns.js";

/** Labels encoded as dense class ids; `classes` sorted as numpy's `unique` sorts them. */
export interface EncodedLabels {
  readonly classes: readonly unknown[];
  readonly ids: Int32Array;
  readonly counts: Int32Array;
  /** "multilabel" when rows of labels were given; "continuous" for non-integer numbers. */
  readonly target: "binary" | "multiclass" | "multilabel" | "continuous";
}

function compareKeys(a: unknown, b: unknown): number {
  const ta = typeof a;
  const tb = typeof b;
  if (ta !== tb) return ta < tb ? -1 : 1;
  if (ta === "number") {
    const x = a as number;
    const y = b as number;
    if (Number.isNaN(x)) return Number.isNaN(y) ? 0 : 1;
    if (Number.isNaN(y)) return -1;
    return x - y;
  }
  const sa = a as string;
  const sb = b as string;
  return sa < sb ? -1 : sa > sb ? 1 : 0;
}

function finish(
  classes: unknown[],
  ids: Int32Array,
  counts: Int32Array,
  multilabel: boolean,
  continuous: boolean,
): EncodedLabels {
  const target = multilabel
    ? "multilabel"
    : continuous
      ? "continuous"
      : classes.length <= 2
        ? "binary"
        : "multiclass";
  return { classes, ids, counts, target };
}

/** Integer-valued numeric labels with a small range: one counting pass, no hashing. */
function encodeDense(y: ArrayLike<number>, n: number): EncodedLabels | null {
  if (n === 0) return null;
  let min = Number.POSITIVE_INFINITY;
  let max = Number.NEGATIVE_INFINITY;
  // Integer typed arrays hold only integers; float ones are checked value by value.
  const integral = !(y instanceof Float32Array || y instanceof Float64Array);
  for (let i = 0; i < n; i++) {
    const v = y[i] as number;
    if (!integral && !Number.isInteger(v)) return null;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const range = max - min + 1;
  if (range > Math.max(65536, 2 * n)) return null;
  const table = new Int32Array(range);
  for (let i = 0; i < n; i++) {
    const v = (y[i] as number) - min;
    table[v] = (table[v] as number) + 1;
  }
  const classes: number[] = [];
  const countsList: number[] = [];
  for (let v = 0; v < range; v++) {
    const c = table[v] as number;
    if (c > 0) {
      table[v] = classes.length;
      classes.push(v + min);
      countsList.push(c);
    }
  }
  const ids = new Int32Array(n);
  for (let i = 0; i < n; i++) ids[i] = table[(y[i] as number) - min] as number;
  return finish(classes, ids, Int32Array.from(countsList), false, false);
}

/** Encodes labels (1-D values, or rows of labels: each distinct row is one class, as scikit-learn). */
export function encodeLabels(y: unknown, name: string): EncodedLabels {
  const n = lengthOf(y, name);
  let get: (i: number) => unknown;
  let multilabel = false;
  if (isNdArray(y) && y.shape.length > 1) {
    const w = y.shape.slice(1).reduce((a, b) => a * b, 1);
    const data = y.data;
    multilabel = true;
    get = (i) => Array.from(data.subarray(i * w, (i + 1) * w) as ArrayLike<unknown>).join(" ");
  } else {
    const flat = (isNdArray(y) ? y.data : y) as ArrayLike<unknown>;
    if (isTypedArray(flat) && !(flat instanceof BigInt64Array || flat instanceof BigUint64Array)) {
      const dense = encodeDense(flat as ArrayLike<number>, n);
      if (dense) return dense;
    }
    multilabel = Array.isArray(flat) && n > 0 && flat.some((v) => Array.isArray(v));
    get = multilabel
      ? (i) => {
          const v = flat[i];
          return Array.isArray(v) ? v.join(" ") : String(v);
        }
      : (i) => flat[i];
  }
  const firstId = new Map<unknown, number>();
  const keys: unknown[] = [];
  const raw = new Int32Array(n);
  let continuous = false;
  for (let i = 0; i < n; i++) {
    const key = get(i);
    if (typeof key === "number" && !Number.isInteger(key)) continuous = true;
    let id = firstId.get(key);
    if (id === undefined) {
      id = keys.length;
      firstId.set(key, id);
      keys.push(key);
    }
    raw[i] = id;
  }
  const order = keys.map((_, i) => i).sort((a, b) => compareKeys(keys[a], keys[b]));
  const rank = new Int32Array(keys.length);
  order.forEach((k, r) => {
    rank[k] = r;
  });
  const counts = new Int32Array(keys.length);
  for (let i = 0; i < n; i++) {
    const id = rank[raw[i] as number] as number;
    raw[i] = id;
    counts[id] = (counts[id] as number) + 1;
  }
  return finish(
    order.map((k) => keys[k]),
    raw,
    counts,
    multilabel,
    continuous,
  );
}

/** scikit-learn's check that every class has at least 2 members (StratifiedShuffleSplit). */
export function checkNoSingletons(labels: EncodedLabels): void {
  const few: unknown[] = [];
  labels.counts.forEach((c, i) => {
    if (c < 2) few.push(labels.classes[i]);
  });
  if (few.length > 0) {
    throw new SplitError(
      "SINGLETON_CLASS",
      `The least populated classes in y have only 1 member, which is too few. The minimum number of groups for any class cannot be less than 2. Classes with too few members are: [${few.map(String).join(", ")}]. Merge rare classes, or bin a continuous target before stratifying.`,
    );
  }
}
