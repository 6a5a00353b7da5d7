import { PlateBpError } from "./errors.js";
import type { BinaryImage, GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";
import { otsuOfGray } from "./otsu-threshold.js";

/**
 * Which side of the threshold is the character.
 * - `"light-on-dark"`: bright character on a dark background (blue plates);
 * - `"dark-on-light"`: dark character on a bright background (yellow and green plates, paper);
 * - `"auto"`: decided per image: the class that owns most of the image border is the background
 *   (on a tie, the smaller class is the character).
 */
export type Polarity = "auto" | "light-on-dark" | "dark-on-light";

export interface BinarizeOptions {
  /** `"otsu"` (default) or a fixed gray level t: pixels > t are the bright class. */
  threshold?: "otsu" | number;
  /** Default `"auto"`. */
  polarity?: Polarity;
}

export interface BinarizeResult extends BinaryImage {
  /** The threshold used (bright class = gray > threshold). */
  readonly threshold: number;
  /** True when the character is the dark class (the bright class was mapped to 0). */
  readonly inverted: boolean;
}

const POLARITIES: readonly Polarity[] = ["auto", "light-on-dark", "dark-on-light"];

/** Threshold a gray image so that the character is always 1 and the background 0. */
export function binarize(image: GrayImage, options: BinarizeOptions = {}): BinarizeResult {
  const { threshold: t, inverted } = binarizeDecision(
    image,
    options.threshold ?? "otsu",
    options.polarity ?? "auto",
  );
  const { data } = image;
  const n = image.width * image.height;
  const out = new Uint8Array(n);
  const inv = inverted ? 1 : 0;
  for (let i = 0; i < n; i++) out[i] = ((data[i] as number) > t ? 1 : 0) ^ inv;
  return { width: image.width, height: image.height, data: out, threshold: t, inverted };
}

/** @internal The threshold and polarity {@link binarize} uses, without building the image. */
export function binarizeDecision(
  image: GrayImage,
  thr: "otsu" | number,
  polarity: Polarity,
): { threshold: number; inverted: boolean } {
  checkDims("binarize", image);
  checkPolarity(polarity);
  const t = thr === "otsu" ? otsuOfGray(image.data) : fixedThreshold(thr);
  return { threshold: t, inverted: isInverted(image.data, image.width, image.height, t, polarity) };
}

/** @internal Throws INVALID_OPTION unless `polarity` is one of the three values. */
export function checkPolarity(polarity: Polarity): void {
  if (polarity !== "auto" && polarity !== "light-on-dark" && polarity !== "dark-on-light") {
    throw new PlateBpError(
      "INVALID_OPTION",
      `binarize: polarity must be one of ${POLARITIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(polarity)}`,
    );
  }
}

/** @internal A fixed threshold option checked (anything but "otsu"). */
export function fixedThreshold(thr: unknown): number {
  if (typeof thr === "number" && Number.isFinite(thr)) return thr;
  throw new PlateBpError(
    "INVALID_OPTION",
    `binarize: threshold must be "otsu" or a finite gray level, got ${JSON.stringify(thr)}`,
  );
}

/**
 * @internal Whether the character is the dark class (gray ≤ t) under `polarity`; for "auto", the
 * class owning most of the border is the background, and on a tie the smaller class is the character.
 */
export function isInverted(
  data: Uint8Array,
  w: number,
  h: number,
  t: number,
  polarity: Polarity,
): boolean {
  if (polarity === "light-on-dark") return false;
  if (polarity === "dark-on-light") return true;
  // v > t ⇔ floor(t) − v < 0 for 8-bit v (the sign bit, no branch per pixel)
  const ft = t < -1 ? -1 : t > 255 ? 255 : Math.floor(t);
  let border = 0;
  let brightBorder = 0;
  const lastRow = (h - 1) * w;
  for (let x = 0; x < w; x++) brightBorder += (ft - (data[x] as number)) >>> 31;
  border += w;
  if (h > 1) {
    for (let x = 0; x < w; x++) brightBorder += (ft - (data[lastRow + x] as number)) >>> 31;
    border += w;
  }
  for (let y = 1; y < h - 1; y++) brightBorder += (ft - (data[y * w] as number)) >>> 31;
  border += Math.max(h - 2, 0);
  if (w > 1) {
    for (let y = 1; y < h - 1; y++) brightBorder += (ft - (data[y * w + w - 1] as number)) >>> 31;
    border += Math.max(h - 2, 0);
  }
  if (2 * brightBorder !== border) return 2 * brightBorder > border;
  let bright = 0;
  const n = w * h;
  for (let i = 0; i < n; i++) bright += (ft - (data[i] as number)) >>> 31;
  return 2 * bright > n;
}
