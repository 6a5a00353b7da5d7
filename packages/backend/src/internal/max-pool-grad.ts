import type {
  KernelBackend,
  KernelConfig,
  KernelFunc,
  NamedAttrMap,
  TensorInfo,
} from "@tensorflow/tfjs-core";
import { poolInfoOf } from "./pool-info.js";
import { heapView, type WasmBackendLike } from "./wasm-heap.js";

/**
 * MaxPoolGrad with TensorFlow's semantics: each output gradient goes to the first position
 * (row-major within its window) holding the window's maximum.
 *
 * tfjs-backend-wasm 4.22's own MaxPoolGrad drops the gradient of every window whose maximum is
 * not positive (all-negative or all-zero windows) and is slow; this one is a single pass over
 * the wasm heap.
 */
function maxPoolGrad({
  inputs,
  backend,
  attrs,
}: {
  inputs: Record<string, TensorInfo>;
  backend: KernelBackend;
  attrs: NamedAttrMap;
}): TensorInfo {
  const dy = inputs.dy as TensorInfo;
  const input = inputs.input as TensorInfo;
  const info = poolInfoOf(input.shape, attrs);
  const wasm = backend as unknown as WasmBackendLike;
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const inSize = batchSize * inHeight * inWidth * channels;
  const dx = wasm.makeOutput(input.shape, "float32");
  const dxData = heapView(wasm, dx, inSize, "MaxPoolGrad");
  const xData = heapView(wasm, input, inSize, "MaxPoolGrad");
  const dyData = heapView(wasm, dy, batchSize * outHeight * outWidth * channels, "MaxPoolGrad");
  if (
    filterHeight === 2 &&
    filterWidth === 2 &&
    strideHeight === 2 &&
    strideWidth === 2 &&
    top === 0 &&
    left === 0 &&
    2 * outHeight <= inHeight &&
    2 * outWidth <= inWidth
  ) {
    maxPool2x2Grad(
      xData,
      dyData,
      dxData,
      batchSize,
      inHeight,
      inWidth,
      channels,
      outHeight,
      outWidth,
    );
    return dx;
  }
  dxData.fill(0);

  const rowStride = inWidth * channels;
  // Per-channel running maxima for one window; channels are innermost, so every read is contiguous.
  const best = new Float32Array(channels);
  const bestIndex = new Int32Array(channels);
  for (let b = 0; b < batchSize; b++) {
    const xBatch = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++) {
        const x0 = ox * strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        best.fill(Number.NEGATIVE_INFINITY);
        bestIndex.fill(-1);
        for (let y = yStart; y < yEnd; y++) {
          for (let x = xStart; x < xEnd; x++) {
            const pixel = xBatch + y * rowStride + x * channels;
            for (let c = 0; c < channels; c++) {
              const value = xData[pixel + c] as number;
              if (value > (best[c] as number)) {
                best[c] = value;
                bestIndex[c] = pixel + c;
              }
            }
          }
        }
        const dyBase = ((b * outHeight + oy) * outWidth + ox) * channels;
        for (let c = 0; c < channels; c++) {
          const index = bestIndex[c] as number;
          if (index >= 0)
            dxData[index] = (dxData[index] as number) + (dyData[dyBase + c] as number);
        }
      }
    }
  }
  return dx;
}

/**
 * The common case, 2x2 windows at stride 2 that all lie inside the input: windows do not overlap,
 * so every covered element is written once (its gradient or zero) and only the rows and columns
 * no window reaches (odd sizes) need clearing first. Same rule as the general loop: the first
 * element (row-major) greater than every earlier one, starting from -Infinity, so a window of
 * NaN or -Infinity values passes no gradient; `+ 0` turns a -0 gradient into +0 as the general
 * loop's sum does.
 */
function maxPool2x2Grad(
  x: Float32Array,
  dy: Float32Array,
  dx: Float32Array,
  batch: number,
  inHeight: number,
  inWidth: number,
  channels: number,
  outHeight: number,
  outWidth: number,
): void {
  if (2 * outHeight < inHeight || 2 * outWidth < inWidth) dx.fill(0);
  const rowStride = inWidth * channels;
  let g = 0;
  for (let b = 0; b < batch; b++) {
    for (let oy = 0; oy < outHeight; oy++) {
      let p0 = (b * inHeight + 2 * oy) * rowStride;
      for (let ox = 0; ox < outWidth; ox++, p0 += 2 * channels, g += channels) {
        const p1 = p0 + channels;
        const p2 = p0 + rowStride;
        const p3 = p2 + channels;
        for (let c = 0; c < channels; c++) {
          const v0 = x[p0 + c] as number;
          const v1 = x[p1 + c] as number;
          const v2 = x[p2 + c] as number;
          const v3 = x[p3 + c] as number;
          let best = Number.NEGATIVE_INFINITY;
          let k = -1;
          if (v0 > best) {
            best = v0;
            k = 0;
          }
          if (v1 > best) {
            best = v1;
            k = 1;
          }
          if (v2 > best) {
            best = v2;
            k = 2;
          }
          if (v3 > best) k = 3;
          const grad = (dy[g + c] as number) + 0;
          dx[p0 + c] = k === 0 ? grad : 0;
          dx[p1 + c] = k === 1 ? grad : 0;
          dx[p2 + c] = k === 2 ? grad : 0;
          dx[p3 + c] = k === 3 ? grad : 0;
        }
      }
    }
  }
}

export const maxPoolGradConfig: KernelConfig = {
  kernelName: "MaxPoolGrad",
  backendName: "wasm",
  kernelFunc: maxPoolGrad as unknown as KernelFunc,
};
