import { LayoutError } from "./errors.js";
import { simdKernels, simdTranspose2d } from "./internal/simd-transpose.js";
import { assertPermutation } from "./layout.js";

/** The typed arrays {@link transposeArray} accepts (any element type; bits are copied unchanged). */
export type TypedArray =
  | Float32Array
  | Float64Array
  | Int8Array
  | Uint8Array
  | Uint8ClampedArray
  | Int16Array
  | Uint16Array
  | Int32Array
  | Uint32Array
  | BigInt64Array
  | BigUint64Array;

type Words = Int8Array | Int16Array | Int32Array;

/** Columns per cache block in the 2-D transpose kernel (elements). */
const BLOCK = 64;
/** Side of the square tiles used when each element is a run of several words. */
const TILE = 32;
/** Smallest 2-D transpose (words) worth the trip through WebAssembly memory. */
const SIMD_MIN_WORDS = 16384;

/**
 * Which kernel moves the data: `"auto"` (WebAssembly SIMD for large 2-D transposes of 4- and
 * 8-byte elements where available, JS otherwise), or one of them forced (`"simd"` still falls back
 * to JS where SIMD is unavailable or the shape does not suit it). Internal: for tests and benchmarks.
 */
export type TransposeKernel = "auto" | "js" | "simd";

/**
 * Transposes a row-major typed array of shape `shape` by `perm` (output axis `i` is input axis
 * `perm[i]`, as in `tf.transpose`), into `out` when given (same type and length, not overlapping
 * `data`) or a new array of the same type.
 *
 * The work is reduced to its essence first: size-1 axes are dropped and axes that stay next to each
 * other are merged, so `NCHW → NHWC` becomes a batch of `[C, H·W] → [H·W, C]` matrix transposes,
 * done in cache-sized tiles. Large transposes of 4- and 8-byte elements run a WebAssembly SIMD
 * kernel (blocks copied into wasm memory, transposed with shuffles, copied back) where the runtime
 * supports it, and a JS kernel otherwise. Elements are moved as raw bits (float data is copied
 * through an integer view), so NaN payloads survive.
 */
export function transposeArray<T extends TypedArray>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
  out?: T,
): T {
  return transposeArrayWith(data, shape, perm, out, "auto");
}

/** {@link transposeArray} with the kernel chosen explicitly (internal: tests and benchmarks). */
export function transposeArrayWith<T extends TypedArray>(
  data: T,
  shape: readonly number[],
  perm: readonly number[],
  out: T | undefined,
  kernel: TransposeKernel,
): T {
  const size = checkShape(shape, data.length);
  assertPermutation(perm, shape.length);
  const dst = out ?? (new (data.constructor as new (n: number) => T)(size) as T);
  if (dst.length !== size || dst.constructor !== data.constructor) {
    throw new LayoutError(
      "DATA_SIZE_MISMATCH",
      `Output array is a ${dst.constructor.name} of length ${dst.length}; expected a ${data.constructor.name} of length ${size}.`,
    );
  }
  if (size === 0) return dst;

  // Work on integer views so every element type shares one kernel and bits are kept.
  const bytes = data.BYTES_PER_ELEMENT;
  let dims = [...shape];
  let order = [...perm];
  if (bytes === 8) {
    // 8-byte elements are moved as two 32-bit words: an extra innermost axis that never moves.
    dims = [...dims, 2];
    order = [...order, dims.length - 1];
  }
  const src = wordView(data);
  const dstWords = wordView(dst);

  const { sizes, perm: p } = simplify(dims, order);
  const k = sizes.length;
  // Identity after simplification: a plain copy.
  if (k <= 1 || p.every((v, i) => v === i)) {
    dstWords.set(src);
    return dst;
  }

  // Row-major input strides of the simplified shape, and each input axis's stride in the output.
  const inStride = rowMajorStrides(sizes);
  const outShape = p.map((a) => sizes[a] as number);
  const outStrideByPos = rowMajorStrides(outShape);
  const outStride = new Array<number>(k);
  p.forEach((a, pos) => {
    outStride[a] = outStrideByPos[pos] as number;
  });

  // If the innermost input axis is also the innermost output axis, it is a contiguous run.
  let run = 1;
  let axes = sizes.map((_, i) => i);
  if (p[k - 1] === k - 1) {
    run = sizes[k - 1] as number;
    axes = axes.slice(0, k - 1);
  }
  const b = axes[axes.length - 1] as number; // innermost input axis (input stride = run)
  const outOrder = p.filter((a) => axes.includes(a));
  const a = outOrder[outOrder.length - 1] as number; // innermost output axis (output stride = run)
  const rows = sizes[a] as number;
  const cols = sizes[b] as number;
  const sA = inStride[a] as number;
  const oB = outStride[b] as number;
  const outer = axes.filter((x) => x !== a && x !== b);

  // Odometer over the remaining axes; each step runs one tiled 2-D transpose.
  const idx = new Array<number>(outer.length).fill(0);
  let ib = 0;
  let ob = 0;
  const simd =
    kernel !== "js" &&
    src instanceof Int32Array &&
    dstWords instanceof Int32Array &&
    run <= 2 &&
    (kernel === "simd" || rows * cols * run >= SIMD_MIN_WORDS)
      ? simdKernels()
      : null;
  for (;;) {
    if (
      !(
        simd &&
        tileSimd(simd, src as Int32Array, dstWords as Int32Array, ib, ob, rows, cols, sA, oB, run)
      )
    ) {
      tileJs(src, dstWords, ib, ob, rows, cols, sA, oB, run);
    }
    let d = outer.length - 1;
    for (; d >= 0; d--) {
      const ax = outer[d] as number;
      const n = sizes[ax] as number;
      const cur = (idx[d] as number) + 1;
      if (cur < n) {
        idx[d] = cur;
        ib += inStride[ax] as number;
        ob += outStride[ax] as number;
        break;
      }
      idx[d] = 0;
      ib -= (n - 1) * (inStride[ax] as number);
      ob -= (n - 1) * (outStride[ax] as number);
    }
    if (d < 0) break;
  }
  return dst;
}

function tileJs(
  src: Words,
  dst: Words,
  ib: number,
  ob: number,
  rows: number,
  cols: number,
  sA: number,
  oB: number,
  run: number,
): void {
  if (run === 1) tile1(src, dst, ib, ob, rows, cols, sA, oB);
  else tileRun(src, dst, ib, ob, rows, cols, sA, oB, run);
}

/**
 * The SIMD kernel on the part of the 2-D transpose whose sides are multiples of its block side,
 * the JS kernel on the strips left over. Returns `false` (nothing done) where SIMD does not suit.
 */
function tileSimd(
  simd: NonNullable<ReturnType<typeof simdKernels>>,
  src: Int32Array,
  dst: Int32Array,
  ib: number,
  ob: number,
  rows: number,
  cols: number,
  sA: number,
  oB: number,
  run: number,
): boolean {
  const q = run === 1 ? 4 : 2;
  const r = rows - (rows % q);
  const c = cols - (cols % q);
  if (r === 0 || c === 0) return false;
  if (!simdTranspose2d(simd, src, dst, ib, ob, r, c, sA, oB, run as 1 | 2)) return false;
  if (c < cols) tileJs(src, dst, ib + c * run, ob + c * oB, rows, cols - c, sA, oB, run);
  if (r < rows) tileJs(src, dst, ib + r * sA, ob + r * run, rows - r, c, sA, oB, run);
  return true;
}

/**
 * `out[ob + i + j*oB] = src[ib + i*sA + j]` for `i < rows`, `j < cols`: a 2-D transpose whose
 * output rows are contiguous. Columns are taken in blocks that stay in cache, and eight input rows
 * are read at once so each output row is written in runs of eight.
 */
function tile1(
  src: Words,
  dst: Words,
  ib: number,
  ob: number,
  rows: number,
  cols: number,
  sA: number,
  oB: number,
): void {
  const rows8 = rows - (rows % 8);
  for (let j0 = 0; j0 < cols; j0 += BLOCK) {
    const j1 = Math.min(j0 + BLOCK, cols);
    for (let i = 0; i < rows8; i += 8) {
      const s0 = ib + i * sA;
      const d0 = ob + i;
      for (let j = j0; j < j1; j++) {
        const s = s0 + j;
        const d = d0 + j * oB;
        dst[d] = src[s] as number;
        dst[d + 1] = src[s + sA] as number;
        dst[d + 2] = src[s + 2 * sA] as number;
        dst[d + 3] = src[s + 3 * sA] as number;
        dst[d + 4] = src[s + 4 * sA] as number;
        dst[d + 5] = src[s + 5 * sA] as number;
        dst[d + 6] = src[s + 6 * sA] as number;
        dst[d + 7] = src[s + 7 * sA] as number;
      }
    }
    // The rows left over (all of them for 3-channel images): four, two, then one at a time, each
    // pass over this block's columns while their output lines are still in cache.
    let i = rows8;
    if (rows - i >= 4) {
      const s0 = ib + i * sA;
      const d0 = ob + i;
      for (let j = j0; j < j1; j++) {
        const s = s0 + j;
        const d = d0 + j * oB;
        dst[d] = src[s] as number;
        dst[d + 1] = src[s + sA] as number;
        dst[d + 2] = src[s + 2 * sA] as number;
        dst[d + 3] = src[s + 3 * sA] as number;
      }
      i += 4;
    }
    if (rows - i >= 2) {
      const s0 = ib + i * sA;
      const d0 = ob + i;
      for (let j = j0; j < j1; j++) {
        const s = s0 + j;
        const d = d0 + j * oB;
        dst[d] = src[s] as number;
        dst[d + 1] = src[s + sA] as number;
      }
      i += 2;
    }
    if (i < rows) {
      const s0 = ib + i * sA;
      const d0 = ob + i;
      for (let j = j0; j < j1; j++) dst[d0 + j * oB] = src[s0 + j] as number;
    }
  }
}

/** Like {@link tile1} but each element is a contiguous run of `run` words. */
function tileRun(
  src: Words,
  dst: Words,
  ib: number,
  ob: number,
  rows: number,
  cols: number,
  sA: number,
  oB: number,
  run: number,
): void {
  const tile = Math.max(1, Math.floor(TILE / Math.sqrt(run)));
  for (let j0 = 0; j0 < cols; j0 += tile) {
    const j1 = Math.min(j0 + tile, cols);
    for (let i0 = 0; i0 < rows; i0 += tile) {
      const i1 = Math.min(i0 + tile, rows);
      for (let j = j0; j < j1; j++) {
        let s = ib + i0 * sA + j * run;
        let d = ob + i0 * run + j * oB;
        for (let i = i0; i < i1; i++) {
          if (run < 16) {
            for (let t = 0; t < run; t++) dst[d + t] = src[s + t] as number;
          } else {
            dst.set(src.subarray(s, s + run), d);
          }
          s += sA;
          d += run;
        }
      }
    }
  }
}

function wordView(a: TypedArray): Words {
  const { buffer, byteOffset, byteLength } = a;
  switch (a.BYTES_PER_ELEMENT) {
    case 1:
      return new Int8Array(buffer, byteOffset, byteLength);
    case 2:
      return new Int16Array(buffer, byteOffset, byteLength / 2);
    default:
      // Signed views: V8 keeps int32 loads and stores unboxed, uint32 values above 2^31 are not.
      return new Int32Array(buffer, byteOffset, byteLength / 4);
  }
}

function checkShape(shape: readonly number[], length: number): number {
  let size = 1;
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new LayoutError(
        "DATA_SIZE_MISMATCH",
        `Invalid shape [${shape.join(", ")}]: every dimension must be a non-negative integer, got ${d}.`,
      );
    }
    size *= d;
  }
  if (size !== length) {
    throw new LayoutError(
      "DATA_SIZE_MISMATCH",
      `Shape [${shape.join(", ")}] holds ${size} elements but the array has ${length}; pass the shape the data was decoded with.`,
    );
  }
  return size;
}

function rowMajorStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i] as number;
  }
  return strides;
}

/**
 * Drops size-1 axes and merges axes that are adjacent, in the same order, in both input and
 * output. Returns the reduced input shape and the permutation over it.
 */
function simplify(
  shape: readonly number[],
  perm: readonly number[],
): { sizes: number[]; perm: number[] } {
  // Compressed index of each input axis longer than 1.
  const compressed = new Map<number, number>();
  const lengths: number[] = [];
  shape.forEach((n, a) => {
    if (n !== 1) {
      compressed.set(a, lengths.length);
      lengths.push(n);
    }
  });
  const kept = perm.filter((a) => compressed.has(a)).map((a) => compressed.get(a) as number);
  // Groups of input axes, in output order, each a run of consecutive input axes.
  const groups: number[][] = [];
  for (const a of kept) {
    const last = groups[groups.length - 1];
    if (last !== undefined && last[last.length - 1] === a - 1) last.push(a);
    else groups.push([a]);
  }
  // Input order of the groups is the order of their first axes.
  const byInput = [...groups].sort((x, y) => (x[0] as number) - (y[0] as number));
  const sizes = byInput.map((g) => g.reduce((acc, a) => acc * (lengths[a] as number), 1));
  const newPerm = groups.map((g) => byInput.indexOf(g));
  return { sizes, perm: newPerm };
}
