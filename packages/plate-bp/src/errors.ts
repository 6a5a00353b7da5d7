/** Machine-readable reason carried by every {@link PlateBpError}. */
export type PlateBpErrorCode =
  | "INVALID_IMAGE"
  | "INVALID_OPTION"
  | "INVALID_LABEL"
  | "INVALID_MODEL"
  | "FONT_ERROR"
  | "SEGMENTATION_FAILED";

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
