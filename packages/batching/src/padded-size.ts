import { BatchingError } from "./errors.js";
import type { ImageSize } from "./image.js";
import { assertInteger, assertSize } from "./internal/validate.js";

/**
 * The canvas a batch is padded to: the per-dimension maximum over the batch, each rounded up to a
 * multiple of `sizeDivisible` (torchvision `batch_images`, detectron2 `ImageList.from_tensors`).
 * Returns `[height, width]`.
 */
export function paddedSize(imageSizes: readonly ImageSize[], sizeDivisible = 32): ImageSize {
  assertInteger("sizeDivisible", sizeDivisible, 1);
  if (!Array.isArray(imageSizes) || imageSizes.length === 0) {
    throw new BatchingError(
      "EMPTY_BATCH",
      `imageSizes must be a non-empty array of [height, width] pairs, got ${JSON.stringify(imageSizes)}.`,
    );
  }
  let maxH = 0;
  let maxW = 0;
  imageSizes.forEach((size, i) => {
    assertSize(`imageSizes[${i}]`, size);
    maxH = Math.max(maxH, size[0]);
    maxW = Math.max(maxW, size[1]);
  });
  return [roundUp(maxH, sizeDivisible), roundUp(maxW, sizeDivisible)];
}

function roundUp(value: number, divisor: number): number {
  return Math.ceil(value / divisor) * divisor;
}
