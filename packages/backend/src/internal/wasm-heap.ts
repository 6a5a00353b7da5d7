import type { TensorInfo } from "@tensorflow/tfjs-core";

/** The parts of tfjs-backend-wasm's backend object that kernels working on its heap touch. */
export interface WasmBackendLike {
  makeOutput(shape: number[], dtype: "float32"): TensorInfo;
  dataIdMap: { get(dataId: object): { memoryOffset: number } | undefined };
  wasm: { HEAPF32: Float32Array };
}

/**
 * A float32 view of a tensor's data on the wasm heap. Call it only after every allocation of the
 * kernel (`makeOutput`): growing the wasm memory replaces the buffer and detaches older views.
 */
export function heapView(
  backend: WasmBackendLike,
  info: TensorInfo,
  size: number,
  kernelName: string,
): Float32Array {
  const data = backend.dataIdMap.get(info.dataId);
  if (data === undefined)
    throw new Error(`trainkit ${kernelName}: tensor data is not on the wasm backend.`);
  return backend.wasm.HEAPF32.subarray(data.memoryOffset / 4, data.memoryOffset / 4 + size);
}
