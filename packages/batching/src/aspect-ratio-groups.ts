import { BatchingError } from "./errors.js";
import type { ImageSize } from "./image.js";
import { assertInteger, assertSize } from "./internal/validate.js";

/**
 * The bin edges of torchvision's `create_aspect_ratio_groups(k)`: `2 ** linspace(-1, 1, 2k + 1)`,
 * or `[1]` when k = 0. For k = 3: [0.5, 0.63, 0.794, 1, 1.26, 1.587, 2].
 */
export function aspectRatioBins(groupFactor: number): number[] {
  assertInteger("groupFactor", groupFactor, 0);
  if (groupFactor === 0) return [1];
  const n = 2 * groupFactor + 1;
  return Array.from({ length: n }, (_, i) => 2 ** (-1 + (2 * i) / (n - 1)));
}

/** Width over height, the aspect ratio torchvision groups on (landscape > 1, portrait < 1). */
export function aspectRatio(size: ImageSize): number {
  assertSize("size", size);
  return size[1] / size[0];
}

/**
 * Group id of each image, torchvision style: `bisect_right(bins, width / height)` with
 * `bins = aspectRatioBins(groupFactor)`, so there are `2 * groupFactor + 2` groups (8 for k = 3);
 * an image exactly on an edge goes to the group above it.
 */
export function aspectRatioGroups(sizes: readonly ImageSize[], groupFactor = 3): number[] {
  const bins = aspectRatioBins(groupFactor);
  assertSizes(sizes);
  return sizes.map((size) => bisectRight(bins, aspectRatio(size)));
}

/**
 * Group id of each image, detectron2 `AspectRatioGroupedDataset` style: two buckets,
 * 0 when width > height (landscape) and 1 otherwise (portrait and square).
 */
export function landscapePortraitGroups(sizes: readonly ImageSize[]): number[] {
  assertSizes(sizes);
  return sizes.map((size, i) => {
    assertSize(`sizes[${i}]`, size);
    return size[1] > size[0] ? 0 : 1;
  });
}

function assertSizes(sizes: readonly ImageSize[]): void {
  if (!Array.isArray(sizes)) {
    throw new BatchingError(
      "INVALID_SIZE",
      `sizes must be an array of [height, width] pairs, got ${String(sizes)}.`,
    );
  }
}

function bisectRight(sorted: readonly number[], x: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (x < (sorted[mid] as number)) hi = mid;
    else lo = mid + 1;
  }
  return lo;
}
