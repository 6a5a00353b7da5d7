import { BatchingError } from "./errors.js";
import { assertImage, type ImageArray, type ImageSize, type PixelArray } from "./image.js";
import { assertPositive, assertSize } from "./internal/validate.js";

/** A box as `[xmin, ymin, xmax, ymax]` in pixels, torchvision's `boxes` format. */
export type Box = readonly [xmin: number, ymin: number, xmax: number, ymax: number];

/** Options of {@link resizeToRange} and {@link resizedSize}. */
export interface ResizeToRangeOptions {
  /** Target length of the shorter side (torchvision `min_size`, default 800). */
  minSize?: number;
  /** Cap on the longer side (torchvision `max_size`, default 1333). */
  maxSize?: number;
  /**
   * Precision of the scale factor. `"float32"` (default) is torchvision's: the scale is computed on
   * float32 tensors, so a 480-pixel side scaled to 800 lands on 799.99998 and floors to 799.
   * `"float64"` computes the ratio exactly enough that 480 -> 800.
   */
  scalePrecision?: "float32" | "float64";
}

/** Result of {@link resizeToRange}. */
export interface ResizedImage {
  image: ImageArray<Float32Array>;
  /** The scale factor used (torchvision's `scale_factor`). */
  scale: number;
  originalSize: ImageSize;
  size: ImageSize;
  /** The boxes scaled by `newSize / originalSize` per axis, when boxes were given. */
  boxes?: Box[];
}

/**
 * The size torchvision's `GeneralizedRCNNTransform` resizes `[height, width]` to:
 * `scale = min(minSize / min(h, w), maxSize / max(h, w))`, each side `floor(side * scale)`.
 */
export function resizedSize(
  size: ImageSize,
  options: ResizeToRangeOptions = {},
): { size: ImageSize; scale: number } {
  assertSize("size", size);
  const { minSize = 800, maxSize = 1333, scalePrecision = "float32" } = options;
  assertPositive("minSize", minSize);
  assertPositive("maxSize", maxSize);
  if (scalePrecision !== "float32" && scalePrecision !== "float64") {
    throw new BatchingError(
      "INVALID_OPTION",
      `scalePrecision must be "float32" or "float64", got ${JSON.stringify(scalePrecision)}.`,
    );
  }
  const f = scalePrecision === "float32" ? Math.fround : (x: number) => x;
  const lo = Math.min(size[0], size[1]);
  const hi = Math.max(size[0], size[1]);
  const scale = Math.min(f(minSize / lo), f(maxSize / hi));
  return {
    size: [Math.floor(size[0] * scale), Math.floor(size[1] * scale)],
    scale,
  };
}

/**
 * Resizes an image so its shorter side is `minSize` unless that would push the longer side past
 * `maxSize` (torchvision `GeneralizedRCNNTransform`), with bilinear sampling, half-pixel centres
 * (`align_corners=False`, no antialias). Boxes, if given, are scaled by new/old size per axis.
 */
export function resizeToRange<T extends PixelArray>(
  image: ImageArray<T>,
  options: ResizeToRangeOptions = {},
  boxes?: readonly Box[],
): ResizedImage {
  assertImage(image, "image");
  const originalSize: ImageSize = [image.height, image.width];
  const { size, scale } = resizedSize(originalSize, options);
  const out: ResizedImage = {
    image: resizeBilinear(image, size[0], size[1]),
    scale,
    originalSize,
    size,
  };
  if (boxes !== undefined) out.boxes = scaleBoxes(boxes, originalSize, size);
  return out;
}

/** Scales `[xmin, ymin, xmax, ymax]` boxes from `originalSize` to `newSize` (torchvision `resize_boxes`). */
export function scaleBoxes(
  boxes: readonly Box[],
  originalSize: ImageSize,
  newSize: ImageSize,
): Box[] {
  assertSize("originalSize", originalSize);
  assertSize("newSize", newSize);
  if (!Array.isArray(boxes)) {
    throw new BatchingError(
      "INVALID_BOX",
      `boxes must be an array of [xmin, ymin, xmax, ymax], got ${String(boxes)}.`,
    );
  }
  const rh = newSize[0] / originalSize[0];
  const rw = newSize[1] / originalSize[1];
  return boxes.map((box, i) => {
    if (!Array.isArray(box) || box.length !== 4 || !box.every((v) => Number.isFinite(v))) {
      throw new BatchingError(
        "INVALID_BOX",
        `boxes[${i}] must be [xmin, ymin, xmax, ymax] with 4 finite numbers, got ${JSON.stringify(box)}.`,
      );
    }
    return [box[0] * rw, box[1] * rh, box[2] * rw, box[3] * rh] as Box;
  });
}

/** Bilinear resize with half-pixel centres (PyTorch `interpolate(..., align_corners=False)`). */
export function resizeBilinear<T extends PixelArray>(
  image: ImageArray<T>,
  height: number,
  width: number,
): ImageArray<Float32Array> {
  assertImage(image, "image");
  assertSize("[height, width]", [height, width]);
  const { height: inH, width: inW, channels: C, data } = image;
  const out = new Float32Array(height * width * C);
  const sy = inH / height;
  const sx = inW / width;
  const xs = Array.from({ length: width }, (_, x) => sourceIndex(x, sx, inW));
  for (let y = 0; y < height; y++) {
    const [y0, y1, ly] = sourceIndex(y, sy, inH);
    for (let x = 0; x < width; x++) {
      const [x0, x1, lx] = xs[x] as [number, number, number];
      for (let c = 0; c < C; c++) {
        const a = data[(y0 * inW + x0) * C + c] as number;
        const b = data[(y0 * inW + x1) * C + c] as number;
        const d = data[(y1 * inW + x0) * C + c] as number;
        const e = data[(y1 * inW + x1) * C + c] as number;
        out[(y * width + x) * C + c] =
          (1 - ly) * ((1 - lx) * a + lx * b) + ly * ((1 - lx) * d + lx * e);
      }
    }
  }
  return { data: out, height, width, channels: C };
}

function sourceIndex(dst: number, scale: number, inSize: number): [number, number, number] {
  const src = Math.max(0, (dst + 0.5) * scale - 0.5);
  const i0 = Math.min(Math.floor(src), inSize - 1);
  const i1 = Math.min(i0 + 1, inSize - 1);
  return [i0, i1, src - i0];
}
