/** Machine-readable reason attached to every {@link BatchingError}. */
export type BatchingErrorCode =
  | "EMPTY_BATCH"
  | "INVALID_IMAGE"
  | "CHANNEL_MISMATCH"
  | "INVALID_OPTION"
  | "INVALID_SIZE"
  | "INVALID_BOX"
  | "INVALID_GROUPS"
  | "SHAPE_MISMATCH";

/**
 * The one error class of `@trainkit/batching`. The message names the bad value and what would be
 * valid; `code` lets callers branch without parsing text.
 */
export class BatchingError extends Error {
  readonly code: BatchingErrorCode;

  constructor(code: BatchingErrorCode, message: string) {
    super(message);
    this.name = "BatchingError";
    this.code = code;
  }
}
