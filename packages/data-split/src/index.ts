export { LeakageError, type LeakageErrorCode, SplitError, type SplitErrorCode } from "./errors.js";
export type { NdArray, SplitOf, Splittable, TypedArray } from "./internal/columns.js";
export type { SizeOption } from "./internal/sizes.js";
export { planSplit, type SplitPlan } from "./plan-split.js";
export {
  type SplitRecord,
  type SplitTogetherOptions,
  type SplitTogetherResult,
  splitTogether,
} from "./split-together.js";
export { type SplitOptions, type TrainTestPairs, trainTestSplit } from "./train-test-split.js";
