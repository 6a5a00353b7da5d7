export type {
  BatchingDemoOptions,
  BatchingDemoResult,
  DemoMode,
  DemoRun,
} from "./tfjs/batching-demo.js";
export { runBatchingDemo } from "./tfjs/batching-demo.js";
export type { MaskedFcn, MaskedFcnOptions } from "./tfjs/masked-fcn.js";
export { createMaskedFcn } from "./tfjs/masked-fcn.js";
export type { MaskedOptions, MaskedReduction } from "./tfjs/masked-loss.js";
export {
  maskedBinaryCrossentropy,
  maskedMean,
  maskedMeanSquaredError,
  maskedPixelAccuracy,
} from "./tfjs/masked-loss.js";
export type { TensorPadBatchOptions, TensorPaddedBatch } from "./tfjs/pad-batch-tensors.js";
export { padBatch } from "./tfjs/pad-batch-tensors.js";
