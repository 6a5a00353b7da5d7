/** Codes carried by {@link TorchPortError}. */
export type TorchPortErrorCode =
  | "SHAPE_MISMATCH"
  | "COUNT_MISMATCH"
  | "MISSING_PARAMETER"
  | "UNEXPECTED_PARAMETER"
  | "UNSUPPORTED_LAYER"
  | "UNSUPPORTED_DTYPE"
  | "INVALID_ARGUMENT";

/**
 * Thrown when PyTorch weights cannot be mapped onto a tfjs model. The message names the PyTorch
 * key (e.g. `features.3.weight`), the tfjs weight (e.g. `conv2d_2/kernel`), both shapes, and what
 * would fit.
 */
export class TorchPortError extends Error {
  override readonly name = "TorchPortError";
  readonly code: TorchPortErrorCode;

  constructor(code: TorchPortErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
