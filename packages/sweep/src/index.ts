export {
  type AshaDecision,
  type AshaOptions,
  type AshaRecord,
  type AshaReport,
  type AshaResult,
  type AshaState,
  ashaCutoff,
  ashaReport,
  ashaRungs,
  createAshaState,
} from "./asha.js";
export {
  type AshaScheduler,
  asha,
  defineSweep,
  MAX_TRIALS,
  type MetricMode,
  type Sweep,
  type SweepDefinition,
  validateSweep,
} from "./definition.js";
export { SweepError, type SweepErrorCode } from "./errors.js";
export {
  createSplitter,
  type FoldsSpec,
  foldIndices,
  SPLITTER_NAMES,
  type SplitterName,
} from "./folds.js";
export {
  type InlineTrialResult,
  type RunTrialInlineOptions,
  runTrialInline,
} from "./inline.js";
export {
  type ChoiceParam,
  choice,
  type GridParam,
  grid,
  type LogUniformParam,
  loguniform,
  type ParamSpec,
  type ParamValue,
  type SearchSpace,
  type TrialConfig,
  type UniformParam,
  uniform,
} from "./space.js";
export {
  type ConfigSummary,
  mean,
  type SweepSummary,
  sampleStd,
  summarizeTrials,
  type TrialResult,
  type TrialRow,
  type TrialStatus,
} from "./summary.js";
export { sweepId } from "./sweep-id.js";
export {
  checkReport,
  defineTrainable,
  type RestoredCheckpoint,
  type Trainable,
  type TrainableData,
  type TrialCheckpoints,
  type TrialContext,
  type TrialMetrics,
  type TrialRun,
} from "./trainable.js";
export { configAt, expandTrials, type Trial, trialAt, trialId, trialSeed } from "./trials.js";
