/**
 * Machine-readable reasons a sweep definition, report or result was refused; `REDIS_UNREACHABLE`,
 * `REDIS_UNSUITABLE`, `UNKNOWN_SWEEP`, `FENCED` (a worker that lost its trial to another one),
 * `INVALID_TRAINABLE` and `NO_REDIS_SERVER` come from the queue adapter (`@trainkit/sweep/bullmq`).
 */
export type SweepErrorCode =
  | "INVALID_DEFINITION"
  | "UNKNOWN_KEY"
  | "MISSING_KEY"
  | "INVALID_VALUE"
  | "EMPTY_SPACE"
  | "UNKNOWN_SPLITTER"
  | "UNSUPPORTED_SPLITTER"
  | "INVALID_SPLITTER_OPTIONS"
  | "INVALID_REPORT"
  | "UNKNOWN_TRIAL"
  | "DUPLICATE_RESULT"
  | "REDIS_UNREACHABLE"
  | "REDIS_UNSUITABLE"
  | "UNKNOWN_SWEEP"
  | "FENCED"
  | "INVALID_TRAINABLE"
  | "NO_REDIS_SERVER";

/**
 * Every refused sweep definition, report, result or Redis throws this; `code` says which rule was broken
 * and `path` (when there is one) is the key path of the bad value, such as `space.lr.low`.
 */
export class SweepError extends Error {
  override readonly name = "SweepError";
  readonly code: SweepErrorCode;
  readonly path: string | undefined;

  constructor(code: SweepErrorCode, message: string, path?: string) {
    super(message);
    this.code = code;
    this.path = path;
  }
}
