import { boxBlur3 } from "./box-blur.js";
import { PlateBpError } from "./errors.js";
import {
  applyHomography,
  type Homography,
  type Point,
  solveHomography,
  warpPerspective,
} from "./homography.js";
import type { GrayImage, RasterImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";
import { otsuThreshold } from "./otsu-threshold.js";
import { PLATE_LAYOUT } from "./segment-plate.js";
import { toGrayscale } from "./to-grayscale.js";

/** The four corners of a plate, clockwise from the top left, in image pixels (pixel centres at integers). */
export type Quad = readonly [Point, Point, Point, Point];

/** Where a plate lies in an image. */
export interface PlateQuad {
  /** The plate's outer edge (its 440 × 140 mm), clockwise from the top left, in image pixels. */
  readonly corners: Quad;
  /**
   * `"colour"`: the plate's colour told it from the background, and its edges were fitted to its
   * white frame; `"image"`: no plate-shaped coloured region was found (a gray image, a white
   * plate, a plate cut by the image's edge) and the whole image is taken as the plate, as for a
   * tight crop.
   */
  readonly method: "colour" | "image";
  /** The plate's share of the image area, 0..1. */
  readonly coverage: number;
  /** Width of the plate in image pixels (the mean of its top and bottom edges). */
  readonly width: number;
}

export interface RectifyOptions {
  /** Pixels per millimetre of the rectified plate (default 0.6: 264 × 84 pixels). */
  pixelsPerMm?: number;
  /** The plate's corners; default {@link findPlateQuad}. */
  quad?: PlateQuad;
}

/** A plate warped onto its 440 × 140 mm frame. */
export interface RectifiedPlate {
  /** The gray plate, `round(440·p) × round(140·p)` pixels. */
  readonly image: GrayImage;
  readonly pixelsPerMm: number;
  /** Where the plate was found in the input. */
  readonly quad: PlateQuad;
  /** Maps a pixel of the rectified plate to the input image (pixel centres at integers). */
  readonly toImage: Homography;
}

interface Line {
  // a·x + b·y = c, with (a, b) a unit normal
  a: number;
  b: number;
  c: number;
}

/** The k-th smallest value of `a` (reordered in place): quickselect. */
function select(a: Float64Array, k: number): number {
  let lo = 0;
  let hi = a.length - 1;
  while (lo < hi) {
    const pivot = a[(lo + hi) >> 1] as number;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while ((a[i] as number) < pivot) i++;
      while ((a[j] as number) > pivot) j--;
      if (i <= j) {
        const t = a[i] as number;
        a[i] = a[j] as number;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) hi = j;
    else if (k >= i) lo = i;
    else break;
  }
  return a[k] as number;
}

/** Least-squares line through points (x = f(y) when `vertical`), refit without the outliers. */
function fitLine(xs: number[], ys: number[], vertical: boolean): Line | null {
  // fit v = p·u + q, u the running coordinate
  const u = vertical ? ys : xs;
  const v = vertical ? xs : ys;
  const m = u.length;
  if (m < 3) return null;
  const median = (a: number[]) => {
    const s = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) s[i] = a[i] as number;
    return select(s, s.length >> 1);
  };
  // a robust start (Theil–Sen on the pairs half the points apart), so that a run of outliers at
  // one end cannot tilt the line, then least squares on the points near it
  const half = Math.floor(m / 2);
  const slopes: number[] = [];
  for (let i = 0; i + half < m; i++) {
    const du = (u[i + half] as number) - (u[i] as number);
    if (du !== 0) slopes.push(((v[i + half] as number) - (v[i] as number)) / du);
  }
  if (slopes.length === 0) return null;
  let p = median(slopes);
  let q = median(v.map((b, i) => b - p * (u[i] as number)));
  const residuals = () => u.map((a, i) => Math.abs((v[i] as number) - (p * a + q)));
  let res0 = residuals();
  let keep = res0.map((r) => r <= Math.max(1, 3 * 1.4826 * median(res0)));
  for (let iter = 0; iter < 2; iter++) {
    let n = 0;
    let su = 0;
    let sv = 0;
    let suu = 0;
    let suv = 0;
    for (let i = 0; i < u.length; i++) {
      if (!keep[i]) continue;
      const a = u[i] as number;
      const b = v[i] as number;
      n++;
      su += a;
      sv += b;
      suu += a * a;
      suv += a * b;
    }
    if (n < 3) return null;
    const den = n * suu - su * su;
    if (Math.abs(den) < 1e-9) return null;
    p = (n * suv - su * sv) / den;
    q = (sv - p * su) / n;
    res0 = residuals();
    const lim = Math.max(1, 3 * 1.4826 * median(res0.filter((_, i) => keep[i])));
    keep = res0.map((r) => r <= lim);
  }
  // v = p u + q  →  −p·u + v = q
  const norm = Math.hypot(p, 1);
  return vertical
    ? { a: 1 / norm, b: -p / norm, c: q / norm } // x − p y = q
    : { a: -p / norm, b: 1 / norm, c: q / norm }; // y − p x = q
}

function intersect(l: Line, m: Line): Point | null {
  const det = l.a * m.b - l.b * m.a;
  if (Math.abs(det) < 1e-9) return null;
  return [(l.c * m.b - l.b * m.c) / det, (l.a * m.c - l.c * m.a) / det];
}

/** Saturation of each pixel, 0..255 (0 where the brightest channel is under 16), then 3×3-smoothed. */
function saturation(image: RasterImage): Uint8Array {
  const { width: w, height: h, channels: ch, data } = image;
  const n = w * h;
  const s = new Uint8Array(n);
  for (let i = 0, o = 0; i < n; i++, o += ch) {
    const r = data[o] as number;
    const g = data[o + 1] as number;
    const b = data[o + 2] as number;
    const mx = r > g ? Math.max(r, b) : Math.max(g, b);
    const mn = r < g ? Math.min(r, b) : Math.min(g, b);
    s[i] = mx < 16 ? 0 : ((255 * (mx - mn)) / mx + 0.5) | 0;
  }
  return boxBlur3({ width: w, height: h, data: s }).data;
}

/** Saturation of one unsmoothed pixel, 0..255 (0 where its brightest channel is under 16). */
function rawSat(img: RasterImage, x: number, y: number): number {
  const o = (y * img.width + x) * img.channels;
  const r = img.data[o] as number;
  const g = img.data[o + 1] as number;
  const b = img.data[o + 2] as number;
  const mx = r > g ? Math.max(r, b) : Math.max(g, b);
  const mn = r < g ? Math.min(r, b) : Math.min(g, b);
  return mx < 16 ? 0 : (255 * (mx - mn)) / mx;
}

/** BT.601 luma of one pixel. */
function rawGray(img: RasterImage, x: number, y: number): number {
  const o = (y * img.width + x) * img.channels;
  return (
    0.299 * (img.data[o] as number) +
    0.587 * (img.data[o + 1] as number) +
    0.114 * (img.data[o + 2] as number)
  );
}

interface Edge {
  us: number[];
  vs: number[];
  share: number;
}

/** The frame's outer edge, mm inside the plate's edge. */
const FRAME_OUTER = 2;

interface Blob {
  id: number;
  area: number;
  x0: number;
  y0: number;
  x1: number;
  y1: number;
}

/**
 * 4-connected components of `mask`, largest first (those under `minArea` pixels dropped); `seen`
 * gets each pixel's component id + 1.
 */
function blobs(mask: Uint8Array, w: number, h: number, minArea: number, seen: Int32Array): Blob[] {
  const stack = new Int32Array(w * h);
  const out: Blob[] = [];
  for (let s = 0; s < w * h; s++) {
    if (mask[s] === 0 || seen[s] !== 0) continue;
    let sp = 0;
    let n = 0;
    const id = out.length + 1;
    stack[sp++] = s;
    seen[s] = id;
    let x0 = w;
    let y0 = h;
    let x1 = -1;
    let y1 = -1;
    while (sp > 0) {
      const p = stack[--sp] as number;
      n++;
      const x = p % w;
      const y = (p - x) / w;
      if (x < x0) x0 = x;
      if (x > x1) x1 = x;
      if (y < y0) y0 = y;
      if (y > y1) y1 = y;
      if (x > 0 && mask[p - 1] !== 0 && seen[p - 1] === 0) {
        seen[p - 1] = id;
        stack[sp++] = p - 1;
      }
      if (x < w - 1 && mask[p + 1] !== 0 && seen[p + 1] === 0) {
        seen[p + 1] = id;
        stack[sp++] = p + 1;
      }
      if (y > 0 && mask[p - w] !== 0 && seen[p - w] === 0) {
        seen[p - w] = id;
        stack[sp++] = p - w;
      }
      if (y < h - 1 && mask[p + w] !== 0 && seen[p + w] === 0) {
        seen[p + w] = id;
        stack[sp++] = p + w;
      }
    }
    out.push({ id, area: n, x0, y0, x1, y1 });
  }
  return out.filter((b) => b.area >= minArea).sort((a, b) => b.area - a.area);
}

/** Fit the four edges of a blob; null when they do not make a plate-shaped quadrilateral. */
function blobQuad(
  blob: Blob,
  w: number,
  label: Int32Array,
  img: RasterImage,
  level: number,
): Quad | null {
  const bw = blob.x1 - blob.x0 + 1;
  const bh = blob.y1 - blob.y0 + 1;
  const top = new Int32Array(bw).fill(-1);
  const bot = new Int32Array(bw).fill(-1);
  const left = new Int32Array(bh).fill(-1);
  const right = new Int32Array(bh).fill(-1);
  for (let y = blob.y0; y <= blob.y1; y++) {
    for (let x = blob.x0; x <= blob.x1; x++) {
      if (label[y * w + x] !== blob.id) continue;
      const cx = x - blob.x0;
      const cy = y - blob.y0;
      if (top[cx] === -1) top[cx] = y;
      bot[cx] = y;
      if (left[cy] === -1) left[cy] = x;
      right[cy] = x;
    }
  }
  const { width: iw, height: ih } = img;
  // (1) the white frame's ridge: the brightest point (sub-pixel, by a parabola) just around the
  // region's boundary, well above the plate inside it; blur spreads the ridge but keeps its centre
  const ridge = (u: number, v: number, dir: -1 | 1, vertical: boolean): number | null => {
    const lim = vertical ? iw : ih;
    const at = (t: number) => (vertical ? rawGray(img, t, u) : rawGray(img, u, t));
    let bestK = 0;
    let best = -1;
    // one pixel inward (the smoothed mask may reach into the frame), no further: a character
    // can stand 10 mm inside the frame, a few pixels at low resolution
    for (let k = -1; k <= 4; k++) {
      const t = v + k * dir;
      if (t < 0 || t >= lim) return null;
      const g = at(t);
      if (g > best) {
        best = g;
        bestK = k;
      }
    }
    if (bestK === -1 || bestK === 4) return null;
    const t0 = v + bestK * dir;
    const gm = at(t0 - dir);
    const gp = at(t0 + dir);
    const inner = at(t0 - 3 * dir);
    if (best - inner < 24) return null;
    const den = gm - 2 * best + gp;
    const off = den < 0 ? (0.5 * (gm - gp)) / den : 0;
    return t0 + Math.max(-0.5, Math.min(0.5, off)) * dir;
  };
  // (2) without a visible ridge: where the unsmoothed saturation crosses `level` (the inside of the frame)
  const crossing = (u: number, v: number, dir: -1 | 1, vertical: boolean): number | null => {
    // v: the boundary pixel's coordinate across the edge; dir: outward; u: along the edge
    const at = (t: number) => (vertical ? rawSat(img, t, u) : rawSat(img, u, t));
    const lim = vertical ? iw : ih;
    for (let k = -2; k <= 2; k++) {
      const inside = v + k * dir;
      const outside = inside + dir;
      if (inside < 0 || inside >= lim || outside < 0 || outside >= lim) continue;
      const si = at(inside);
      const so = at(outside);
      if (si > level && so <= level) return inside + ((si - level) / (si - so)) * dir;
    }
    return null;
  };
  type Probe = (u: number, v: number, dir: -1 | 1, vertical: boolean) => number | null;
  const edge = (
    probe: Probe,
    arr: Int32Array,
    start: number,
    lo: number,
    hi: number,
    dir: -1 | 1,
    vertical: boolean,
  ) => {
    const us: number[] = [];
    const vs: number[] = [];
    let tried = 0;
    for (let i = Math.floor(lo * arr.length); i < Math.ceil(hi * arr.length); i++) {
      if ((arr[i] as number) < 0) continue;
      tried++;
      const c = probe(start + i, arr[i] as number, dir, vertical);
      if (c === null) continue;
      us.push(start + i);
      vs.push(c);
    }
    return { us, vs, share: tried === 0 ? 0 : us.length / tried };
  };
  const edges = (probe: Probe) => [
    edge(probe, top, blob.x0, 0.2, 0.8, -1, false),
    edge(probe, bot, blob.x0, 0.2, 0.8, 1, false),
    edge(probe, left, blob.y0, 0.25, 0.75, -1, true),
    edge(probe, right, blob.y0, 0.25, 0.75, 1, true),
  ];
  let found = edges(ridge);
  let inset = (PLATE_LAYOUT.frameInset + FRAME_OUTER) / 2;
  if (found.some((e) => e.share < 0.5)) {
    found = edges(crossing);
    inset = PLATE_LAYOUT.frameInset;
  }
  const [et, eb, el, er] = found as [Edge, Edge, Edge, Edge];
  const lt = fitLine(et.us, et.vs, false);
  const lb = fitLine(eb.us, eb.vs, false);
  const ll = fitLine(el.vs, el.us, true);
  const lr = fitLine(er.vs, er.us, true);
  if (!lt || !lb || !ll || !lr) return null;
  const c = [intersect(lt, ll), intersect(lt, lr), intersect(lb, lr), intersect(lb, ll)];
  if (c.some((p) => p === null)) return null;
  return outerCorners(c as unknown as Quad, inset);
}

function quadSize(q: Quad): { width: number; height: number; area: number } {
  const d = (a: Point, b: Point) => Math.hypot(b[0] - a[0], b[1] - a[1]);
  const [p0, p1, p2, p3] = q;
  let area = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    area += a[0] * b[1] - b[0] * a[1];
  }
  return {
    width: (d(p0, p1) + d(p3, p2)) / 2,
    height: (d(p0, p3) + d(p1, p2)) / 2,
    area: Math.abs(area) / 2,
  };
}

function isConvex(q: Quad): boolean {
  let sign = 0;
  for (let i = 0; i < 4; i++) {
    const a = q[i] as Point;
    const b = q[(i + 1) % 4] as Point;
    const c = q[(i + 2) % 4] as Point;
    const cross = (b[0] - a[0]) * (c[1] - b[1]) - (b[1] - a[1]) * (c[0] - b[0]);
    if (cross === 0) return false;
    const s = Math.sign(cross);
    if (sign === 0) sign = s;
    else if (s !== sign) return false;
  }
  return true;
}

/** Grow a quad found at the inside of the frame (inset by `inset` mm) to the plate's outer edge. */
function outerCorners(inner: Quad, inset: number): Quad {
  const { width: W, height: H } = PLATE_LAYOUT;
  const from: Point[] = [
    [inset, inset],
    [W - inset, inset],
    [W - inset, H - inset],
    [inset, H - inset],
  ];
  const h = solveHomography(from, inner as unknown as Point[]);
  return [
    applyHomography(h, 0, 0),
    applyHomography(h, W, 0),
    applyHomography(h, W, H),
    applyHomography(h, 0, H),
  ];
}

/**
 * Find the plate in an image as a quadrilateral. Colour images: the plate is the largest
 * plate-shaped region of strongly saturated colour (blue, yellow or green against a gray
 * background: Otsu on the saturation of the 3×3-smoothed image, the two classes at least 70 of
 * 255 apart). Its four edges are then fitted by least squares, outliers dropped, to the ridge of
 * the plate's white frame just outside the region (the brightest point across the edge, to a
 * fraction of a pixel; blur widens the ridge but leaves its centre, 3.75 mm inside the plate's
 * edge), or, where no ridge shows, to where the unsmoothed saturation falls off (the inside of the
 * frame, 5.5 mm in); the quad is then grown to the plate's outer edge. Gray images, and colour
 * images with no plate-shaped coloured region, give the whole image (`method: "image"`).
 */
export function findPlateQuad(image: RasterImage | GrayImage): PlateQuad {
  const channels = "channels" in image ? image.channels : 1;
  checkDims("findPlateQuad", image, channels);
  const { width: w, height: h } = image;
  const whole: PlateQuad = {
    corners: [
      [-0.5, -0.5],
      [w - 0.5, -0.5],
      [w - 0.5, h - 0.5],
      [-0.5, h - 0.5],
    ],
    method: "image",
    coverage: 1,
    width: w,
  };
  if (channels < 3 || w < 8 || h < 8) return whole;
  const sat = saturation(image as RasterImage);
  const hist = new Float64Array(256);
  for (let i = 0; i < sat.length; i++) {
    const k = sat[i] as number;
    hist[k] = (hist[k] as number) + 1;
  }
  const t = otsuThreshold(hist);
  // the two classes must be far apart: a saturated plate against gray (or white and gray only)
  let n0 = 0;
  let s0 = 0;
  let n1 = 0;
  let s1 = 0;
  for (let v = 0; v < 256; v++) {
    const c = hist[v] as number;
    if (v <= t) {
      n0 += c;
      s0 += c * v;
    } else {
      n1 += c;
      s1 += c * v;
    }
  }
  if (n0 === 0 || n1 === 0 || s1 / n1 - s0 / n0 < 70 || s1 / n1 < 100) return whole;
  const mask = new Uint8Array(w * h);
  for (let i = 0; i < mask.length; i++) mask[i] = (sat[i] as number) > t ? 1 : 0;
  const label = new Int32Array(w * h);
  const cands = blobs(mask, w, h, Math.max(64, 0.002 * w * h), label).slice(0, 6);
  const { width: PW, height: PH } = PLATE_LAYOUT;
  for (const b of cands) {
    const corners = blobQuad(b, w, label, image as RasterImage, (s0 / n0 + s1 / n1) / 2);
    if (corners === null || !isConvex(corners)) continue;
    const size = quadSize(corners);
    const aspect = size.width / size.height;
    // perspective and rotation within reason: ±45% on the aspect ratio
    if (aspect < PW / PH / 1.45 || aspect > (PW / PH) * 1.45) continue;
    // the region must fill its quad (the characters are holes in it): not a thin ring or a stroke
    if (b.area < 0.4 * size.area || size.area < 0.5 * (b.x1 - b.x0 + 1) * (b.y1 - b.y0 + 1))
      continue;
    return {
      corners,
      method: "colour",
      coverage: Math.min(1, size.area / (w * h)),
      width: size.width,
    };
  }
  return whole;
}

/**
 * Warp the plate found in `image` (by {@link findPlateQuad}, or `options.quad`) onto its
 * 440 × 140 mm frame at `pixelsPerMm`, by the homography of its four corners (bilinear sampling;
 * points outside the image take the nearest edge pixel).
 */
export function rectifyPlate(
  image: RasterImage | GrayImage,
  options: RectifyOptions = {},
): RectifiedPlate {
  const p = options.pixelsPerMm ?? 0.6;
  if (!(typeof p === "number" && p >= 0.2 && p <= 10)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `rectifyPlate: pixelsPerMm must be in [0.2, 10], got ${String(p)}`,
    );
  }
  const quad = options.quad ?? findPlateQuad(image);
  const gray = "channels" in image ? toGrayscale(image) : image;
  const { width: PW, height: PH } = PLATE_LAYOUT;
  const ow = Math.round(PW * p);
  const oh = Math.round(PH * p);
  // rectified pixel (i, j) covers [i, i+1) x [j, j+1) / p mm: corners at pixel coordinates −0.5 and ow − 0.5
  const from: Point[] = [
    [-0.5, -0.5],
    [ow - 0.5, -0.5],
    [ow - 0.5, oh - 0.5],
    [-0.5, oh - 0.5],
  ];
  const toImage = solveHomography(from, quad.corners as unknown as Point[]);
  return { image: warpPerspective(gray, toImage, ow, oh), pixelsPerMm: p, quad, toImage };
}
