import {
  engine,
  type GradConfig,
  getGradient,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  type NamedTensorMap,
  registerGradient,
  type Tensor,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import {
  asTensorflowBackend,
  floatType,
  isTrainkitKernel,
  type MarkedKernelConfig,
  TRAINKIT_KERNEL,
} from "./tensorflow-binding.js";
import { tensorflowKernelCounts } from "./tensorflow-kernel-counts.js";

/** The kernel trainkit adds for the tensorflow backend: TensorFlow's `ReluGrad` op. */
export const RELU_GRAD_KERNEL = "ReluGrad";

/**
 * `dy * (x > 0)` as one TensorFlow op. tfjs computes Relu's gradient as
 * `mul(dy, cast(step(x)))`, and tfjs-node's Step is itself six ops over full-size tensors (plus a
 * tensor of ones filled in JavaScript): eight native ops where this is one, with the same result
 * bit for bit wherever x is not NaN (there tfjs gives NaN, TensorFlow 0).
 */
const reluGrad: KernelFunc = ({ inputs, backend }) => {
  const tensorflow = asTensorflowBackend(backend);
  const { dy, x } = inputs as { dy?: TensorInfo; x?: TensorInfo };
  if (tensorflow === undefined || dy?.dtype !== "float32" || x?.dtype !== "float32") {
    throw new Error(
      "trainkit: the ReluGrad kernel takes float32 `dy` and `x` on @tensorflow/tfjs-node's " +
        "'tensorflow' backend; Relu's gradient uses tfjs's own computation everywhere else.",
    );
  }
  tensorflowKernelCounts.reluGrad++;
  return tensorflow.executeSingleOutput("ReluGrad", [floatType(tensorflow.binding)], [dy, x]);
};

export const reluGradConfig: MarkedKernelConfig = {
  kernelName: RELU_GRAD_KERNEL,
  backendName: "tensorflow",
  kernelFunc: reluGrad,
  [TRAINKIT_KERNEL]: true,
};

type MarkedGradConfig = GradConfig & { [TRAINKIT_KERNEL]?: true };

/** Whether Relu's gradient should be the ReluGrad kernel for these tensors, now. */
function useKernel(dy: Tensor, x: Tensor | undefined): boolean {
  if (dy.dtype !== "float32" || x?.dtype !== "float32") return false;
  const e = engine();
  return (
    e.backendName === "tensorflow" &&
    asTensorflowBackend(e.backend) !== undefined &&
    isTrainkitKernel(getKernel(RELU_GRAD_KERNEL, "tensorflow") as KernelConfig | undefined)
  );
}

/**
 * Makes Relu's gradient run the ReluGrad kernel on the tensorflow backend (float32), and tfjs's
 * own gradient, registered before, everywhere else. The gradient registry is global (one per
 * tfjs-core), so this is a wrapper around tfjs's gradient, not a per-backend entry. Idempotent.
 */
export function useReluGradKernel(): void {
  const current = getGradient("Relu") as MarkedGradConfig | undefined;
  if (current === undefined) {
    throw new Error("tfjs-core registered no gradient for Relu: a tfjs-core older than 2.0?");
  }
  if (current[TRAINKIT_KERNEL] === true) return;
  const tfjsGradient = current;
  const config: MarkedGradConfig = {
    ...tfjsGradient,
    gradFunc: (dy, saved, attrs) => {
      const x = saved[0];
      if (!Array.isArray(dy) && useKernel(dy, x)) {
        return {
          x: () => engine().runKernel(RELU_GRAD_KERNEL, { dy, x } as NamedTensorMap) as Tensor,
        };
      }
      tensorflowKernelCounts.reluGradTfjs++;
      return tfjsGradient.gradFunc(dy, saved, attrs);
    },
    [TRAINKIT_KERNEL]: true,
  };
  registerGradient(config);
}
