export {
  GradualUnfreezing,
  type GradualUnfreezingOptions,
  layerGroupsTopFirst,
} from "./tfjs/gradual-unfreezing.js";
export {
  type GrowingBatchDataset,
  type GrowingBatchDatasetOptions,
  growingBatchDataset,
} from "./tfjs/growing-batch-dataset.js";
export {
  LearningRateScheduler,
  type LearningRateSchedulerOptions,
  learningRateScheduler,
  type PlateauCallbackOptions,
  ReduceLROnPlateauCallback,
} from "./tfjs/learning-rate-scheduler.js";
export {
  applySchedule,
  getLearningRate,
  setLearningRate,
} from "./tfjs/optimizer-learning-rate.js";
export { ScheduledValue } from "./tfjs/scheduled-value.js";
