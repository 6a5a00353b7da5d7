import * as tf from "@tensorflow/tfjs-core";
import { BatchingError } from "../errors.js";
import type { ImageArray, ImageSize } from "../image.js";
import { padBatch as padBatchArrays } from "../pad-batch.js";
import { paddedSize } from "../padded-size.js";

/** Options of the tensor {@link padBatch}. */
export interface TensorPadBatchOptions {
  /** Round the padded height and width up to a multiple of this (default 32). */
  sizeDivisible?: number;
  /** Value of the padding (default 0). */
  padValue?: number;
}

/** A padded tensor batch: `batch` `[B, H, W, C]`, `mask` `[B, H, W, 1]` float32 (1 = real pixel). */
export interface TensorPaddedBatch {
  batch: tf.Tensor4D;
  mask: tf.Tensor4D;
  imageSizes: ImageSize[];
}

/**
 * Pads `[h, w, c]` tensors (or typed-array images) at the bottom and right to the batch maximum
 * rounded up to `sizeDivisible`, stacks them and returns a validity mask. The inputs are not
 * disposed; the caller owns the returned tensors.
 */
export function padBatch(
  images: readonly (tf.Tensor3D | ImageArray)[],
  options: TensorPadBatchOptions = {},
): TensorPaddedBatch {
  const { sizeDivisible = 32, padValue = 0 } = options;
  if (!Array.isArray(images) || images.length === 0) {
    throw new BatchingError(
      "EMPTY_BATCH",
      `padBatch needs at least one image, got ${Array.isArray(images) ? "an empty array" : String(images)}.`,
    );
  }
  if (images.every((im) => !(im instanceof tf.Tensor))) {
    const out = padBatchArrays(images as ImageArray[], { sizeDivisible, padValue });
    const [B, H, W, C] = out.batch.shape;
    const data =
      out.batch.data instanceof Float32Array ? out.batch.data : Float32Array.from(out.batch.data);
    return {
      batch: tf.tensor4d(data, [B, H, W, C]),
      mask: tf.tensor4d(Float32Array.from(out.mask.data), [B, H, W, 1]),
      imageSizes: out.imageSizes,
    };
  }
  const tensors = images.map((im, i) => {
    if (!(im instanceof tf.Tensor) || im.rank !== 3) {
      throw new BatchingError(
        "INVALID_IMAGE",
        `images[${i}] must be a [h, w, c] tensor (all tensors or all typed-array images), got ${im instanceof tf.Tensor ? `rank ${im.rank} shape [${im.shape}]` : "a typed-array image"}.`,
      );
    }
    return im;
  });
  const channels = tensors[0]?.shape[2];
  tensors.forEach((t, i) => {
    if (t.shape[2] !== channels) {
      throw new BatchingError(
        "CHANNEL_MISMATCH",
        `images[${i}] has ${t.shape[2]} channels but images[0] has ${channels}; every image in a batch needs the same channel count.`,
      );
    }
  });
  const imageSizes: ImageSize[] = tensors.map((t) => [t.shape[0], t.shape[1]]);
  const [H, W] = paddedSize(imageSizes, sizeDivisible);
  const stacked = tf.tidy(() => {
    const padded = tensors.map((t) =>
      tf.pad(
        t,
        [
          [0, H - t.shape[0]],
          [0, W - t.shape[1]],
          [0, 0],
        ],
        padValue,
      ),
    );
    const masks = imageSizes.map(([h, w]) =>
      tf.pad(tf.ones([h, w, 1]), [
        [0, H - h],
        [0, W - w],
        [0, 0],
      ]),
    );
    return { batch: tf.stack(padded) as tf.Tensor4D, mask: tf.stack(masks) as tf.Tensor4D };
  });
  return { ...stacked, imageSizes };
}
