export {
  type BackendCandidate,
  type BackendName,
  CANDIDATES,
  type CandidateInfo,
  DEFAULT_ORDER,
  type Device,
} from "./candidates.js";
export {
  BackendError,
  type BackendErrorCode,
  OptimizerError,
  type OptimizerErrorCode,
  SetupError,
  type SetupErrorCode,
} from "./errors.js";
export {
  type BackendAttempt,
  type BackendChoice,
  type BackendRequest,
  describeBackend,
  type InitBackendOptions,
  initBackend,
} from "./init-backend.js";
export { cacheRoot, removeStalePartials } from "./setup/cache-dir.js";
export { type OneDnnSetting, oneDnnSetting } from "./setup/one-dnn.js";
export {
  type SetupEvent,
  type SetupTensorflowOptions,
  type SetupTensorflowResult,
  setupTensorflow,
} from "./setup/setup-tensorflow.js";
export { type TensorflowSetupStatus, tensorflowSetupStatus } from "./setup/tensorflow-status.js";
export {
  INTRA_OP_THREADS_VARIABLE,
  type TensorflowThreadsSetting,
  tensorflowThreadsSetting,
} from "./setup/tensorflow-threads.js";
export {
  addonCacheKey,
  DEFAULT_TENSORFLOW_VERSION,
  napiBuildVersion,
  TFJS_NODE_VERSION,
  tensorflowWheelPlan,
  type WheelLibrary,
  type WheelPlan,
  type WheelTarget,
} from "./setup/tensorflow-wheel.js";
export type { VerifyResult } from "./setup/verify-tensorflow.js";
export { TensorflowAdamOptimizer, tensorflowAdam } from "./tensorflow-adam.js";
export {
  type RegisterTensorflowKernelsOptions,
  type RegisterTensorflowKernelsResult,
  registerTensorflowKernels,
  type SkippedTensorflowKernel,
  TENSORFLOW_FASTER_KERNELS,
} from "./tensorflow-kernels.js";
export {
  type RegisterWasmGradientsOptions,
  type RegisterWasmGradientsResult,
  registerWasmGradients,
  WASM_FASTER_KERNELS,
  WASM_GRADIENT_KERNELS,
} from "./wasm-gradients.js";
export {
  type AdapterEnvironment,
  describeAdapter,
  explainNoAdapter,
  type GpuAdapterSummary,
  WEBGPU_PACKAGE_VERSION,
} from "./webgpu.js";
