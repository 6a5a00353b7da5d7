export {
  type ConvTransposeCrop,
  type SameConvTransposeCrop,
  tfSameConvTransposeCrop,
  torchConvTransposeCrop,
} from "./conv-transpose-crop.js";
export { TorchPortError, type TorchPortErrorCode } from "./errors.js";
export {
  type LoadTorchStateDictOptions,
  type LoadTorchStateDictResult,
  loadTorchStateDict,
  type TorchAssignment,
  type TorchPortWarning,
  type TorchStateDict,
} from "./load-torch-state-dict.js";
export { type SamePadding, tfSamePadding } from "./same-padding.js";
export type { RawTensor, TorchTensorLike } from "./torch-tensor.js";
export {
  batchNormConfigFromTorch,
  convertBatchNorm2d,
  convertConv2dWeight,
  convertConvTranspose2dWeight,
  convertDepthwiseConv2dWeight,
  convertFlattenedLinearWeight,
  convertLinearWeight,
  type TfjsBatchNorm,
  type TorchBatchNorm,
} from "./torch-weights.js";
