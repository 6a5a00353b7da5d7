export type CheckpointErrorCode =
  | "NOT_A_CHECKPOINT"
  | "UNSUPPORTED_VERSION"
  | "CHECKSUM_MISMATCH"
  | "SHAPE_MISMATCH"
  | "DTYPE_MISMATCH"
  | "MISSING_WEIGHT"
  | "UNEXPECTED_WEIGHT"
  | "WEIGHT_COUNT_MISMATCH"
  | "OPTIMIZER_MISMATCH"
  | "UNSUPPORTED_OPTIMIZER"
  | "MISSING_OPTIMIZER_STATE"
  | "SLOT_WITHOUT_WEIGHT"
  | "INVALID_ARGUMENT";

/** A checkpoint that cannot be saved, verified or restored into the given model/optimizer. */
export class CheckpointError extends Error {
  override readonly name = "CheckpointError";
  readonly code: CheckpointErrorCode;

  constructor(code: CheckpointErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

/**
 * Every way a safetensors file (or a request to write one) can be wrong.
 * Each code maps to one rule of the format.
 */
export type SafetensorsErrorCode =
  | "HEADER_TOO_SMALL"
  | "HEADER_TOO_LARGE"
  | "INVALID_HEADER_LENGTH"
  | "INVALID_UTF8"
  | "INVALID_JSON"
  | "DUPLICATE_KEY"
  | "UNKNOWN_DTYPE"
  | "MISSING_FIELD"
  | "INVALID_FIELD"
  | "UNKNOWN_FIELD"
  | "INTEGER_TOO_LARGE"
  | "INVALID_METADATA"
  | "INVALID_OFFSETS"
  | "OFFSETS_PAST_END"
  | "SIZE_MISMATCH"
  | "MISALIGNED_SLICE"
  | "TRAILING_BYTES"
  | "RESERVED_NAME"
  | "INVALID_TENSOR"
  | "TENSOR_NOT_FOUND"
  | "CLOSED";

export class SafetensorsError extends Error {
  override readonly name = "SafetensorsError";
  readonly code: SafetensorsErrorCode;

  constructor(code: SafetensorsErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
