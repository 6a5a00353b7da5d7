import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  float32ToBfloat16Bits,
  float32ToFloat16Bits,
  fromBfloat16,
  fromFloat16,
  toBfloat16,
  toFloat16,
} from "./half-precision.js";

// Made by scripts/make-half-golden.py with PyTorch (see fixtures/README.md).
const golden = JSON.parse(
  readFileSync(new URL("../fixtures/half-precision-torch.json", import.meta.url), "utf8"),
) as { f32_bits: number[]; f16_bits: number[]; bf16_bits: number[] };
const inputs = new Float32Array(new Uint32Array(golden.f32_bits).buffer);

describe("float16", () => {
  it("encodes hand-computed IEEE binary16 values, rounding to nearest even", () => {
    const cases: [number, number][] = [
      [1, 0x3c00],
      [-2, 0xc000],
      [0, 0x0000],
      [-0, 0x8000],
      [65504, 0x7bff], // largest finite
      [65519, 0x7bff], // below the halfway point to 65536
      [65520, 0x7c00], // halfway: ties to even -> infinity
      [2 ** -24, 0x0001], // smallest subnormal
      [2 ** -25, 0x0000], // halfway between 0 and 2^-24: ties to even -> 0
      [3 * 2 ** -26, 0x0001], // 0.75 of the smallest subnormal -> rounds up
      [2 ** -14, 0x0400], // smallest normal
      [1 + 2 ** -11, 0x3c00], // halfway between 1 and 1+2^-10: ties to even (down)
      [1 + 3 * 2 ** -11, 0x3c02], // halfway between 1+2^-10 and 1+2^-9: ties to even (up)
      [0.1, 0x2e66],
      [Number.POSITIVE_INFINITY, 0x7c00],
      [Number.NEGATIVE_INFINITY, 0xfc00],
    ];
    for (const [x, bits] of cases) expect(float32ToFloat16Bits(x), `f16(${x})`).toBe(bits);
    const nan = float32ToFloat16Bits(Number.NaN);
    expect(nan & 0x7c00).toBe(0x7c00);
    expect(nan & 0x3ff).not.toBe(0);
  });

  it("matches PyTorch's float32 -> float16 conversion on 4,625 values", () => {
    const got = toFloat16(inputs);
    let mismatches = 0;
    for (let i = 0; i < inputs.length; i++) if (got[i] !== golden.f16_bits[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("decodes every one of the 65,536 bit patterns exactly, and re-encodes them unchanged", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = fromFloat16(all);
    expect(float16BitsToFloat32(0x0001)).toBe(2 ** -24);
    expect(float16BitsToFloat32(0x7bff)).toBe(65504);
    expect(float16BitsToFloat32(0xfc00)).toBe(Number.NEGATIVE_INFINITY);
    expect(Number.isNaN(float16BitsToFloat32(0x7e00))).toBe(true);
    const back = toFloat16(values);
    for (let h = 0; h < 65536; h++) {
      const nanPattern = (h & 0x7c00) === 0x7c00 && (h & 0x3ff) !== 0;
      if (nanPattern) expect(Number.isNaN(values[h])).toBe(true);
      else if (back[h] !== h) expect.fail(`float16 0x${h.toString(16)} did not round-trip`);
    }
  });
});

describe("bfloat16", () => {
  it("encodes hand-computed values, rounding to nearest even", () => {
    const cases: [number, number][] = [
      [1, 0x3f80],
      [-2, 0xc000],
      [-0, 0x8000],
      [1 + 2 ** -8, 0x3f80], // halfway: ties to even (down)
      [1 + 3 * 2 ** -8, 0x3f82], // halfway: ties to even (up)
      [Math.PI, 0x4049],
      [0.1, 0x3dcd],
      [3.4e38, 0x7f80], // rounds past the largest finite bfloat16 -> infinity
      [Number.NEGATIVE_INFINITY, 0xff80],
    ];
    for (const [x, bits] of cases) expect(float32ToBfloat16Bits(x), `bf16(${x})`).toBe(bits);
    expect(Number.isNaN(bfloat16BitsToFloat32(float32ToBfloat16Bits(Number.NaN)))).toBe(true);
    expect(bfloat16BitsToFloat32(0x4049)).toBe(3.140625);
  });

  it("matches PyTorch's float32 -> bfloat16 conversion on 4,625 values", () => {
    const got = toBfloat16(inputs);
    let mismatches = 0;
    for (let i = 0; i < inputs.length; i++) if (got[i] !== golden.bf16_bits[i]) mismatches++;
    expect(mismatches).toBe(0);
  });

  it("decodes every bit pattern exactly and re-encodes it unchanged", () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const values = fromBfloat16(all);
    const back = toBfloat16(values);
    for (let h = 0; h < 65536; h++) {
      const nanPattern = (h & 0x7f80) === 0x7f80 && (h & 0x7f) !== 0;
      if (!nanPattern && back[h] !== h)
        expect.fail(`bfloat16 0x${h.toString(16)} did not round-trip`);
    }
  });

  it("accepts plain number arrays", () => {
    expect(Array.from(toBfloat16([1, -2]))).toEqual([0x3f80, 0xc000]);
    expect(Array.from(fromFloat16(toFloat16([0.5, 1024])))).toEqual([0.5, 1024]);
  });
});
