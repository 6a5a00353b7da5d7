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
