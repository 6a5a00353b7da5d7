export {
  classifierFromModel,
  createPlateMlp,
  modelFromClassifier,
  type PlateMlpOptions,
} from "./tfjs/plate-mlp.js";
export {
  type EpochLog,
  type PlateCheckpointOptions,
  type ResumePoint,
  type TrainPlateModelOptions,
  type TrainPlateModelResult,
  trainPlateModel,
  type UpdateLog,
} from "./tfjs/train-plate-model.js";
