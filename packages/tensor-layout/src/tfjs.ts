export type { ArrayTensor } from "./convert-layout.js";
export { EinopsError, type EinopsErrorCode, LayoutError, type LayoutErrorCode } from "./errors.js";
export { convertLayout, toNCHW, toNHWC } from "./tfjs/convert-layout.js";
export { rearrange } from "./tfjs/rearrange.js";
export { type ReduceFn, type Reduction, reduce } from "./tfjs/reduce.js";
export { repeat } from "./tfjs/repeat.js";
