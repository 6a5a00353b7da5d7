/**
 * How often each of trainkit's tensorflow kernels took its fast path or fell back to tfjs-node's
 * own kernel, since the process started. Cheap counters, read by the tests to know which path a
 * computation really took.
 */
export const tensorflowKernelCounts = {
  /** Relu gradients computed by TensorFlow's ReluGrad. */
  reluGrad: 0,
  /** Relu gradients left to tfjs's own (another backend, another dtype). */
  reluGradTfjs: 0,
  /** MaxPool forwards run by oneDNN. */
  maxPool: 0,
  /** MaxPool forwards left to tfjs-node's kernel. */
  maxPoolFallback: 0,
  /** MaxPoolGrads run by oneDNN with the workspace kept by the forward. */
  maxPoolGradKept: 0,
  /** MaxPoolGrads run by oneDNN with a workspace recomputed for the call. */
  maxPoolGradRecomputed: 0,
  /** MaxPoolGrads left to tfjs-node's kernel. */
  maxPoolGradFallback: 0,
};

export type TensorflowKernelCounts = typeof tensorflowKernelCounts;

/** A copy of the counters, for comparing before and after. */
export function snapshotTensorflowKernelCounts(): TensorflowKernelCounts {
  return { ...tensorflowKernelCounts };
}
