import { PlateBpError } from "./errors.js";
import type { BinaryImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";
import { gridOfRegion } from "./sliding-window-features.js";

/**
 * EasyPR-style character features for an already cropped binary character: the image is reduced
 * to an N x N grid of foreground ratios (area-weighted, as {@link slidingWindowFeatures}); the
 * result is `[column sums (N), row sums (N), the N*N grid row-major]`, each projection divided
 * by its own maximum (all zeros stay zeros). N = 10 gives the 120 numbers EasyPR feeds its ANN.
 */
export function easyprFeatures(image: BinaryImage, size = 10): Float32Array {
  checkDims("easyprFeatures", image);
  return easyprOfRegion(
    image.data,
    image.width,
    0,
    0,
    image.width,
    image.height,
    image.width,
    image.height,
    0,
    0,
    size,
    0,
    0,
  );
}

/** @internal {@link easyprFeatures} of a virtual padded crop (see gridOfRegion). */
export function easyprOfRegion(
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
  size: number,
  t: number,
  inv: number,
): Float32Array {
  if (!Number.isInteger(size) || size < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `easyprFeatures: size must be a positive integer (EasyPR uses 10), got ${String(size)}`,
    );
  }
  const n = size;
  const out = new Float32Array(2 * n + n * n);
  const low = 2 * n;
  gridOfRegion(data, stride, bx, by, bw, bh, W, H, ox, oy, n, n, out, low, t, inv);
  let maxC = 0;
  let maxR = 0;
  for (let i = 0; i < n; i++) {
    let c = 0;
    let r = 0;
    for (let j = 0; j < n; j++) {
      c += out[low + j * n + i] as number;
      r += out[low + i * n + j] as number;
    }
    out[i] = c;
    out[n + i] = r;
    if (c > maxC) maxC = c;
    if (r > maxR) maxR = r;
  }
  for (let i = 0; i < n; i++) {
    if (maxC > 0) out[i] = (out[i] as number) / maxC;
    if (maxR > 0) out[n + i] = (out[n + i] as number) / maxR;
  }
  return out;
}
