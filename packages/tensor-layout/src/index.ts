export {
  type ConvTransposeCrop,
  type SameConvTransposeCrop,
  tfSameConvTransposeCrop,
  torchConvTransposeCrop,
} from "./conv-transpose-crop.js";
export { type ArrayTensor, convertLayout, toNCHW, toNHWC } from "./convert-layout.js";
export {
  EinopsError,
  type EinopsErrorCode,
  LayoutError,
  type LayoutErrorCode,
  TorchPortError,
  type TorchPortErrorCode,
} from "./errors.js";
export {
  assertPermutation,
  channelsFirst,
  channelsLast,
  convertShape,
  inversePermutation,
  type Layout,
  parseLayout,
  permutation,
  permuteShape,
} from "./layout.js";
export { type SamePadding, tfSamePadding } from "./same-padding.js";
export { type TypedArray, transposeArray } from "./transpose-array.js";
