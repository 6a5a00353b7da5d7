export type {
  CheckpointInfo,
  CheckpointKind,
  StoredOptimizer,
  StoredWeight,
  TrainingState,
} from "./checkpoint-format.js";
export {
  CHECKPOINT_FORMAT_VERSION,
  readCheckpointInfo,
  verifyCheckpoint,
} from "./checkpoint-format.js";
export type { CheckpointErrorCode } from "./errors.js";
export { CheckpointError } from "./errors.js";
export type { ByteGroup, CheckpointExplanation } from "./explain-checkpoint.js";
export { explainCheckpoint } from "./explain-checkpoint.js";
export type { CheckpointEntry, CheckpointManagerOptions } from "./tfjs/checkpoint-manager.js";
export { CheckpointManager, LAST_POINTER } from "./tfjs/checkpoint-manager.js";
export type { LoadCheckpointArgs, LoadedCheckpoint } from "./tfjs/load-checkpoint.js";
export { loadCheckpoint } from "./tfjs/load-checkpoint.js";
export type { SaveCheckpointArgs, SavedCheckpoint } from "./tfjs/save-checkpoint.js";
export { saveCheckpoint } from "./tfjs/save-checkpoint.js";
export type { LoadWeightsOptions, ReleaseDtype, SaveWeightsOptions } from "./tfjs/save-weights.js";
export { loadWeights, saveWeights } from "./tfjs/save-weights.js";
export type { CheckpointModel, Optimizer, WeightMatch, WeightVariable } from "./tfjs/types.js";
