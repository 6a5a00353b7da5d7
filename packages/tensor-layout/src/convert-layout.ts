import type { Tensor } from "@tensorflow/tfjs-core";
import { transposeTensor } from "./internal/transpose-tensor.js";
import { channelsFirst, channelsLast, type Layout, permutation, permuteShape } from "./layout.js";
import { LayoutError } from "./layout-error.js";
import { type TypedArray, transposeArray } from "./transpose-array.js";

/** A plain row-major array with its shape, e.g. an image as decoded from a file (`HWC`). */
export interface ArrayTensor<T extends TypedArray = TypedArray> {
  data: T;
  shape: number[];
}

function isArrayTensor(x: unknown): x is ArrayTensor {
  return (
    typeof x === "object" &&
    x !== null &&
    ArrayBuffer.isView((x as ArrayTensor).data) &&
    Array.isArray((x as ArrayTensor).shape)
  );
}

function checkRank(shape: readonly number[], from: Layout, perm: readonly number[]): void {
  if (shape.length !== perm.length) {
    throw new LayoutError(
      "RANK_MISMATCH",
      `Input of shape [${shape.join(", ")}] has rank ${shape.length}, but layout "${from}" names ${perm.length} axes; pass the layout the data is really in (one letter per axis).`,
    );
  }
}

/**
 * Converts a tfjs tensor or a typed-array tensor from layout `from` to layout `to`.
 * Tensors become a new tensor (the input is not disposed): `tf.transpose`, or on the `cpu`
 * backend the typed-array kernel with the same gradient; typed arrays go through
 * {@link transposeArray} (a new array of the same type).
 */
export function convertLayout(x: Tensor, from: Layout, to: Layout): Tensor;
export function convertLayout<T extends TypedArray>(
  x: ArrayTensor<T>,
  from: Layout,
  to: Layout,
): ArrayTensor<T>;
export function convertLayout(
  x: Tensor | ArrayTensor,
  from: Layout,
  to: Layout,
): Tensor | ArrayTensor {
  const perm = permutation(from, to);
  if (isArrayTensor(x)) {
    checkRank(x.shape, from, perm);
    return { data: transposeArray(x.data, x.shape, perm), shape: permuteShape(x.shape, perm) };
  }
  checkRank(x.shape, from, perm);
  return transposeTensor(x, perm);
}

/**
 * Moves the channel axis last: `NCHW → NHWC`, `CHW → HWC`, `NCDHW → NDHWC`.
 * Accepts a tfjs tensor or `{ data, shape }` with a typed array.
 */
export function toNHWC(x: Tensor, from: Layout): Tensor;
export function toNHWC<T extends TypedArray>(x: ArrayTensor<T>, from: Layout): ArrayTensor<T>;
export function toNHWC(x: Tensor | ArrayTensor, from: Layout): Tensor | ArrayTensor {
  return convertLayout(x as Tensor, from, channelsLast(from));
}

/**
 * Moves the channel axis first (after `N` when present): `NHWC → NCHW`, `HWC → CHW`,
 * `NDHWC → NCDHW`. Accepts a tfjs tensor or `{ data, shape }` with a typed array.
 */
export function toNCHW(x: Tensor, from: Layout): Tensor;
export function toNCHW<T extends TypedArray>(x: ArrayTensor<T>, from: Layout): ArrayTensor<T>;
export function toNCHW(x: Tensor | ArrayTensor, from: Layout): Tensor | ArrayTensor {
  return convertLayout(x as Tensor, from, channelsFirst(from));
}
