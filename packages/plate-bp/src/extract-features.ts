import { binarize, binarizeDecision, type Polarity } from "./binarize.js";
import { deskew } from "./deskew.js";
import { easyprFeatures, easyprOfRegion } from "./easypr-features.js";
import { PlateBpError } from "./errors.js";
import type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
import { deskewGridFeatures } from "./internal/deskew-grid-features.js";
import { gridOfRegion, slidingWindowFeatures } from "./sliding-window-features.js";
import { toGrayscale } from "./to-grayscale.js";

/**
 * - `"grid5x5"`: 25 white-pixel ratios (the classic pipeline);
 * - `"easypr120"`: two projections + a 10x10 grid (120);
 * - `"grid5x5-deskew"`: the same 25 ratios after normalising the character: the lighting
 *   gradient removed ({@link flattenLighting}), a 3×3 mean filter before Otsu ({@link boxBlur3}),
 *   and the slant removed by image moments ({@link deskew}). For heavily distorted input.
 */
export type FeatureKind = "grid5x5" | "easypr120" | "grid5x5-deskew";

export const FEATURE_KINDS: readonly FeatureKind[] = ["grid5x5", "easypr120", "grid5x5-deskew"];

/** Length of the feature vector of each kind. */
export function featureLength(kind: FeatureKind): number {
  checkKind(kind);
  return kind === "easypr120" ? 120 : 25;
}

export interface ExtractFeaturesOptions {
  /** Default `"grid5x5"`. */
  features?: FeatureKind;
  /** Binarisation threshold, default `"otsu"`. */
  threshold?: "otsu" | number;
  /** Default `"auto"`. */
  polarity?: Polarity;
  /** Crop to the character's bounding box, padded square (default true). */
  keepAspect?: boolean;
  /** Skip the bounding-box crop (default false): the grid covers the whole frame. */
  noCrop?: boolean;
}

function checkKind(kind: unknown): asserts kind is FeatureKind {
  if (!FEATURE_KINDS.includes(kind as FeatureKind)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `features must be one of ${FEATURE_KINDS.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(kind)}`,
    );
  }
}

function isGray(image: GrayImage | RasterImage): image is GrayImage {
  return !("channels" in image) || image.channels === undefined;
}

/**
 * The whole classic pipeline for one character image: grayscale (BT.601) → binarize (Otsu,
 * automatic polarity) → bounding-box crop keeping the aspect ratio → features.
 */
export function extractFeatures(
  image: GrayImage | RasterImage,
  options: ExtractFeaturesOptions = {},
): Float32Array {
  const kind = options.features ?? "grid5x5";
  checkKind(kind);
  const gray = isGray(image) ? image : toGrayscale(image);
  if (kind === "grid5x5-deskew") {
    // = flattenLighting → boxBlur3 → binarize → deskew → crop → grid, fused
    return deskewGridFeatures(
      gray,
      options.threshold ?? "otsu",
      options.polarity ?? "auto",
      options.keepAspect ?? true,
      options.noCrop ?? false,
    );
  }
  if (options.noCrop) {
    const bin = binarize(gray, {
      threshold: options.threshold ?? "otsu",
      polarity: options.polarity ?? "auto",
    });
    return kind === "grid5x5" ? slidingWindowFeatures(bin) : easyprFeatures(bin, 10);
  }
  // fused path: threshold and polarity as binarize() decides them, without building the binary image
  const { threshold, inverted } = binarizeDecision(
    gray,
    options.threshold ?? "otsu",
    options.polarity ?? "auto",
  );
  return regionFeatures(
    gray.data,
    gray.width,
    gray.height,
    threshold,
    inverted ? 1 : 0,
    kind,
    options.keepAspect ?? true,
  );
}

/**
 * Features of an already binarised character (1 = character): crop to its box, then features.
 * For `"grid5x5-deskew"` the binary image is deskewed first.
 */
export function binaryFeatures(
  image: BinaryImage,
  kind: FeatureKind = "grid5x5",
  keepAspect = true,
  noCrop = false,
): Float32Array {
  checkKind(kind);
  const img = kind === "grid5x5-deskew" ? deskew(image) : image;
  if (noCrop) return kind === "easypr120" ? easyprFeatures(img, 10) : slidingWindowFeatures(img);
  return regionFeatures(img.data, img.width, img.height, 0, 0, kind, keepAspect);
}

/** Crop (virtually) to the box of the pixels with `(v > t) XOR inv`, then compute the features. */
function regionFeatures(
  data: Uint8Array,
  w: number,
  h: number,
  t: number,
  inv: number,
  kind: FeatureKind,
  keepAspect: boolean,
): Float32Array {
  let x0 = w;
  let x1 = -1;
  let y0 = h;
  let y1 = -1;
  // v > t ⇔ floor(t) − v < 0 for 8-bit v (the sign bit)
  const ft = t < -1 ? -1 : t > 255 ? 255 : Math.floor(t);
  // the first and the last rows with a character pixel
  for (let y = 0; y < h && y0 === h; y++) {
    const row = y * w;
    for (let x = 0; x < w; x++) {
      if ((ft - (data[row + x] as number)) >>> 31 !== inv) {
        y0 = y;
        x0 = x;
        break;
      }
    }
  }
  if (y0 === h) return new Float32Array(kind === "easypr120" ? 120 : 25);
  for (let y = h - 1; y >= y0 && y1 < 0; y--) {
    const row = y * w;
    for (let x = w - 1; x >= 0; x--) {
      if ((ft - (data[row + x] as number)) >>> 31 !== inv) {
        y1 = y;
        x1 = x;
        break;
      }
    }
  }
  // every row from y0 to y1: scan in from both ends only as far as the box found so far
  for (let y = y0; y <= y1; y++) {
    const row = y * w;
    let first = 0;
    while (first < x0 && (ft - (data[row + first] as number)) >>> 31 === inv) first++;
    if (first < x0) x0 = first;
    let last = w - 1;
    while (last > x1 && (ft - (data[row + last] as number)) >>> 31 === inv) last--;
    if (last > x1) x1 = last;
  }
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const side = Math.max(bw, bh);
  const W = keepAspect ? side : bw;
  const H = keepAspect ? side : bh;
  const ox = (W - bw) >> 1;
  const oy = (H - bh) >> 1;
  if (kind === "easypr120")
    return easyprOfRegion(data, w, x0, y0, bw, bh, W, H, ox, oy, 10, t, inv);
  const out = new Float32Array(25);
  gridOfRegion(data, w, x0, y0, bw, bh, W, H, ox, oy, 5, 5, out, 0, t, inv);
  return out;
}
