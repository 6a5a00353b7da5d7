import type { GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/**
 * Remove a linear lighting gradient: fit the plane `a + b·x + c·y` by least squares to the
 * pixels of a `ring`-pixel border (the background of a cropped character), subtract it and add
 * back its mean level `a` (clamped to 0..255). A global threshold then sees the same background
 * level everywhere, which Otsu needs when the light falls off across a low-contrast glyph.
 */
export function flattenLighting(image: GrayImage, ring = 2): GrayImage {
  checkDims("flattenLighting", image);
  return flattenLightingInto(image, ring, new Uint8Array(image.width * image.height));
}

/** @internal {@link flattenLighting} written into `out` (length ≥ width·height). */
export function flattenLightingInto(image: GrayImage, ring: number, out: Uint8Array): GrayImage {
  const { width: w, height: h, data } = image;
  if (!lightingPlane(data, w, h, ring, plane)) {
    out.set(data);
    return { width: w, height: h, data: out.subarray(0, w * h) };
  }
  const b = plane[0] as number;
  const c = plane[1] as number;
  const mx = (w - 1) / 2;
  const my = (h - 1) / 2;
  for (let y = 0; y < h; y++) {
    // + 0.5 then truncation = Math.round for the non-negative values that are kept
    let v = 0.5 - (c * (y - my) - b * mx);
    const row = y * w;
    for (let x = 0; x < w; x++) {
      const u = (data[row + x] as number) + v;
      out[row + x] = u < 1 ? 0 : u >= 255 ? 255 : u | 0;
      v -= b;
    }
  }
  return { width: w, height: h, data: out.subarray(0, w * h) };
}

const plane = new Float64Array(2);

/**
 * @internal The slopes of the lighting plane of {@link flattenLighting}: `b` (per x) into
 * `bc[0]`, `c` (per y) into `bc[1]`, for centred coordinates `x − (w−1)/2`, `y − (h−1)/2`.
 * False when the fit is singular (the image is then left as it is).
 */
export function lightingPlane(
  data: Uint8Array,
  w: number,
  h: number,
  ring: number,
  bc: Float64Array,
): boolean {
  const r = Math.max(1, Math.min(ring, Math.floor(w / 2), Math.floor(h / 2)));
  // centred coordinates make the normal equations well conditioned
  const mx = (w - 1) / 2;
  const my = (h - 1) / 2;
  let n = 0;
  let sx = 0;
  let sy = 0;
  let sxx = 0;
  let syy = 0;
  let sxy = 0;
  let sv = 0;
  let sxv = 0;
  let syv = 0;
  for (let y = 0; y < h; y++) {
    const inner = y >= r && y < h - r;
    const Y = y - my;
    // (a 1-pixel-wide image has no interior to jump over: every pixel is border)
    for (let x = 0; x < w; x += inner && x === r - 1 && w > 2 * r ? w - 2 * r + 1 : 1) {
      const v = data[y * w + x] as number;
      const X = x - mx;
      n++;
      sx += X;
      sy += Y;
      sxx += X * X;
      syy += Y * Y;
      sxy += X * Y;
      sv += v;
      sxv += X * v;
      syv += Y * v;
    }
  }
  // solve [[n sx sy] [sx sxx sxy] [sy sxy syy]] [a b c] = [sv sxv syv] by Cramer's rule
  const D = det3(n, sx, sy, sx, sxx, sxy, sy, sxy, syy);
  if (!(Math.abs(D) > 1e-9)) return false;
  bc[0] = det3(n, sv, sy, sx, sxv, sxy, sy, syv, syy) / D;
  bc[1] = det3(n, sx, sv, sx, sxx, sxv, sy, sxy, syv) / D;
  return true;
}

function det3(
  a: number,
  b: number,
  c: number,
  d: number,
  e: number,
  f: number,
  g: number,
  hh: number,
  i: number,
): number {
  return a * (e * i - f * hh) - b * (d * i - f * g) + c * (d * hh - e * g);
}
