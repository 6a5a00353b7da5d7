import type { ImageSize } from "./image.js";
import { paddedSize } from "./padded-size.js";

/** Options of {@link paddingWaste}. */
export interface PaddingWasteOptions {
  /** Same meaning as in `padBatch` (default 32). */
  sizeDivisible?: number;
}

/** How much of a padded batch is padding. */
export interface PaddingWaste {
  /** The padded canvas `[height, width]`. */
  paddedSize: ImageSize;
  /** Pixels that belong to an image: `sum(h_i * w_i)`. */
  validPixels: number;
  /** Pixels the model computes on: `B * H_pad * W_pad`. */
  paddedPixels: number;
  /** `paddedPixels - validPixels`. */
  wastedPixels: number;
  /** `1 - validPixels / paddedPixels`, a fraction in [0, 1). */
  waste: number;
}

/**
 * The padding waste of one batch, `1 - sum(h_i w_i) / (B * H_pad * W_pad)`, without touching pixels.
 * Under torchvision's 800/1333 rule a 640x480 photo becomes 800x1066: with its portrait twin the
 * batch pads to 1088x1088 and 28.0% of it is padding; two landscapes pad to 800x1088, 2.0%.
 */
export function paddingWaste(
  imageSizes: readonly ImageSize[],
  options: PaddingWasteOptions = {},
): PaddingWaste {
  const size = paddedSize(imageSizes, options.sizeDivisible ?? 32);
  let validPixels = 0;
  for (const [h, w] of imageSizes) validPixels += h * w;
  const paddedPixels = imageSizes.length * size[0] * size[1];
  return {
    paddedSize: size,
    validPixels,
    paddedPixels,
    wastedPixels: paddedPixels - validPixels,
    waste: 1 - validPixels / paddedPixels,
  };
}
