export {
  type BackendCandidate,
  type BackendName,
  CANDIDATES,
  type CandidateInfo,
  DEFAULT_ORDER,
  type Device,
} from "./candidates.js";
export { BackendError, type BackendErrorCode } from "./errors.js";
export {
  type BackendAttempt,
  type BackendChoice,
  type BackendRequest,
  describeBackend,
  type InitBackendOptions,
  initBackend,
} from "./init-backend.js";
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
