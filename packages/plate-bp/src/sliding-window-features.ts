import { PlateBpError } from "./errors.js";
import type { BinaryImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

type Pair = number | readonly [rows: number, cols: number];

export interface SlidingWindowOptions {
  /**
   * Split the whole image into `rows x cols` equal cells (fractional pixel edges are weighted by
   * their overlap area). Default 5 (a 5x5 grid, 25 features). Ignored when `window` is given.
   */
  grid?: Pair;
  /** Window size in pixels `[rows, cols]` (or one number for both) for an integer sliding window. */
  window?: Pair;
  /** Step between windows in pixels; defaults to `window` (no overlap). */
  stride?: Pair;
}

function pair(what: string, v: Pair): [number, number] {
  const [a, b] = typeof v === "number" ? [v, v] : v;
  for (const x of [a, b]) {
    if (typeof x !== "number" || !Number.isInteger(x) || x < 1) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `slidingWindowFeatures: ${what} must be a positive integer or a [rows, cols] pair of them, got ${JSON.stringify(v)}`,
      );
    }
  }
  return [a as number, b as number];
}

/**
 * Fraction of character (1) pixels in each window, row-major over the windows.
 * The default 5x5 grid gives the classic 25-number feature vector.
 */
export function slidingWindowFeatures(
  image: BinaryImage,
  options: SlidingWindowOptions = {},
): Float32Array {
  checkDims("slidingWindowFeatures", image);
  if (options.window !== undefined) {
    const [wh, ww] = pair("window", options.window);
    const [sh, sw] = pair("stride", options.stride ?? options.window);
    if (wh > image.height || ww > image.width) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `slidingWindowFeatures: window ${wh}x${ww} is larger than the ${image.height}x${image.width} image; use a smaller window or the grid option`,
      );
    }
    return windowed(image, wh, ww, sh, sw);
  }
  const [gy, gx] = pair("grid", options.grid ?? 5);
  const out = new Float32Array(gy * gx);
  gridInto(image, gy, gx, out, 0);
  return out;
}

function windowed(img: BinaryImage, wh: number, ww: number, sh: number, sw: number): Float32Array {
  const ny = Math.floor((img.height - wh) / sh) + 1;
  const nx = Math.floor((img.width - ww) / sw) + 1;
  const out = new Float32Array(ny * nx);
  const { width: w, data } = img;
  const area = wh * ww;
  for (let j = 0; j < ny; j++) {
    for (let i = 0; i < nx; i++) {
      let s = 0;
      for (let y = j * sh; y < j * sh + wh; y++) {
        const row = y * w + i * sw;
        for (let x = 0; x < ww; x++) s += data[row + x] as number;
      }
      out[j * nx + i] = s / area;
    }
  }
  return out;
}

// Overlap table for one axis: pixel p spans [p*g, (p+1)*g) and cell c spans [c*n, (c+1)*n)
// in units of 1/(n*g) of the axis, so every overlap is an exact integer. Entries of pixel p are
// start[p] .. start[p+1]-1.
export interface Overlaps {
  start: Int32Array;
  cell: Int32Array;
  len: Int32Array;
}

function overlaps(n: number, g: number): Overlaps {
  const start = new Int32Array(n + 1);
  const cell: number[] = [];
  const len: number[] = [];
  for (let p = 0; p < n; p++) {
    start[p] = cell.length;
    const a = p * g;
    const b = a + g;
    for (let c = Math.floor(a / n); c * n < b && c < g; c++) {
      const o = Math.min(b, (c + 1) * n) - Math.max(a, c * n);
      if (o > 0) {
        cell.push(c);
        len.push(o);
      }
    }
  }
  start[n] = cell.length;
  return { start, cell: Int32Array.from(cell), len: Int32Array.from(len) };
}

const cache = new Map<number, Overlaps>();
/** @internal The overlaps of n pixels with g equal cells (cached). */
export function cachedOverlaps(n: number, g: number): Overlaps {
  const key = n * 4096 + g;
  let t = cache.get(key);
  if (t === undefined) {
    if (cache.size > 4096) cache.clear();
    t = overlaps(n, g);
    cache.set(key, t);
  }
  return t;
}

let scratch = new Float64Array(0);

// Cell boundary c*W/g split into q = floor(c*W/g) and remainder r = c*W mod g (c = 0..g).
const boundsCache = new Map<number, { q: Int32Array; r: Int32Array }>();
/** @internal Cell boundaries of W pixels split into g cells (cached). */
export function cachedBounds(W: number, g: number): { q: Int32Array; r: Int32Array } {
  const key = W * 4096 + g;
  let b = boundsCache.get(key);
  if (b === undefined) {
    if (boundsCache.size > 4096) boundsCache.clear();
    const q = new Int32Array(g + 1);
    const r = new Int32Array(g + 1);
    for (let c = 0; c <= g; c++) {
      q[c] = Math.floor((c * W) / g);
      r[c] = c * W - (q[c] as number) * g;
    }
    b = { q, r };
    boundsCache.set(key, b);
  }
  return b;
}

/** @internal Area-weighted gy x gx grid of foreground ratios, written into out[offset...]. */
export function gridInto(
  img: BinaryImage,
  gy: number,
  gx: number,
  out: Float32Array,
  offset: number,
): void {
  gridOfRegion(
    img.data,
    img.width,
    0,
    0,
    img.width,
    img.height,
    img.width,
    img.height,
    0,
    0,
    gy,
    gx,
    out,
    offset,
    0,
    0,
  );
}

/**
 * @internal The grid of a virtual W x H image that is all background except the box
 * (bx, by, bw, bh) of `data` (row stride `stride`), placed at (ox, oy). This is the grid of a
 * padded crop without building the crop. A pixel is foreground when `(value > t) XOR inv`
 * (t = 0, inv = 0 for binary images; a gray image with its threshold works without binarising).
 */
export function gridOfRegion(
  data: Uint8Array,
  stride: number,
  bx: number,
  by: number,
  bw: number,
  bh: number,
  W: number,
  H: number,
  ox: number,
  oy: number,
  gy: number,
  gx: number,
  out: Float32Array,
  offset: number,
  t: number,
  inv: number,
): void {
  const ty = cachedOverlaps(H, gy);
  const n = gy * gx;
  if (scratch.length < n + gx) scratch = new Float64Array(2 * (n + gx));
  const acc = scratch; // acc[0..n): the grid; acc[n..n+gx): the current row's cells
  acc.fill(0, 0, n);
  // x phase per row, from running counts: gx * (ink left of position c*W/gx), exact in integers
  // (all sums below are integers, so their order does not matter)
  const { q, r: rem } = cachedBounds(W, gx);
  const ys = ty.start;
  const yc = ty.cell;
  const yl = ty.len;
  // v > t ⇔ floor(t) − v < 0 for 8-bit v: the sign bit, without a branch per pixel
  const ft = t < -1 ? -1 : t > 255 ? 255 : Math.floor(t);
  for (let y = 0; y < bh; y++) {
    const row = (by + y) * stride + bx;
    // the edges q[k] − ox are non-decreasing and the last is ≥ bw: one running count per row
    let c = 0;
    let x = 0;
    let prev = 0;
    for (let k = 1; k <= gx; k++) {
      const lq = (q[k] as number) - ox;
      let v = 0;
      if (lq >= 0) {
        const to = Math.min(lq, bw);
        for (; x < to; x++) c += ((ft - (data[row + x] as number)) >>> 31) ^ inv;
        v = gx * c;
        if (lq < bw) v += (rem[k] as number) * (((ft - (data[row + lq] as number)) >>> 31) ^ inv);
      }
      acc[n + k - 1] = v - prev;
      prev = v;
    }
    const e1 = ys[oy + y + 1] as number;
    for (let j = ys[oy + y] as number; j < e1; j++) {
      const o = (yc[j] as number) * gx;
      const l = yl[j] as number;
      for (let cx = 0; cx < gx; cx++)
        acc[o + cx] = (acc[o + cx] as number) + l * (acc[n + cx] as number);
    }
  }
  const norm = 1 / (W * H);
  for (let i = 0; i < n; i++) out[offset + i] = (acc[i] as number) * norm;
}
