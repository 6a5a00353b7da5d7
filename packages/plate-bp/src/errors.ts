/** Machine-readable reason carried by every {@link PlateBpError}. */
export type PlateBpErrorCode =
  | "INVALID_IMAGE"
  | "INVALID_OPTION"
  | "INVALID_LABEL"
  | "INVALID_MODEL"
  | "FONT_ERROR"
  | "SEGMENTATION_FAILED"
  | "CHECKPOINT_MISMATCH"
  | "ABORTED";

/** Base error of `@trainkit/plate-bp`; `code` says what went wrong, the message names the bad value and the fix. */
export class PlateBpError extends Error {
  readonly code: PlateBpErrorCode | ImageDecodeErrorCode;
  constructor(code: PlateBpErrorCode | ImageDecodeErrorCode, message: string) {
    super(message);
    this.name = "PlateBpError";
    this.code = code;
  }
}

/** Why an image file or buffer could not be decoded. */
export type ImageDecodeErrorCode = "UNSUPPORTED_FORMAT" | "CORRUPT_IMAGE";

/** Thrown by `decodeImage` / `readImageFile` for files that are not PNG or JPEG, or are damaged. */
export class ImageDecodeError extends PlateBpError {
  declare readonly code: ImageDecodeErrorCode;
  constructor(code: ImageDecodeErrorCode, message: string) {
    super(code, message);
    this.name = "ImageDecodeError";
  }
}

/** Where an aborted `trainPlateModel` stopped. */
export interface TrainingStopPoint {
  /** The checkpoint written at the stop (null when no `checkpoint.manager` was given). */
  checkpoint: string | null;
  /** Updates done, over the whole run (the checkpoint's step). */
  updates: number;
  /** The epoch it stopped in, counted from 0 (`epoch` epochs were complete). */
  epoch: number;
  /** The batch of that epoch that would have come next, counted from 0. */
  batch: number;
}

/**
 * Thrown by `trainPlateModel` when its `signal` aborts: it stopped between two updates and, with a
 * `checkpoint.manager`, wrote a checkpoint there first; `checkpoint.resume: true` continues from it.
 */
export class TrainingAbortedError extends PlateBpError implements TrainingStopPoint {
  declare readonly code: "ABORTED";
  readonly checkpoint: string | null;
  readonly updates: number;
  readonly epoch: number;
  readonly batch: number;
  constructor(at: TrainingStopPoint, options?: { cause?: unknown }) {
    super(
      "ABORTED",
      `trainPlateModel: aborted in epoch ${at.epoch + 1}, after update ${at.updates}: ${
        at.checkpoint === null
          ? "no checkpoint written (pass checkpoint: { manager } to keep one)"
          : `checkpoint saved at ${at.checkpoint}; pass checkpoint: { manager, resume: true } to continue`
      }`,
    );
    this.name = "TrainingAbortedError";
    this.checkpoint = at.checkpoint;
    this.updates = at.updates;
    this.epoch = at.epoch;
    this.batch = at.batch;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}
