export { type ArrayTensor, convertLayout, toNCHW, toNHWC } from "./convert-layout.js";
export { EinopsError, type EinopsErrorCode } from "./einops-error.js";
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
export { LayoutError, type LayoutErrorCode } from "./layout-error.js";
export { rearrange } from "./rearrange.js";
export { type ReduceFn, type Reduction, reduce } from "./reduce.js";
export { repeat } from "./repeat.js";
export { type TypedArray, transposeArray } from "./transpose-array.js";
