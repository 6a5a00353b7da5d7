/** Why a backend could not be used. Each code has a fix in the message. */
export type BackendErrorCode =
  | "NOT_INSTALLED"
  | "NATIVE_ADDON_MISSING"
  | "LIBTENSORFLOW_MISSING"
  | "CUDA_MISSING"
  | "NATIVE_ADDON_BROKEN"
  | "NO_GPU"
  | "NO_ADAPTER"
  | "NOT_REGISTERED"
  | "INIT_FAILED"
  | "INVALID_OPTION"
  | "NONE_AVAILABLE";

export class BackendError extends Error {
  override readonly name = "BackendError";
  readonly code: BackendErrorCode;

  constructor(code: BackendErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
