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
 * AvgPoolGrad with TensorFlow's semantics, the exact gradient of the forward AvgPool: each output
 * gradient is divided by the number of its window's cells that lie inside the input (the divisor
 * the forward used) and added to each of those cells.
 *
 * tfjs-backend-wasm 4.22's own AvgPoolGrad (and tfjs-backend-cpu's) divides by the full window
 * size instead, so wherever padding ('same' or a number) cuts a window at the border, the
 * gradient of the cells under it is too small. This one is a single pass over the wasm heap.
 */
function avgPoolGrad({
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
  const { batchSize, inHeight, inWidth, inChannels: channels, outHeight, outWidth } = info;
  const { strideHeight, strideWidth, filterHeight, filterWidth } = info;
  const expected = [batchSize, outHeight, outWidth, channels];
  if (dy.shape.length !== 4 || expected.some((n, i) => dy.shape[i] !== n)) {
    throw new Error(
      `trainkit AvgPoolGrad: dy has shape [${dy.shape.join(", ")}], but pooling an input of ` +
        `shape [${input.shape.join(", ")}] with these filterSize, strides and pad gives ` +
        `[${expected.join(", ")}].`,
    );
  }
  const top = info.padInfo.top;
  const left = info.padInfo.left;
  const wasm = backend as unknown as WasmBackendLike;
  const dx = wasm.makeOutput(input.shape, "float32");
  const dxData = heapView(wasm, dx, batchSize * inHeight * inWidth * channels, "AvgPoolGrad");
  const dyData = heapView(wasm, dy, batchSize * outHeight * outWidth * channels, "AvgPoolGrad");
  dxData.fill(0);

  const rowStride = inWidth * channels;
  // One window's gradients, already divided by its cell count; channels are innermost, so every
  // read and write below is contiguous.
  const share = new Float32Array(channels);
  let dyBase = 0;
  for (let b = 0; b < batchSize; b++) {
    const dxBatch = b * inHeight * rowStride;
    for (let oy = 0; oy < outHeight; oy++) {
      const y0 = oy * strideHeight - top;
      const yStart = Math.max(0, y0);
      const yEnd = Math.min(inHeight, y0 + filterHeight);
      for (let ox = 0; ox < outWidth; ox++, dyBase += channels) {
        const x0 = ox * strideWidth - left;
        const xStart = Math.max(0, x0);
        const xEnd = Math.min(inWidth, x0 + filterWidth);
        // A window wholly in the padding (a numeric pad of at least the filter size) covers no
        // input cell: its gradient goes nowhere.
        if (yEnd <= yStart || xEnd <= xStart) continue;
        const count = (yEnd - yStart) * (xEnd - xStart);
        for (let c = 0; c < channels; c++) share[c] = (dyData[dyBase + c] as number) / count;
        for (let y = yStart; y < yEnd; y++) {
          let pixel = dxBatch + y * rowStride + xStart * channels;
          for (let x = xStart; x < xEnd; x++, pixel += channels) {
            for (let c = 0; c < channels; c++) {
              dxData[pixel + c] = (dxData[pixel + c] as number) + (share[c] as number);
            }
          }
        }
      }
    }
  }
  return dx;
}

export const avgPoolGradConfig: KernelConfig = {
  kernelName: "AvgPoolGrad",
  backendName: "wasm",
  kernelFunc: avgPoolGrad as unknown as KernelFunc,
};
