/** Machine-readable reasons a split was refused. */
export type SplitErrorCode =
  | "NO_ARRAYS"
  | "INCONSISTENT_LENGTH"
  | "INVALID_INPUT"
  | "INVALID_SIZE"
  | "SIZE_SUM"
  | "EMPTY_TRAIN"
  | "STRATIFY_WITHOUT_SHUFFLE"
  | "SINGLETON_CLASS"
  | "TOO_FEW_FOR_CLASSES"
  | "INVALID_N_SPLITS"
  | "TOO_MANY_SPLITS"
  | "SEED_WITHOUT_SHUFFLE"
  | "UNKNOWN_OPTION"
  | "INVALID_OPTION"
  | "MISSING_Y"
  | "MISSING_GROUPS"
  | "UNSUPPORTED_TARGET"
  | "INVALID_RANK";

/** Every invalid split request throws this; `code` says which rule was broken. */
export class SplitError extends Error {
  override readonly name = "SplitError";
  readonly code: SplitErrorCode;

  constructor(code: SplitErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}

export type LeakageErrorCode = "OVERLAPPING_INDICES" | "SHARED_GROUPS" | "DUPLICATE_ROWS";

/** Thrown by the leakage guards when train and test share samples, groups or identical rows. */
export class LeakageError extends Error {
  override readonly name = "LeakageError";
  readonly code: LeakageErrorCode;

  constructor(code: LeakageErrorCode, message: string) {
    super(message);
    this.code = code;
  }
}
