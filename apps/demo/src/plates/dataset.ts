import {
  type AugmentationPreset,
  type FeatureKind,
  featureLength,
  type GlyphFont,
  generateCharacterDataset,
} from "@trainkit/plate-bp";
import { type Output, ProgressBar } from "../progress.js";

export interface CharacterRows {
  /** Row-major features, `n x nf`. */
  x: Float32Array;
  /** Class index of each row. */
  y: Int32Array;
  /** Index (into the fonts given) of each row. */
  font: Int32Array;
  n: number;
  nf: number;
}

/**
 * Renders `samplesPerClass` glyphs of every character in every font (one seeded stream per
 * font) and extracts their features, with a progress bar per font.
 */
export function generateCharacters(
  out: Output,
  label: string,
  fonts: readonly GlyphFont[],
  options: {
    charset: string;
    samplesPerClass: number;
    augment: AugmentationPreset;
    seed: number;
    features: FeatureKind;
  },
): CharacterRows {
  const nf = featureLength(options.features);
  const parts: { x: Float32Array; y: Int32Array }[] = [];
  const bar = new ProgressBar(out, label, fonts.length);
  let rows = 0;
  fonts.forEach((font, i) => {
    const d = generateCharacterDataset({
      fonts: [font],
      charset: options.charset,
      samplesPerClass: options.samplesPerClass,
      augment: options.augment,
      seed: options.seed * 101 + i,
      features: options.features,
    });
    parts.push({ x: d.x, y: d.y });
    rows += d.numSamples;
    bar.update(i + 1, [
      { label: "glyphs", value: String(rows) },
      { label: "glyphs/s", value: (rows / (bar.elapsed || 1)).toFixed(0) },
    ]);
  });
  bar.finish([
    { label: "glyphs", value: String(rows) },
    { label: "glyphs/s", value: (rows / (bar.elapsed || 1)).toFixed(0) },
  ]);
  const x = new Float32Array(rows * nf);
  const y = new Int32Array(rows);
  const font = new Int32Array(rows);
  let at = 0;
  parts.forEach((p, i) => {
    x.set(p.x, at * nf);
    y.set(p.y, at);
    font.fill(i, at, at + p.y.length);
    at += p.y.length;
  });
  return { x, y, font, n: rows, nf };
}
