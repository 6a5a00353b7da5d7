import { PlateBpError } from "./errors.js";
import type { GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/** A point `[x, y]` in pixels. */
export type Point = readonly [number, number];

/**
 * A plane-to-plane projective map as a row-major 3×3 matrix `[h0 … h8]`: a point (x, y) goes to
 * ((h0 x + h1 y + h2) / w, (h3 x + h4 y + h5) / w) with w = h6 x + h7 y + h8.
 */
export type Homography = Float64Array;

/**
 * The homography taking each of four points `from[i]` to `to[i]` (direct linear transform with
 * h8 = 1: an 8×8 linear system solved by Gaussian elimination with partial pivoting).
 * Throws `INVALID_OPTION` when the points are not four finite pairs or three of them are collinear.
 */
export function solveHomography(from: readonly Point[], to: readonly Point[]): Homography {
  if (
    !Array.isArray(from) ||
    !Array.isArray(to) ||
    from.length !== 4 ||
    to.length !== 4 ||
    ![...from, ...to].every(
      (p) => Array.isArray(p) && p.length === 2 && Number.isFinite(p[0]) && Number.isFinite(p[1]),
    )
  ) {
    throw new PlateBpError(
      "INVALID_OPTION",
      "solveHomography: give exactly four [x, y] points in each list, with finite coordinates",
    );
  }
  // rows: [x y 1 0 0 0 -x u -y u | u] and [0 0 0 x y 1 -x v -y v | v]
  const a = new Float64Array(8 * 9);
  for (let i = 0; i < 4; i++) {
    const [x, y] = from[i] as Point;
    const [u, v] = to[i] as Point;
    a.set([x, y, 1, 0, 0, 0, -x * u, -y * u, u], 2 * i * 9);
    a.set([0, 0, 0, x, y, 1, -x * v, -y * v, v], (2 * i + 1) * 9);
  }
  // scale for the pivot test: the largest coordinate involved
  let scale = 1;
  for (const p of [...from, ...to]) scale = Math.max(scale, Math.abs(p[0]), Math.abs(p[1]));
  for (let c = 0; c < 8; c++) {
    let piv = c;
    for (let r = c + 1; r < 8; r++) {
      if (Math.abs(a[r * 9 + c] as number) > Math.abs(a[piv * 9 + c] as number)) piv = r;
    }
    if (Math.abs(a[piv * 9 + c] as number) < 1e-10 * scale) {
      throw new PlateBpError(
        "INVALID_OPTION",
        "solveHomography: the points are degenerate (three of them on one line); give four corners of a quadrilateral",
      );
    }
    if (piv !== c) {
      for (let k = 0; k < 9; k++) {
        const t = a[c * 9 + k] as number;
        a[c * 9 + k] = a[piv * 9 + k] as number;
        a[piv * 9 + k] = t;
      }
    }
    const d = a[c * 9 + c] as number;
    for (let r = 0; r < 8; r++) {
      if (r === c) continue;
      const f = (a[r * 9 + c] as number) / d;
      if (f === 0) continue;
      for (let k = c; k < 9; k++)
        a[r * 9 + k] = (a[r * 9 + k] as number) - f * (a[c * 9 + k] as number);
    }
  }
  const h = new Float64Array(9);
  for (let r = 0; r < 8; r++) h[r] = (a[r * 9 + 8] as number) / (a[r * 9 + r] as number);
  h[8] = 1;
  return h;
}

/** Where `h` takes the point (x, y). */
export function applyHomography(h: Homography, x: number, y: number): [number, number] {
  const w = (h[6] as number) * x + (h[7] as number) * y + (h[8] as number);
  return [
    ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w,
    ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w,
  ];
}

/** The inverse map (the adjugate, scaled so that its last entry is 1 when it can be). */
export function invertHomography(h: Homography): Homography {
  const [a, b, c, d, e, f, g, k, l] = h as unknown as number[];
  const m = Float64Array.of(
    (e as number) * (l as number) - (f as number) * (k as number),
    (c as number) * (k as number) - (b as number) * (l as number),
    (b as number) * (f as number) - (c as number) * (e as number),
    (f as number) * (g as number) - (d as number) * (l as number),
    (a as number) * (l as number) - (c as number) * (g as number),
    (c as number) * (d as number) - (a as number) * (f as number),
    (d as number) * (k as number) - (e as number) * (g as number),
    (b as number) * (g as number) - (a as number) * (k as number),
    (a as number) * (e as number) - (b as number) * (d as number),
  );
  const s = m[8] as number;
  if (Math.abs(s) > 1e-12) for (let i = 0; i < 9; i++) m[i] = (m[i] as number) / s;
  return m;
}

/**
 * Resample `image` into a `width × height` image whose pixel (x, y) shows the source at
 * `h(x, y)` (so `h` maps output coordinates to source coordinates, pixel centres at integers),
 * bilinear; points outside the source take `fill`, or when it is not given the nearest edge pixel.
 */
export function warpPerspective(
  image: GrayImage,
  h: Homography,
  width: number,
  height: number,
  fill?: number,
): GrayImage {
  checkDims("warpPerspective", image);
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `warpPerspective: the output size must be positive integers, got ${String(width)} x ${String(height)}`,
    );
  }
  const { width: sw, height: sh, data: src } = image;
  const out = new Uint8Array(width * height);
  const h0 = h[0] as number;
  const h1 = h[1] as number;
  const h2 = h[2] as number;
  const h3 = h[3] as number;
  const h4 = h[4] as number;
  const h5 = h[5] as number;
  const h6 = h[6] as number;
  const h7 = h[7] as number;
  const h8 = h[8] as number;
  for (let y = 0; y < height; y++) {
    let nx = (h1 as number) * y + (h2 as number);
    let ny = (h4 as number) * y + (h5 as number);
    let nw = (h7 as number) * y + (h8 as number);
    for (let x = 0; x < width; x++) {
      const u = nx / nw;
      const v = ny / nw;
      nx += h0 as number;
      ny += h3 as number;
      nw += h6 as number;
      let val = fill ?? 0;
      if (fill === undefined || (u > -1 && v > -1 && u < sw && v < sh)) {
        const x0 = Math.floor(u);
        const y0 = Math.floor(v);
        const fx = u - x0;
        const fy = v - y0;
        const xa = x0 < 0 ? 0 : x0 >= sw ? sw - 1 : x0;
        const ya = y0 < 0 ? 0 : y0 >= sh ? sh - 1 : y0;
        const xb = x0 + 1 < 0 ? 0 : x0 + 1 >= sw ? sw - 1 : x0 + 1;
        const yb = y0 + 1 < 0 ? 0 : y0 + 1 >= sh ? sh - 1 : y0 + 1;
        const p00 = src[ya * sw + xa] as number;
        const p01 = src[ya * sw + xb] as number;
        const p10 = src[yb * sw + xa] as number;
        const p11 = src[yb * sw + xb] as number;
        const top = p00 + (p01 - p00) * fx;
        const bot = p10 + (p11 - p10) * fx;
        val = Math.round(top + (bot - top) * fy);
      }
      out[y * width + x] = val;
    }
  }
  return { width, height, data: out };
}
