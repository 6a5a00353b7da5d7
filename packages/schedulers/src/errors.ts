/** Machine-readable reason for a {@link ScheduleError}. */
export type ScheduleErrorCode =
  | "INVALID_ARGUMENT"
  | "UNKNOWN_OPTION"
  | "INVALID_STEP"
  | "STEP_PAST_END"
  | "INVALID_METRIC"
  | "INVALID_CONFIG"
  | "NOT_SERIALIZABLE"
  | "UNSUPPORTED_OPTIMIZER"
  | "COMPILED_FROZEN";

/**
 * Every error thrown by `@trainkit/schedulers`. The message names the bad value and what would be
 * valid; `code` says which rule was broken.
 */
export class ScheduleError extends Error {
  readonly code: ScheduleErrorCode;

  constructor(code: ScheduleErrorCode, message: string) {
    super(message);
    this.name = "ScheduleError";
    this.code = code;
  }
}
