/** Codes carried by {@link LayoutError}. */
export type LayoutErrorCode =
  | "INVALID_LAYOUT"
  | "LAYOUT_MISMATCH"
  | "RANK_MISMATCH"
  | "INVALID_PERMUTATION"
  | "DATA_SIZE_MISMATCH"
  | "NO_CHANNEL_AXIS"
  | "INVALID_INPUT";

/** Thrown for a bad layout string, permutation, or a shape/data that does not fit a layout. */
export class LayoutError extends Error {
  override readonly name = "LayoutError";
  readonly code: LayoutErrorCode;

  constructor(code: LayoutErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/** Codes carried by {@link EinopsError}. */
export type EinopsErrorCode =
  | "INVALID_PATTERN"
  | "UNMATCHED_IDENTIFIERS"
  | "ANONYMOUS_AXIS"
  | "MISSING_AXIS_LENGTH"
  | "UNUSED_AXIS_LENGTH"
  | "INVALID_AXIS_LENGTH"
  | "RANK_MISMATCH"
  | "SHAPE_MISMATCH"
  | "UNKNOWN_REDUCTION";

/**
 * Thrown by {@link rearrange}, {@link reduce} and {@link repeat}. The message says which operation
 * and pattern failed, the input shape, the axis lengths given, and the cause, e.g.
 *
 * ```text
 * Error while processing rearrange pattern "b (h h2) w -> b h h2 w".
 *  Input tensor shape: [2, 5, 4]. Additional info: {h2: 2}.
 *  Shape mismatch, can't divide axis of length 5 in chunks of 2.
 * ```
 */
export class EinopsError extends Error {
  override readonly name = "EinopsError";
  readonly code: EinopsErrorCode;
  /** The cause alone, without the operation / pattern / shape preamble. */
  readonly reason: string;

  constructor(code: EinopsErrorCode, reason: string, context?: string) {
    super(context === undefined ? reason : `${context}\n ${reason}`);
    this.code = code;
    this.reason = reason;
  }
}

/** Codes carried by {@link TorchPortError}. */
export type TorchPortErrorCode =
  | "SHAPE_MISMATCH"
  | "COUNT_MISMATCH"
  | "MISSING_PARAMETER"
  | "UNEXPECTED_PARAMETER"
  | "UNSUPPORTED_LAYER"
  | "UNSUPPORTED_DTYPE"
  | "INVALID_ARGUMENT"
  | "AMBIGUOUS_ORDER";

/**
 * Thrown when PyTorch weights cannot be mapped onto a tfjs model. The message names the PyTorch
 * key (e.g. `features.3.weight`), the tfjs weight (e.g. `conv2d_2/kernel`), both shapes, and what
 * would fit. `AMBIGUOUS_ORDER`: the forward order of named PyTorch modules cannot be told from
 * their names and more than one pairing with the tfjs layers fits (pass `options.order`).
 */
export class TorchPortError extends Error {
  override readonly name = "TorchPortError";
  readonly code: TorchPortErrorCode;

  constructor(code: TorchPortErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
