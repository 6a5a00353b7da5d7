import { PlateBpError } from "./errors.js";
import type { GrayImage } from "./image-types.js";

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
  const hist = "data" in input && "width" in input ? grayHistogram(input as GrayImage) : input;
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
