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
import {
  RELU_GRAD_KERNEL,
  reluGradConfig,
  useReluGradKernel,
} from "./internal/tensorflow-relu-grad.js";

/**
 * The kernels `registerTensorflowKernels` puts on the tensorflow backend (tfjs-node):
 * `ReluGrad` (new: Relu's gradient as TensorFlow's one ReluGrad op), and tfjs-node's `MaxPool`
 * and `MaxPoolGrad` (oneDNN's pooling), replaced.
 */
export const TENSORFLOW_FASTER_KERNELS: readonly string[] = [
  RELU_GRAD_KERNEL,
  "MaxPool",
  "MaxPoolGrad",
];

/**
 * Kernels trainkit replaced once and no longer does, each with why: asking for one is an
 * `INVALID_OPTION` error that says so.
 */
const REMOVED_KERNELS: ReadonlyMap<string, string> = new Map([
  [
    "BatchMatMul",
    "TensorFlow's MatMul, which it ran, corrupts memory on AVX-512 CPUs when a signal arrives " +
      "during it, so tfjs-node's own BatchMatMulV2 is used",
  ],
]);

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

/** `name` is one of `TENSORFLOW_FASTER_KERNELS` (checked by the caller). */
function register(name: string, backend: TensorflowBackendLike): Outcome {
  return name === RELU_GRAD_KERNEL
    ? registerReluGrad()
    : registerMaxPool(name as "MaxPool" | "MaxPoolGrad", backend);
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
 *
 * Matrix products stay with tfjs-node's `BatchMatMulV2`: TensorFlow's `MatMul`, which trainkit
 * once ran instead, corrupts the heap on AVX-512 CPUs when a signal arrives during it.
 *
 * Anything outside the tested cases (other dtypes, explicit padding) still runs tfjs-node's own
 * kernel, and so does max pooling for good where TensorFlow's library lacks the oneDNN ops.
 * Called by `initBackend` on the tensorflow rungs. Idempotent.
 *
 * Throws a `BackendError`: `INVALID_OPTION` for a name in `options.kernels` that is not one of
 * `TENSORFLOW_FASTER_KERNELS` (for `BatchMatMul`, saying why it was removed), `NOT_REGISTERED`
 * when no 'tensorflow' backend is registered. A 'tensorflow' backend that is not tfjs-node's gets
 * nothing: every kernel is `skipped`.
 */
export function registerTensorflowKernels(
  options: RegisterTensorflowKernelsOptions = {},
): RegisterTensorflowKernelsResult {
  const names = options.kernels ?? TENSORFLOW_FASTER_KERNELS;
  for (const name of names) {
    if (!TENSORFLOW_FASTER_KERNELS.includes(name)) {
      const removed = REMOVED_KERNELS.get(name);
      const choices = TENSORFLOW_FASTER_KERNELS.map((k) => `'${k}'`).join(", ");
      throw new BackendError(
        "INVALID_OPTION",
        removed !== undefined
          ? `options.kernels has ${JSON.stringify(name)}, which trainkit no longer replaces: ` +
              `${removed}. Leave it out: pass some of ${choices}, or no kernels option for all.`
          : `options.kernels has ${JSON.stringify(name)}, which is not one of trainkit's ` +
              `tensorflow kernels; use some of ${choices}.`,
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
