import { PlateBpError } from "./errors.js";
import type { GrayImage, RasterImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/** ITU-R BT.601 luma weights used by {@link toGrayscale}: Y = 0.299 R + 0.587 G + 0.114 B. */
export const BT601_WEIGHTS = { r: 0.299, g: 0.587, b: 0.114 } as const;

export interface ToGrayscaleOptions {
  /** Gray level that transparent pixels are composited over (0..255). Default 255 (white). */
  background?: number;
}

/**
 * Convert an 8-bit image to gray with the ITU-R BT.601 luma weights
 * (Y = 0.299 R + 0.587 G + 0.114 B, rounded to the nearest integer).
 * Alpha (2 or 4 channels) is composited over `background`.
 */
export function toGrayscale(image: RasterImage, options: ToGrayscaleOptions = {}): GrayImage {
  const { channels } = image;
  if (channels !== 1 && channels !== 2 && channels !== 3 && channels !== 4) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `toGrayscale: channels must be 1, 2, 3 or 4, got ${String(channels)}`,
    );
  }
  checkDims("toGrayscale", image, channels);
  const bg = options.background ?? 255;
  if (typeof bg !== "number" || !(bg >= 0 && bg <= 255)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `toGrayscale: background must be a gray level in 0..255, got ${String(bg)}`,
    );
  }
  const n = image.width * image.height;
  const src = image.data;
  const out = new Uint8Array(n);
  const { r: wr, g: wg, b: wb } = BT601_WEIGHTS;
  for (let i = 0, j = 0; i < n; i++, j += channels) {
    let y: number;
    let a = 255;
    if (channels <= 2) {
      y = src[j] as number;
      if (channels === 2) a = src[j + 1] as number;
    } else {
      y = wr * (src[j] as number) + wg * (src[j + 1] as number) + wb * (src[j + 2] as number);
      if (channels === 4) a = src[j + 3] as number;
    }
    if (a !== 255) y = (y * a + bg * (255 - a)) / 255;
    out[i] = Math.round(y);
  }
  return { width: image.width, height: image.height, data: out };
}
