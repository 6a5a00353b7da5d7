import { binarize, type Polarity } from "./binarize.js";
import { cropToBoundingBox } from "./crop-to-bounding-box.js";
import { easyprFeatures } from "./easypr-features.js";
import { PlateBpError } from "./errors.js";
import type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
import { slidingWindowFeatures } from "./sliding-window-features.js";
import { toGrayscale } from "./to-grayscale.js";

/** `"grid5x5"`: 25 white-pixel ratios; `"easypr120"`: two projections + a 10x10 grid (120). */
export type FeatureKind = "grid5x5" | "easypr120";

export const FEATURE_KINDS: readonly FeatureKind[] = ["grid5x5", "easypr120"];

/** Length of the feature vector of each kind. */
export function featureLength(kind: FeatureKind): number {
  checkKind(kind);
  return kind === "grid5x5" ? 25 : 120;
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
  const bin = binarize(gray, {
    threshold: options.threshold ?? "otsu",
    polarity: options.polarity ?? "auto",
  });
  if (options.noCrop)
    return kind === "grid5x5" ? slidingWindowFeatures(bin) : easyprFeatures(bin, 10);
  return binaryFeatures(bin, kind, options.keepAspect ?? true);
}

/** Features of an already binarised character (1 = character): crop to its box, then features. */
export function binaryFeatures(
  image: BinaryImage,
  kind: FeatureKind = "grid5x5",
  keepAspect = true,
): Float32Array {
  checkKind(kind);
  const crop = cropToBoundingBox(image, { keepAspect });
  return kind === "grid5x5" ? slidingWindowFeatures(crop) : easyprFeatures(crop, 10);
}
