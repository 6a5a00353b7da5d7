import { cast, type Tensor, tensor } from "@tensorflow/tfjs-core";
import { TorchPortError } from "./errors.js";
import type { TypedArray } from "./transpose-array.js";

/**
 * A tensor as read from a checkpoint file: a dtype name (safetensors `"F32"`, `"F16"`, `"BF16"`,
 * `"F64"`, `"I64"`, ... or a tfjs name such as `"float32"`), a shape, and row-major data.
 * Half-precision data is given as its raw 16-bit words (`Uint16Array`).
 */
export interface RawTensor {
  dtype: string;
  shape: readonly number[];
  data: TypedArray | readonly number[];
}

/** A PyTorch parameter: a tfjs tensor or a {@link RawTensor}. */
export type TorchTensorLike = Tensor | RawTensor;

function isRaw(x: TorchTensorLike): x is RawTensor {
  return typeof x === "object" && x !== null && "data" in x && !("dataId" in x);
}

/** The shape of a tfjs tensor or a raw tensor. */
export function shapeOf(x: TorchTensorLike): number[] {
  return [...x.shape];
}

function halfToFloat(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const frac = h & 0x3ff;
  if (exp === 0) return sign * 2 ** -14 * (frac / 1024);
  if (exp === 31) return frac === 0 ? sign * Number.POSITIVE_INFINITY : Number.NaN;
  return sign * 2 ** (exp - 15) * (1 + frac / 1024);
}

/**
 * A float32 tfjs tensor holding the values of `x` (a new tensor; tfjs inputs are cloned so the
 * caller may dispose the result freely). `name` is used in error messages.
 */
export function toFloatTensor(x: TorchTensorLike, name: string): Tensor {
  if (!isRaw(x)) return x.dtype === "float32" ? x.clone() : cast(x, "float32");
  const shape = [...x.shape];
  const size = shape.reduce((a, b) => a * b, 1);
  if (x.data.length !== size) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `PyTorch tensor ${name} has shape [${shape.join(", ")}] (${size} values) but ${x.data.length} values of data.`,
    );
  }
  const dtype = x.dtype.toUpperCase();
  let values: Float32Array;
  if (dtype === "F16" || dtype === "FLOAT16" || dtype === "BF16" || dtype === "BFLOAT16") {
    if (!(x.data instanceof Uint16Array)) {
      throw new TorchPortError(
        "UNSUPPORTED_DTYPE",
        `PyTorch tensor ${name} is ${x.dtype} but its data is not a Uint16Array of raw 16-bit words; pass the raw words or convert to float32 first.`,
      );
    }
    const words = x.data;
    values = new Float32Array(size);
    if (dtype.startsWith("B")) {
      const bits = new Uint32Array(values.buffer);
      for (let i = 0; i < size; i++) bits[i] = (words[i] as number) << 16;
    } else {
      for (let i = 0; i < size; i++) values[i] = halfToFloat(words[i] as number);
    }
  } else if (x.data instanceof Float32Array) {
    values = x.data;
  } else if (x.data instanceof BigInt64Array || x.data instanceof BigUint64Array) {
    values = Float32Array.from(x.data, (v) => Number(v));
  } else {
    values = Float32Array.from(x.data as ArrayLike<number>);
  }
  return tensor(values, shape, "float32");
}
