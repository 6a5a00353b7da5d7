// Test helper: a flat plate seen through a known projective map, as a camera would: a gray
// background, a shadow band, blur, noise and a JPEG round trip, each optional. Independent of the
// package's homography code: the map is given as the 3x3 matrix taking canvas pixels to plate pixels.
import jpeg from "jpeg-js";
import type { RasterImage } from "../src/index.js";

export interface WarpOptions {
  /** Canvas size in pixels. */
  width: number;
  height: number;
  /** Row-major 3x3 matrix taking a canvas pixel (x, y, 1) to plate pixel coordinates. */
  canvasToPlate: readonly number[];
  /** Gray level of the background (default 140). */
  background?: number;
  /** Darken the pixels between two slanted lines x = x0 + slant·y and x = x1 + slant·y by `factor`. */
  shadow?: { x0: number; x1: number; slant: number; factor: number };
  /** Gaussian blur sigma in canvas pixels (default 0). */
  blur?: number;
  /** Gaussian noise sigma in gray levels (default 0), from a seeded generator. */
  noise?: number;
  seed?: number;
  /** JPEG quality of a round trip (default: none). */
  jpegQuality?: number;
}

/** Where the matrix takes (x, y). */
export function mapPoint(m: readonly number[], x: number, y: number): [number, number] {
  const w = (m[6] as number) * x + (m[7] as number) * y + (m[8] as number);
  return [
    ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / w,
    ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / w,
  ];
}

/** The canvas point that the matrix takes to (u, v): Newton's method on the 2x2 system. */
export function solvePoint(m: readonly number[], u: number, v: number): [number, number] {
  let x = 0;
  let y = 0;
  for (let it = 0; it < 50; it++) {
    const [fu, fv] = mapPoint(m, x, y);
    const e = 1e-4;
    const [ax, ay] = mapPoint(m, x + e, y);
    const [bx, by] = mapPoint(m, x, y + e);
    const j00 = (ax - fu) / e;
    const j10 = (ay - fv) / e;
    const j01 = (bx - fu) / e;
    const j11 = (by - fv) / e;
    const det = j00 * j11 - j01 * j10;
    const ru = u - fu;
    const rv = v - fv;
    x += (j11 * ru - j01 * rv) / det;
    y += (-j10 * ru + j00 * rv) / det;
  }
  return [x, y];
}

function rng(seed: number): () => number {
  let a = (seed * 2654435761) >>> 0 || 1;
  return () => {
    a ^= a << 13;
    a >>>= 0;
    a ^= a >>> 17;
    a ^= a << 5;
    a >>>= 0;
    return a / 4294967296;
  };
}

/** The RGB plate seen through the map: 2x2 supersampling with bilinear reads, then the effects. */
export function warpPlate(plate: RasterImage, o: WarpOptions): RasterImage {
  const { width: W, height: H, canvasToPlate: m } = o;
  const bg = o.background ?? 140;
  const pw = plate.width;
  const ph = plate.height;
  const ch = plate.channels;
  const out = new Float64Array(W * H * 3);
  const sample = (u: number, v: number, c: number): number => {
    // plate pixel centres at integers; outside the plate: background
    if (u < -0.5 || v < -0.5 || u > pw - 0.5 || v > ph - 0.5) return bg;
    const x0 = Math.max(0, Math.min(pw - 1, Math.floor(u)));
    const y0 = Math.max(0, Math.min(ph - 1, Math.floor(v)));
    const x1 = Math.min(pw - 1, x0 + 1);
    const y1 = Math.min(ph - 1, y0 + 1);
    const fx = Math.max(0, Math.min(1, u - x0));
    const fy = Math.max(0, Math.min(1, v - y0));
    const p = (x: number, y: number) =>
      plate.data[(y * pw + x) * ch + Math.min(c, ch - 1)] as number;
    const top = p(x0, y0) * (1 - fx) + p(x1, y0) * fx;
    const bot = p(x0, y1) * (1 - fx) + p(x1, y1) * fx;
    return top * (1 - fy) + bot * fy;
  };
  for (let y = 0; y < H; y++) {
    for (let x = 0; x < W; x++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (const [dx, dy] of [
          [-0.25, -0.25],
          [0.25, -0.25],
          [-0.25, 0.25],
          [0.25, 0.25],
        ] as const) {
          const [u, v] = mapPoint(m, x + dx, y + dy);
          s += sample(u, v, c);
        }
        out[(y * W + x) * 3 + c] = s / 4;
      }
    }
  }
  if (o.shadow) {
    const { x0, x1, slant, factor } = o.shadow;
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        const xs = x - slant * y;
        if (xs >= x0 && xs < x1)
          for (let c = 0; c < 3; c++)
            out[(y * W + x) * 3 + c] = (out[(y * W + x) * 3 + c] as number) * factor;
      }
    }
  }
  const sigma = o.blur ?? 0;
  if (sigma > 0) {
    const r = Math.ceil(3 * sigma);
    const k: number[] = [];
    for (let i = -r; i <= r; i++) k.push(Math.exp(-(i * i) / (2 * sigma * sigma)));
    const ks = k.reduce((a, b) => a + b, 0);
    const tmp = new Float64Array(out.length);
    for (let pass = 0; pass < 2; pass++) {
      const src = pass === 0 ? out : tmp;
      const dst = pass === 0 ? tmp : out;
      for (let y = 0; y < H; y++) {
        for (let x = 0; x < W; x++) {
          for (let c = 0; c < 3; c++) {
            let a = 0;
            for (let i = -r; i <= r; i++) {
              const xx = pass === 0 ? Math.max(0, Math.min(W - 1, x + i)) : x;
              const yy = pass === 1 ? Math.max(0, Math.min(H - 1, y + i)) : y;
              a += (k[i + r] as number) * (src[(yy * W + xx) * 3 + c] as number);
            }
            dst[(y * W + x) * 3 + c] = a / ks;
          }
        }
      }
    }
  }
  const rand = rng(o.seed ?? 1);
  const noise = o.noise ?? 0;
  const rgba = new Uint8Array(W * H * 4);
  for (let i = 0; i < W * H; i++) {
    for (let c = 0; c < 3; c++) {
      let v = out[i * 3 + c] as number;
      if (noise > 0) {
        // Box–Muller
        const u1 = Math.max(rand(), 1e-12);
        const u2 = rand();
        v += noise * Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
      }
      rgba[i * 4 + c] = Math.max(0, Math.min(255, Math.round(v)));
    }
    rgba[i * 4 + 3] = 255;
  }
  if (o.jpegQuality !== undefined) {
    const enc = jpeg.encode({ width: W, height: H, data: Buffer.from(rgba) }, o.jpegQuality);
    const dec = jpeg.decode(enc.data, { useTArray: true, formatAsRGBA: true });
    return { width: W, height: H, channels: 4, data: dec.data };
  }
  return { width: W, height: H, channels: 4, data: rgba };
}

/**
 * A canvas-to-plate matrix: the plate (pw x ph pixels) placed with its corners at `corners`
 * (clockwise from the top left, canvas pixels), computed here by the classic square-to-quad
 * construction (Heckbert), not by the package.
 */
export function canvasToPlateFor(
  pw: number,
  ph: number,
  corners: readonly (readonly [number, number])[],
): number[] {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = corners as [
    [number, number],
    [number, number],
    [number, number],
    [number, number],
  ];
  // unit square (0,0),(1,0),(1,1),(0,1) -> quad
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  const g = (sx * dy2 - dx2 * sy) / den;
  const h = (dx1 * sy - sx * dy1) / den;
  const a = x1 - x0 + g * x1;
  const b = x3 - x0 + h * x3;
  const c = x0;
  const d = y1 - y0 + g * y1;
  const e = y3 - y0 + h * y3;
  const f = y0;
  // square -> quad is [a b c; d e f; g h 1]; its adjugate maps quad -> square
  const A = [
    e - f * h,
    c * h - b,
    b * f - c * e,
    f * g - d,
    a - c * g,
    c * d - a * f,
    d * h - e * g,
    b * g - a * h,
    a * e - b * d,
  ];
  // square -> plate pixels: (s, t) -> (s·pw − 0.5, t·ph − 0.5)
  const S = [pw, 0, -0.5, 0, ph, -0.5, 0, 0, 1];
  const out: number[] = [];
  for (let r = 0; r < 3; r++) {
    for (let k = 0; k < 3; k++) {
      let s = 0;
      for (let j = 0; j < 3; j++) s += (S[r * 3 + j] as number) * (A[j * 3 + k] as number);
      out.push(s);
    }
  }
  return out;
}
