import { boxBlur3 } from "./box-blur.js";
import { PlateBpError } from "./errors.js";
import type { BinaryImage, GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";
import { otsuThreshold } from "./otsu-threshold.js";

/** Which side is the character; local thresholds need it given (no border vote). */
export type LocalPolarity = "light-on-dark" | "dark-on-light";

export interface BackgroundThresholdOptions {
  /**
   * Side of the square window, in pixels, over which the background is estimated; it must be wider
   * than the thickest stroke (about twice the stroke width). Odd; default 15.
   */
  window?: number;
  /** Default `"light-on-dark"`. */
  polarity?: LocalPolarity;
  /** Only these pixels (1) vote for the threshold; default all. Same size as the image. */
  region?: Uint8Array;
  /** Smallest contrast ratio (character over background) that can count as a character; default 1.25. */
  minContrast?: number;
  /**
   * A second estimate of the background (e.g. {@link stripBackground}); at each pixel the one
   * farther from the characters' side (the lower under light characters) is used.
   */
  background?: GrayImage;
}

export interface StripBackgroundOptions {
  /** Rows `[first, last]` (inclusive) of a band above the characters that holds only background. */
  top: readonly [number, number];
  /** Rows `[first, last]` of a band below the characters. */
  bottom: readonly [number, number];
  /** Largest slant of a shadow's edge searched, in pixels across per pixel down; default 0.5. */
  maxSlant?: number;
}

export interface BackgroundThresholdResult extends BinaryImage {
  /** The contrast ratio chosen as the threshold (character/background ≥ it is 1). */
  readonly contrast: number;
}

export interface SauvolaOptions {
  /** Side of the square window in pixels (odd); default 25. */
  window?: number;
  /** Sauvola's k, how far below the local mean the threshold sits; default 0.2. */
  k?: number;
  /** The dynamic range of the standard deviation; default 128. */
  range?: number;
  /** Default `"dark-on-light"` (dark text on a light page, as in Sauvola's paper). */
  polarity?: LocalPolarity;
}

function checkWindow(what: string, window: unknown): number {
  if (typeof window !== "number" || !Number.isInteger(window) || window < 3 || window % 2 === 0) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `${what}: window must be an odd integer ≥ 3 (pixels), got ${String(window)}`,
    );
  }
  return window;
}

function checkPolarity(what: string, p: unknown): LocalPolarity {
  if (p !== "light-on-dark" && p !== "dark-on-light") {
    throw new PlateBpError(
      "INVALID_OPTION",
      `${what}: polarity must be "light-on-dark" or "dark-on-light", got ${JSON.stringify(p)}`,
    );
  }
  return p;
}

/**
 * Running maximum over a window of `2r + 1` samples along one line (`n` samples at
 * `off + i·step`), edges clamped; van Herk / Gil–Werman: three comparisons a sample whatever the
 * window. `g` and `h` are scratch of length ≥ n. Minima: run it on inverted values.
 */
function runningMax(
  src: Uint8Array,
  dst: Uint8Array,
  off: number,
  step: number,
  n: number,
  r: number,
  g: Uint8Array,
  h: Uint8Array,
): void {
  const w = 2 * r + 1;
  // g: running maximum from each block's start; h: to each block's end; blocks of w samples
  for (let b = 0; b < n; b += w) {
    const e = Math.min(b + w, n);
    let acc = 0;
    for (let i = b, p = off + b * step; i < e; i++, p += step) {
      const v = src[p] as number;
      if (v > acc) acc = v;
      g[i] = acc;
    }
    acc = 0;
    for (let i = e - 1, p = off + (e - 1) * step; i >= b; i--, p -= step) {
      const v = src[p] as number;
      if (v > acc) acc = v;
      h[i] = acc;
    }
  }
  for (let i = 0, p = off; i < n; i++, p += step) {
    const lo = Math.max(i - r, 0);
    const hi = i + r >= n ? n - 1 : i + r;
    // [lo, hi] is at most w long, so it lies in one block or spans the end of lo's and the start of hi's
    let v: number;
    const start = lo - (lo % w);
    if (lo === start) v = g[hi] as number;
    else if (hi < start + w)
      v = h[lo] as number; // cut short by the end of the line
    else {
      const a = h[lo] as number;
      const c = g[hi] as number;
      v = Math.max(a, c);
    }
    dst[p] = v;
  }
}

/** Maximum over a `window × window` square around each pixel (edges clamped), into `out`. */
function squareMax(
  data: Uint8Array,
  w: number,
  hgt: number,
  window: number,
  out: Uint8Array,
  tmp: Uint8Array,
): void {
  const r = (window - 1) >> 1;
  const m = Math.max(w, hgt);
  const g = new Uint8Array(m);
  const h = new Uint8Array(m);
  for (let y = 0; y < hgt; y++) runningMax(data, tmp, y * w, 1, w, r, g, h);
  for (let x = 0; x < w; x++) runningMax(tmp, out, x, w, hgt, r, g, h);
}

/**
 * The background under the characters: a gray-level opening (light characters: the minimum over
 * the window, then the maximum) or closing (dark characters), which removes every stroke narrower
 * than the window and keeps wider shapes, such as the edge of a shadow, where they are.
 */
export function estimateBackground(
  image: GrayImage,
  window = 15,
  polarity: LocalPolarity = "light-on-dark",
): GrayImage {
  checkDims("estimateBackground", image);
  checkWindow("estimateBackground", window);
  checkPolarity("estimateBackground", polarity);
  const { width: w, height: h, data } = image;
  const n = w * h;
  const light = polarity === "light-on-dark";
  // opening (light characters) = max(min(·)); closing = min(max(·)); a minimum is 255 − max(255 − ·)
  const a = new Uint8Array(n);
  const tmp = new Uint8Array(n);
  const out = new Uint8Array(n);
  if (light) {
    for (let i = 0; i < n; i++) a[i] = 255 - (data[i] as number);
    squareMax(a, w, h, window, out, tmp);
    for (let i = 0; i < n; i++) a[i] = 255 - (out[i] as number);
    squareMax(a, w, h, window, out, tmp);
  } else {
    squareMax(data, w, h, window, a, tmp);
    for (let i = 0; i < n; i++) a[i] = 255 - (a[i] as number);
    squareMax(a, w, h, window, out, tmp);
    for (let i = 0; i < n; i++) out[i] = 255 - (out[i] as number);
  }
  return { width: w, height: h, data: out };
}

/**
 * Binarize through shadows and uneven light: smooth (3×3 mean), estimate the background with
 * {@link estimateBackground}, and threshold the contrast ratio of each pixel against its
 * background (character/background for light characters, background/character for dark ones)
 * with Otsu on log₂ of the ratio. A shadow multiplies the character and the plate under it alike,
 * so the ratio, and the threshold, do not move with it. The character is 1.
 */
export function backgroundThreshold(
  image: GrayImage,
  options: BackgroundThresholdOptions = {},
): BackgroundThresholdResult {
  checkDims("backgroundThreshold", image);
  const window = checkWindow("backgroundThreshold", options.window ?? 15);
  const polarity = checkPolarity("backgroundThreshold", options.polarity ?? "light-on-dark");
  const minContrast = options.minContrast ?? 1.25;
  if (!(typeof minContrast === "number" && minContrast >= 1 && Number.isFinite(minContrast))) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `backgroundThreshold: minContrast must be a finite ratio ≥ 1, got ${String(minContrast)}`,
    );
  }
  const { width, height } = image;
  const n = width * height;
  const region = options.region;
  if (region !== undefined && region.length !== n) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `backgroundThreshold: region must have one value per pixel (${n}), got ${region.length}`,
    );
  }
  const smooth = width >= 3 && height >= 3 ? boxBlur3(image) : image;
  const bg = estimateBackground(smooth, window, polarity).data;
  const extra = options.background;
  if (extra !== undefined) {
    if (extra.width !== width || extra.height !== height) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `backgroundThreshold: background must be ${width}x${height} like the image, got ${extra.width}x${extra.height}`,
      );
    }
    // the second estimate where it is nearer the character's side (lower under light characters)
    const e = extra.data;
    if (polarity === "light-on-dark") {
      for (let i = 0; i < n; i++) if ((e[i] as number) < (bg[i] as number)) bg[i] = e[i] as number;
    } else {
      for (let i = 0; i < n; i++) if ((e[i] as number) > (bg[i] as number)) bg[i] = e[i] as number;
    }
  }
  const light = polarity === "light-on-dark";
  // q = 32·log2(ratio), 0..255 (ratios 1..256); 0 for pixels on the background's side
  const q = new Uint8Array(n);
  const lut = logTable();
  const s = smooth.data;
  for (let i = 0; i < n; i++) {
    const v = (s[i] as number) + 1;
    const b = (bg[i] as number) + 1;
    const num = light ? v : b;
    const den = light ? b : v;
    q[i] = num <= den ? 0 : (lut[(num << 8) | (den - 1)] as number);
  }
  const hist = new Float64Array(256);
  for (let i = 0; i < n; i++)
    if (region === undefined || region[i] !== 0) {
      const k = q[i] as number;
      hist[k] = (hist[k] as number) + 1;
    }
  let t = otsuThreshold(hist);
  const tMin = Math.round(32 * Math.log2(minContrast));
  if (t < tMin) t = tMin;
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (q[i] as number) > t ? 1 : 0;
  return { width, height, data: out, contrast: 2 ** (t / 32) };
}

let logLut: Uint8Array | undefined;
/** 32·log2(num/den) for num, den in 1..256, clamped to 0..255; index (num << 8) | (den − 1). */
function logTable(): Uint8Array {
  if (logLut !== undefined) return logLut;
  const t = new Uint8Array(257 * 256);
  for (let num = 1; num <= 256; num++) {
    for (let den = 1; den <= 256; den++) {
      const v = Math.round(32 * Math.log2(num / den));
      t[(num << 8) | (den - 1)] = v < 0 ? 0 : Math.min(v, 255);
    }
  }
  logLut = t;
  return t;
}

/**
 * Sauvola's local threshold: a pixel is dark text when it is below
 * `m·(1 + k·(s/range − 1))`, with m and s the mean and standard deviation of the window around it
 * (from integral images: constant time a pixel whatever the window). With
 * `polarity: "light-on-dark"` the image is read inverted. The character is 1.
 */
export function sauvolaThreshold(image: GrayImage, options: SauvolaOptions = {}): BinaryImage {
  checkDims("sauvolaThreshold", image);
  const window = checkWindow("sauvolaThreshold", options.window ?? 25);
  const polarity = checkPolarity("sauvolaThreshold", options.polarity ?? "dark-on-light");
  const k = options.k ?? 0.2;
  const range = options.range ?? 128;
  if (!Number.isFinite(k) || !(range > 0)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `sauvolaThreshold: k must be finite and range positive, got k=${String(k)}, range=${String(range)}`,
    );
  }
  const { width: w, height: h, data } = image;
  const inv = polarity === "light-on-dark";
  const W = w + 1;
  const sum = new Float64Array(W * (h + 1));
  const sq = new Float64Array(W * (h + 1));
  for (let y = 0; y < h; y++) {
    let rs = 0;
    let rq = 0;
    for (let x = 0; x < w; x++) {
      const v0 = data[y * w + x] as number;
      const v = inv ? 255 - v0 : v0;
      rs += v;
      rq += v * v;
      sum[(y + 1) * W + x + 1] = (sum[y * W + x + 1] as number) + rs;
      sq[(y + 1) * W + x + 1] = (sq[y * W + x + 1] as number) + rq;
    }
  }
  const r = (window - 1) >> 1;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const y0 = Math.max(0, y - r);
    const y1 = Math.min(h, y + r + 1);
    for (let x = 0; x < w; x++) {
      const x0 = Math.max(0, x - r);
      const x1 = Math.min(w, x + r + 1);
      const cnt = (y1 - y0) * (x1 - x0);
      const s =
        (sum[y1 * W + x1] as number) -
        (sum[y0 * W + x1] as number) -
        (sum[y1 * W + x0] as number) +
        (sum[y0 * W + x0] as number);
      const s2 =
        (sq[y1 * W + x1] as number) -
        (sq[y0 * W + x1] as number) -
        (sq[y1 * W + x0] as number) +
        (sq[y0 * W + x0] as number);
      const m = s / cnt;
      const sd = Math.sqrt(Math.max(0, s2 / cnt - m * m));
      const v0 = data[y * w + x] as number;
      const v = inv ? 255 - v0 : v0;
      out[y * w + x] = v < m * (1 + k * (sd / range - 1)) ? 1 : 0;
    }
  }
  return { width: w, height: h, data: out };
}

/** Mean of the middle half of `v` (sorted in place): robust to specks and a stray stroke. */
function midMean(v: Float64Array): number {
  v.sort();
  const lo = Math.floor(v.length / 4);
  const hi = Math.max(lo + 1, Math.ceil((3 * v.length) / 4));
  let s = 0;
  for (let i = lo; i < hi; i++) s += v[i] as number;
  return s / (hi - lo);
}

/**
 * The background of a plate under straight-edged shadows and a lighting gradient, from two bands
 * that hold no characters (above and below them): each band gives a background profile across
 * the image (the mean of the middle half of each column, 3×3-smoothed first); the slant that best
 * lines the two profiles up (a shadow's edges run from one band to the other) is searched, and
 * each pixel between takes the two profiles' values along that slant, mixed by its height. Rows
 * outside the bands repeat the nearest band. Unlike an opening, this keeps a character under the
 * shadow dark even where the shadow's edge runs along it.
 */
export function stripBackground(image: GrayImage, options: StripBackgroundOptions): GrayImage {
  checkDims("stripBackground", image);
  const { width: w, height: h } = image;
  const rows = (r: unknown, what: string): [number, number] => {
    const ok =
      Array.isArray(r) &&
      r.length === 2 &&
      r.every((v) => Number.isInteger(v)) &&
      0 <= (r[0] as number) &&
      (r[0] as number) <= (r[1] as number) &&
      (r[1] as number) < h;
    if (!ok) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `stripBackground: ${what} must be [first, last] rows inside the image (0..${h - 1}), got ${JSON.stringify(r)}`,
      );
    }
    return r as [number, number];
  };
  const top = rows(options.top, "top");
  const bottom = rows(options.bottom, "bottom");
  if (top[1] >= bottom[0]) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `stripBackground: the top band must end above the bottom band, got top ${JSON.stringify(top)} and bottom ${JSON.stringify(bottom)}`,
    );
  }
  const maxSlant = options.maxSlant ?? 0.5;
  const smooth = w >= 3 && h >= 3 ? boxBlur3(image).data : image.data;
  const profile = ([a, b]: [number, number]) => {
    const p = new Float64Array(w);
    const col = new Float64Array(b - a + 1);
    for (let x = 0; x < w; x++) {
      for (let y = a; y <= b; y++) col[y - a] = smooth[y * w + x] as number;
      p[x] = midMean(col);
    }
    return p;
  };
  const T = profile(top);
  const B = profile(bottom);
  const logT = T.map((v) => Math.log(v + 1));
  const logB = B.map((v) => Math.log(v + 1));
  const yT = (top[0] + top[1]) / 2;
  const yB = (bottom[0] + bottom[1]) / 2;
  const D = yB - yT;
  // slant: the shift of B against T (whole pixels) with the least mean |log T − log B|
  const maxShift = Math.round(maxSlant * D);
  let bestShift = 0;
  let bestCost = Number.POSITIVE_INFINITY;
  for (let k = -maxShift; k <= maxShift; k++) {
    let cost = 0;
    let n = 0;
    for (let x = 0; x < w; x++) {
      const xb = x + k;
      if (xb < 0 || xb >= w) continue;
      cost += Math.abs((logT[x] as number) - (logB[xb] as number));
      n++;
    }
    if (n < w / 2) continue;
    cost = cost / n + 0.002 * Math.abs(k);
    if (cost < bestCost) {
      bestCost = cost;
      bestShift = k;
    }
  }
  const s = bestShift / D;
  const out = new Uint8Array(w * h);
  const at = (p: Float64Array, x: number) => {
    const xc = x < 0 ? 0 : Math.min(x, w - 1);
    const x0 = Math.floor(xc);
    const f = xc - x0;
    return x0 + 1 < w ? (p[x0] as number) * (1 - f) + (p[x0 + 1] as number) * f : (p[x0] as number);
  };
  for (let y = 0; y < h; y++) {
    const yc = y < yT ? yT : Math.min(y, yB);
    const a = (yc - yT) / D;
    for (let x = 0; x < w; x++) {
      const t = at(T, x - s * (yc - yT));
      const b = at(B, x + s * (yB - yc));
      out[y * w + x] = Math.round((1 - a) * t + a * b);
    }
  }
  return { width: w, height: h, data: out };
}
