/** Codes carried by {@link LayoutError}. */
export type LayoutErrorCode =
  | "INVALID_LAYOUT"
  | "LAYOUT_MISMATCH"
  | "RANK_MISMATCH"
  | "INVALID_PERMUTATION"
  | "DATA_SIZE_MISMATCH"
  | "NO_CHANNEL_AXIS";

/** Thrown for a bad layout string, permutation, or a shape/data that does not fit a layout. */
export class LayoutError extends Error {
  override readonly name = "LayoutError";
  readonly code: LayoutErrorCode;

  constructor(code: LayoutErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
