/**
 * The dtype strings of the safetensors format, in the order the reference
 * writer sorts by (it writes the last ones first, so every tensor stays aligned).
 */
export const SAFETENSORS_DTYPES = [
  "BOOL",
  "F4",
  "F6_E2M3",
  "F6_E3M2",
  "U8",
  "I8",
  "F8_E5M2",
  "F8_E4M3",
  "F8_E8M0",
  "F8_E4M3FNUZ",
  "F8_E5M2FNUZ",
  "I16",
  "U16",
  "F16",
  "BF16",
  "I32",
  "U32",
  "F32",
  "C64",
  "F64",
  "I64",
  "U64",
] as const;

export type SafetensorsDtype = (typeof SAFETENSORS_DTYPES)[number];

const BIT_SIZES: Record<SafetensorsDtype, number> = {
  BOOL: 8,
  F4: 4,
  F6_E2M3: 6,
  F6_E3M2: 6,
  U8: 8,
  I8: 8,
  F8_E5M2: 8,
  F8_E4M3: 8,
  F8_E8M0: 8,
  F8_E4M3FNUZ: 8,
  F8_E5M2FNUZ: 8,
  I16: 16,
  U16: 16,
  F16: 16,
  BF16: 16,
  I32: 32,
  U32: 32,
  F32: 32,
  C64: 64,
  F64: 64,
  I64: 64,
  U64: 64,
};

const RANK: Record<string, number> = Object.fromEntries(SAFETENSORS_DTYPES.map((d, i) => [d, i]));

/** True when `s` is one of the safetensors dtype strings (case-sensitive). */
export function isSafetensorsDtype(s: unknown): s is SafetensorsDtype {
  return typeof s === "string" && Object.hasOwn(RANK, s);
}

/** Bits per element: 4 for F4, 6 for the F6 kinds, 8 for BOOL, 64 for C64 (two f32). */
export function dtypeBitSize(dtype: SafetensorsDtype): number {
  return BIT_SIZES[dtype];
}

/** Position in the reference writer's dtype order (used to sort tensors). */
export function dtypeRank(dtype: SafetensorsDtype): number {
  return RANK[dtype] as number;
}

/** The typed array each dtype is read into. */
export type TensorData =
  | Float32Array
  | Float64Array
  | Int8Array
  | Int16Array
  | Int32Array
  | BigInt64Array
  | Uint8Array
  | Uint16Array
  | Uint32Array
  | BigUint64Array;

type TypedArrayCtor = {
  new (buffer: ArrayBufferLike, byteOffset: number, length: number): TensorData;
  new (length: number): TensorData;
  readonly BYTES_PER_ELEMENT: number;
  readonly name: string;
};

/**
 * The natural typed array constructor for a dtype: `Float32Array` for F32 and
 * C64 (interleaved real, imaginary), `Uint16Array` raw bits for F16/BF16,
 * `BigInt64Array` for I64, `Uint8Array` for U8, BOOL, the 8-bit floats and the
 * packed sub-byte F4/F6 kinds.
 */
export function typedArrayFor(dtype: SafetensorsDtype): TypedArrayCtor {
  switch (dtype) {
    case "F32":
    case "C64":
      return Float32Array as unknown as TypedArrayCtor;
    case "F64":
      return Float64Array as unknown as TypedArrayCtor;
    case "I8":
      return Int8Array as unknown as TypedArrayCtor;
    case "I16":
      return Int16Array as unknown as TypedArrayCtor;
    case "I32":
      return Int32Array as unknown as TypedArrayCtor;
    case "I64":
      return BigInt64Array as unknown as TypedArrayCtor;
    case "U16":
    case "F16":
    case "BF16":
      return Uint16Array as unknown as TypedArrayCtor;
    case "U32":
      return Uint32Array as unknown as TypedArrayCtor;
    case "U64":
      return BigUint64Array as unknown as TypedArrayCtor;
    default:
      return Uint8Array as unknown as TypedArrayCtor;
  }
}
