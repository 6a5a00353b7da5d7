import { PlateBpError } from "./errors.js";
import type { BinaryImage, GrayImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";
import { otsuThreshold } from "./otsu-threshold.js";

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
  checkDims("binarize", image);
  const polarity = options.polarity ?? "auto";
  if (!POLARITIES.includes(polarity)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `binarize: polarity must be one of ${POLARITIES.map((p) => `"${p}"`).join(", ")}, got ${JSON.stringify(polarity)}`,
    );
  }
  const thr = options.threshold ?? "otsu";
  let t: number;
  if (thr === "otsu") t = otsuThreshold(image);
  else if (typeof thr === "number" && Number.isFinite(thr)) t = thr;
  else {
    throw new PlateBpError(
      "INVALID_OPTION",
      `binarize: threshold must be "otsu" or a finite gray level, got ${JSON.stringify(thr)}`,
    );
  }
  const { width: w, height: h, data } = image;
  const n = w * h;
  const out = new Uint8Array(n);
  let bright = 0;
  for (let i = 0; i < n; i++) {
    if ((data[i] as number) > t) {
      out[i] = 1;
      bright++;
    }
  }
  let inverted: boolean;
  if (polarity === "light-on-dark") inverted = false;
  else if (polarity === "dark-on-light") inverted = true;
  else {
    let border = 0;
    let brightBorder = 0;
    for (let x = 0; x < w; x++) {
      brightBorder += (out[x] as number) + (h > 1 ? (out[(h - 1) * w + x] as number) : 0);
      border += h > 1 ? 2 : 1;
    }
    for (let y = 1; y < h - 1; y++) {
      brightBorder += (out[y * w] as number) + (w > 1 ? (out[y * w + w - 1] as number) : 0);
      border += w > 1 ? 2 : 1;
    }
    if (2 * brightBorder !== border) inverted = 2 * brightBorder > border;
    else inverted = 2 * bright > n;
  }
  if (inverted) for (let i = 0; i < n; i++) out[i] = 1 - (out[i] as number);
  return { width: w, height: h, data: out, threshold: t, inverted };
}
