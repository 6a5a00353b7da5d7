import type { BinaryImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

export interface DeskewResult extends BinaryImage {
  /** The horizontal shear that was removed: `μ11 / μ02` of the foreground (0 when undefined). */
  readonly skew: number;
}

/**
 * Moment-based deskew of a binary character: with the foreground's centroid (cx, cy) and central
 * moments `μ11 = Σ(x−cx)(y−cy)`, `μ02 = Σ(y−cy)²`, the slant is `s = μ11 / μ02`; the output
 * pixel (x, y) takes the input pixel (x + s·(y − cy), y) (nearest), which makes `μ11` about 0.
 * The image is widened by `ceil(|s|·h/2) + 1` columns on each side so nothing is cut off.
 */
export function deskew(image: BinaryImage): DeskewResult {
  checkDims("deskew", image);
  const { width: w, height: h, data } = image;
  let m = 0;
  let sx = 0;
  let sy = 0;
  let sxy = 0;
  let syy = 0;
  const bin = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let rm = 0;
    let rx = 0;
    for (let x = 0; x < w; x++) {
      const b = (data[row + x] as number) > 0 ? 1 : 0;
      bin[row + x] = b;
      rm += b;
      rx += b * x;
    }
    m += rm;
    sx += rx;
    sy += rm * y;
    sxy += rx * y;
    syy += rm * y * y;
  }
  const cy = m > 0 ? sy / m : 0;
  const mu11 = m > 0 ? sxy - (sx * sy) / m : 0;
  const mu02 = m > 0 ? syy - (sy * sy) / m : 0;
  const skew = mu02 > 1e-9 ? mu11 / mu02 : 0;
  const pad = Math.ceil((Math.abs(skew) * h) / 2) + 1;
  const W = w + 2 * pad;
  const out = new Uint8Array(W * h);
  for (let y = 0; y < h; y++) {
    // output x takes input x + k with k = round(skew·(y − cy)) − pad (integer x: the rounding of
    // x + shift is x + round(shift)), so each row is one shifted copy
    const k = Math.round(skew * (y - cy)) - pad;
    const x0 = Math.max(0, -k);
    const x1 = Math.min(W, w - k);
    if (x1 > x0) out.set(bin.subarray(y * w + x0 + k, y * w + x1 + k), y * W + x0);
  }
  return { width: W, height: h, data: out, skew };
}
