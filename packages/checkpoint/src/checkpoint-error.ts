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
