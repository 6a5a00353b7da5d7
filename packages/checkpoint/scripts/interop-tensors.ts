// The tensor set for the Python interop check, written with our writer.
// Run from packages/checkpoint: npx tsx --conditions=@trainkit/source scripts/interop-tensors.ts
// Writes fixtures/interop/ours.safetensors; scripts/python-interop.py builds the same
// tensors in PyTorch, serializes them with the Python safetensors library and compares.
import { type TensorInput, toBfloat16, toFloat16, writeSafetensors } from "../src/index.js";

export function interopTensors(): Record<string, TensorInput> {
  return {
    f32: {
      dtype: "F32",
      shape: [3, 4],
      data: Float32Array.from({ length: 12 }, (_, i) => i / 8 - 0.5),
    },
    f64: { dtype: "F64", shape: [2], data: new Float64Array([Math.PI, -1e300]) },
    f16: { dtype: "F16", shape: [2, 2], data: toFloat16([1, -2, 65504, 0.1]) },
    bf16: { dtype: "BF16", shape: [4], data: toBfloat16([1, -2.5, 3.140625, 0.1]) },
    i64: {
      dtype: "I64",
      shape: [3],
      data: new BigInt64Array([-(2n ** 63n), 2n ** 53n + 1n, 2n ** 63n - 1n]),
    },
    i32: { dtype: "I32", shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
    i16: { dtype: "I16", shape: [2], data: new Int16Array([-32768, 32767]) },
    i8: { dtype: "I8", shape: [2], data: new Int8Array([-128, 127]) },
    u8: { dtype: "U8", shape: [3], data: new Uint8Array([0, 7, 255]) },
    u16: { dtype: "U16", shape: [2], data: new Uint16Array([0, 65535]) },
    u32: { dtype: "U32", shape: [2], data: new Uint32Array([0, 2 ** 32 - 1]) },
    u64: { dtype: "U64", shape: [2], data: new BigUint64Array([0n, 2n ** 64n - 1n]) },
    bool: { dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) },
    c64: { dtype: "C64", shape: [2], data: new Float32Array([1, 2, -0.5, -1]) },
    f8_e4m3: { dtype: "F8_E4M3", shape: [2], data: new Uint8Array([0x38, 0xc0]) },
    f8_e5m2: { dtype: "F8_E5M2", shape: [2], data: new Uint8Array([0x3c, 0x38]) },
    scalar: { dtype: "F32", shape: [], data: new Float32Array([42.5]) },
    empty: { dtype: "F32", shape: [0, 3], data: new Float32Array(0) },
  };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await writeSafetensors(
    new URL("../fixtures/interop/ours.safetensors", import.meta.url).pathname,
    interopTensors(),
    { format: "pt" },
  );
  console.log("wrote fixtures/interop/ours.safetensors");
}
