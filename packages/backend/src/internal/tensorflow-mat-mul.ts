import type { KernelConfig, KernelFunc, TensorInfo } from "@tensorflow/tfjs-core";
import {
  asTensorflowBackend,
  floatType,
  type MarkedKernelConfig,
  type NativeTensor,
  nonEmpty,
  type OpAttr,
  single,
  type TensorflowBinding,
  TRAINKIT_KERNEL,
} from "./tensorflow-binding.js";
import { tensorflowKernelCounts as counts } from "./tensorflow-kernel-counts.js";

/**
 * The rank of `a @ b` if it is a product of one pair of non-empty float32 matrices (rank 2, as a
 * 2-D `tf.matMul` sends them, or rank 3 with a batch of one, as `tf.fused.matMul` and dense layers
 * do), else undefined.
 */
function onePair(
  a: TensorInfo,
  b: TensorInfo,
  transposeA: boolean,
  transposeB: boolean,
): 2 | 3 | undefined {
  if (a.dtype !== "float32" || b.dtype !== "float32") return undefined;
  if (a.shape.length !== b.shape.length || !nonEmpty(a.shape) || !nonEmpty(b.shape)) {
    return undefined;
  }
  const rank = a.shape.length;
  if (rank === 3 && (a.shape[0] !== 1 || b.shape[0] !== 1)) return undefined;
  if (rank !== 2 && rank !== 3) return undefined;
  const [ar, ac] = a.shape.slice(-2) as [number, number];
  const [br, bc] = b.shape.slice(-2) as [number, number];
  return (transposeA ? ar : ac) === (transposeB ? bc : br) ? rank : undefined;
}

function reshapeAttrs(binding: TensorflowBinding): OpAttr[] {
  return [
    floatType(binding),
    { name: "Tshape", type: binding.TF_ATTR_TYPE, value: binding.TF_INT32 },
  ];
}

/** TensorFlow's Reshape of a handle: a new handle (the caller's); the shape goes to `temporary`. */
function reshape(
  binding: TensorflowBinding,
  id: number,
  shape: readonly number[],
  temporary: number[],
): NativeTensor {
  const target = binding.createTensor([shape.length], binding.TF_INT32, Int32Array.from(shape));
  temporary.push(target);
  return single(binding.executeOp("Reshape", reshapeAttrs(binding), [id, target], 1), "Reshape");
}

/**
 * tfjs-node's BatchMatMul, run for one pair of matrices (every 2-D `tf.matMul`, dense layers and
 * their gradients) as TensorFlow's MatMul (between two reshapes where tfjs made them rank 3).
 * tfjs-node sends every product as BatchMatMulV2, which with oneDNN on costs 2-4x a MatMul at the
 * sizes of a dense head (64x800 by 800x10: about 100 us against 35) and the same on large ones.
 * Batches above one, broadcasting, other dtypes and empty shapes: tfjs-node's kernel.
 */
export function plainMatMulConfig(original: KernelConfig): MarkedKernelConfig {
  const kernelFunc: KernelFunc = (args) => {
    const tensorflow = asTensorflowBackend(args.backend);
    const { a, b } = args.inputs as { a?: TensorInfo; b?: TensorInfo };
    const transposeA = args.attrs?.transposeA === true;
    const transposeB = args.attrs?.transposeB === true;
    const rank =
      tensorflow !== undefined && a !== undefined && b !== undefined
        ? onePair(a, b, transposeA, transposeB)
        : undefined;
    if (tensorflow === undefined || a === undefined || b === undefined || rank === undefined) {
      counts.matMulFallback++;
      return original.kernelFunc(args);
    }
    const binding = tensorflow.binding;
    const temporary: number[] = [];
    try {
      let [aId, bId] = tensorflow.getInputTensorIds([a, b]) as [number, number];
      if (rank === 3) {
        aId = reshape(binding, aId, a.shape.slice(1), temporary).id;
        temporary.push(aId);
        bId = reshape(binding, bId, b.shape.slice(1), temporary).id;
        temporary.push(bId);
      }
      const product = single(
        binding.executeOp(
          "MatMul",
          [
            floatType(binding),
            { name: "transpose_a", type: binding.TF_ATTR_BOOL, value: transposeA },
            { name: "transpose_b", type: binding.TF_ATTR_BOOL, value: transposeB },
          ],
          [aId, bId],
          1,
        ),
        "MatMul",
      );
      counts.matMul++;
      if (rank === 2) return tensorflow.createOutputTensor(product);
      temporary.push(product.id);
      return tensorflow.createOutputTensor(
        reshape(binding, product.id, [1, ...product.shape], temporary),
      );
    } finally {
      for (const id of temporary) binding.deleteTensor(id);
    }
  };
  return { ...original, kernelFunc, [TRAINKIT_KERNEL]: true };
}
