import {
  backend_util,
  type KernelBackend,
  type KernelConfig,
  type KernelFunc,
  type NamedAttrMap,
  type TensorInfo,
} from "@tensorflow/tfjs-core";
import { finish, KernelScope } from "./kernel-scope.js";

/**
 * Gradient kernels that tfjs-backend-wasm 4.22 lacks, composed from kernels it has
 * (Conv2D and DepthwiseConv2dNative run on XNNPACK; Transpose, PadV2, Slice, Reverse and Sum
 * are wasm kernels). Nothing here copies data through JavaScript.
 *
 * The idea for both filter gradients: the gradient of a convolution with respect to its filter
 * is itself a convolution of the input with the output gradient, with the roles of batch and
 * channels exchanged and the roles of stride and dilation exchanged.
 */

type Conv2DInfo = ReturnType<typeof backend_util.computeConv2DInfo>;
type Pad = backend_util.ExplicitPadding | "valid" | "same" | number;
type DimRoundingMode = "floor" | "round" | "ceil" | undefined;
type KernelArgs = {
  inputs: Record<string, TensorInfo>;
  backend: KernelBackend;
  attrs: NamedAttrMap;
};

function convInfo(
  kernelName: string,
  inShape: number[],
  filterShape: number[],
  attrs: NamedAttrMap,
  depthwise: boolean,
): Conv2DInfo {
  const dataFormat = (attrs.dataFormat as string | undefined) ?? "NHWC";
  if (dataFormat !== "NHWC") {
    throw new Error(
      `trainkit ${kernelName} on wasm: dataFormat '${dataFormat}' is not supported; ` +
        "use 'NHWC' (channelsLast), the only layout the wasm backend computes in.",
    );
  }
  return backend_util.computeConv2DInfo(
    inShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as [number, number] | number,
    (attrs.dilations as [number, number] | number | undefined) ?? 1,
    attrs.pad as Pad,
    attrs.dimRoundingMode as DimRoundingMode,
    depthwise,
  );
}

/** Explicit NHWC padding of the forward convolution, as the forward kernel applied it. */
function forwardPads(info: Conv2DInfo): backend_util.ExplicitPadding {
  const { top, bottom, left, right } = info.padInfo;
  return [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ];
}

function withScope(backend: KernelBackend, body: (scope: KernelScope) => TensorInfo): TensorInfo {
  const scope = new KernelScope(backend, "wasm");
  try {
    return body(scope);
  } catch (error) {
    scope.dispose();
    throw error;
  }
}

/** dW[i,j,ci,co] = sum over b,p,q of x[b, p*sh + i*dh - top, q*sw + j*dw - left, ci] * dy[b,p,q,co] */
function conv2DBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const filterShape = attrs.filterShape as number[];
  const info = convInfo("Conv2DBackpropFilter", x.shape, filterShape, attrs, false);
  const { inChannels, outChannels, filterHeight, filterWidth } = info;
  return withScope(backend, (scope) => {
    // Channels become the batch and the batch becomes the channels: [Ci, H, W, B].
    const xT = scope.transpose(x, [3, 1, 2, 0]);
    // The output gradient becomes the filter: [outH, outW, B, Co].
    const dyT = scope.transpose(dy, [1, 2, 0, 3]);
    const conv = scope.run(
      "Conv2D",
      { x: xT, filter: dyT },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: forwardPads(info),
        dataFormat: "NHWC",
      },
    );
    // Rows and columns the forward pass never reached give extra outputs: drop them.
    const cropped = scope.slice(
      conv,
      [0, 0, 0, 0],
      [inChannels, filterHeight, filterWidth, outChannels],
    );
    const dW = scope.transpose(cropped, [1, 2, 0, 3]);
    return finish(scope, dW, [x, dy], filterShape);
  });
}

/** dW[i,j,c,m] = sum over b,p,q of x[b, p*sh + i*dh - top, q*sw + j*dw - left, c] * dy[b,p,q,c*M+m] */
function depthwiseConv2dNativeBackpropFilter({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const x = inputs.x as TensorInfo;
  const dy = inputs.dy as TensorInfo;
  const filterShape = attrs.filterShape as number[];
  const info = convInfo("DepthwiseConv2dNativeBackpropFilter", x.shape, filterShape, attrs, true);
  const [batch, inH, inW, channels] = x.shape as [number, number, number, number];
  const [kh, kw, , multiplier] = filterShape as [number, number, number, number];
  const { outHeight, outWidth } = info;
  return withScope(backend, (scope) => {
    // One image whose channels are every (c, b) pair: [1, H, W, C*B].
    const xT = scope.reshape(scope.transpose(x, [1, 2, 3, 0]), [1, inH, inW, channels * batch]);
    // The output gradient as a depthwise filter over those channels: [outH, outW, C*B, M].
    const dy5 = scope.reshape(dy, [batch, outHeight, outWidth, channels, multiplier]);
    const dyT = scope.reshape(scope.transpose(dy5, [1, 2, 3, 0, 4]), [
      outHeight,
      outWidth,
      channels * batch,
      multiplier,
    ]);
    const conv = scope.run(
      "DepthwiseConv2dNative",
      { x: xT, filter: dyT },
      {
        strides: [info.dilationHeight, info.dilationWidth],
        dilations: [info.strideHeight, info.strideWidth],
        pad: forwardPads(info),
        dataFormat: "NHWC",
      },
    );
    const cropped = scope.slice(conv, [0, 0, 0, 0], [1, kh, kw, channels * batch * multiplier]);
    const perImage = scope.reshape(cropped, [kh, kw, channels, batch, multiplier]);
    const dW =
      batch === 1 ? perImage : scope.run("Sum", { x: perImage }, { axis: [3], keepDims: false });
    return finish(scope, dW, [x, dy], filterShape);
  });
}

/**
 * The output gradient laid out so that a stride-1 'valid' correlation with the spatially flipped
 * filter gives the input gradient: stride-1 zeros inserted between its rows and columns, then
 * padded (or cropped) so every input position sees the whole dilated filter.
 */
function spreadOutputGradient(scope: KernelScope, dy: TensorInfo, info: Conv2DInfo): TensorInfo {
  const [batch, outHeight, outWidth, channels] = dy.shape as [number, number, number, number];
  const { strideHeight: sh, strideWidth: sw, dilationHeight: dh, dilationWidth: dw } = info;
  let spread = dy;
  if (sh > 1 || sw > 1) {
    const d6 = scope.reshape(dy, [batch, outHeight, 1, outWidth, 1, channels]);
    const padded = scope.run(
      "PadV2",
      { x: d6 },
      {
        paddings: [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ],
        constantValue: 0,
      },
    );
    spread = scope.reshape(padded, [batch, outHeight * sh, outWidth * sw, channels]);
  }
  const top = (info.filterHeight - 1) * dh - info.padInfo.top;
  const left = (info.filterWidth - 1) * dw - info.padInfo.left;
  const bottom = info.inHeight + (info.filterHeight - 1) * dh - top - (spread.shape[1] as number);
  const right = info.inWidth + (info.filterWidth - 1) * dw - left - (spread.shape[2] as number);
  return scope.padOrCrop(spread, [
    [0, 0],
    [top, bottom],
    [left, right],
    [0, 0],
  ]);
}

/**
 * dx[b,h,w,ci] = sum over i,j,co of dy[b,p,q,co] * W[i,j,ci,co] where h = p*sh + i*dh - top:
 * a stride-1 convolution of the spread output gradient with W flipped in space and with its
 * channel axes exchanged. Replaces wasm's own Conv2DBackpropInput, a plain loop that is
 * several times slower than XNNPACK's convolution.
 */
function conv2DBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const inputShape = attrs.inputShape as number[];
  const info = convInfo("Conv2DBackpropInput", inputShape, filter.shape, attrs, false);
  return withScope(backend, (scope) => {
    const framed = spreadOutputGradient(scope, dy, info);
    const flipped = scope.run("Reverse", { x: filter }, { dims: [0, 1] });
    const swapped = scope.transpose(flipped, [0, 1, 3, 2]);
    const dx = scope.run(
      "Conv2D",
      { x: framed, filter: swapped },
      {
        strides: [1, 1],
        dilations: [info.dilationHeight, info.dilationWidth],
        pad: "valid",
        dataFormat: "NHWC",
      },
    );
    return finish(scope, dx, [dy, filter], inputShape);
  });
}

/**
 * The depthwise version: the same spread, then a depthwise correlation with the flipped filter
 * over all C*M output-gradient channels; multipliers > 1 are summed per input channel.
 */
function depthwiseConv2dNativeBackpropInput({ inputs, backend, attrs }: KernelArgs): TensorInfo {
  const dy = inputs.dy as TensorInfo;
  const filter = inputs.filter as TensorInfo;
  const inputShape = attrs.inputShape as number[];
  const info = convInfo(
    "DepthwiseConv2dNativeBackpropInput",
    inputShape,
    filter.shape,
    attrs,
    true,
  );
  const [batch, inH, inW, channels] = inputShape as [number, number, number, number];
  const [kh, kw, , multiplier] = filter.shape as [number, number, number, number];
  return withScope(backend, (scope) => {
    const framed = spreadOutputGradient(scope, dy, info);
    const flipped = scope.run("Reverse", { x: filter }, { dims: [0, 1] });
    const flatFilter = scope.reshape(flipped, [kh, kw, channels * multiplier, 1]);
    const conv = scope.run(
      "DepthwiseConv2dNative",
      { x: framed, filter: flatFilter },
      {
        strides: [1, 1],
        dilations: [info.dilationHeight, info.dilationWidth],
        pad: "valid",
        dataFormat: "NHWC",
      },
    );
    const dx =
      multiplier === 1
        ? conv
        : scope.run(
            "Sum",
            { x: scope.reshape(conv, [batch, inH, inW, channels, multiplier]) },
            { axis: [4], keepDims: false },
          );
    return finish(scope, dx, [dy, filter], inputShape);
  });
}

function wasmKernel(
  kernelName: string,
  kernelFunc: (args: KernelArgs) => TensorInfo,
): KernelConfig {
  return { kernelName, backendName: "wasm", kernelFunc: kernelFunc as unknown as KernelFunc };
}

/** Gradient kernels tfjs-backend-wasm 4.22 does not have. */
export const missingWasmKernels: readonly KernelConfig[] = [
  wasmKernel("Conv2DBackpropFilter", conv2DBackpropFilter),
  wasmKernel("DepthwiseConv2dNativeBackpropFilter", depthwiseConv2dNativeBackpropFilter),
  wasmKernel("DepthwiseConv2dNativeBackpropInput", depthwiseConv2dNativeBackpropInput),
];

/** Gradient kernels wasm has, replaced by faster ones built on XNNPACK's convolution. */
export const fasterWasmKernels: readonly KernelConfig[] = [
  wasmKernel("Conv2DBackpropInput", conv2DBackpropInput),
];
