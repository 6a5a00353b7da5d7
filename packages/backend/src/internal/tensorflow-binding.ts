import type { KernelConfig, Tensor, TensorInfo } from "@tensorflow/tfjs-core";

/** An attribute of a TensorFlow op as tfjs-node's binding takes it. */
export interface OpAttr {
  name: string;
  type: number;
  value: unknown;
}

/** What the binding says about a tensor it created (its handle id, shape and TF dtype). */
export interface NativeTensor {
  id: number;
  shape: number[];
  dtype: number;
}

/**
 * The parts of tfjs-node's native binding (`tfjs_binding.node`) that trainkit's kernels use. Not a
 * public API of tfjs-node: it has been the same from tfjs-node 1.x to 4.22.
 */
export interface TensorflowBinding {
  TF_FLOAT: number;
  TF_ATTR_INT: number;
  TF_ATTR_TYPE: number;
  TF_ATTR_BOOL: number;
  TF_ATTR_STRING: number;
  createTensor(shape: number[], dtype: number, values: Float32Array | Int32Array): number;
  deleteTensor(id: number): void;
  tensorDataSync(id: number): Float32Array | Int32Array;
  executeOp(name: string, attrs: OpAttr[], inputIds: number[], numOutputs: number): NativeTensor[];
}

/** The parts of tfjs-node's backend (`NodeJSKernelBackend`) that trainkit's kernels use. */
export interface TensorflowBackendLike {
  binding: TensorflowBinding;
  isUsingGpuDevice?: boolean;
  /** The TensorFlow handle ids of tensors of this backend (uploading data not yet uploaded). */
  getInputTensorIds(tensors: TensorInfo[]): number[];
  /** Wraps a handle the binding returned in a tfjs tensor that owns it. */
  createOutputTensor(metadata: NativeTensor): Tensor;
  executeSingleOutput(name: string, attrs: OpAttr[], inputs: TensorInfo[]): Tensor;
  disposeData(dataId: object, force?: boolean): boolean;
}

/**
 * The backend as tfjs-node's, or undefined for anything else (another backend registered under
 * the name 'tensorflow', as tests do with a stand-in).
 */
export function asTensorflowBackend(backend: unknown): TensorflowBackendLike | undefined {
  const b = backend as Partial<TensorflowBackendLike> | null | undefined;
  if (
    typeof b?.binding?.executeOp !== "function" ||
    typeof b.binding.createTensor !== "function" ||
    typeof b.binding.deleteTensor !== "function" ||
    typeof b.getInputTensorIds !== "function" ||
    typeof b.createOutputTensor !== "function" ||
    typeof b.executeSingleOutput !== "function" ||
    typeof b.disposeData !== "function"
  ) {
    return undefined;
  }
  return b as TensorflowBackendLike;
}

/** The one element of a list the binding returned for a one-output op. */
export function single<T>(items: readonly T[], op: string): T {
  const item = items[0];
  if (item === undefined) throw new Error(`trainkit: TensorFlow's ${op} returned no output.`);
  return item;
}

/** `T: float` */
export function floatType(binding: TensorflowBinding, name = "T"): OpAttr {
  return { name, type: binding.TF_ATTR_TYPE, value: binding.TF_FLOAT };
}

/** Whether every dimension is at least 1 (TensorFlow's ops and oneDNN are proven on these). */
export function nonEmpty(shape: readonly number[]): boolean {
  return shape.every((d) => d >= 1);
}

/** Marks the kernels trainkit registers, so that another copy of this package knows them. */
export const TRAINKIT_KERNEL = Symbol.for("trainkit.backend.tensorflowKernel");

export type MarkedKernelConfig = KernelConfig & { [TRAINKIT_KERNEL]?: true };

export function isTrainkitKernel(config: KernelConfig | undefined): boolean {
  return (config as MarkedKernelConfig | undefined)?.[TRAINKIT_KERNEL] === true;
}
