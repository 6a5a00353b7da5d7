export type { MaskedOptions, MaskedReduction } from "./tfjs/masked-loss.js";
export {
  maskedBinaryCrossentropy,
  maskedMean,
  maskedMeanSquaredError,
  maskedPixelAccuracy,
} from "./tfjs/masked-loss.js";
export type { TensorPadBatchOptions, TensorPaddedBatch } from "./tfjs/pad-batch-tensors.js";
export { padBatch } from "./tfjs/pad-batch-tensors.js";
