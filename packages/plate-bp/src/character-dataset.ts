import type { AugmentationPreset, AugmentationRanges } from "./augmentation.js";
import { PlateBpError } from "./errors.js";
import { extractFeatures, type FeatureKind, featureLength } from "./extract-features.js";
import type { GlyphFont } from "./glyph-font.js";
import { checkPositiveInt } from "./internal/validate.js";
import { renderCharacter } from "./render-character.js";

export interface CharacterDatasetOptions {
  /** Fonts to render with; samples cycle through them. */
  fonts: readonly GlyphFont[];
  /** Classes, one character each, e.g. `DIGITS` or `PLATE_ALPHANUMERICS`. */
  charset: string;
  /** Samples per class (spread evenly over the fonts). */
  samplesPerClass: number;
  /** Default `"mild"`. */
  augment?: AugmentationPreset | AugmentationRanges;
  /** Default 0. Every sample has its own stream derived from (seed, class, index). */
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
