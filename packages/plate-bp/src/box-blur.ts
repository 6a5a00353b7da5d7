import type { GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/**
 * 3×3 mean filter (each output pixel is the rounded mean of the pixels of its 3×3 neighbourhood
 * that lie inside the image). Otsu on the smoothed image gives slightly thicker, less ragged
 * strokes under noise and blur.
 */
export function boxBlur3(image: GrayImage): GrayImage {
  checkDims("boxBlur3", image);
  const { width: w, height: h, data } = image;
  // horizontal sums and counts, then vertical
  const hs = new Uint16Array(w * h);
  const hc = new Uint8Array(w);
  for (let x = 0; x < w; x++) hc[x] = 1 + (x > 0 ? 1 : 0) + (x < w - 1 ? 1 : 0);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = data[row + x] as number;
      if (x > 0) s += data[row + x - 1] as number;
      if (x < w - 1) s += data[row + x + 1] as number;
      hs[row + x] = s;
    }
  }
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const vc = 1 + (y > 0 ? 1 : 0) + (y < h - 1 ? 1 : 0);
    const row = y * w;
    for (let x = 0; x < w; x++) {
      let s = hs[row + x] as number;
      if (y > 0) s += hs[row - w + x] as number;
      if (y < h - 1) s += hs[row + w + x] as number;
      out[row + x] = Math.round(s / (vc * (hc[x] as number)));
    }
  }
  return { width: w, height: h, data: out };
}
