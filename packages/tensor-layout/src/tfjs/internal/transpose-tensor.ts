import {
  customGrad,
  type GradSaveFunc,
  getBackend,
  type Tensor,
  tensor,
  transpose,
} from "@tensorflow/tfjs-core";
import { inversePermutation, permuteShape } from "../../layout.js";
import { transposeArray } from "../../transpose-array.js";

/**
 * `tf.transpose` of a tensor, through {@link transposeArray} where the tensor's values live in
 * JavaScript (the `cpu` backend, whose own Transpose computes every element's index: 20-30x
 * slower). The gradient is the inverse transpose, so the result can sit inside `tf.grad`.
 * Other backends (wasm, tensorflow, webgl, webgpu) transpose natively and keep `tf.transpose`.
 */
export function transposeTensor(x: Tensor, perm: number[]): Tensor {
  if (getBackend() !== "cpu" || x.dtype === "string" || x.dtype === "complex64") {
    return transpose(x, perm);
  }
  const shape = permuteShape(x.shape, perm);
  const inverse = inversePermutation(perm);
  const run = customGrad((...args: (Tensor | GradSaveFunc)[]) => {
    const input = args[0] as Tensor;
    const values = input.dataSync() as Float32Array | Int32Array | Uint8Array;
    return {
      value: tensor(transposeArray(values, input.shape, perm), shape, input.dtype),
      gradFunc: (dy: Tensor) => transpose(dy, inverse),
    };
  });
  return run(x);
}
