import { BatchingError } from "./errors.js";
import { assertImage, type ImageArray, type ImageSize, type PixelArray } from "./image.js";
import { paddedSize } from "./padded-size.js";

/** Options of {@link padBatch}. */
export interface PadBatchOptions {
  /** Round the padded height and width up to a multiple of this (default 32; 1 = no rounding). */
  sizeDivisible?: number;
  /** Value written into the padding (default 0, the mean after normalisation). */
  padValue?: number;
}

/** A padded batch: `batch` is `[B, H, W, C]` HWC data, `mask` is `[B, H, W]` (1 = real pixel). */
export interface PaddedBatch<T extends PixelArray = PixelArray> {
  batch: { data: T; shape: [number, number, number, number] };
  /** Each image's original `[height, width]`, in batch order, for the heads and the loss. */
  imageSizes: ImageSize[];
  mask: { data: Uint8Array; shape: [number, number, number] };
}

/**
 * Stacks images of different sizes into one batch. Each image is copied to the top-left corner of a
 * canvas as big as the largest height and width in the batch rounded up to `sizeDivisible`; the
 * bottom and right are filled with `padValue`. Because every image keeps its top-left corner at
 * (0, 0), box coordinates need no shift.
 */
export function padBatch<T extends PixelArray>(
  images: readonly ImageArray<T>[],
  options: PadBatchOptions = {},
): PaddedBatch<T> {
  const { sizeDivisible = 32, padValue = 0 } = options;
  if (!Array.isArray(images) || images.length === 0) {
    throw new BatchingError(
      "EMPTY_BATCH",
      `padBatch needs at least one image, got ${Array.isArray(images) ? "an empty array" : String(images)}.`,
    );
  }
  if (typeof padValue !== "number" || Number.isNaN(padValue)) {
    throw new BatchingError(
      "INVALID_OPTION",
      `padValue must be a number, got ${String(padValue)}.`,
    );
  }
  images.forEach((image, i) => {
    assertImage(image, `images[${i}]`);
  });
  const first = images[0] as ImageArray<T>;
  const channels = first.channels;
  images.forEach((image, i) => {
    if (image.channels !== channels) {
      throw new BatchingError(
        "CHANNEL_MISMATCH",
        `images[${i}] has ${image.channels} channels but images[0] has ${channels}; every image in a batch needs the same channel count.`,
      );
    }
  });
  const imageSizes: ImageSize[] = images.map((im) => [im.height, im.width]);
  const [H, W] = paddedSize(imageSizes, sizeDivisible);
  const B = images.length;
  const Ctor = first.data.constructor as new (length: number) => T;
  const data = new Ctor(B * H * W * channels);
  if (padValue !== 0) data.fill(padValue);
  const mask = new Uint8Array(B * H * W);
  images.forEach((image, b) => {
    const rowLen = image.width * channels;
    for (let y = 0; y < image.height; y++) {
      const src = y * rowLen;
      const dst = (b * H + y) * W * channels;
      data.set(image.data.subarray(src, src + rowLen) as never, dst);
      mask.fill(1, (b * H + y) * W, (b * H + y) * W + image.width);
    }
  });
  return {
    batch: { data, shape: [B, H, W, channels] },
    imageSizes,
    mask: { data: mask, shape: [B, H, W] },
  };
}
