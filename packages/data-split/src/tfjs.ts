export type { SplitIndices } from "./internal/cv.js";
export { gatherIndices, takeSplit } from "./tfjs/gather-indices.js";
export { isTensor } from "./tfjs/is-tensor.js";
export {
  type TensorSplitOptions,
  type TensorTrainTestPairs,
  trainTestSplit,
} from "./tfjs/train-test-split.js";
