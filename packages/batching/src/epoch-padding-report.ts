import { AspectRatioGroupedSampler } from "./aspect-ratio-grouped-sampler.js";
import { BatchingError } from "./errors.js";
import type { ImageSize } from "./image.js";
import { assertInteger } from "./internal/validate.js";
import { paddingWaste } from "./padding-waste.js";
import { RandomBatchSampler } from "./random-batch-sampler.js";
import { TwoBucketSampler } from "./two-bucket-sampler.js";

/** Padding totals of a list of batches. */
export interface PlanWaste {
  /** Number of batches (optimizer steps) in the plan. */
  batches: number;
  validPixels: number;
  paddedPixels: number;
  wastedPixels: number;
  /** `1 - validPixels / paddedPixels` over the whole plan. */
  waste: number;
}

/**
 * Sums the padding of a batch plan: `batches` are lists of indices into `sizes`, padded as
 * `padBatch` would (per-batch max rounded up to `sizeDivisible`).
 */
export function planPaddingWaste(
  sizes: readonly ImageSize[],
  batches: readonly (readonly number[])[],
  options: { sizeDivisible?: number } = {},
): PlanWaste {
  let validPixels = 0;
  let paddedPixels = 0;
  batches.forEach((batch, b) => {
    const batchSizes = batch.map((i) => {
      const size = sizes[i];
      if (size === undefined) {
        throw new BatchingError(
          "INVALID_OPTION",
          `batches[${b}] holds index ${i}, outside 0..${sizes.length - 1}; use indices into sizes.`,
        );
      }
      return size;
    });
    const w = paddingWaste(batchSizes, options);
    validPixels += w.validPixels;
    paddedPixels += w.paddedPixels;
  });
  return {
    batches: batches.length,
    validPixels,
    paddedPixels,
    wastedPixels: paddedPixels - validPixels,
    waste: paddedPixels === 0 ? 0 : 1 - validPixels / paddedPixels,
  };
}

/** Options of {@link epochPaddingReport}. */
export interface EpochPaddingReportOptions {
  batchSize: number;
  sizeDivisible?: number;
  /** torchvision aspect-ratio group factor for the grouped plan (default 3). */
  groupFactor?: number;
  seed?: number;
  epoch?: number;
}

/** Padding of one epoch under four batching plans. */
export interface EpochPaddingReport {
  /** Random batches of `batchSize` (last one smaller). */
  random: PlanWaste;
  /** torchvision aspect-ratio groups (`tail: "partial"`, every image once). */
  grouped: PlanWaste;
  /** detectron2's two buckets (`tail: "partial"`). */
  twoBucket: PlanWaste;
  /** One image per batch: only the rounding to `sizeDivisible` is wasted, but `n` steps. */
  batchSizeOne: PlanWaste;
}

/**
 * What one epoch costs in padding with random batches, aspect-ratio-grouped batches, detectron2's
 * two buckets and batch size 1, from image sizes alone. Each plan covers every image exactly once.
 */
export function epochPaddingReport(
  sizes: readonly ImageSize[],
  options: EpochPaddingReportOptions,
): EpochPaddingReport {
  if (!Array.isArray(sizes) || sizes.length === 0) {
    throw new BatchingError(
      "EMPTY_BATCH",
      `sizes must be a non-empty array of [height, width] pairs, got ${JSON.stringify(sizes)}.`,
    );
  }
  const { batchSize, sizeDivisible = 32, groupFactor = 3, seed = 0, epoch = 0 } = options ?? {};
  assertInteger("batchSize", batchSize, 1);
  const common = { batchSize, seed };
  const random = new RandomBatchSampler(sizes.length, common).batches(epoch);
  const grouped = new AspectRatioGroupedSampler(sizes, { ...common, groupFactor }).batches(epoch);
  const twoBucket = new TwoBucketSampler(sizes, common).batches(epoch);
  const one = sizes.map((_, i) => [i]);
  const opts = { sizeDivisible };
  return {
    random: planPaddingWaste(sizes, random, opts),
    grouped: planPaddingWaste(sizes, grouped, opts),
    twoBucket: planPaddingWaste(sizes, twoBucket, opts),
    batchSizeOne: planPaddingWaste(sizes, one, opts),
  };
}
