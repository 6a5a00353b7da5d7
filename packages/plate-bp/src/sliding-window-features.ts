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
// in units of 1/(n*g) of the axis, so every overlap is an exact integer.
function overlaps(n: number, g: number): { pix: Int32Array; cell: Int32Array; len: Int32Array } {
  const pix: number[] = [];
  const cell: number[] = [];
  const len: number[] = [];
  for (let p = 0; p < n; p++) {
    const a = p * g;
    const b = a + g;
    for (let c = Math.floor(a / n); c * n < b && c < g; c++) {
      const o = Math.min(b, (c + 1) * n) - Math.max(a, c * n);
      if (o > 0) {
        pix.push(p);
        cell.push(c);
        len.push(o);
      }
    }
  }
  return { pix: Int32Array.from(pix), cell: Int32Array.from(cell), len: Int32Array.from(len) };
}

const cache = new Map<number, ReturnType<typeof overlaps>>();
function cachedOverlaps(n: number, g: number): ReturnType<typeof overlaps> {
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

/** @internal Area-weighted gy x gx grid of foreground ratios, written into out[offset...]. */
export function gridInto(
  img: BinaryImage,
  gy: number,
  gx: number,
  out: Float32Array,
  offset: number,
): void {
  const { width: w, height: h, data } = img;
  const ox = cachedOverlaps(w, gx);
  const oy = cachedOverlaps(h, gy);
  // rows[y * gx + cx] = sum over x of overlap(x, cx) * pixel(y, x)
  const need = h * gx + gy * gx;
  if (scratch.length < need) scratch = new Float64Array(need * 2);
  const rows = scratch;
  rows.fill(0, 0, need);
  const acc = h * gx;
  const { pix: xp, cell: xc, len: xl } = ox;
  const m = xp.length;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    const r = y * gx;
    for (let k = 0; k < m; k++) {
      if (data[row + (xp[k] as number)] !== 0) {
        const j = r + (xc[k] as number);
        rows[j] = (rows[j] as number) + (xl[k] as number);
      }
    }
  }
  const { pix: yp, cell: yc, len: yl } = oy;
  for (let k = 0; k < yp.length; k++) {
    const r = (yp[k] as number) * gx;
    const o = acc + (yc[k] as number) * gx;
    const l = yl[k] as number;
    for (let cx = 0; cx < gx; cx++)
      rows[o + cx] = (rows[o + cx] as number) + l * (rows[r + cx] as number);
  }
  const norm = 1 / (w * h);
  for (let i = 0; i < gy * gx; i++) out[offset + i] = (rows[acc + i] as number) * norm;
}
