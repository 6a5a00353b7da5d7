import { PlateBpError } from "../errors.js";

export function checkDims(
  what: string,
  img: { width: number; height: number; data: ArrayLike<number> },
  channels = 1,
): void {
  const { width, height } = img;
  if (!Number.isInteger(width) || width < 1 || !Number.isInteger(height) || height < 1) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `${what}: width and height must be positive integers, got ${width}x${height}`,
    );
  }
  if (img.data.length !== width * height * channels) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `${what}: data has ${img.data.length} values but ${width}x${height}x${channels} = ${
        width * height * channels
      } were expected; pass row-major pixels with ${channels} value(s) each`,
    );
  }
}

export function checkPositiveInt(what: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isInteger(v) || v < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `${what} must be a positive integer, got ${String(v)}`,
    );
  }
  return v;
}
