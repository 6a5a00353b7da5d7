import { checkPolarity, fixedThreshold, type Polarity } from "../binarize.js";
import { roundedQuotients } from "../box-blur.js";
import { lightingPlane } from "../flatten-lighting.js";
import type { GrayImage } from "../image-types.js";
import { otsuSearch } from "../otsu-threshold.js";
import { cachedBounds, cachedOverlaps } from "../sliding-window-features.js";
import { LITTLE_ENDIAN } from "./endian.js";
import { checkDims } from "./validate.js";

// Scratch buffers, grown on demand; nothing here escapes a call.
let hs = new Uint16Array(0); // horizontal 3-sums (2-sums at the ends) of the flattened image
let hs32 = new Int32Array(hs.buffer); // the same, two sums per element
let smooth = new Uint8Array(0); // the 3x3 mean, rows padded to a multiple of 4 bytes
let smooth32 = new Int32Array(smooth.buffer); // the same bytes, 4 pixels per element
let bits = new Int32Array(0); // the foreground, one bit per pixel, rows of ceil(w/32) words
let rowK = new Int32Array(0); // per row, the deskew shift (input x = output x + k)
const hist = new Int32Array(512);
const plane = new Float64Array(2);
const acc = new Float64Array(25);
const rowv = new Float64Array(5);
const q: Uint8Array[] = [];
for (let c = 1; c <= 9; c++) q[c] = roundedQuotients(c);
// per byte: number of set bits, and the sum of their positions
const POP8 = new Uint8Array(256);
const POS8 = new Uint8Array(256);
for (let b = 0; b < 256; b++) {
  for (let i = 0; i < 8; i++) {
    if ((b >> i) & 1) {
      POP8[b] = (POP8[b] as number) + 1;
      POS8[b] = (POS8[b] as number) + i;
    }
  }
}

/**
 * @internal The "grid5x5-deskew" features of a gray image in two passes over its pixels plus
 * per-row work: flattenLighting(ring 2) → boxBlur3 → threshold and polarity as binarize decides
 * them → deskew → bounding-box crop (or none) → 5x5 grid, bit-identical to running those steps
 * one after another.
 * - pass 1 subtracts the lighting plane, takes the horizontal 3-sums and, one row behind, the
 *   vertical ones: the 3x3 means and their histogram (→ Otsu);
 * - pass 2 thresholds 4 pixels at a time into one bit per pixel;
 * - the moments, the polarity vote on the border, the deskew's row shifts, the bounding box
 *   and the grid's per-cell counts are then read off the bit rows (population counts): the
 *   deskewed image, whose rows are shifted copies of the input rows, is never built.
 */
export function deskewGridFeatures(
  gray: GrayImage,
  thr: "otsu" | number,
  polarity: Polarity,
  keepAspect: boolean,
  noCrop: boolean,
): Float32Array {
  checkDims("binarize", gray);
  checkPolarity(polarity);
  const fixed = thr === "otsu" ? 0 : fixedThreshold(thr);
  const { width: w, height: h, data } = gray;
  const sw = (w + 3) & ~3; // row stride of `smooth`
  const wpr = (w + 31) >>> 5; // words per bit row
  const hsw = (w + 2) & ~1; // row stride of `hs` (even, ≥ w + 1)
  if (hs.length < hsw * h) {
    hs = new Uint16Array(2 * hsw * h);
    hs32 = new Int32Array(hs.buffer);
  }
  if (smooth.length < sw * h) {
    smooth = new Uint8Array(2 * sw * h);
    smooth32 = new Int32Array(smooth.buffer);
  }
  if (bits.length < wpr * h) bits = new Int32Array(2 * wpr * h);
  if (rowK.length < h) rowK = new Int32Array(2 * h);

  // 1. flattened (b = c = 0 when the plane fit is singular: the identity) and smoothed
  const ok = lightingPlane(data, w, h, 2, plane);
  const levelSum = flattenAndSmooth(
    data,
    w,
    h,
    ok ? (plane[0] as number) : 0,
    ok ? (plane[1] as number) : 0,
    hs,
    hs32,
    hsw,
    smooth,
    sw,
    hist,
  );

  // 2. threshold; bright = smooth > t, one bit per pixel
  const t = thr === "otsu" ? otsuSearch(hist, w * h, levelSum) : fixed;
  brightBits(smooth32, sw, w, h, t, bits);

  // 3. polarity (as binarize: the class owning most of the border is the background, on a
  //    tie the smaller class is the character), then foreground bits and moments
  let inverted = polarity === "dark-on-light";
  if (polarity === "auto") {
    const last = (w - 1) >> 5;
    const lastBit = (w - 1) & 31;
    let border = w;
    let bright = countWords(bits, 0, wpr);
    if (h > 1) {
      border += w;
      bright += countWords(bits, (h - 1) * wpr, wpr);
    }
    for (let y = 1; y < h - 1; y++) {
      bright += (bits[y * wpr] as number) & 1;
      border++;
      if (w > 1) {
        bright += ((bits[y * wpr + last] as number) >>> lastBit) & 1;
        border++;
      }
    }
    if (2 * bright !== border) inverted = 2 * bright > border;
    else inverted = 2 * countWords(bits, 0, wpr * h) > w * h;
  }
  let m = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let syy = 0;
  if (wpr === 1) {
    // one word per row: the inversion and the row's moments in one step (per-byte tables)
    const flip = inverted ? (w === 32 ? -1 : (1 << w) - 1) : 0;
    for (let y = 0; y < h; y++) {
      const word = (bits[y] as number) ^ flip;
      bits[y] = word;
      if (word === 0) continue;
      const b0 = word & 255;
      const b1 = (word >>> 8) & 255;
      const b2 = (word >>> 16) & 255;
      const b3 = word >>> 24;
      const p1 = POP8[b1] as number;
      const p2 = POP8[b2] as number;
      const p3 = POP8[b3] as number;
      const rm = (POP8[b0] as number) + p1 + p2 + p3;
      const rx =
        (POS8[b0] as number) +
        (POS8[b1] as number) +
        (POS8[b2] as number) +
        (POS8[b3] as number) +
        8 * p1 +
        16 * p2 +
        24 * p3;
      m += rm;
      sx += rx;
      sy += rm * y;
      sxy += rx * y;
      syy += rm * y * y;
    }
  } else {
    if (inverted) {
      const tail = w & 31 ? (1 << (w & 31)) - 1 : -1;
      for (let y = 0; y < h; y++) {
        const r = y * wpr;
        for (let j = 0; j < wpr - 1; j++) bits[r + j] = ~(bits[r + j] as number);
        bits[r + wpr - 1] = ~(bits[r + wpr - 1] as number) & tail;
      }
    }
    for (let y = 0; y < h; y++) {
      let rm = 0;
      let rx = 0;
      for (let j = 0; j < wpr; j++) {
        const word = bits[y * wpr + j] as number;
        if (word === 0) continue;
        for (let s = 0; s < 32; s += 8) {
          const b = (word >>> s) & 255;
          const p = POP8[b] as number;
          rm += p;
          rx += (POS8[b] as number) + (32 * j + s) * p;
        }
      }
      m += rm;
      sx += rx;
      sy += rm * y;
      sxy += rx * y;
      syy += rm * y * y;
    }
  }
  const out = new Float32Array(25);
  if (m === 0) return out;

  // 4. the deskew (as deskew() computes it): output row y is input row y shifted by k(y),
  //    clipped to the widened frame: output x = input x − k for input x in [max(k, 0), hi)
  const cy = sy / m;
  const mu11 = sxy - (sx * sy) / m;
  const mu02 = syy - (sy * sy) / m;
  const skew = mu02 > 1e-9 ? mu11 / mu02 : 0;
  const pad = Math.ceil((Math.abs(skew) * h) / 2) + 1;
  const Wd = w + 2 * pad;

  // 5. bounding box of the deskewed foreground, in output coordinates
  let x0 = Wd;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  for (let y = 0; y < h; y++) {
    const k = Math.round(skew * (y - cy)) - pad;
    rowK[y] = k;
    const lo = Math.max(k, 0);
    const hi = Math.min(Wd + k, w);
    if (hi <= lo) continue;
    let f: number;
    let l: number;
    if (wpr === 1) {
      const word = (bits[y] as number) & span(lo, hi);
      if (word === 0) continue;
      f = 31 - Math.clz32(word & -word);
      l = 31 - Math.clz32(word);
    } else {
      f = firstSet(bits, y * wpr, lo, hi);
      if (f < 0) continue;
      l = lastSet(bits, y * wpr, lo, hi);
    }
    if (f - k < x0) x0 = f - k;
    if (l - k > x1) x1 = l - k;
    if (y0 > y) y0 = y;
    y1 = y;
  }
  if (x1 < 0) return out;

  // 6. the crop box (bx, by, bw, bh) placed at (ox, oy) in a W x H frame
  let bx = 0;
  let by = 0;
  let bw = Wd;
  let bh = h;
  let W = Wd;
  let H = h;
  let ox = 0;
  let oy = 0;
  if (!noCrop) {
    bx = x0;
    by = y0;
    bw = x1 - x0 + 1;
    bh = y1 - y0 + 1;
    const side = Math.max(bw, bh);
    W = keepAspect ? side : bw;
    H = keepAspect ? side : bh;
    ox = (W - bw) >> 1;
    oy = (H - bh) >> 1;
  }

  // 7. the 5x5 grid: per row, 5 x (ink left of each cell edge), exact integers (as
  //    gridOfRegion), from counts over the row's valid input range [lo, hi) only
  const ty = cachedOverlaps(H, 5);
  const ys = ty.start;
  const yc = ty.cell;
  const yl = ty.len;
  const { q: qx, r: rem } = cachedBounds(W, 5);
  acc.fill(0);
  const q1 = qx[1] as number;
  const q2 = qx[2] as number;
  const q3 = qx[3] as number;
  const q4 = qx[4] as number;
  for (let y = by; y < by + bh; y++) {
    const k = rowK[y] as number;
    const lo = Math.max(k, 0);
    const hi = Math.min(Wd + k, w);
    if (hi <= lo) continue;
    const shift = bx + k - ox; // input x of frame column 0
    let r0: number;
    let r1: number;
    let r2: number;
    let r3: number;
    let r4: number;
    if (wpr === 1) {
      // one word per row (w ≤ 32): the row's valid bits in a register. An edge left of lo has
      // no ink left of it, one at or past hi all of it; in between, 5·(ink left of x) plus the
      // fraction `rem` of pixel x (the bits left of the box are zero: no edge cases needed)
      const word = (bits[y] as number) & span(lo, hi);
      if (word === 0) continue;
      const all = 5 * pop32(word);
      let x = q1 + shift;
      const v1 =
        x < lo
          ? 0
          : x >= hi
            ? all
            : 5 * pop32(word & ((1 << x) - 1)) + (rem[1] as number) * ((word >>> x) & 1);
      x = q2 + shift;
      const v2 =
        x < lo
          ? 0
          : x >= hi
            ? all
            : 5 * pop32(word & ((1 << x) - 1)) + (rem[2] as number) * ((word >>> x) & 1);
      x = q3 + shift;
      const v3 =
        x < lo
          ? 0
          : x >= hi
            ? all
            : 5 * pop32(word & ((1 << x) - 1)) + (rem[3] as number) * ((word >>> x) & 1);
      x = q4 + shift;
      const v4 =
        x < lo
          ? 0
          : x >= hi
            ? all
            : 5 * pop32(word & ((1 << x) - 1)) + (rem[4] as number) * ((word >>> x) & 1);
      r0 = v1;
      r1 = v2 - v1;
      r2 = v3 - v2;
      r3 = v4 - v3;
      r4 = all - v4;
    } else {
      const r = y * wpr;
      const total = countRange(bits, r, lo, hi);
      if (total === 0) continue;
      let prev = 0;
      for (let e = 1; e <= 5; e++) {
        const lq = (qx[e] as number) - ox;
        let v: number;
        if (lq < 0) v = 0;
        else if (lq >= bw) v = 5 * total;
        else {
          const x = (qx[e] as number) + shift;
          let p0: number;
          let on: number;
          if (x <= lo) p0 = 0;
          else if (x >= hi) p0 = total;
          else p0 = countRange(bits, r, lo, x);
          if (x < lo || x >= hi) on = 0;
          else on = ((bits[r + (x >> 5)] as number) >>> (x & 31)) & 1;
          v = 5 * p0 + (rem[e] as number) * on;
        }
        rowv[e - 1] = v - prev;
        prev = v;
      }
      r0 = rowv[0] as number;
      r1 = rowv[1] as number;
      r2 = rowv[2] as number;
      r3 = rowv[3] as number;
      r4 = rowv[4] as number;
    }
    const py = y - by + oy;
    const end = ys[py + 1] as number;
    for (let j = ys[py] as number; j < end; j++) {
      const o = 5 * (yc[j] as number);
      const l = yl[j] as number;
      acc[o] = (acc[o] as number) + l * r0;
      acc[o + 1] = (acc[o + 1] as number) + l * r1;
      acc[o + 2] = (acc[o + 2] as number) + l * r2;
      acc[o + 3] = (acc[o + 3] as number) + l * r3;
      acc[o + 4] = (acc[o + 4] as number) + l * r4;
    }
  }
  const norm = 1 / (W * H);
  for (let i = 0; i < 25; i++) out[i] = (acc[i] as number) * norm;
  return out;
}

/**
 * Pass 1: flattenLighting's subtraction (the same float steps: `v` starts at
 * 0.5 − (c·(y − my) − b·mx) and loses b per pixel; +0.5 then truncation rounds), the
 * horizontal 3-sums of the result, and one row behind, the vertical sums → boxBlur3's rounded
 * means (into rows of stride sw) and their histogram; returns Σ level × count. The sums of
 * pixel x of row y sit at hs[y·hsw + x + 1] (hsw even), so the interior pairs (1, 2), (3, 4)…
 * are 32-bit aligned and three 32-bit loads give the vertical sums of two pixels (each 16-bit
 * lane ≤ 9·255, no carry). Rows are flattened two at a time (two independent `v` chains).
 */
function flattenAndSmooth(
  data: Uint8Array,
  w: number,
  h: number,
  b: number,
  c: number,
  hs: Uint16Array,
  hs32: Int32Array,
  hsw: number,
  smooth: Uint8Array,
  sw: number,
  hist: Int32Array,
): number {
  hist.fill(0);
  const mx = (w - 1) / 2;
  const my = (h - 1) / 2;
  let y = 0;
  // two rows at a time where possible: two independent `v` chains (float-add latency) per step
  for (; w > 1 && y + 1 < h; y += 2) {
    const row = y * w;
    const hr = y * hsw + 1;
    let v = 0.5 - (c * (y - my) - b * mx);
    let V = 0.5 - (c * (y + 1 - my) - b * mx);
    let u = (data[row] as number) + v;
    let U = (data[row + w] as number) + V;
    v -= b;
    V -= b;
    let f0 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
    let F0 = U < 1 ? 0 : U >= 255 ? 255 : U | 0;
    u = (data[row + 1] as number) + v;
    U = (data[row + w + 1] as number) + V;
    v -= b;
    V -= b;
    let f1 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
    let F1 = U < 1 ? 0 : U >= 255 ? 255 : U | 0;
    hs[hr] = f0 + f1;
    hs[hr + hsw] = F0 + F1;
    let x = 2;
    if (LITTLE_ENDIAN) {
      // pixels x − 1 (odd) and x: one 32-bit store per row
      const half = hsw >> 1;
      for (let p = (hr + 1) >> 1; x + 1 < w; x += 2, p++) {
        u = (data[row + x] as number) + v;
        U = (data[row + w + x] as number) + V;
        v -= b;
        V -= b;
        const f2 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
        const F2 = U < 1 ? 0 : U >= 255 ? 255 : U | 0;
        u = (data[row + x + 1] as number) + v;
        U = (data[row + w + x + 1] as number) + V;
        v -= b;
        V -= b;
        const f3 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
        const F3 = U < 1 ? 0 : U >= 255 ? 255 : U | 0;
        hs32[p] = f0 + f1 + f2 + ((f1 + f2 + f3) << 16);
        hs32[p + half] = F0 + F1 + F2 + ((F1 + F2 + F3) << 16);
        f0 = f2;
        f1 = f3;
        F0 = F2;
        F1 = F3;
      }
    }
    for (; x < w; x++) {
      u = (data[row + x] as number) + v;
      U = (data[row + w + x] as number) + V;
      v -= b;
      V -= b;
      const f2 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
      const F2 = U < 1 ? 0 : U >= 255 ? 255 : U | 0;
      hs[hr + x - 1] = f0 + f1 + f2;
      hs[hr + hsw + x - 1] = F0 + F1 + F2;
      f0 = f1;
      f1 = f2;
      F0 = F1;
      F1 = F2;
    }
    hs[hr + w - 1] = f0 + f1;
    hs[hr + hsw + w - 1] = F0 + F1;
    if (y > 0) smoothRow(hs, hs32, hsw, w, h, y - 1, smooth, sw, hist);
    smoothRow(hs, hs32, hsw, w, h, y, smooth, sw, hist);
  }
  for (; y < h; y++) {
    const row = y * w;
    const hr = y * hsw + 1;
    let v = 0.5 - (c * (y - my) - b * mx);
    let u = (data[row] as number) + v;
    v -= b;
    let f0 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
    if (w === 1) hs[hr] = f0;
    else {
      u = (data[row + 1] as number) + v;
      v -= b;
      let f1 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
      hs[hr] = f0 + f1;
      for (let x = 2; x < w; x++) {
        u = (data[row + x] as number) + v;
        v -= b;
        const f2 = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
        hs[hr + x - 1] = f0 + f1 + f2;
        f0 = f1;
        f1 = f2;
      }
      hs[hr + w - 1] = f0 + f1;
    }
    if (y > 0) smoothRow(hs, hs32, hsw, w, h, y - 1, smooth, sw, hist);
  }
  smoothRow(hs, hs32, hsw, w, h, h - 1, smooth, sw, hist);
  // the second histogram (odd pixels of interior rows) folded into the first; Σ level·count
  let sum = 0;
  for (let i = 0; i < 256; i++) {
    const n = (hist[i] as number) + (hist[256 + i] as number);
    hist[i] = n;
    sum += i * n;
  }
  return sum;
}

function smoothRow(
  hs: Uint16Array,
  hs32: Int32Array,
  hsw: number,
  w: number,
  h: number,
  y: number,
  smooth: Uint8Array,
  sw: number,
  hist: Int32Array,
): void {
  const hr = y * hsw + 1;
  const sr = y * sw;
  if (y > 0 && y < h - 1 && w > 1) {
    const e = q[6] as Uint8Array;
    const m = q[9] as Uint8Array;
    let s = e[(hs[hr] as number) + (hs[hr - hsw] as number) + (hs[hr + hsw] as number)] as number;
    smooth[sr] = s;
    hist[s] = (hist[s] as number) + 1;
    // pixels x, x + 1 (x odd) are the 32-bit element (hr + x) / 2; two histograms, one per
    // lane: no store-to-load chain on runs of equal values
    const half = hsw >> 1;
    let x = 1;
    const pairsEnd = LITTLE_ENDIAN ? w : 0;
    let p = (hr + 1) >> 1;
    for (; x + 4 < pairsEnd; x += 4, p += 2) {
      const a = (hs32[p] as number) + (hs32[p - half] as number) + (hs32[p + half] as number);
      const c =
        (hs32[p + 1] as number) + (hs32[p + 1 - half] as number) + (hs32[p + 1 + half] as number);
      const s0 = m[a & 0xffff] as number;
      const s1 = m[a >>> 16] as number;
      const s2 = m[c & 0xffff] as number;
      const s3 = m[c >>> 16] as number;
      smooth[sr + x] = s0;
      smooth[sr + x + 1] = s1;
      smooth[sr + x + 2] = s2;
      smooth[sr + x + 3] = s3;
      hist[s0] = (hist[s0] as number) + 1;
      hist[256 + s1] = (hist[256 + s1] as number) + 1;
      hist[s2] = (hist[s2] as number) + 1;
      hist[256 + s3] = (hist[256 + s3] as number) + 1;
    }
    for (; x + 2 < pairsEnd; x += 2, p++) {
      const a = (hs32[p] as number) + (hs32[p - half] as number) + (hs32[p + half] as number);
      const s0 = m[a & 0xffff] as number;
      const s1 = m[a >>> 16] as number;
      smooth[sr + x] = s0;
      smooth[sr + x + 1] = s1;
      hist[s0] = (hist[s0] as number) + 1;
      hist[256 + s1] = (hist[256 + s1] as number) + 1;
    }
    for (; x < w - 1; x++) {
      const i = hr + x;
      s = m[(hs[i] as number) + (hs[i - hsw] as number) + (hs[i + hsw] as number)] as number;
      smooth[sr + x] = s;
      hist[s] = (hist[s] as number) + 1;
    }
    const i = hr + w - 1;
    s = e[(hs[i] as number) + (hs[i - hsw] as number) + (hs[i + hsw] as number)] as number;
    smooth[sr + w - 1] = s;
    hist[s] = (hist[s] as number) + 1;
    return;
  }
  if (w > 1 && h > 1) {
    // first or last row: two rows in the mean (4 pixels at the ends, 6 between)
    const other = y > 0 ? hr - hsw : hr + hsw;
    const e = q[4] as Uint8Array;
    const m = q[6] as Uint8Array;
    let s = e[(hs[hr] as number) + (hs[other] as number)] as number;
    smooth[sr] = s;
    hist[s] = (hist[s] as number) + 1;
    for (let x = 1; x < w - 1; x++) {
      s = m[(hs[hr + x] as number) + (hs[other + x] as number)] as number;
      smooth[sr + x] = s;
      hist[s] = (hist[s] as number) + 1;
    }
    s = e[(hs[hr + w - 1] as number) + (hs[other + w - 1] as number)] as number;
    smooth[sr + w - 1] = s;
    hist[s] = (hist[s] as number) + 1;
    return;
  }
  // a one-pixel-high or one-pixel-wide image: the rows and columns beyond the image are left
  // out of the mean
  const up = y > 0 ? hr - hsw : -1;
  const down = y < h - 1 ? hr + hsw : -1;
  const vc = 1 + (up >= 0 ? 1 : 0) + (down >= 0 ? 1 : 0);
  const hc0 = w > 1 ? 2 : 1;
  for (let x = 0; x < w; x++) {
    let sum = hs[hr + x] as number;
    if (up >= 0) sum += hs[up + x] as number;
    if (down >= 0) sum += hs[down + x] as number;
    const hc = x === 0 || x === w - 1 ? hc0 : 3;
    const s = (q[vc * hc] as Uint8Array)[sum] as number;
    smooth[sr + x] = s;
    hist[s] = (hist[s] as number) + 1;
  }
}

/**
 * Pass 2: bit x of row y = smooth > t, four pixels per step. For a byte v = 128·vh + vl and the
 * integer u = floor(t) + 1 = 128·uh + ul (v > t ⇔ v ≥ u), bit 7 of (vl | 128) − ul is vl ≥ ul
 * (no borrow crosses bytes), so v ≥ u is vh OR that (uh = 0) or vh AND that (uh = 1).
 */
function brightBits(
  smooth32: Int32Array,
  sw: number,
  w: number,
  h: number,
  t: number,
  bits: Int32Array,
): void {
  const wpr = (w + 31) >>> 5;
  const u = Math.floor(t) + 1;
  const tail = w & 31 ? (1 << (w & 31)) - 1 : -1;
  if (u <= 0 || u >= 256) {
    // every pixel bright, or none
    for (let y = 0; y < h; y++) {
      for (let j = 0; j < wpr; j++) bits[y * wpr + j] = u <= 0 ? -1 : 0;
      if (u <= 0) bits[y * wpr + wpr - 1] = tail;
    }
    return;
  }
  if (!LITTLE_ENDIAN) {
    const smoothBytes = new Uint8Array(smooth32.buffer);
    for (let y = 0; y < h; y++) {
      for (let j = 0; j < wpr; j++) {
        let word = 0;
        for (let x = 32 * j; x < Math.min(w, 32 * j + 32); x++)
          word |= ((smoothBytes[y * sw + x] as number) >= u ? 1 : 0) << (x & 31);
        bits[y * wpr + j] = word;
      }
    }
    return;
  }
  const ul = (u & 127) * 0x01010101;
  const high = u >= 128;
  const groups = sw >> 2;
  for (let y = 0; y < h; y++) {
    const g0 = y * groups;
    const r = y * wpr;
    for (let j = 0; j < wpr; j++) {
      let word = 0;
      const gEnd = Math.min(groups, 8 * j + 8);
      for (let g = 8 * j; g < gEnd; g++) {
        const v = smooth32[g0 + g] as number;
        const lowGe = ((v | 0x80808080) - ul) & 0x80808080;
        const ge = high ? v & lowGe : (v | lowGe) & 0x80808080;
        // bytes' bit 7 → 4 adjacent bits (the products land on distinct bits, no carries)
        word |= (Math.imul(ge >>> 7, 0x01020408) >>> 24) << (4 * (g & 7));
      }
      bits[r + j] = word;
    }
    bits[r + wpr - 1] = (bits[r + wpr - 1] as number) & tail;
  }
}

function pop32(x: number): number {
  let v = x - ((x >>> 1) & 0x55555555);
  v = (v & 0x33333333) + ((v >>> 2) & 0x33333333);
  return Math.imul((v + (v >>> 4)) & 0x0f0f0f0f, 0x01010101) >>> 24;
}

/** Set bits in the `n` words from `start`. */
function countWords(bits: Int32Array, start: number, n: number): number {
  let c = 0;
  for (let i = start; i < start + n; i++) c += pop32(bits[i] as number);
  return c;
}

/** The bits [a, b) of a word (0 ≤ a < b ≤ 32). */
function span(a: number, b: number): number {
  return (b === 32 ? -1 : (1 << b) - 1) & ~((1 << a) - 1);
}

/** Set bits at x in [a, b) of the bit row starting at word r (a < b). */
function countRange(bits: Int32Array, r: number, a: number, b: number): number {
  const ja = a >> 5;
  const jb = (b - 1) >> 5;
  if (ja === jb) return pop32((bits[r + ja] as number) & span(a & 31, ((b - 1) & 31) + 1));
  let c = pop32((bits[r + ja] as number) & span(a & 31, 32));
  for (let j = ja + 1; j < jb; j++) c += pop32(bits[r + j] as number);
  return c + pop32((bits[r + jb] as number) & span(0, ((b - 1) & 31) + 1));
}

/** The first set x in [a, b) of a bit row, or −1. */
function firstSet(bits: Int32Array, r: number, a: number, b: number): number {
  for (let j = a >> 5; j <= (b - 1) >> 5; j++) {
    const from = j === a >> 5 ? a & 31 : 0;
    const to = j === (b - 1) >> 5 ? ((b - 1) & 31) + 1 : 32;
    const word = (bits[r + j] as number) & span(from, to);
    if (word !== 0) return 32 * j + 31 - Math.clz32(word & -word);
  }
  return -1;
}

/** The last set x in [a, b) of a bit row, or −1. */
function lastSet(bits: Int32Array, r: number, a: number, b: number): number {
  for (let j = (b - 1) >> 5; j >= a >> 5; j--) {
    const from = j === a >> 5 ? a & 31 : 0;
    const to = j === (b - 1) >> 5 ? ((b - 1) & 31) + 1 : 32;
    const word = (bits[r + j] as number) & span(from, to);
    if (word !== 0) return 32 * j + 31 - Math.clz32(word);
  }
  return -1;
}
