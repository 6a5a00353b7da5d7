import { LayoutError } from "./errors.js";
import { channelsFirst, channelsLast, type Layout, permutation, permuteShape } from "./layout.js";
import { type TypedArray, transposeArray } from "./transpose-array.js";

/** A plain row-major array with its shape, e.g. an image as decoded from a file (`HWC`). */
export interface ArrayTensor<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

/** True for `{ data, shape }` with a typed array and a shape array. */
export function isArrayTensor(x: unknown): x is ArrayTensor {
  return (
    typeof x === "object" &&
    x !== null &&
    ArrayBuffer.isView((x as ArrayTensor).data) &&
    Array.isArray((x as ArrayTensor).shape)
  );
}

/** Throws `RANK_MISMATCH` unless `shape` has one axis per letter of `from`. */
export function checkLayoutRank(shape: readonly number[], from: Layout, perm: readonly number[]) {
  if (shape.length !== perm.length) {
    throw new LayoutError(
      "RANK_MISMATCH",
      `Input of shape [${shape.join(", ")}] has rank ${shape.length}, but layout "${from}" names ${perm.length} axes; pass the layout the data is really in (one letter per axis).`,
    );
  }
}

function describeInput(x: unknown): string {
  if (
    typeof x === "object" &&
    x !== null &&
    "dataId" in x &&
    Array.isArray(Reflect.get(x, "shape"))
  ) {
    return `a tfjs tensor of shape [${(Reflect.get(x, "shape") as number[]).join(", ")}]; tensors are converted by the functions of the same name in "@trainkit/tensor-layout/tfjs"`;
  }
  if (Array.isArray(x))
    return "a plain array; wrap it as { data: Float32Array.from(values), shape }";
  return `${x === null ? "null" : typeof x}; pass { data, shape } with a typed array`;
}

/**
 * Converts a typed-array tensor `{ data, shape }` from layout `from` to layout `to` with
 * {@link transposeArray}: a new array of the same type, the input untouched.
 * (tfjs tensors: the same function from `@trainkit/tensor-layout/tfjs`.)
 * @throws {LayoutError} `INVALID_INPUT` for anything but `{ data, shape }`, `RANK_MISMATCH`,
 *   `LAYOUT_MISMATCH`, `DATA_SIZE_MISMATCH`.
 */
export function convertLayout<T extends TypedArray>(
  x: ArrayTensor<T>,
  from: Layout,
  to: Layout,
): ArrayTensor<T> {
  const perm = permutation(from, to);
  if (!isArrayTensor(x)) {
    throw new LayoutError(
      "INVALID_INPUT",
      `convertLayout of "@trainkit/tensor-layout" takes { data, shape } with a typed array, but got ${describeInput(x)}.`,
    );
  }
  checkLayoutRank(x.shape, from, perm);
  return { data: transposeArray(x.data, x.shape, perm), shape: permuteShape(x.shape, perm) };
}

/**
 * Moves the channel axis last: `NCHW → NHWC`, `CHW → HWC`, `NCDHW → NDHWC`, for
 * `{ data, shape }` with a typed array (tfjs tensors: `@trainkit/tensor-layout/tfjs`).
 */
export function toNHWC<T extends TypedArray>(x: ArrayTensor<T>, from: Layout): ArrayTensor<T> {
  return convertLayout(x, from, channelsLast(from));
}

/**
 * Moves the channel axis first (after `N` when present): `NHWC → NCHW`, `HWC → CHW`,
 * `NDHWC → NCDHW`, for `{ data, shape }` with a typed array (tfjs tensors:
 * `@trainkit/tensor-layout/tfjs`).
 */
export function toNCHW<T extends TypedArray>(x: ArrayTensor<T>, from: Layout): ArrayTensor<T> {
  return convertLayout(x, from, channelsFirst(from));
}
