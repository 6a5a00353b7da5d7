export {
  type BatchInsteadOfDecay,
  type BatchInsteadOfDecayOptions,
  type BatchSizeRampOptions,
  type BatchSizeSchedule,
  type BatchSizeStepsOptions,
  type BatchSizeUnit,
  batchInsteadOfDecay,
  batchSizeRamp,
  batchSizeSteps,
  linearScaledLr,
  planEpochBatches,
} from "./batch-size-schedules.js";
export { type ConstantLRConfig, type ConstantLROptions, constantLR } from "./constant-lr.js";
export {
  type CosineAnnealingLRConfig,
  type CosineAnnealingLROptions,
  cosineAnnealingLR,
} from "./cosine-annealing-lr.js";
export {
  type CosineAnnealingWarmRestartsConfig,
  type CosineAnnealingWarmRestartsOptions,
  cosineAnnealingWarmRestarts,
} from "./cosine-annealing-warm-restarts.js";
export {
  type CompetenceConfig,
  type CompetenceOptions,
  type CompetenceSampler,
  type CompetenceSamplerOptions,
  competence,
  competenceSampler,
  curriculumOrder,
  poolSize,
} from "./curriculum.js";
export {
  type CyclicLRConfig,
  type CyclicLROptions,
  type CyclicMode,
  cyclicLR,
} from "./cyclic-lr.js";
export {
  describeSchedule,
  type ScheduleDescription,
  type ScheduleWarning,
  type ScheduleWarningCode,
} from "./describe-schedule.js";
export { ScheduleError, type ScheduleErrorCode } from "./errors.js";
export {
  type ExponentialLRConfig,
  type ExponentialLROptions,
  exponentialLR,
} from "./exponential-lr.js";
export { type LambdaLRConfig, type LambdaLROptions, lambdaLR } from "./lambda-lr.js";
export { type LinearLRConfig, type LinearLROptions, linearLR } from "./linear-lr.js";
export { type MultiStepLRConfig, type MultiStepLROptions, multiStepLR } from "./multi-step-lr.js";
export {
  type AnnealStrategy,
  type OneCycleLRConfig,
  type OneCycleLROptions,
  oneCycleLR,
} from "./one-cycle-lr.js";
export {
  type PolynomialLRConfig,
  type PolynomialLROptions,
  polynomialLR,
} from "./polynomial-lr.js";
export {
  type CyclicalRampConfig,
  type CyclicalRampOptions,
  cyclicalRamp,
  type LinearRampConfig,
  type LinearRampOptions,
  linearRamp,
  type SigmoidRampConfig,
  type SigmoidRampOptions,
  sigmoidRamp,
} from "./ramps.js";
export {
  ReduceLROnPlateau,
  type ReduceLROnPlateauConfig,
  type ReduceLROnPlateauJSON,
  type ReduceLROnPlateauOptions,
  type ReduceLROnPlateauState,
} from "./reduce-lr-on-plateau.js";
export { checkStep, makeSchedule, type Schedule, type ScheduleConfig } from "./schedule.js";
export { SCHEDULE_TYPES, scheduleFromJSON } from "./schedule-json.js";
export {
  type SequentialLRConfig,
  type SequentialLROptions,
  sequentialLR,
} from "./sequential-lr.js";
export { type StepLRConfig, type StepLROptions, stepLR } from "./step-lr.js";
export {
  type UnfreezeScheduleConfig,
  type UnfreezeScheduleOptions,
  unfreezeSchedule,
} from "./unfreeze-schedule.js";
export {
  type ConstantScheduleWithWarmupConfig,
  type CosineScheduleWithWarmupConfig,
  type CosineWarmupOptions,
  type CosineWithHardRestartsScheduleWithWarmupConfig,
  type CosineWithMinLrOptions,
  type CosineWithMinLrScheduleWithWarmupConfig,
  constantScheduleWithWarmup,
  cosineScheduleWithWarmup,
  cosineWithHardRestartsScheduleWithWarmup,
  cosineWithMinLrScheduleWithWarmup,
  type DecayWarmupOptions,
  type InverseSqrtOptions,
  type InverseSqrtScheduleConfig,
  inverseSqrtSchedule,
  type LinearScheduleWithWarmupConfig,
  linearScheduleWithWarmup,
  type PolynomialDecayScheduleWithWarmupConfig,
  type PolynomialWarmupOptions,
  polynomialDecayScheduleWithWarmup,
  type WarmupOptions,
  type WsdOptions,
  type WsdScheduleConfig,
  type WsdShape,
  wsdSchedule,
} from "./warmup-recipes.js";
