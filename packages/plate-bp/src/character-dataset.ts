import type { AugmentationPreset, AugmentationRanges } from "./augmentation.js";
import { type CameraViewRanges, cameraCharacterCells, renderCameraPlate } from "./camera-view.js";
import { PLATE_ALPHANUMERICS } from "./charsets.js";
import { PlateBpError } from "./errors.js";
import {
  binaryFeatures,
  extractFeatures,
  type FeatureKind,
  featureLength,
} from "./extract-features.js";
import type { GlyphFont } from "./glyph-font.js";
import type { GrayImage } from "./image-types.js";
import { createRng } from "./internal/prng.js";
import { checkPositiveInt } from "./internal/validate.js";
import { cutPlate } from "./read-plate.js";
import { renderCharacter } from "./render-character.js";

export interface CharacterDatasetOptions {
  /** Fonts to render with; samples cycle through them. */
  fonts: readonly GlyphFont[];
  /** Classes, one character each, e.g. `DIGITS` or `PLATE_ALPHANUMERICS`. */
  charset: string;
  /** Samples per class (spread evenly over the fonts). */
  samplesPerClass: number;
  /**
   * Default `"mild"`. `"camera"`: each sample is a character of a plate seen by a camera
   * ({@link renderCameraPlate}) as `readPlate` classifies it: the plate found, rectified,
   * binarised against its local background and cut by the reader's own steps, with whatever blur,
   * noise, JPEG blocks, low resolution and shadow leave of it. Where the reader cannot cut a plate
   * cleanly (segmentation quality under 0.8), its characters are cut from the plate's known
   * geometry instead, so every row holds its own character. Seven samples share each plate.
   */
  augment?: AugmentationPreset | AugmentationRanges | "camera";
  /** With `augment: "camera"`: the camera ranges (default {@link CAMERA_VIEW_PRESET}). */
  cameraRanges?: CameraViewRanges;
  /**
   * Default 0. Every sample has its own stream derived from (seed, class, index); with
   * `augment: "camera"`, every plate of seven samples has its own stream (seed, plate index).
   */
  seed?: number;
  /** Default `"grid5x5"`. */
  features?: FeatureKind;
  width?: number;
  height?: number;
}

export interface CharacterDataset {
  /** Row-major features, `numSamples x numFeatures`. */
  x: Float32Array;
  /** Class index (into `charset`) of each row. */
  y: Int32Array;
  /** Index into `fonts` of each row. */
  font: Int32Array;
  numSamples: number;
  numFeatures: number;
  charset: string;
}

/**
 * Render `samplesPerClass` augmented glyphs for each character and run the feature pipeline
 * (binarize → crop → features) on each. Deterministic for a given seed.
 */
export function generateCharacterDataset(options: CharacterDatasetOptions): CharacterDataset {
  const { fonts, charset } = options;
  if (!Array.isArray(fonts) || fonts.length === 0) {
    throw new PlateBpError(
      "INVALID_OPTION",
      "generateCharacterDataset: fonts is empty; pass at least one loadFont(...) result",
    );
  }
  const chars = [...(charset ?? "")];
  if (chars.length < 2 || new Set(chars).size !== chars.length) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `generateCharacterDataset: charset must hold at least 2 distinct characters, got ${JSON.stringify(charset)}`,
    );
  }
  const per = checkPositiveInt(
    "generateCharacterDataset: samplesPerClass",
    options.samplesPerClass,
  );
  const kind = options.features ?? "grid5x5";
  const nf = featureLength(kind);
  const n = per * chars.length;
  const x = new Float32Array(n * nf);
  const y = new Int32Array(n);
  const font = new Int32Array(n);
  const seed = options.seed ?? 0;
  const augment = options.augment ?? "mild";
  if (augment === "camera") {
    if (options.width !== undefined || options.height !== undefined) {
      throw new PlateBpError(
        "INVALID_OPTION",
        'generateCharacterDataset: width and height do not apply to augment: "camera" (cells are cut from the rectified plate at its own resolution); leave them out',
      );
    }
    cameraRows(fonts, chars, per, seed, kind, options.cameraRanges, x, y, font);
    return { x, y, font, numSamples: n, numFeatures: nf, charset: chars.join("") };
  }
  if (options.cameraRanges !== undefined) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `generateCharacterDataset: cameraRanges applies only to augment: "camera", got augment ${JSON.stringify(augment)}`,
    );
  }
  let row = 0;
  for (let c = 0; c < chars.length; c++) {
    for (let k = 0; k < per; k++) {
      const fi = k % fonts.length;
      const img = renderCharacter(fonts[fi] as GlyphFont, chars[c] as string, {
        augment,
        seed: seed * 1_000_003 + c * 100_003 + k,
        ...(options.width !== undefined ? { width: options.width } : {}),
        ...(options.height !== undefined ? { height: options.height } : {}),
      });
      x.set(extractFeatures(img, { features: kind }), row * nf);
      y[row] = c;
      font[row] = fi;
      row++;
    }
  }
  return { x, y, font, numSamples: n, numFeatures: nf, charset: chars.join("") };
}

/**
 * The camera rows: the n = per × classes rows (class-major, as the other modes) are shuffled into
 * groups of 7, each group is one camera-view plate (positions in group order; a short last group
 * is filled with random plate characters that give no row), and each row gets the features of its
 * cell cut from that plate.
 */
function cameraRows(
  fonts: readonly GlyphFont[],
  chars: readonly string[],
  per: number,
  seed: number,
  kind: FeatureKind,
  ranges: CameraViewRanges | undefined,
  x: Float32Array,
  y: Int32Array,
  font: Int32Array,
): void {
  const n = per * chars.length;
  const nf = featureLength(kind);
  for (let r = 0; r < n; r++) y[r] = Math.floor(r / per);
  const rng = createRng(seed, 0xca3e7a);
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  for (let g = 0; g * 7 < n; g++) {
    const rows: number[] = [];
    const text: string[] = [];
    for (let p = 0; p < 7; p++) {
      const r = g * 7 + p < n ? (order[g * 7 + p] as number) : -1;
      rows.push(r);
      text.push(
        r >= 0
          ? (chars[y[r] as number] as string)
          : (PLATE_ALPHANUMERICS[rng.int(PLATE_ALPHANUMERICS.length)] as string),
      );
    }
    const fi = g % fonts.length;
    const plateSeed = seed * 1_000_003 + g;
    const features = readerCut(fonts[fi] as GlyphFont, text, plateSeed, ranges, kind);
    for (let p = 0; p < 7; p++) {
      const r = rows[p] as number;
      if (r < 0) continue;
      x.set(features[p] as Float32Array, r * nf);
      font[r] = fi;
    }
  }
}

/** Segmentation quality from which the reader's own cut of a training plate is trusted. */
const TRUSTED_CUT_QUALITY = 0.8;

/**
 * The features of a camera-view plate's seven characters as the reader sees them: rendered,
 * found, rectified, binarised against the local background and cut by `readPlate`'s own steps
 * (`cutPlate`). Where the reader cannot cut that plate cleanly (refused, or a segmentation quality
 * under {@link TRUSTED_CUT_QUALITY}, where a cut may hold the wrong character), each character is
 * cut from the plate's known geometry instead (`cameraCharacterCells`), so that every row still
 * holds its own character.
 */
function readerCut(
  font: GlyphFont,
  text: readonly string[],
  seed: number,
  ranges: CameraViewRanges | undefined,
  kind: FeatureKind,
): Float32Array[] {
  const options = { seed, ...(ranges !== undefined ? { ranges } : {}) };
  try {
    const { seg } = cutPlate(renderCameraPlate(font, text.join(""), options).image);
    if (seg.segments.length === 7 && seg.quality >= TRUSTED_CUT_QUALITY) {
      return seg.segments.map((s) => binaryFeatures(s.image, kind));
    }
  } catch (error) {
    if (!(error instanceof PlateBpError)) throw error;
  }
  return cameraCharacterCells(font, text, options).map((cell: GrayImage) =>
    extractFeatures(cell, { features: kind }),
  );
}
