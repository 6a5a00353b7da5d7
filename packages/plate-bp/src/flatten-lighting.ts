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

/** {@link flattenLighting} written into `out` (length ≥ width·height). */
function flattenLightingInto(image: GrayImage, ring: number, out: Uint8Array): GrayImage {
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

// the border's geometry sums [n, Σx, Σy, Σx², Σy², Σxy] (centred coordinates) for the last size
const geometry = new Float64Array(6);
let geometryOf = [0, 0, 0]; // its w, h, r

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
  // the border: r full rows at the top and bottom, r pixels at both ends of the other rows
  // (every pixel of the row when those overlap)
  if (geometryOf[0] !== w || geometryOf[1] !== h || geometryOf[2] !== r) {
    geometry.fill(0);
    for (let y = 0; y < h; y++) {
      const skip = y >= r && y < h - r && w > 2 * r;
      for (let x = 0; x < w; x = skip && x === r - 1 ? w - r : x + 1) {
        const X = x - mx;
        const Y = y - my;
        geometry[0] = (geometry[0] as number) + 1;
        geometry[1] = (geometry[1] as number) + X;
        geometry[2] = (geometry[2] as number) + Y;
        geometry[3] = (geometry[3] as number) + X * X;
        geometry[4] = (geometry[4] as number) + Y * Y;
        geometry[5] = (geometry[5] as number) + X * Y;
      }
    }
    geometryOf = [w, h, r];
  }
  // the value sums in integers (every partial sum of the centred products is a multiple of
  // 1/2 far below 2^53, so Σ(x − mx)·v = Σx·v − mx·Σv exactly, in any order)
  let sv = 0;
  let sxv = 0;
  let syv = 0;
  for (let y = 0; y < h; y++) {
    const row = y * w;
    let rv = 0;
    let rxv = 0;
    if (y >= r && y < h - r && w > 2 * r) {
      for (let x = 0; x < r; x++) {
        const a = data[row + x] as number;
        const b = data[row + w - 1 - x] as number;
        rv += a + b;
        rxv += x * a + (w - 1 - x) * b;
      }
    } else {
      for (let x = 0; x < w; x++) {
        const a = data[row + x] as number;
        rv += a;
        rxv += x * a;
      }
    }
    sv += rv;
    sxv += rxv;
    syv += y * rv;
  }
  const n = geometry[0] as number;
  const sx = geometry[1] as number;
  const sy = geometry[2] as number;
  const sxx = geometry[3] as number;
  const syy = geometry[4] as number;
  const sxy = geometry[5] as number;
  const cxv = sxv - mx * sv;
  const cyv = syv - my * sv;
  // solve [[n sx sy] [sx sxx sxy] [sy sxy syy]] [a b c] = [sv sxv syv] by Cramer's rule
  const D = det3(n, sx, sy, sx, sxx, sxy, sy, sxy, syy);
  if (!(Math.abs(D) > 1e-9)) return false;
  bc[0] = det3(n, sv, sy, sx, cxv, sxy, sy, cyv, syy) / D;
  bc[1] = det3(n, sx, sv, sx, sxx, cxv, sy, sxy, cyv) / D;
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
