import {
  findBackend,
  getKernel,
  type KernelConfig,
  registerKernel,
  unregisterKernel,
} from "@tensorflow/tfjs-core";
import { BackendError } from "./errors.js";
import {
  oneDnnMaxPoolConfig,
  oneDnnMaxPoolGradConfig,
  probeOneDnnPooling,
} from "./internal/onednn-max-pool.js";
import { watchDisposals } from "./internal/pooling-workspaces.js";
import {
  asTensorflowBackend,
  isTrainkitKernel,
  type MarkedKernelConfig,
  type TensorflowBackendLike,
} from "./internal/tensorflow-binding.js";
import { plainMatMulConfig } from "./internal/tensorflow-mat-mul.js";
import {
  RELU_GRAD_KERNEL,
  reluGradConfig,
  useReluGradKernel,
} from "./internal/tensorflow-relu-grad.js";

/**
 * The kernels `registerTensorflowKernels` puts on the tensorflow backend (tfjs-node):
 * `ReluGrad` (new: Relu's gradient as TensorFlow's one ReluGrad op), and tfjs-node's `MaxPool`
 * and `MaxPoolGrad` (oneDNN's pooling) and `BatchMatMul` (MatMul for a batch of one), replaced.
 */
export const TENSORFLOW_FASTER_KERNELS: readonly string[] = [
  RELU_GRAD_KERNEL,
  "MaxPool",
  "MaxPoolGrad",
  "BatchMatMul",
];

export interface RegisterTensorflowKernelsOptions {
  /** Which of `TENSORFLOW_FASTER_KERNELS` to register. Default: all of them. */
  kernels?: readonly string[];
}

export interface SkippedTensorflowKernel {
  name: string;
  /** Why tfjs-node's own kernel (or tfjs's own gradient) stays. */
  reason: string;
}

export interface RegisterTensorflowKernelsResult {
  /**
   * trainkit's kernels in effect on the tensorflow backend after this call, whether this call or
   * an earlier one registered them.
   */
  registered: string[];
  /** Kernels asked for and not in effect, each with the reason. */
  skipped: SkippedTensorflowKernel[];
}

type Outcome = { ok: true } | { ok: false; reason: string };
const OK: Outcome = { ok: true };

/** Puts `make(tfjs-node's kernel)` in place of tfjs-node's kernel, once. */
function replaceKernel(
  name: string,
  make: (original: KernelConfig) => MarkedKernelConfig,
): Outcome {
  const current = getKernel(name, "tensorflow") as KernelConfig | undefined;
  if (isTrainkitKernel(current)) return OK;
  if (current === undefined) {
    return { ok: false, reason: `@tensorflow/tfjs-node registered no ${name} kernel to replace` };
  }
  const replacement = make(current);
  unregisterKernel(name, "tensorflow");
  registerKernel(replacement);
  return OK;
}

function registerReluGrad(): Outcome {
  const current = getKernel(RELU_GRAD_KERNEL, "tensorflow") as KernelConfig | undefined;
  if (current !== undefined && !isTrainkitKernel(current)) {
    return {
      ok: false,
      reason: `a ${RELU_GRAD_KERNEL} kernel that is not trainkit's is registered for 'tensorflow'; left alone`,
    };
  }
  if (current === undefined) registerKernel(reluGradConfig);
  useReluGradKernel();
  return OK;
}

function registerMaxPool(name: "MaxPool" | "MaxPoolGrad", backend: TensorflowBackendLike): Outcome {
  if (backend.isUsingGpuDevice === true) {
    return {
      ok: false,
      reason: "TensorFlow runs on a GPU here, and oneDNN's pooling is for the CPU",
    };
  }
  const unavailable = probeOneDnnPooling(backend);
  if (unavailable !== undefined) return { ok: false, reason: unavailable };
  watchDisposals(backend);
  return replaceKernel(name, name === "MaxPool" ? oneDnnMaxPoolConfig : oneDnnMaxPoolGradConfig);
}

function register(name: string, backend: TensorflowBackendLike): Outcome {
  switch (name) {
    case RELU_GRAD_KERNEL:
      return registerReluGrad();
    case "MaxPool":
    case "MaxPoolGrad":
      return registerMaxPool(name, backend);
    default:
      return replaceKernel(name, plainMatMulConfig);
  }
}

/**
 * Makes training on the native tensorflow backend (`@tensorflow/tfjs-node`) faster where tfjs-node
 * does in several ops, or in a slow one, what TensorFlow does in one fast op:
 *
 * - Relu's gradient: TensorFlow's `ReluGrad` (one op) instead of tfjs's `dy * cast(step(x))`
 *   (eight native ops on tfjs-node). Other backends keep tfjs's own gradient.
 * - `MaxPool` and `MaxPoolGrad`: oneDNN's pooling, which TensorFlow's library ships as the
 *   internal ops `_MklNativeMaxPool` and `_MklNativeMaxPoolGrad`, instead of TensorFlow's CPU
 *   MaxPoolGrad, which is several times slower than the pooling itself.
 * - `BatchMatMul` with a batch of one: TensorFlow's `MatMul` instead of `BatchMatMulV2`.
 *
 * Anything outside the tested cases (other dtypes, explicit padding, batches above one) still runs
 * tfjs-node's own kernel, and so does max pooling for good where TensorFlow's library lacks the
 * oneDNN ops. Called by `initBackend` on the tensorflow rungs. Idempotent.
 *
 * Throws a `BackendError` (`NOT_REGISTERED`) when no 'tensorflow' backend is registered. A
 * 'tensorflow' backend that is not tfjs-node's gets nothing: every kernel is `skipped`.
 */
export function registerTensorflowKernels(
  options: RegisterTensorflowKernelsOptions = {},
): RegisterTensorflowKernelsResult {
  const names = options.kernels ?? TENSORFLOW_FASTER_KERNELS;
  for (const name of names) {
    if (!TENSORFLOW_FASTER_KERNELS.includes(name)) {
      throw new BackendError(
        "INVALID_OPTION",
        `options.kernels has ${JSON.stringify(name)}, which is not one of trainkit's tensorflow ` +
          `kernels; use some of ${TENSORFLOW_FASTER_KERNELS.map((k) => `'${k}'`).join(", ")}.`,
      );
    }
  }
  const backend = findBackend("tensorflow");
  if (backend === null || backend === undefined) {
    throw new BackendError(
      "NOT_REGISTERED",
      "registerTensorflowKernels: no 'tensorflow' backend is registered with this copy of " +
        "@tensorflow/tfjs-core. Load @tensorflow/tfjs-node first (initBackend({ prefer: " +
        "'tensorflow' }) loads it and registers these kernels), and use one copy of " +
        "@tensorflow/tfjs-core (4.22.x, `npm dedupe`).",
    );
  }
  const result: RegisterTensorflowKernelsResult = { registered: [], skipped: [] };
  const tensorflow = asTensorflowBackend(backend);
  for (const name of names) {
    let outcome: Outcome;
    if (tensorflow === undefined) {
      outcome = {
        ok: false,
        reason:
          "the 'tensorflow' backend has no TensorFlow binding (it is not @tensorflow/tfjs-node's), " +
          "so its own kernels stay",
      };
    } else {
      try {
        outcome = register(name, tensorflow);
      } catch (error) {
        const message = error instanceof Error ? error.message : String(error);
        outcome = { ok: false, reason: `registering it failed: ${message}` };
      }
    }
    if (outcome.ok) result.registered.push(name);
    else result.skipped.push({ name, reason: outcome.reason });
  }
  return result;
}
