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
