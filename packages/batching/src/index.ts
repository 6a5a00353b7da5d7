export type { AspectRatioGroupedSamplerOptions } from "./aspect-ratio-grouped-sampler.js";
export { AspectRatioGroupedSampler } from "./aspect-ratio-grouped-sampler.js";
export {
  aspectRatio,
  aspectRatioBins,
  aspectRatioGroups,
  landscapePortraitGroups,
} from "./aspect-ratio-groups.js";
export type {
  EpochPaddingReport,
  EpochPaddingReportOptions,
  PlanWaste,
} from "./epoch-padding-report.js";
export { epochPaddingReport, planPaddingWaste } from "./epoch-padding-report.js";
export type { BatchingErrorCode } from "./errors.js";
export { BatchingError } from "./errors.js";
export type { GroupedBatchSamplerOptions, GroupedTail } from "./grouped-batch-sampler.js";
export { GroupedBatchSampler } from "./grouped-batch-sampler.js";
export type { ImageArray, ImageSize, PixelArray } from "./image.js";
export { createImage } from "./image.js";
export type {
  LengthGroupedOptions,
  LengthGroupedSamplerOptions,
} from "./length-grouped-sampler.js";
export { LengthGroupedSampler, lengthGroupedIndices } from "./length-grouped-sampler.js";
export type { PadBatchOptions, PaddedBatch } from "./pad-batch.js";
export { padBatch } from "./pad-batch.js";
export { paddedSize } from "./padded-size.js";
export type { PaddingWaste, PaddingWasteOptions } from "./padding-waste.js";
export { paddingWaste } from "./padding-waste.js";
export type { RandomBatchSamplerOptions } from "./random-batch-sampler.js";
export { RandomBatchSampler } from "./random-batch-sampler.js";
export type { Box, ResizedImage, ResizeToRangeOptions } from "./resize-to-range.js";
export { resizeBilinear, resizedSize, resizeToRange, scaleBoxes } from "./resize-to-range.js";
export { TwoBucketSampler } from "./two-bucket-sampler.js";
