import jpeg from "jpeg-js";
import { PlateBpError } from "./errors.js";
import type { GlyphFont } from "./glyph-font.js";
import type { GrayImage, RasterImage } from "./image-types.js";
import {
  CHAR_H,
  CHAR_W,
  CHAR_X,
  CHAR_Y,
  DOT_R,
  DOT_X,
  FRAME_INNER,
  FRAME_OUTER,
  MAX_INK_W,
  PLATE_H,
  PLATE_W,
} from "./internal/plate-geometry.js";
import { createRng, type Rng } from "./internal/prng.js";
import { gaussianBlur, type Polygon, rasterizePolygons } from "./internal/rasterize.js";
import { placeGlyph } from "./render-character.js";
import { toGrayscale } from "./to-grayscale.js";

type Range = readonly [min: number, max: number];

/**
 * Ranges of a camera view of a plate (each drawn uniformly per plate). Distances on the plate are
 * in millimetres of the 440 × 140 mm plate.
 */
export interface CameraViewRanges {
  /** Resolution in pixels per mm of the plate (0.35–0.6: the plate 154–264 pixels wide). */
  readonly pxPerMm: Range;
  /** Rotation of the plate in the image, degrees. */
  readonly rotationDeg: Range;
  /**
   * Perspective: how far each of the four corners of the crop lies outside the plate, as a
   * fraction of the plate's width (horizontally) and height (vertically), drawn independently for
   * each corner and axis. Unequal insets make the plate a general quadrilateral.
   */
  readonly cornerInset: Range;
  /** Gaussian blur sigma in pixels of the output image. */
  readonly blurSigma: Range;
  /** Gaussian noise standard deviation in gray levels (per channel). */
  readonly noiseSigma: Range;
  /** Strength of a linear lighting gradient across the image (0 = even light). */
  readonly lighting: Range;
  /** Probability that the plate has a shadow band. */
  readonly shadowProbability: number;
  /** Width of the shadow band as a fraction of the plate's width (measured at mid-height). */
  readonly shadowWidth: Range;
  /** How much the shadow darkens (0.3 = pixels keep 70% of their value). */
  readonly shadowDarkening: Range;
  /** Probability that a shadow's edges are soft; otherwise they are hard (one pixel). */
  readonly shadowSoftProbability: number;
  /** Width in mm of a soft edge's ramp. */
  readonly shadowSoftEdgeMm: Range;
  /** Slant of the band's edges: mm of horizontal shift per mm of height. */
  readonly shadowSlant: Range;
  /** JPEG quality (an integer drawn from the range) of the round trip; `null`: no JPEG. */
  readonly jpegQuality: Range | null;
}

/**
 * The `camera` preset: how a plate cut out of a photo looks. Perspective with each crop corner up
 * to 7% of the plate outside it, rotation up to ±7°, 0.35–0.6 px/mm, blur σ ≤ 1.3, noise σ ≤ 16,
 * a lighting gradient up to 0.2, a shadow on every plate over 20–50% of its width darkening it by
 * 25–50% (edges hard or soft, slanted up to 0.35 mm per mm), and a JPEG round trip (jpeg-js,
 * baseline, no chroma subsampling) at quality 35–75.
 */
export const CAMERA_VIEW_PRESET: CameraViewRanges = {
  pxPerMm: [0.35, 0.6],
  rotationDeg: [-7, 7],
  cornerInset: [0, 0.07],
  blurSigma: [0, 1.3],
  noiseSigma: [0, 16],
  lighting: [0, 0.2],
  shadowProbability: 1,
  shadowWidth: [0.2, 0.5],
  shadowDarkening: [0.25, 0.5],
  shadowSoftProbability: 0.5,
  shadowSoftEdgeMm: [5, 40],
  shadowSlant: [-0.35, 0.35],
  jpegQuality: [35, 75],
};

type QuadPoint = readonly [x: number, y: number];

/**
 * Four corners `[x, y]` of a plate in the order top-left, top-right, bottom-right, bottom-left
 * (clockwise from the top left), in image pixels with pixel centres at integer coordinates.
 */
export type PlateCorners = readonly [QuadPoint, QuadPoint, QuadPoint, QuadPoint];

/** The shadow band actually drawn, in plate millimetres. */
export interface CameraShadow {
  /** Left edge of the band at the plate's mid-height (mm from the plate's left edge). */
  readonly start: number;
  /** Width of the band (mm). */
  readonly width: number;
  /** Fraction of brightness removed inside the band. */
  readonly darkening: number;
  /** Ramp width of the edges in mm (hard edges: one output pixel). */
  readonly edgeMm: number;
  readonly soft: boolean;
  /** Horizontal shift of the edges per mm of height. */
  readonly slant: number;
}

/** One concrete draw of every camera-view parameter. */
export interface CameraView {
  readonly pxPerMm: number;
  readonly rotationDeg: number;
  /** Insets of the crop corners (TL, TR, BR, BL) as [fraction of width, fraction of height]. */
  readonly cornerInsets: readonly (readonly [number, number])[];
  readonly blurSigma: number;
  readonly noiseSigma: number;
  readonly lighting: number;
  readonly lightingAngle: number;
  readonly shadow: CameraShadow | null;
  /** The JPEG quality used, or null when there was no JPEG round trip. */
  readonly jpegQuality: number | null;
  readonly background: readonly [number, number, number];
  readonly plateColour: readonly [number, number, number];
  readonly inkColour: readonly [number, number, number];
}

export interface CameraPlate {
  /** The crop as the camera sees it: RGB, 3 channels. */
  readonly image: RasterImage;
  /**
   * The plate's outer corners in the image (top-left, top-right, bottom-right, bottom-left of the
   * 440 × 140 mm plate), in pixel coordinates where pixel (x, y)'s centre is the point (x, y).
   */
  readonly quad: PlateCorners;
  /**
   * Row-major 3×3 homography from plate millimetres ((0, 0) = the plate's top-left corner, x to the
   * right, y down) to image pixel coordinates (same convention as `quad`).
   */
  readonly plateToImage: Float64Array;
  readonly view: CameraView;
}

export interface RenderCameraPlateOptions {
  /** Default 0; same seed, same image (byte for byte). */
  seed?: number;
  /** Default {@link CAMERA_VIEW_PRESET}. */
  ranges?: CameraViewRanges;
}

// ---------------------------------------------------------------- homographies (internal)

/** @internal Square (0,0),(1,0),(1,1),(0,1) → quad, row-major 3×3 (projective mapping, closed form). */
export function squareToQuad(q: PlateCorners): Float64Array {
  const [[x0, y0], [x1, y1], [x2, y2], [x3, y3]] = q;
  const sx = x0 - x1 + x2 - x3;
  const sy = y0 - y1 + y2 - y3;
  if (Math.abs(sx) < 1e-12 && Math.abs(sy) < 1e-12) {
    return Float64Array.of(x1 - x0, x3 - x0, x0, y1 - y0, y3 - y0, y0, 0, 0, 1);
  }
  const dx1 = x1 - x2;
  const dx2 = x3 - x2;
  const dy1 = y1 - y2;
  const dy2 = y3 - y2;
  const den = dx1 * dy2 - dx2 * dy1;
  if (Math.abs(den) < 1e-12) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `camera view: degenerate quadrilateral ${JSON.stringify(q)}; give four corners of a convex quadrilateral`,
    );
  }
  const g = (sx * dy2 - dx2 * sy) / den;
  const h = (dx1 * sy - sx * dy1) / den;
  return Float64Array.of(
    x1 - x0 + g * x1,
    x3 - x0 + h * x3,
    x0,
    y1 - y0 + g * y1,
    y3 - y0 + h * y3,
    y0,
    g,
    h,
    1,
  );
}

/** @internal The inverse of a 3×3 matrix (adjugate / determinant). */
export function invert3(m: Float64Array): Float64Array {
  const [a, b, c, d, e, f, g, h, i] = m as unknown as number[];
  const A = (e as number) * (i as number) - (f as number) * (h as number);
  const B = (f as number) * (g as number) - (d as number) * (i as number);
  const C = (d as number) * (h as number) - (e as number) * (g as number);
  const det = (a as number) * A + (b as number) * B + (c as number) * C;
  if (!(Math.abs(det) > 1e-300)) {
    throw new PlateBpError("INVALID_OPTION", "camera view: singular homography (determinant 0)");
  }
  return Float64Array.of(
    A / det,
    ((c as number) * (h as number) - (b as number) * (i as number)) / det,
    ((b as number) * (f as number) - (c as number) * (e as number)) / det,
    B / det,
    ((a as number) * (i as number) - (c as number) * (g as number)) / det,
    ((c as number) * (d as number) - (a as number) * (f as number)) / det,
    C / det,
    ((b as number) * (g as number) - (a as number) * (h as number)) / det,
    ((a as number) * (e as number) - (b as number) * (d as number)) / det,
  );
}

/** @internal Row-major 3×3 product `p · q`. */
export function multiply3(p: Float64Array, q: Float64Array): Float64Array {
  const r = new Float64Array(9);
  for (let i = 0; i < 3; i++)
    for (let j = 0; j < 3; j++) {
      let s = 0;
      for (let k = 0; k < 3; k++) s += (p[i * 3 + k] as number) * (q[k * 3 + j] as number);
      r[i * 3 + j] = s;
    }
  return r;
}

/** @internal The homography taking quad `from` to quad `to` (corner i to corner i). */
export function quadToQuad(from: PlateCorners, to: PlateCorners): Float64Array {
  return multiply3(squareToQuad(to), invert3(squareToQuad(from)));
}

/** @internal Where the homography `m` takes (x, y). */
export function mapPoint(m: Float64Array, x: number, y: number): [number, number] {
  const w = (m[6] as number) * x + (m[7] as number) * y + (m[8] as number);
  return [
    ((m[0] as number) * x + (m[1] as number) * y + (m[2] as number)) / w,
    ((m[3] as number) * x + (m[4] as number) * y + (m[5] as number)) / w,
  ];
}

// ---------------------------------------------------------------- validation

function checkRange(name: string, r: unknown, lo: number, hi: number): Range {
  if (
    !Array.isArray(r) ||
    r.length !== 2 ||
    !Number.isFinite(r[0]) ||
    !Number.isFinite(r[1]) ||
    (r[0] as number) > (r[1] as number) ||
    (r[0] as number) < lo ||
    (r[1] as number) > hi
  ) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `camera view: ${name} must be a [min, max] range with ${lo} ≤ min ≤ max ≤ ${hi}, got ${JSON.stringify(r)}`,
    );
  }
  return r as unknown as Range;
}

function checkProbability(name: string, p: unknown): number {
  if (typeof p !== "number" || !(p >= 0 && p <= 1)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `camera view: ${name} must be a probability in [0, 1], got ${JSON.stringify(p)}`,
    );
  }
  return p;
}

/** @internal Throws INVALID_OPTION naming the first bad field. */
export function checkCameraRanges(r: CameraViewRanges): CameraViewRanges {
  if (typeof r !== "object" || r === null) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `camera view: ranges must be an object like CAMERA_VIEW_PRESET, got ${JSON.stringify(r)}`,
    );
  }
  checkRange("pxPerMm", r.pxPerMm, 0.1, 10);
  checkRange("rotationDeg", r.rotationDeg, -45, 45);
  checkRange("cornerInset", r.cornerInset, 0, 0.3);
  checkRange("blurSigma", r.blurSigma, 0, 10);
  checkRange("noiseSigma", r.noiseSigma, 0, 128);
  checkRange("lighting", r.lighting, 0, 0.9);
  checkProbability("shadowProbability", r.shadowProbability);
  checkRange("shadowWidth", r.shadowWidth, 0, 1);
  checkRange("shadowDarkening", r.shadowDarkening, 0, 1);
  checkProbability("shadowSoftProbability", r.shadowSoftProbability);
  checkRange("shadowSoftEdgeMm", r.shadowSoftEdgeMm, 0, PLATE_W);
  checkRange("shadowSlant", r.shadowSlant, -2, 2);
  if (r.jpegQuality !== null) {
    const [lo, hi] = checkRange("jpegQuality", r.jpegQuality, 1, 100);
    if (Math.ceil(lo) > Math.floor(hi)) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `camera view: jpegQuality must contain a whole quality level, got ${JSON.stringify(r.jpegQuality)}`,
      );
    }
  }
  return r;
}

// ---------------------------------------------------------------- drawing the parameters

function drawView(r: CameraViewRanges, rng: Rng): CameraView {
  // the order of the draws is part of the output: append new draws at the end only
  const u = (x: Range) => rng.uniform(x[0], x[1]);
  const pxPerMm = u(r.pxPerMm);
  const rotationDeg = u(r.rotationDeg);
  const insets: [number, number][] = [];
  for (let i = 0; i < 4; i++) insets.push([u(r.cornerInset), u(r.cornerInset)]);
  const blurSigma = u(r.blurSigma);
  const noiseSigma = u(r.noiseSigma);
  const lighting = u(r.lighting);
  const lightingAngle = rng.uniform(0, 2 * Math.PI);
  const hasShadow = rng.next() < r.shadowProbability;
  const width = u(r.shadowWidth) * PLATE_W;
  const darkening = u(r.shadowDarkening);
  const soft = rng.next() < r.shadowSoftProbability;
  const softEdge = u(r.shadowSoftEdgeMm);
  const slant = u(r.shadowSlant);
  const start = rng.uniform(0, PLATE_W - width);
  // drawn even when unused, so that switching the shadow or the JPEG off changes nothing else
  const q = r.jpegQuality ?? [75, 75];
  const qDraw = u(q);
  const quality =
    r.jpegQuality === null
      ? null
      : Math.min(Math.floor(q[1]), Math.max(Math.ceil(q[0]), Math.round(qDraw)));
  // background: a gray with a slight tint (never as saturated as the plate's blue)
  const grey = rng.uniform(45, 210);
  const background: [number, number, number] = [
    grey + rng.uniform(-20, 20),
    grey + rng.uniform(-20, 20),
    grey + rng.uniform(-20, 20),
  ];
  const plateColour: [number, number, number] = [
    20 + rng.uniform(0, 30),
    50 + rng.uniform(0, 40),
    150 + rng.uniform(0, 60),
  ];
  const inkColour: [number, number, number] = [
    215 + rng.uniform(0, 35),
    215 + rng.uniform(0, 35),
    215 + rng.uniform(0, 35),
  ];
  return {
    pxPerMm,
    rotationDeg,
    cornerInsets: insets,
    blurSigma,
    noiseSigma,
    lighting,
    lightingAngle,
    shadow: hasShadow
      ? { start, width, darkening, edgeMm: soft ? softEdge : 0, soft, slant }
      : null,
    jpegQuality: quality,
    background,
    plateColour,
    inkColour,
  };
}

// ---------------------------------------------------------------- rendering

function rectMm(x0: number, y0: number, x1: number, y1: number, cw: boolean): Polygon {
  return cw ? [x0, y0, x1, y0, x1, y1, x0, y1] : [x0, y0, x0, y1, x1, y1, x1, y0];
}

/** The frame, the separator dot and the 7 glyphs, in plate millimetres (y down). */
function plateInkMm(font: GlyphFont, chars: readonly string[]): Polygon[] {
  const polys: Polygon[] = [];
  polys.push(rectMm(FRAME_OUTER, FRAME_OUTER, PLATE_W - FRAME_OUTER, PLATE_H - FRAME_OUTER, true));
  polys.push(rectMm(FRAME_INNER, FRAME_INNER, PLATE_W - FRAME_INNER, PLATE_H - FRAME_INNER, false));
  const dot: number[] = [];
  for (let i = 0; i < 16; i++) {
    const t = (2 * Math.PI * i) / 16;
    dot.push(DOT_X + DOT_R * Math.cos(t), PLATE_H / 2 + DOT_R * Math.sin(t));
  }
  polys.push(dot);
  const still = { rotationDeg: 0, shear: 0, scale: 1, aspect: 1, translateX: 0, translateY: 0 };
  for (let i = 0; i < 7; i++) {
    const cx = (CHAR_X[i] as number) + CHAR_W / 2;
    polys.push(...placeGlyph(font, chars[i] as string, still, cx, PLATE_H / 2, CHAR_H, MAX_INK_W));
  }
  return polys;
}

/** Smooth low-frequency texture in [-1, 1]: bilinear interpolation of a coarse random grid. */
function valueNoise(width: number, height: number, cell: number, rng: Rng): Float32Array {
  const gw = Math.ceil(width / cell) + 2;
  const gh = Math.ceil(height / cell) + 2;
  const grid = new Float32Array(gw * gh);
  for (let i = 0; i < grid.length; i++) grid[i] = 2 * rng.next() - 1;
  const out = new Float32Array(width * height);
  for (let y = 0; y < height; y++) {
    const gy = y / cell;
    const iy = Math.floor(gy);
    const fy = gy - iy;
    for (let x = 0; x < width; x++) {
      const gx = x / cell;
      const ix = Math.floor(gx);
      const fx = gx - ix;
      const a = grid[iy * gw + ix] as number;
      const b = grid[iy * gw + ix + 1] as number;
      const c = grid[(iy + 1) * gw + ix] as number;
      const d = grid[(iy + 1) * gw + ix + 1] as number;
      out[y * width + x] = (a + (b - a) * fx) * (1 - fy) + (c + (d - c) * fx) * fy;
    }
  }
  return out;
}

/**
 * Render a plate as a camera sees it: the flat plate of {@link renderPlate} (blue, 7 white
 * characters, frame, separator dot), rotated, seen in perspective on a textured gray background,
 * at low resolution, with lighting, a shadow band, blur, noise and a JPEG round trip (jpeg-js).
 * Deterministic for a seed. Returns the image, the plate's corners in it and the homography.
 */
export function renderCameraPlate(
  font: GlyphFont,
  text: string,
  options: RenderCameraPlateOptions = {},
): CameraPlate {
  const chars = [...(text ?? "")];
  if (chars.length !== 7) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderCameraPlate: text must have 7 characters, got ${JSON.stringify(text)} (${chars.length})`,
    );
  }
  const seed = options.seed ?? 0;
  if (!Number.isFinite(seed)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderCameraPlate: seed must be a finite number, got ${String(seed)}`,
    );
  }
  const ranges = checkCameraRanges(options.ranges ?? CAMERA_VIEW_PRESET);
  const rng = createRng(seed, 424243);
  const v = drawView(ranges, rng);

  // geometry, in plate mm: the plate rotated about its centre, its bounding box, and the crop:
  // the box with each corner pushed outward by its inset
  const th = (v.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const cxm = PLATE_W / 2;
  const cym = PLATE_H / 2;
  const rot = (x: number, y: number): [number, number] => [
    cxm + cos * (x - cxm) - sin * (y - cym),
    cym + sin * (x - cxm) + cos * (y - cym),
  ];
  const corners: PlateCorners = [
    [0, 0],
    [PLATE_W, 0],
    [PLATE_W, PLATE_H],
    [0, PLATE_H],
  ];
  const rotated = corners.map(([x, y]) => rot(x, y));
  const bx0 = Math.min(...rotated.map((p) => p[0]));
  const bx1 = Math.max(...rotated.map((p) => p[0]));
  const by0 = Math.min(...rotated.map((p) => p[1]));
  const by1 = Math.max(...rotated.map((p) => p[1]));
  const ins = v.cornerInsets;
  const iw = (i: number) => (ins[i] as readonly [number, number])[0] * PLATE_W;
  const ih = (i: number) => (ins[i] as readonly [number, number])[1] * PLATE_H;
  const crop: PlateCorners = [
    [bx0 - iw(0), by0 - ih(0)],
    [bx1 + iw(1), by0 - ih(1)],
    [bx1 + iw(2), by1 + ih(2)],
    [bx0 - iw(3), by1 + ih(3)],
  ];
  const cropW = (crop[1][0] - crop[0][0] + crop[2][0] - crop[3][0]) / 2;
  const cropH = (crop[3][1] - crop[0][1] + crop[2][1] - crop[1][1]) / 2;
  const width = Math.max(8, Math.round(cropW * v.pxPerMm));
  const height = Math.max(8, Math.round(cropH * v.pxPerMm));
  // rotated-plate mm → image pixel edges (pixel (x, y) covers [x, x + 1) × [y, y + 1))
  const cropToImage = quadToQuad(crop, [
    [0, 0],
    [width, 0],
    [width, height],
    [0, height],
  ]);
  // plate mm → rotated mm (an affine map) → image
  const rotM = Float64Array.of(
    cos,
    -sin,
    cxm - cos * cxm + sin * cym,
    sin,
    cos,
    cym - sin * cxm - cos * cym,
    0,
    0,
    1,
  );
  const plateToEdges = multiply3(cropToImage, rotM);
  const toImage = (x: number, y: number) => mapPoint(plateToEdges, x, y);

  // coverage of the plate body and of the white ink
  const plateBody = corners.flatMap(([x, y]) => toImage(x, y));
  const ink = plateInkMm(font, chars).map((p) => {
    const q = new Array<number>(p.length);
    for (let i = 0; i < p.length; i += 2) {
      const [x, y] = toImage(p[i] as number, p[i + 1] as number);
      q[i] = x;
      q[i + 1] = y;
    }
    return q;
  });
  const covPlate = rasterizePolygons([plateBody], width, height);
  const covInk = rasterizePolygons(ink, width, height);

  // shading, per channel, in float: background texture, plate, ink, lighting, shadow
  const texture = valueNoise(width, height, Math.max(6, Math.round(28 * v.pxPerMm * 2)), rng);
  const imageToPlate = invert3(plateToEdges);
  const n = width * height;
  const shadowMask = new Float32Array(n);
  const sh = v.shadow;
  if (sh !== null) {
    // a hard edge is one output pixel wide, in mm
    const ramp = Math.max(sh.edgeMm, 1 / v.pxPerMm);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const [mx, my] = mapPoint(imageToPlate, x + 0.5, y + 0.5);
        const shift = sh.slant * (my - PLATE_H / 2);
        const left = sh.start + shift;
        const right = sh.start + sh.width + shift;
        const a = Math.min(1, Math.max(0, (mx - left) / ramp + 0.5));
        const b = Math.min(1, Math.max(0, (right - mx) / ramp + 0.5));
        shadowMask[y * width + x] = a * b;
      }
    }
  }
  const dx = Math.cos(v.lightingAngle);
  const dy = Math.sin(v.lightingAngle);
  const channels: Float32Array[] = [];
  for (let ch = 0; ch < 3; ch++) {
    const out = new Float32Array(n);
    const bg = v.background[ch] as number;
    const pc = v.plateColour[ch] as number;
    const ic = v.inkColour[ch] as number;
    for (let y = 0; y < height; y++) {
      const ny = (2 * y) / Math.max(1, height - 1) - 1;
      for (let x = 0; x < width; x++) {
        const i = y * width + x;
        const nx = (2 * x) / Math.max(1, width - 1) - 1;
        const cp = covPlate[i] as number;
        const ci = Math.min(cp, covInk[i] as number);
        const back = bg * (1 + 0.18 * (texture[i] as number));
        let val = back * (1 - cp) + pc * (cp - ci) + ic * ci;
        val *= 1 + (v.lighting * (dx * nx + dy * ny)) / Math.SQRT2;
        if (sh !== null) val *= 1 - sh.darkening * (shadowMask[i] as number);
        out[i] = val;
      }
    }
    gaussianBlur(out, width, height, v.blurSigma);
    channels.push(out);
  }
  const rgb = new Uint8Array(n * 3);
  for (let i = 0; i < n; i++) {
    for (let ch = 0; ch < 3; ch++) {
      let val = (channels[ch] as Float32Array)[i] as number;
      if (v.noiseSigma > 0) val += v.noiseSigma * rng.normal();
      rgb[i * 3 + ch] = val < 0 ? 0 : val > 255 ? 255 : Math.round(val);
    }
  }
  const data = v.jpegQuality === null ? rgb : jpegRoundTrip(rgb, width, height, v.jpegQuality);

  // report corners and the homography with pixel centres at integer coordinates
  const half = Float64Array.of(1, 0, -0.5, 0, 1, -0.5, 0, 0, 1);
  const plateToImage = multiply3(half, plateToEdges);
  const quad = corners.map(([x, y]) => mapPoint(plateToImage, x, y)) as unknown as PlateCorners;
  return { image: { width, height, channels: 3, data }, quad, plateToImage, view: v };
}

/** @internal Encode RGB as a baseline JPEG at `quality` with jpeg-js and decode it back to RGB. */
export function jpegRoundTrip(
  rgb: Uint8Array,
  width: number,
  height: number,
  quality: number,
): Uint8Array {
  const rgba = new Uint8Array(width * height * 4);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    rgba[j] = rgb[i * 3] as number;
    rgba[j + 1] = rgb[i * 3 + 1] as number;
    rgba[j + 2] = rgb[i * 3 + 2] as number;
    rgba[j + 3] = 255;
  }
  const encoded = jpeg.encode({ data: rgba, width, height }, quality);
  const decoded = jpeg.decode(encoded.data, { useTArray: true, formatAsRGBA: true });
  if (decoded.width !== width || decoded.height !== height) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `camera view: the JPEG round trip gave ${decoded.width}x${decoded.height}, expected ${width}x${height}`,
    );
  }
  const out = new Uint8Array(width * height * 3);
  for (let i = 0, j = 0; i < width * height; i++, j += 4) {
    out[i * 3] = decoded.data[j] as number;
    out[i * 3 + 1] = decoded.data[j + 1] as number;
    out[i * 3 + 2] = decoded.data[j + 2] as number;
  }
  return out;
}

export interface CameraCharacterCellsOptions extends RenderCameraPlateOptions {
  /**
   * Error of the rectification: each corner of the plate's quadrilateral is moved by up to this
   * many image pixels (uniform, each axis) before the plate is warped back. Default 1.5.
   */
  cornerErrorPx?: number;
  /** Resolution of the rectified plate the cells are cut from, pixels per mm. Default 0.6. */
  rectifiedPxPerMm?: number;
  /** Slack around each 45 × 90 mm cell, mm: the cut's 4 margins are drawn from it. Default [1, 7]. */
  marginMm?: Range;
}

/**
 * The 7 character cells of a camera-view plate, as a reader would cut them after rectifying: the
 * plate of {@link renderCameraPlate} (same seed, same plate) is converted to gray (BT.601), warped
 * back to the flat plate through its quadrilateral with each corner off by up to `cornerErrorPx`,
 * and each cell is cut with margins drawn from `marginMm`. Gray images, left to right.
 */
export function cameraCharacterCells(
  font: GlyphFont,
  text: string | readonly string[],
  options: CameraCharacterCellsOptions = {},
): GrayImage[] {
  const err = options.cornerErrorPx ?? 1.5;
  const r = options.rectifiedPxPerMm ?? 0.6;
  const margin = options.marginMm ?? [1, 7];
  if (!(typeof err === "number" && err >= 0 && err <= 50)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `cameraCharacterCells: cornerErrorPx must be a number of pixels in [0, 50], got ${String(err)}`,
    );
  }
  if (!(typeof r === "number" && r >= 0.1 && r <= 10)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `cameraCharacterCells: rectifiedPxPerMm must be in [0.1, 10], got ${String(r)}`,
    );
  }
  checkRange("marginMm", margin, 0, 20);
  const plate = renderCameraPlate(font, typeof text === "string" ? text : text.join(""), options);
  const rng = createRng(options.seed ?? 0, 424244);
  const gray = toGrayscale(plate.image);
  const moved = plate.quad.map(([qx, qy]) => [
    qx + rng.uniform(-err, err),
    qy + rng.uniform(-err, err),
  ]) as unknown as PlateCorners;
  const toImage = quadToQuad(
    [
      [0, 0],
      [PLATE_W, 0],
      [PLATE_W, PLATE_H],
      [0, PLATE_H],
    ],
    moved,
  );
  const cells: GrayImage[] = [];
  for (let p = 0; p < 7; p++) {
    const u = () => rng.uniform(margin[0], margin[1]);
    const x0 = (CHAR_X[p] as number) - u();
    const x1 = (CHAR_X[p] as number) + CHAR_W + u();
    const y0 = CHAR_Y - u();
    const y1 = CHAR_Y + CHAR_H + u();
    const w = Math.max(2, Math.round((x1 - x0) * r));
    const h = Math.max(2, Math.round((y1 - y0) * r));
    cells.push(sampleQuadRegion(gray, toImage, x0, y0, (x1 - x0) / w, (y1 - y0) / h, w, h));
  }
  return cells;
}

/**
 * A w × h gray image whose pixel (i, j) is the bilinear sample of `src` at `m` applied to the
 * plate point (x0 + (i + 0.5)·sx, y0 + (j + 0.5)·sy); `m` maps plate mm to pixel-centre coordinates.
 */
function sampleQuadRegion(
  src: GrayImage,
  m: Float64Array,
  x0: number,
  y0: number,
  sx: number,
  sy: number,
  w: number,
  h: number,
): GrayImage {
  const { width: sw, height: sh, data } = src;
  const out = new Uint8Array(w * h);
  for (let j = 0; j < h; j++) {
    for (let i = 0; i < w; i++) {
      const [u, v] = mapPoint(m, x0 + (i + 0.5) * sx, y0 + (j + 0.5) * sy);
      const cu = Math.min(Math.max(u, 0), sw - 1);
      const cv = Math.min(Math.max(v, 0), sh - 1);
      const xa = Math.floor(cu);
      const ya = Math.floor(cv);
      const xb = xa + 1 < sw ? xa + 1 : xa;
      const yb = ya + 1 < sh ? ya + 1 : ya;
      const fx = cu - xa;
      const fy = cv - ya;
      const top =
        (data[ya * sw + xa] as number) +
        ((data[ya * sw + xb] as number) - (data[ya * sw + xa] as number)) * fx;
      const bot =
        (data[yb * sw + xa] as number) +
        ((data[yb * sw + xb] as number) - (data[yb * sw + xa] as number)) * fx;
      out[j * w + i] = Math.round(top + (bot - top) * fy);
    }
  }
  return { width: w, height: h, data: out };
}
