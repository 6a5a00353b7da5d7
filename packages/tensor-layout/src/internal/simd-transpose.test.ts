import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it, vi } from "vitest";
import { transposeArrayWith } from "../transpose-array.js";
import { simdKernels, simdUse } from "./simd-transpose.js";
import { TRANSPOSE_WASM } from "./transpose-wasm-bytes.js";

/**
 * Index of the input element that lands at each output position, from the definition: output axis
 * d is input axis perm[d], so output multi-index o maps to input multi-index i with i[perm[d]] = o[d].
 */
function sourceIndex(shape: readonly number[], perm: readonly number[]): Int32Array {
  const outShape = perm.map((p) => shape[p] as number);
  const size = shape.reduce((a, b) => a * b, 1);
  const inStrides = shape.map((_, d) => shape.slice(d + 1).reduce((a, b) => a * b, 1));
  const map = new Int32Array(size);
  const o = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let src = 0;
    for (let d = 0; d < perm.length; d++)
      src += (o[d] as number) * (inStrides[perm[d] as number] as number);
    map[flat] = src;
    for (let d = o.length - 1; d >= 0; d--) {
      o[d] = (o[d] as number) + 1;
      if ((o[d] as number) < (outShape[d] as number)) break;
      o[d] = 0;
    }
  }
  return map;
}

function permutationsOf(n: number): number[][] {
  if (n === 0) return [[]];
  return permutationsOf(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

/** Random 32-bit words, a fixed sequence (xorshift), many of them NaN bit patterns as float32. */
function randomWords(n: number, seed: number): Int32Array {
  const w = new Int32Array(n);
  let s = seed | 0 || 1;
  for (let i = 0; i < n; i++) {
    s ^= s << 13;
    s ^= s >>> 17;
    s ^= s << 5;
    // every 7th word a NaN with a payload (exponent all ones, non-zero mantissa)
    w[i] = i % 7 === 0 ? (s & 0x807fffff) | 0x7f800001 : s;
  }
  return w;
}

type Global = { WebAssembly?: { validate(bytes: Uint8Array): boolean } };

describe("WebAssembly SIMD transpose kernel", () => {
  it("is available on this runtime (SIMD is standard since Node 16.4)", () => {
    expect((globalThis as Global).WebAssembly?.validate(TRANSPOSE_WASM)).toBe(true);
    expect(simdKernels()).not.toBeNull();
  });

  it("is exactly what scripts/make-transpose-wasm.mjs generates", () => {
    const dir = mkdtempSync(join(tmpdir(), "tensor-layout-wasm-"));
    try {
      const out = join(dir, "bytes.ts");
      const script = fileURLToPath(
        new URL("../../scripts/make-transpose-wasm.mjs", import.meta.url),
      );
      execFileSync(process.execPath, [script, out]);
      const committed = fileURLToPath(new URL("./transpose-wasm-bytes.ts", import.meta.url));
      expect(readFileSync(out, "utf8")).toBe(readFileSync(committed, "utf8"));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // Odd sizes around the 4×4 (2×2 for 8-byte) blocks, sides long enough for the SIMD path.
  const cases: Array<[string, number[]]> = [
    ["4-D, odd sizes", [3, 70, 5, 66]],
    ["4-D, batch 1 and a size-1 axis", [1, 130, 1, 67]],
    ["5-D", [2, 3, 66, 1, 69]],
    ["3-D ending in a pair that may stay last (moved as 64-bit units)", [70, 66, 2]],
  ];
  for (const [label, shape] of cases) {
    it(`moves float32 bits exactly for every permutation (${label} [${shape}])`, () => {
      const n = shape.reduce((a, b) => a * b, 1);
      const words = randomWords(n, 12345);
      const x = new Float32Array(words.buffer);
      const before = simdUse.transposes;
      for (const perm of permutationsOf(shape.length)) {
        const y = transposeArrayWith(x, shape, perm, undefined, "simd");
        expect(y).toBeInstanceOf(Float32Array);
        const bits = new Int32Array(y.buffer);
        const map = sourceIndex(shape, perm);
        let wrong = -1;
        for (let i = 0; i < n && wrong < 0; i++) if (bits[i] !== words[map[i] as number]) wrong = i;
        expect(wrong, `perm [${perm}]`).toBe(-1);
      }
      // most permutations are real 2-D transposes with long sides: they went through SIMD
      expect(simdUse.transposes - before).toBeGreaterThan(0);
    });
  }

  it.each([
    ["Float64Array", Float64Array],
    ["BigInt64Array", BigInt64Array],
  ] as const)("moves 64-bit elements exactly for every permutation (%s)", (_name, Ctor) => {
    const shape = [3, 66, 5, 35];
    const n = shape.reduce((a, b) => a * b, 1);
    const words = randomWords(2 * n, 777);
    const x = new Ctor(words.buffer as ArrayBuffer);
    const before = simdUse.transposes;
    for (const perm of permutationsOf(shape.length)) {
      const y = transposeArrayWith(x, shape, perm, undefined, "simd");
      expect(y).toBeInstanceOf(Ctor);
      const bits = new Int32Array(y.buffer);
      const map = sourceIndex(shape, perm);
      let wrong = -1;
      for (let i = 0; i < n && wrong < 0; i++) {
        const s = 2 * (map[i] as number);
        if (bits[2 * i] !== words[s] || bits[2 * i + 1] !== words[s + 1]) wrong = i;
      }
      expect(wrong, `perm [${perm}]`).toBe(-1);
    }
    expect(simdUse.transposes - before).toBeGreaterThan(0);
  });

  it("agrees with the JS kernel on an NCHW → NHWC batch, written into a subarray view", () => {
    const shape = [2, 67, 9, 31];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = new Float32Array(randomWords(n, 99).buffer);
    const backing = new Float32Array(n + 3);
    const out = backing.subarray(3);
    const before = simdUse.transposes;
    transposeArrayWith(x, shape, [0, 2, 3, 1], out, "simd");
    expect(simdUse.transposes - before).toBe(2); // one [C, H·W] transpose per image
    const js = transposeArrayWith(x, shape, [0, 2, 3, 1], undefined, "js");
    expect(new Int32Array(backing.buffer, 12, n)).toEqual(new Int32Array(js.buffer));
  });

  it("is what transposeArray uses for a large float32 NCHW → NHWC (auto)", () => {
    const shape = [1, 64, 32, 32];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => i);
    const before = simdUse.transposes;
    const y = transposeArrayWith(x, shape, [0, 2, 3, 1], undefined, "auto");
    expect(simdUse.transposes - before).toBe(1);
    // NHWC: element (h, w, c) = input (c, h, w) = c·1024 + h·32 + w
    expect(y[(5 * 32 + 7) * 64 + 3]).toBe(3 * 1024 + 5 * 32 + 7);
  });

  it("leaves shapes it does not suit to the JS kernel (RGB images, bytes)", () => {
    const before = simdUse.transposes;
    const rgb = Float32Array.from({ length: 3 * 40 * 50 }, (_, i) => i);
    const chw = transposeArrayWith(rgb, [40, 50, 3], [2, 0, 1], undefined, "simd");
    expect(chw[1 * 2000 + 7]).toBe(7 * 3 + 1); // channel 1 of pixel 7
    const bytes = Uint8Array.from({ length: 64 * 64 }, (_, i) => i & 255);
    const t = transposeArrayWith(bytes, [64, 64], [1, 0], undefined, "simd");
    expect(t[1 * 64 + 2]).toBe((2 * 64 + 1) & 255);
    expect(simdUse.transposes).toBe(before);
  });
});

describe("without WebAssembly", () => {
  const saved = (globalThis as Global).WebAssembly;
  afterEach(() => {
    (globalThis as Global).WebAssembly = saved;
    vi.resetModules();
  });

  it("falls back to the JS kernel with the same result", async () => {
    vi.resetModules();
    // A runtime without WebAssembly (or where compiling it is forbidden).
    (globalThis as Global).WebAssembly = undefined;
    const fresh = await import("./simd-transpose.js");
    const { transposeArrayWith: fallbackTranspose } = await import("../transpose-array.js");
    expect(fresh.simdKernels()).toBeNull();
    const shape = [2, 66, 5, 70];
    const n = shape.reduce((a, b) => a * b, 1);
    const words = randomWords(n, 5);
    const y = fallbackTranspose(
      new Float32Array(words.buffer),
      shape,
      [0, 2, 3, 1],
      undefined,
      "simd",
    );
    const map = sourceIndex(shape, [0, 2, 3, 1]);
    const bits = new Int32Array(y.buffer);
    expect(Array.from(bits.subarray(0, 500))).toEqual(
      Array.from(map.subarray(0, 500), (s) => words[s]),
    );
    let wrong = -1;
    for (let i = 0; i < n && wrong < 0; i++) if (bits[i] !== words[map[i] as number]) wrong = i;
    expect(wrong).toBe(-1);
    expect(fresh.simdUse.transposes).toBe(0);
  });
});
