import { SplitError } from "../errors.js";

export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | Uint8Array
  | Uint8ClampedArray
  | Uint16Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

/**
 * A row-major n-d block of numbers: `shape[0]` rows, each of `shape[1]·shape[2]·…` values.
 * Splitting returns the same kind, with a new `data` and `shape[0]` set to the row count.
 */
export interface NdArray<T extends TypedArray = TypedArray> {
  readonly data: T;
  readonly shape: readonly number[];
}

/** Anything a split accepts: an array (rows may be nested arrays), a typed array, or an NdArray. */
export type Splittable = readonly unknown[] | TypedArray | NdArray;

/** The result kind for an input kind. */
export type SplitOf<T> = T extends TypedArray
  ? T
  : T extends NdArray<infer D>
    ? NdArray<D>
    : T extends readonly (infer E)[]
      ? E[]
      : never;

/** A writable row store: the flat buffer plus the number of values per row. */
export interface Column {
  readonly kind: "array" | "typed" | "nd";
  readonly n: number;
  readonly width: number;
  readonly data: ArrayLike<unknown> & { [i: number]: unknown };
  readonly shape?: readonly number[];
  alloc(rows: number): ArrayLike<unknown> & { [i: number]: unknown };
}

export function isTypedArray(v: unknown): v is TypedArray {
  return ArrayBuffer.isView(v) && !(v instanceof DataView);
}

export function isNdArray(v: unknown): v is NdArray {
  return (
    typeof v === "object" &&
    v !== null &&
    !Array.isArray(v) &&
    isTypedArray((v as NdArray).data) &&
    Array.isArray((v as NdArray).shape)
  );
}

function describe(v: unknown): string {
  if (v === null) return "null";
  if (typeof v === "object") return (v as object).constructor?.name ?? "object";
  return typeof v;
}

/** Number of samples (rows) of a splittable input, or an error naming what was passed. */
export function lengthOf(v: unknown, name: string): number {
  if (Array.isArray(v) || isTypedArray(v)) return v.length;
  if (isNdArray(v)) {
    const rows = v.shape[0];
    const width = v.shape.slice(1).reduce((a, b) => a * b, 1);
    if (rows === undefined || (rows as number) * width !== v.data.length) {
      throw new SplitError(
        "INVALID_INPUT",
        `${name} has shape [${v.shape.join(", ")}] but ${v.data.length} values; an NdArray needs data.length equal to the product of its shape.`,
      );
    }
    return rows as number;
  }
  throw new SplitError(
    "INVALID_INPUT",
    `${name} is a ${describe(v)}; pass an array, a typed array or { data, shape } (tensors through "@trainkit/data-split/tfjs").`,
  );
}

export function toColumn(v: Splittable, name: string): Column {
  const n = lengthOf(v, name);
  if (Array.isArray(v)) {
    return { kind: "array", n, width: 1, data: v as unknown[], alloc: (rows) => new Array(rows) };
  }
  if (isTypedArray(v)) {
    const Ctor = v.constructor as new (len: number) => TypedArray;
    return { kind: "typed", n, width: 1, data: v, alloc: (rows) => new Ctor(rows) };
  }
  const nd = v as NdArray;
  const width = nd.shape.slice(1).reduce((a, b) => a * b, 1);
  const Ctor = nd.data.constructor as new (len: number) => TypedArray;
  return {
    kind: "nd",
    n,
    width,
    data: nd.data,
    shape: nd.shape,
    alloc: (rows) => new Ctor(rows * width),
  };
}

/** Wraps `rows` rows of a column-kind buffer, starting at row `from`, as the input's kind. */
export function wrapRows(
  column: Column,
  buffer: ArrayLike<unknown>,
  from: number,
  rows: number,
): unknown {
  if (column.kind === "array") {
    const arr = buffer as unknown[];
    return from === 0 && rows === arr.length ? arr : arr.slice(from, from + rows);
  }
  const typed = buffer as TypedArray;
  const view = typed.subarray(from * column.width, (from + rows) * column.width);
  if (column.kind === "typed") return view;
  return { data: view, shape: [rows, ...(column.shape as number[]).slice(1)] };
}

/** Copies the rows named by `indices`, in that order, into a new input of the same kind. */
export function gatherRows(column: Column, indices: ArrayLike<number>): unknown {
  const m = indices.length;
  const out = column.alloc(m);
  const src = column.data;
  const w = column.width;
  if (w === 1) {
    for (let k = 0; k < m; k++) out[k] = src[indices[k] as number];
  } else {
    for (let k = 0; k < m; k++) {
      const s = (indices[k] as number) * w;
      const o = k * w;
      for (let d = 0; d < w; d++) out[o + d] = src[s + d];
    }
  }
  return wrapRows(column, out, 0, m);
}
