import type { Tensor } from "@tensorflow/tfjs-core";
import {
  type ArrayTensor,
  checkLayoutRank,
  convertLayout as convertArrayLayout,
  isArrayTensor,
} from "../convert-layout.js";
import { channelsFirst, channelsLast, type Layout, permutation } from "../layout.js";
import type { TypedArray } from "../transpose-array.js";
import { transposeTensor } from "./internal/transpose-tensor.js";

/**
 * Converts a tfjs tensor or a typed-array tensor from layout `from` to layout `to`.
 * Tensors become a new tensor (the input is not disposed): `tf.transpose`, or on the `cpu`
 * backend the typed-array kernel with the same gradient; typed arrays go through
 * `transposeArray` (a new array of the same type), as the main entry's `convertLayout` does.
 * @throws {LayoutError} `RANK_MISMATCH`, `LAYOUT_MISMATCH`, `INVALID_LAYOUT`.
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
  if (isArrayTensor(x)) return convertArrayLayout(x, from, to);
  const perm = permutation(from, to);
  checkLayoutRank(x.shape, from, perm);
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
