/** An 8-bit raster image, pixels row-major, channels interleaved (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
export interface RasterImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 1 | 2 | 3 | 4;
  readonly data: Uint8Array | Uint8ClampedArray;
}

/** One 8-bit gray value per pixel, row-major. */
export interface GrayImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}

/** One value per pixel, row-major: 1 = character (foreground), 0 = background. */
export interface BinaryImage {
  readonly width: number;
  readonly height: number;
  readonly data: Uint8Array;
}
