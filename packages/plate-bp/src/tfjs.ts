export {
  classifierFromModel,
  createPlateMlp,
  modelFromClassifier,
  type PlateMlpOptions,
} from "./tfjs/plate-mlp.js";
export {
  type EpochLog,
  type TrainPlateModelOptions,
  type TrainPlateModelResult,
  trainPlateModel,
} from "./tfjs/train-plate-model.js";
