import { TRANSPOSE_WASM } from "./transpose-wasm-bytes.js";

/** Words (32-bit) per block buffer: 256 KiB, so input and output blocks stay in L2 together. */
const BLOCK_WORDS = 65536;
/** Shortest row (words) copied on its own; shorter strided rows are left to the JS kernel. */
const MIN_SEGMENT = 64;
/** Words added to each row copied on its own so rows are never a multiple of 4 KiB apart. */
const PAD = 16;
/** Longest block side (elements) when both sides are long. */
const MAX_SIDE = 256;
/** Each region holds a block plus the padding of its rows (at most BLOCK_WORDS / MIN_SEGMENT). */
const REGION_WORDS = BLOCK_WORDS + (BLOCK_WORDS / MIN_SEGMENT) * PAD;

type Kernel = (
  src: number,
  dst: number,
  rows: number,
  cols: number,
  rs: number,
  os: number,
) => void;

interface SimdKernels {
  t32: Kernel;
  t64: Kernel;
  /** View over the whole wasm memory: input block at word 0, output block at REGION_WORDS. */
  view: Int32Array;
}

/** The part of the WebAssembly JS API used here (declared locally: no DOM types needed). */
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Memory: new (descriptor: { initial: number; maximum: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

let kernels: SimdKernels | null | undefined;

/** How many 2-D transposes went through the SIMD kernel (lets tests see which path ran). */
export const simdUse = { transposes: 0 };

/**
 * The WebAssembly SIMD kernels, instantiated on first use; `null` where WebAssembly or its SIMD
 * instructions are unavailable (or compiling is forbidden, e.g. by a content security policy).
 */
export function simdKernels(): SimdKernels | null {
  if (kernels !== undefined) return kernels;
  kernels = null;
  try {
    const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
    if (wasm?.validate(TRANSPOSE_WASM)) {
      const pages = Math.ceil((2 * REGION_WORDS * 4) / 65536);
      const memory = new wasm.Memory({ initial: pages, maximum: pages });
      const instance = new wasm.Instance(new wasm.Module(TRANSPOSE_WASM), { e: { m: memory } });
      const { t32, t64 } = instance.exports as { t32: Kernel; t64: Kernel };
      kernels = { t32, t64, view: new Int32Array(memory.buffer) };
    }
  } catch {
    kernels = null;
  }
  return kernels;
}

/**
 * `dst[ob + i*run + j*oB + t] = src[ib + i*sA + j*run + t]` for `i < rows`, `j < cols`, `t < run`
 * (`run` 1 or 2 words per element), with `rows` and `cols` multiples of the kernel's block side
 * (4 for one word, 2 for two). Blocks are copied into wasm memory (row by row, or in one piece when
 * they are contiguous), transposed there with SIMD shuffles, and copied back. Returns `false`, having
 * done nothing, when that would mean copying many short strided rows (the JS kernel is better there).
 */
export function simdTranspose2d(
  k: SimdKernels,
  src: Int32Array,
  dst: Int32Array,
  ib: number,
  ob: number,
  rows: number,
  cols: number,
  sA: number,
  oB: number,
  run: 1 | 2,
): boolean {
  const { view } = k;
  const kernel = run === 1 ? k.t32 : k.t64;
  const q = run === 1 ? 4 : 2;
  const perBlock = BLOCK_WORDS / run;
  let rb: number;
  let cb: number;
  if (rows <= cols) {
    rb = Math.min(rows, MAX_SIDE);
    cb = Math.min(cols, roundDown(Math.floor(perBlock / rb), q));
  } else {
    cb = Math.min(cols, MAX_SIDE);
    rb = Math.min(rows, roundDown(Math.floor(perBlock / cb), q));
  }
  const inContiguous = cb === cols && sA === cols * run;
  const outContiguous = rb === rows && oB === rows * run;
  if (!inContiguous && cb * run < MIN_SEGMENT) return false;
  if (!outContiguous && rb * run < MIN_SEGMENT) return false;
  const outBase = REGION_WORDS;
  for (let i0 = 0; i0 < rows; i0 += rb) {
    const r = Math.min(rb, rows - i0);
    for (let j0 = 0; j0 < cols; j0 += cb) {
      const c = Math.min(cb, cols - j0);
      const rowWords = c * run;
      const colWords = r * run;
      // Input block: one copy when it is a whole run of full rows, else row by row (padded).
      const rs = inContiguous ? rowWords : rowWords + PAD;
      const s0 = ib + i0 * sA + j0 * run;
      if (inContiguous) {
        view.set(src.subarray(s0, s0 + r * sA), 0);
      } else {
        for (let i = 0; i < r; i++) {
          const s = s0 + i * sA;
          view.set(src.subarray(s, s + rowWords), i * rs);
        }
      }
      // Output block: likewise one copy when its rows are whole output rows.
      const os = outContiguous ? colWords : colWords + PAD;
      kernel(0, outBase * 4, r, c, rs * 4, os * 4);
      const d0 = ob + j0 * oB + i0 * run;
      if (outContiguous) {
        dst.set(view.subarray(outBase, outBase + c * colWords), d0);
      } else {
        for (let j = 0; j < c; j++) {
          const o = outBase + j * os;
          dst.set(view.subarray(o, o + colWords), d0 + j * oB);
        }
      }
    }
  }
  simdUse.transposes++;
  return true;
}

function roundDown(n: number, q: number): number {
  return n - (n % q);
}
