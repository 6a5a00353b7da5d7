/**
 * float16 (IEEE 754 binary16) and bfloat16 conversions. Encoding rounds to
 * nearest, ties to even, as PyTorch, NumPy and the hardware do. Inputs are first
 * taken as float32 (what tfjs tensors hold). NaN stays NaN (quiet), infinities and
 * signed zeros are kept, float16 overflow goes to infinity.
 */

const f32 = new Float32Array(1);
const u32 = new Uint32Array(f32.buffer);

function f32BitsToF16(x: number): number {
  const sign = (x >>> 16) & 0x8000;
  const exp = (x >>> 23) & 0xff;
  const mant = x & 0x7fffff;
  if (exp === 0xff) return sign | 0x7c00 | (mant !== 0 ? 0x200 | (mant >>> 13) : 0);
  const e = exp - 112; // rebias 127 -> 15
  if (e >= 0x1f) return sign | 0x7c00;
  if (e <= 0) {
    if (e < -10) return sign; // below half the smallest subnormal: rounds to zero
    const m = mant | 0x800000;
    const shift = 14 - e;
    const half = 1 << (shift - 1);
    const rem = m & ((1 << shift) - 1);
    let h = m >>> shift;
    if (rem > half || (rem === half && (h & 1) === 1)) h++;
    return sign | h;
  }
  const rem = mant & 0x1fff;
  let h = sign | (e << 10) | (mant >>> 13);
  if (rem > 0x1000 || (rem === 0x1000 && (h & 1) === 1)) h++; // a carry may reach infinity: correct
  return h;
}

function f32BitsToBf16(x: number): number {
  if ((x & 0x7fffffff) > 0x7f800000) return ((x >>> 16) & 0xffff) | 0x40; // quiet NaN
  return ((x + 0x7fff + ((x >>> 16) & 1)) >>> 16) & 0xffff;
}

/** float16 bits (0..65535) of `value` rounded to float32, then to float16 (nearest even). */
export function float32ToFloat16Bits(value: number): number {
  f32[0] = value;
  return f32BitsToF16(u32[0] as number);
}

/** bfloat16 bits of `value` rounded to float32, then to bfloat16 (nearest even). */
export function float32ToBfloat16Bits(value: number): number {
  f32[0] = value;
  return f32BitsToBf16(u32[0] as number);
}

/** The exact value of a float16 bit pattern. */
export function float16BitsToFloat32(bits: number): number {
  const sign = bits & 0x8000 ? -1 : 1;
  const exp = (bits >>> 10) & 0x1f;
  const mant = bits & 0x3ff;
  if (exp === 0) return sign * mant * 2 ** -24;
  if (exp === 0x1f) {
    if (mant === 0) return sign * Number.POSITIVE_INFINITY;
    u32[0] = ((bits & 0x8000) << 16) | 0x7f800000 | (mant << 13);
    return f32[0] as number;
  }
  return sign * (1024 + mant) * 2 ** (exp - 25);
}

/** The exact value of a bfloat16 bit pattern. */
export function bfloat16BitsToFloat32(bits: number): number {
  u32[0] = (bits & 0xffff) << 16;
  return f32[0] as number;
}

function asF32Bits(values: ArrayLike<number>): Uint32Array {
  const src = values instanceof Float32Array ? values : Float32Array.from(values);
  return new Uint32Array(src.buffer, src.byteOffset, src.length);
}

/** Encodes float32 values as float16 bits (round to nearest even). */
export function toFloat16(values: ArrayLike<number>): Uint16Array {
  const bits = asF32Bits(values);
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToF16(bits[i] as number);
  return out;
}

/** Encodes float32 values as bfloat16 bits (round to nearest even). */
export function toBfloat16(values: ArrayLike<number>): Uint16Array {
  const bits = asF32Bits(values);
  const out = new Uint16Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = f32BitsToBf16(bits[i] as number);
  return out;
}

let f16Table: Float32Array | undefined;

/** Decodes float16 bits to float32 values (exact). */
export function fromFloat16(bits: Uint16Array): Float32Array {
  if (f16Table === undefined) {
    f16Table = new Float32Array(65536);
    for (let h = 0; h < 65536; h++) f16Table[h] = float16BitsToFloat32(h);
  }
  const table = f16Table;
  const out = new Float32Array(bits.length);
  for (let i = 0; i < bits.length; i++) out[i] = table[bits[i] as number] as number;
  return out;
}

/** Decodes bfloat16 bits to float32 values (exact). */
export function fromBfloat16(bits: Uint16Array): Float32Array {
  const out = new Float32Array(bits.length);
  const outBits = new Uint32Array(out.buffer);
  for (let i = 0; i < bits.length; i++) outBits[i] = (bits[i] as number) << 16;
  return out;
}
