export { DistributedSampler, type DistributedSamplerOptions } from "./distributed-sampler.js";
export { LeakageError, type LeakageErrorCode, SplitError, type SplitErrorCode } from "./errors.js";
export { GroupKFold } from "./group-k-fold.js";
export { GroupShuffleSplit } from "./group-shuffle-split.js";
export type { NdArray, SplitOf, Splittable, TypedArray } from "./internal/columns.js";
export type { CrossValidator, SampleSource, SplitIndices } from "./internal/cv.js";
export type { SizeOption } from "./internal/sizes.js";
export { KFold, type KFoldOptions } from "./k-fold.js";
export {
  type AssertDisjointOptions,
  assertDisjoint,
  assertNoDuplicateRows,
  type DuplicateRow,
  findDuplicateRows,
} from "./leakage.js";
export { LeaveOneGroupOut } from "./leave-one-group-out.js";
export { LeaveOneOut, LeavePOut } from "./leave-out.js";
export { planSplit, type SplitPlan } from "./plan-split.js";
export { PredefinedSplit } from "./predefined-split.js";
export {
  RepeatedKFold,
  type RepeatedKFoldOptions,
  RepeatedStratifiedKFold,
} from "./repeated-k-fold.js";
export { ShuffleSplit, type ShuffleSplitOptions } from "./shuffle-split.js";
export {
  type SplitRecord,
  type SplitTogetherOptions,
  type SplitTogetherResult,
  splitTogether,
} from "./split-together.js";
export { StratifiedGroupKFold } from "./stratified-group-k-fold.js";
export { StratifiedKFold } from "./stratified-k-fold.js";
export { StratifiedShuffleSplit } from "./stratified-shuffle-split.js";
export { TimeSeriesSplit, type TimeSeriesSplitOptions } from "./time-series-split.js";
export { type SplitOptions, type TrainTestPairs, trainTestSplit } from "./train-test-split.js";
