import {
  type Augmentation,
  type AugmentationPreset,
  type AugmentationRanges,
  resolveAugmentation,
  sampleAugmentation,
} from "./augmentation.js";
import { PlateBpError } from "./errors.js";
import { type GlyphFont, glyphOutline } from "./glyph-font.js";
import type { GrayImage } from "./image-types.js";
import { createRng, type Rng } from "./internal/prng.js";
import { gaussianBlur, type Polygon, rasterizePolygons } from "./internal/rasterize.js";
import { checkPositiveInt } from "./internal/validate.js";

export interface RenderCharacterOptions {
  /** Image width in pixels (default 32). */
  width?: number;
  /** Image height in pixels (default 48). */
  height?: number;
  /** Fraction of the height the undistorted character's ink fills (default 0.75). */
  fill?: number;
  /** Augmentation strength or explicit ranges (default `"none"`: dark glyph on white). */
  augment?: AugmentationPreset | AugmentationRanges;
  /** Seed of the augmentation draw (default 0); same seed, same image. */
  seed?: number;
}

/** @internal Place a glyph's outline in pixel space (y down) with the given augmentation. */
export function placeGlyph(
  font: GlyphFont,
  char: string,
  a: Pick<Augmentation, "rotationDeg" | "shear" | "scale" | "aspect" | "translateX" | "translateY">,
  cx: number,
  cy: number,
  inkHeight: number,
  maxInkWidth: number,
): Polygon[] {
  const o = glyphOutline(font, char);
  const gw = o.xMax - o.xMin;
  const gh = o.yMax - o.yMin;
  // size from the font's cap height proxy (the glyph's own height, but at most maxInkWidth wide)
  const s = Math.min(inkHeight / Math.max(gh, 1e-9), maxInkWidth / Math.max(gw, 1e-9)) * a.scale;
  const mx = (o.xMin + o.xMax) / 2;
  const my = (o.yMin + o.yMax) / 2;
  const th = (a.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const tx = cx + a.translateX;
  const ty = cy + a.translateY;
  return o.polygons.map((p) => {
    const q = new Array<number>(p.length);
    for (let i = 0; i < p.length; i += 2) {
      // font units (y up) -> centred pixels (y down), then shear, rotate, translate
      const u0 = ((p[i] as number) - mx) * s * a.aspect;
      const v = -((p[i + 1] as number) - my) * s;
      const u = u0 - a.shear * v;
      q[i] = tx + cos * u - sin * v;
      q[i + 1] = ty + sin * u + cos * v;
    }
    return q;
  });
}

/** @internal Coverage map -> gray pixels with lighting, noise and polarity. */
export function shade(
  cov: Float32Array,
  width: number,
  height: number,
  a: Augmentation,
  rng: Rng,
): Uint8Array {
  gaussianBlur(cov, width, height, a.blurSigma);
  const out = new Uint8Array(width * height);
  const fg = a.lightOnDark ? a.background + a.contrast : a.background - a.contrast;
  const dx = Math.cos(a.lightingAngle);
  const dy = Math.sin(a.lightingAngle);
  for (let y = 0; y < height; y++) {
    const ny = (2 * y) / Math.max(1, height - 1) - 1;
    for (let x = 0; x < width; x++) {
      const nx = (2 * x) / Math.max(1, width - 1) - 1;
      const c = cov[y * width + x] as number;
      let v = a.background + (fg - a.background) * c;
      v *= 1 + (a.lighting * (dx * nx + dy * ny)) / Math.SQRT2;
      if (a.noiseSigma > 0) v += a.noiseSigma * rng.normal();
      out[y * width + x] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
    }
  }
  return out;
}

/**
 * Render one character from a real font into a gray image, with seeded, deterministic
 * augmentation (rotation, shear, scale, translation, blur, noise, uneven lighting, polarity).
 */
export function renderCharacter(
  font: GlyphFont,
  char: string,
  options: RenderCharacterOptions = {},
): GrayImage {
  const width = checkPositiveInt("renderCharacter: width", options.width ?? 32);
  const height = checkPositiveInt("renderCharacter: height", options.height ?? 48);
  const fill = options.fill ?? 0.75;
  if (!(fill > 0 && fill <= 1)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderCharacter: fill must be in (0, 1], got ${String(fill)}`,
    );
  }
  if (typeof char !== "string" || [...char].length !== 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderCharacter: char must be exactly one character, got ${JSON.stringify(char)}`,
    );
  }
  const seed = options.seed ?? 0;
  const ranges = resolveAugmentation(options.augment);
  const rng = createRng(seed);
  const a = sampleAugmentation(ranges, rng);
  const polys = placeGlyph(font, char, a, width / 2, height / 2, fill * height, 0.9 * width);
  const cov = rasterizePolygons(polys, width, height);
  return { width, height, data: shade(cov, width, height, a, rng) };
}
