import { PlateBpError } from "./errors.js";
import type { BinaryImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

export interface BoundingBox {
  /** Left column (inclusive). */
  readonly x: number;
  /** Top row (inclusive). */
  readonly y: number;
  readonly width: number;
  readonly height: number;
}

/** Smallest box holding every foreground (1) pixel, or `null` when there is none. */
export function boundingBox(image: BinaryImage): BoundingBox | null {
  checkDims("boundingBox", image);
  const { width: w, height: h, data } = image;
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let first = -1;
    let last = -1;
    for (let x = 0; x < w; x++) {
      if (data[row + x] !== 0) {
        if (first < 0) first = x;
        last = x;
      }
    }
    if (first >= 0) {
      if (y < y0) y0 = y;
      y1 = y;
      if (first < x0) x0 = first;
      if (last > x1) x1 = last;
    }
  }
  if (x1 < 0) return null;
  return { x: x0, y: y0, width: x1 - x0 + 1, height: y1 - y0 + 1 };
}

export interface CropOptions {
  /**
   * Pad the shorter side with background so the result is square and the character keeps its
   * aspect ratio (default true). The padding is split evenly; an odd pixel goes right / bottom.
   * With `false` the crop is the bare box, which later feature grids stretch.
   */
  keepAspect?: boolean;
}

/**
 * Crop a binary image to the bounding box of its foreground. An image without foreground
 * becomes a single background pixel.
 */
export function cropToBoundingBox(image: BinaryImage, options: CropOptions = {}): BinaryImage {
  const keepAspect = options.keepAspect ?? true;
  if (typeof keepAspect !== "boolean") {
    throw new PlateBpError(
      "INVALID_OPTION",
      `cropToBoundingBox: keepAspect must be true or false, got ${JSON.stringify(keepAspect)}`,
    );
  }
  const box = boundingBox(image);
  if (box === null) return { width: 1, height: 1, data: new Uint8Array(1) };
  const side = Math.max(box.width, box.height);
  const ow = keepAspect ? side : box.width;
  const oh = keepAspect ? side : box.height;
  const ox = (ow - box.width) >> 1;
  const oy = (oh - box.height) >> 1;
  const out = new Uint8Array(ow * oh);
  const src = image.data;
  for (let y = 0; y < box.height; y++) {
    const s = (box.y + y) * image.width + box.x;
    out.set(src.subarray(s, s + box.width), (oy + y) * ow + ox);
  }
  return { width: ow, height: oh, data: out };
}
