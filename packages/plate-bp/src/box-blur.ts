import type { GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/**
 * 3×3 mean filter (each output pixel is the rounded mean of the pixels of its 3×3 neighbourhood
 * that lie inside the image). Otsu on the smoothed image gives slightly thicker, less ragged
 * strokes under noise and blur.
 */
export function boxBlur3(image: GrayImage): GrayImage {
  checkDims("boxBlur3", image);
  const n = image.width * image.height;
  return boxBlur3Into(image, new Uint8Array(n), new Uint16Array(n));
}

/** {@link boxBlur3} into `out`, with `hs` as scratch (lengths ≥ width·height). */
function boxBlur3Into(image: GrayImage, out: Uint8Array, hs: Uint16Array): GrayImage {
  const { width: w, height: h, data } = image;
  // horizontal 3-sums (2-sums at the ends), then vertical; each sum divided by its pixel count
  for (let y = 0; y < h; y++) {
    const row = y * w;
    if (w === 1) {
      hs[row] = data[row] as number;
      continue;
    }
    hs[row] = (data[row] as number) + (data[row + 1] as number);
    for (let x = 1; x < w - 1; x++)
      hs[row + x] =
        (data[row + x - 1] as number) + (data[row + x] as number) + (data[row + x + 1] as number);
    hs[row + w - 1] = (data[row + w - 2] as number) + (data[row + w - 1] as number);
  }
  const hc = (x: number) => 1 + (x > 0 ? 1 : 0) + (x < w - 1 ? 1 : 0);
  for (let y = 0; y < h; y++) {
    const vc = 1 + (y > 0 ? 1 : 0) + (y < h - 1 ? 1 : 0);
    const row = y * w;
    const up = y > 0 ? row - w : row;
    const down = y < h - 1 ? row + w : row;
    const useUp = y > 0 ? 1 : 0;
    const useDown = y < h - 1 ? 1 : 0;
    const edge0 = roundedQuotients(vc * hc(0));
    const mid = roundedQuotients(vc * hc(1));
    const edge1 = roundedQuotients(vc * hc(w - 1));
    const sum = (x: number) =>
      (hs[row + x] as number) + useUp * (hs[up + x] as number) + useDown * (hs[down + x] as number);
    out[row] = edge0[sum(0)] as number;
    if (w === 1) continue;
    if (useUp === 1 && useDown === 1) {
      for (let x = 1; x < w - 1; x++)
        out[row + x] = mid[
          (hs[row + x] as number) + (hs[up + x] as number) + (hs[down + x] as number)
        ] as number;
    } else {
      for (let x = 1; x < w - 1; x++) out[row + x] = mid[sum(x)] as number;
    }
    out[row + w - 1] = edge1[sum(w - 1)] as number;
  }
  return { width: w, height: h, data: out.subarray(0, w * h) };
}

// round(s / n) for every sum s of n gray levels (n = 1..9), built once per n
const quotients: Uint8Array[] = [];
/** @internal Table of round(s / n) for s = 0..255·n (Math.round: halves up), cached per n. */
export function roundedQuotients(n: number): Uint8Array {
  let t = quotients[n];
  if (t === undefined) {
    t = new Uint8Array(255 * n + 1);
    for (let s = 0; s < t.length; s++) t[s] = Math.round(s / n);
    quotients[n] = t;
  }
  return t;
}
