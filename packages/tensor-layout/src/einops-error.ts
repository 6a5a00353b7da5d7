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
