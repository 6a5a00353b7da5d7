import * as tf from "@tensorflow/tfjs-core";
import { BatchingError } from "../errors.js";

/**
 * How per-pixel values are averaged over a padded batch.
 * - `"image"` (default): mean over valid pixels of each image, then mean over images. This is the
 *   mean of the batch-size-1 losses, so a padded batch optimises exactly what batch size 1 does.
 * - `"pixel"`: one mean over all valid pixels of the batch (large images weigh more).
 */
export type MaskedReduction = "image" | "pixel";

/** Options of the masked losses and metrics. */
export interface MaskedOptions {
  reduction?: MaskedReduction;
}

/**
 * Mean of `values` (`[B, H, W, C]`) over the pixels where `mask` (`[B, H, W, 1]`, 1 = real) is 1.
 * Padded pixels contribute neither to the sum nor to the count. Returns a scalar.
 */
export function maskedMean(
  values: tf.Tensor,
  mask: tf.Tensor,
  options: MaskedOptions = {},
): tf.Scalar {
  const reduction = options.reduction ?? "image";
  if (reduction !== "image" && reduction !== "pixel") {
    throw new BatchingError(
      "INVALID_OPTION",
      `reduction must be "image" or "pixel", got ${JSON.stringify(reduction)}.`,
    );
  }
  checkShapes(values, mask);
  return tf.tidy(() => {
    const channels = values.shape[3] as number;
    const weighted = tf.mul(values, mask);
    if (reduction === "pixel") {
      const count = tf.maximum(tf.mul(tf.sum(mask), channels), 1);
      return tf.div(tf.sum(weighted), count) as tf.Scalar;
    }
    const perImageSum = tf.sum(weighted, [1, 2, 3]);
    const perImageCount = tf.maximum(tf.mul(tf.sum(mask, [1, 2, 3]), channels), 1);
    return tf.mean(tf.div(perImageSum, perImageCount)) as tf.Scalar;
  });
}

/** Mean squared error over real pixels only. */
export function maskedMeanSquaredError(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  mask: tf.Tensor,
  options: MaskedOptions = {},
): tf.Scalar {
  checkSame(yTrue, yPred);
  return tf.tidy(() => maskedMean(tf.squaredDifference(yTrue, yPred), mask, options));
}

/**
 * Binary cross-entropy over real pixels only. `yPred` holds probabilities, or logits with
 * `fromLogits: true` (numerically stable form `max(z, 0) - z*y + log(1 + exp(-|z|))`).
 */
export function maskedBinaryCrossentropy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  mask: tf.Tensor,
  options: MaskedOptions & { fromLogits?: boolean } = {},
): tf.Scalar {
  checkSame(yTrue, yPred);
  return tf.tidy(() => {
    let perPixel: tf.Tensor;
    if (options.fromLogits) {
      perPixel = tf.add(
        tf.sub(tf.relu(yPred), tf.mul(yPred, yTrue)),
        tf.log1p(tf.exp(tf.neg(tf.abs(yPred)))),
      );
    } else {
      const eps = 1e-7;
      const p = tf.clipByValue(yPred, eps, 1 - eps);
      perPixel = tf.neg(
        tf.add(tf.mul(yTrue, tf.log(p)), tf.mul(tf.sub(1, yTrue), tf.log(tf.sub(1, p)))),
      );
    }
    return maskedMean(perPixel, mask, options);
  });
}

/** Share of real pixels where `yPred > threshold` agrees with `yTrue > 0.5` (a metric). */
export function maskedPixelAccuracy(
  yTrue: tf.Tensor,
  yPred: tf.Tensor,
  mask: tf.Tensor,
  options: MaskedOptions & { threshold?: number } = {},
): tf.Scalar {
  checkSame(yTrue, yPred);
  const threshold = options.threshold ?? 0.5;
  return tf.tidy(() => {
    const hit = tf.cast(tf.equal(tf.greater(yPred, threshold), tf.greater(yTrue, 0.5)), "float32");
    return maskedMean(hit, mask, options);
  });
}

function checkShapes(values: tf.Tensor, mask: tf.Tensor): void {
  const [B, H, W] = values.shape;
  if (
    values.rank !== 4 ||
    mask.rank !== 4 ||
    mask.shape[0] !== B ||
    mask.shape[1] !== H ||
    mask.shape[2] !== W ||
    mask.shape[3] !== 1
  ) {
    throw new BatchingError(
      "SHAPE_MISMATCH",
      `values must be [B, H, W, C] and mask [B, H, W, 1]; got values [${values.shape}] and mask [${mask.shape}]. Use the mask returned by padBatch.`,
    );
  }
}

function checkSame(yTrue: tf.Tensor, yPred: tf.Tensor): void {
  if (yTrue.shape.join(",") !== yPred.shape.join(",")) {
    throw new BatchingError(
      "SHAPE_MISMATCH",
      `yTrue [${yTrue.shape}] and yPred [${yPred.shape}] must have the same shape.`,
    );
  }
}
