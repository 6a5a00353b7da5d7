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

/** Why an optimizer of this package refused an argument or a step. Each message names the fix. */
export type OptimizerErrorCode =
  /** a bad learning rate, beta or epsilon (also a `learningRate` written later), or malformed `setWeights` input */
  | "INVALID_ARGUMENT"
  /** the optimizer keeps its state in TensorFlow, and the active tfjs backend is not (or no longer) `tensorflow` */
  | "WRONG_BACKEND"
  /** a variable it cannot update: unknown name, not float32, or a gradient or slot of another shape */
  | "INVALID_VARIABLE"
  /** used after `dispose()` */
  | "DISPOSED";

export class OptimizerError extends Error {
  override readonly name = "OptimizerError";
  readonly code: OptimizerErrorCode;

  constructor(code: OptimizerErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}

/** Why `trainkit-backend setup tensorflow` stopped. Each message names the fix. */
export type SetupErrorCode =
  | "INVALID_OPTION"
  | "PYTHON_MISSING"
  | "PIP_MISSING"
  | "WHEEL_NOT_FOUND"
  | "NO_WHEEL_FOR_PLATFORM"
  | "WHEEL_CORRUPT"
  | "DISK_FULL"
  | "NPM_INSTALL_FAILED"
  | "COMPILER_MISSING"
  | "NODE_HEADERS_MISSING"
  | "NODE_GYP_MISSING"
  | "BUILD_FAILED"
  | "VERIFY_FAILED";

export class SetupError extends Error {
  override readonly name = "SetupError";
  readonly code: SetupErrorCode;
  /** A log with the full output of the failed step, where there is one. */
  readonly logPath: string | undefined;

  constructor(
    code: SetupErrorCode,
    message: string,
    options?: { cause?: unknown; logPath?: string },
  ) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.logPath = options?.logPath;
  }
}
