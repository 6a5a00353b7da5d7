import { PlateBpError } from "./errors.js";
import type { GrayImage } from "./image-types.js";
import { LITTLE_ENDIAN } from "./internal/endian.js";

/** 256-bin histogram of an 8-bit gray image. */
export function grayHistogram(image: GrayImage): Float64Array {
  const h = new Float64Array(256);
  const d = image.data;
  for (let i = 0; i < d.length; i++) h[d[i] as number] = (h[d[i] as number] as number) + 1;
  return h;
}

/**
 * Otsu's threshold: the level t (0..255) that maximises the between-class variance
 * w0·w1·(μ0 − μ1)² when class 0 is the levels ≤ t and class 1 the levels > t.
 * Ties keep the smallest t (as OpenCV does). Accepts an image or a 256-bin histogram.
 */
export function otsuThreshold(input: GrayImage | ArrayLike<number>): number {
  if ("data" in input && "width" in input) return otsuOfGray((input as GrayImage).data);
  const hist = input;
  if (hist.length !== 256) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `otsuThreshold: a histogram needs 256 bins (one per gray level), got ${hist.length}`,
    );
  }
  let total = 0;
  let sumAll = 0;
  for (let i = 0; i < 256; i++) {
    const c = hist[i] as number;
    if (!(c >= 0)) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `otsuThreshold: histogram bin ${i} is ${c}; counts must be non-negative numbers`,
      );
    }
    total += c;
    sumAll += i * c;
  }
  if (total === 0) return 0;
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let bestT = 0;
  for (let t = 0; t < 256; t++) {
    const c = hist[t] as number;
    w0 += c;
    sum0 += t * c;
    const w1 = total - w0;
    if (w0 === 0 || w1 === 0) continue;
    const mu0 = sum0 / w0;
    const mu1 = (sumAll - sum0) / w1;
    const d = mu0 - mu1;
    const v = (w0 / total) * (w1 / total) * d * d;
    if (v > best) {
      best = v;
      bestT = t;
    }
  }
  return bestT;
}

const scratch = new Int32Array(1024);

/** @internal Otsu over 8-bit pixels (same rule as {@link otsuThreshold}), allocation-free. */
export function otsuOfGray(data: Uint8Array): number {
  // four interleaved histograms break the store-to-load chain on runs of equal pixels
  const h = scratch;
  h.fill(0);
  const n = data.length;
  let i = 0;
  if ((data.byteOffset & 3) === 0 && LITTLE_ENDIAN) {
    // four pixels per 32-bit load
    const words = new Int32Array(data.buffer, data.byteOffset, n >> 2);
    for (let j = 0; j < words.length; j++) {
      const v = words[j] as number;
      const a = v & 255;
      const b = 256 + ((v >>> 8) & 255);
      const c = 512 + ((v >>> 16) & 255);
      const d = 768 + (v >>> 24);
      h[a] = (h[a] as number) + 1;
      h[b] = (h[b] as number) + 1;
      h[c] = (h[c] as number) + 1;
      h[d] = (h[d] as number) + 1;
    }
    i = words.length << 2;
  }
  for (; i + 3 < n; i += 4) {
    const a = data[i] as number;
    const b = 256 + (data[i + 1] as number);
    const c = 512 + (data[i + 2] as number);
    const d = 768 + (data[i + 3] as number);
    h[a] = (h[a] as number) + 1;
    h[b] = (h[b] as number) + 1;
    h[c] = (h[c] as number) + 1;
    h[d] = (h[d] as number) + 1;
  }
  for (; i < n; i++) {
    const a = data[i] as number;
    h[a] = (h[a] as number) + 1;
  }
  let sumAll = 0;
  for (let v = 0; v < 256; v++) {
    const c =
      (h[v] as number) + (h[v + 256] as number) + (h[v + 512] as number) + (h[v + 768] as number);
    h[v] = c;
    sumAll += v * c;
  }
  return otsuSearch(h, n, sumAll);
}

/**
 * @internal Otsu's threshold from the 256 counts in `h[0..255]` of `n` pixels (the rule of
 * {@link otsuThreshold}; `n` must be the sum of the counts, `sumAll` the sum of level × count).
 */
export function otsuSearch(h: Int32Array, n: number, sumAll: number): number {
  let w0 = 0;
  let sum0 = 0;
  let best = -1;
  let bestT = 0;
  for (let t = 0; t < 256; t++) {
    const c = h[t] as number;
    if (c === 0 && t > 0) continue;
    w0 += c;
    sum0 += t * c;
    const w1 = n - w0;
    if (w0 === 0 || w1 === 0) continue;
    const d = sum0 / w0 - (sumAll - sum0) / w1;
    const v = (w0 / n) * (w1 / n) * d * d;
    if (v > best) {
      best = v;
      bestT = t;
    }
  }
  return bestT;
}
