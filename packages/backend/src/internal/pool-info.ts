import { backend_util, type NamedAttrMap } from "@tensorflow/tfjs-core";

/**
 * The geometry of a 2-D pooling (its output size, strides, window and padding) from the kernel's
 * input shape and attributes, as tfjs's own pooling kernels compute it (dilation 1).
 */
export function poolInfoOf(
  inputShape: readonly number[],
  attrs: NamedAttrMap,
): backend_util.Conv2DInfo {
  return backend_util.computePool2DInfo(
    inputShape as [number, number, number, number],
    attrs.filterSize as [number, number] | number,
    attrs.strides as [number, number] | number,
    1,
    attrs.pad as "valid" | "same" | number,
    attrs.dimRoundingMode as "floor" | "round" | "ceil" | undefined,
  );
}
