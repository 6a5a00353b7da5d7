import {
  type Augmentation,
  type AugmentationPreset,
  type AugmentationRanges,
  resolveAugmentation,
  sampleAugmentation,
} from "./augmentation.js";
import { CAMERA_VIEW_PRESET, renderCameraPlate } from "./camera-view.js";
import { PLATE_ALPHANUMERICS } from "./charsets.js";
import { PlateBpError } from "./errors.js";
import type { GlyphFont } from "./glyph-font.js";
import type { RasterImage } from "./image-types.js";
import { CHAR_H, CHAR_W, CHAR_X, MAX_INK_W, PLATE_H, PLATE_W } from "./internal/plate-geometry.js";
import { createRng } from "./internal/prng.js";
import { gaussianBlur, type Polygon, rasterizePolygons } from "./internal/rasterize.js";
import { placeGlyph } from "./render-character.js";

/** What {@link renderPlate} accepts as `augment`: a character preset or ranges, or `"camera"`. */
export type PlateAugmentation = AugmentationPreset | AugmentationRanges | "camera";

export interface RenderPlateOptions {
  /**
   * Pixels per millimetre of the 440 x 140 mm plate (default 0.6: 264 x 84 pixels). With
   * `augment: "camera"` it fixes the resolution that is otherwise drawn from 0.35–0.6.
   */
  scale?: number;
  /**
   * Plate-level distortion (default "mild"); characters are not distorted one by one.
   * `"camera"`: the plate as a camera sees it ({@link renderCameraPlate} with
   * {@link CAMERA_VIEW_PRESET}): perspective on a gray background, rotation, low resolution, blur,
   * noise, a shadow band and a JPEG round trip; the image is then larger than the plate.
   */
  augment?: PlateAugmentation;
  /** Default 0. */
  seed?: number;
}

function rect(x0: number, y0: number, x1: number, y1: number, cw: boolean): Polygon {
  return cw ? [x0, y0, x1, y0, x1, y1, x0, y1] : [x0, y0, x0, y1, x1, y1, x1, y0];
}

/**
 * Render a blue plate with 7 white characters (the province character of real plates is
 * replaced by a letter: the fonts here carry no CJK glyphs), a white frame and the separator dot.
 * Returns an RGB image.
 */
export function renderPlate(
  font: GlyphFont,
  text: string,
  options: RenderPlateOptions = {},
): RasterImage {
  const chars = [...(text ?? "")];
  if (chars.length !== 7) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderPlate: text must have 7 characters, got ${JSON.stringify(text)} (${chars.length})`,
    );
  }
  const scale = options.scale ?? 0.6;
  if (!(scale >= 0.3 && scale <= 10)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `renderPlate: scale must be in [0.3, 10] pixels per mm, got ${String(scale)}`,
    );
  }
  if (options.augment === "camera") {
    const ranges =
      options.scale === undefined
        ? CAMERA_VIEW_PRESET
        : { ...CAMERA_VIEW_PRESET, pxPerMm: [scale, scale] as const };
    return renderCameraPlate(font, text, { seed: options.seed ?? 0, ranges }).image;
  }
  const width = Math.round(PLATE_W * scale);
  const height = Math.round(PLATE_H * scale);
  const rng = createRng(options.seed ?? 0, 424242);
  const a: Augmentation = sampleAugmentation(resolveAugmentation(options.augment ?? "mild"), rng);
  const polys: Polygon[] = [];
  const s = scale;
  // frame: outer clockwise, inner counter-clockwise (a ring under the nonzero rule)
  polys.push(rect(2 * s, 2 * s, (PLATE_W - 2) * s, (PLATE_H - 2) * s, true));
  polys.push(rect(5.5 * s, 5.5 * s, (PLATE_W - 5.5) * s, (PLATE_H - 5.5) * s, false));
  // separator dot
  const dot: number[] = [];
  for (let i = 0; i < 16; i++) {
    const t = (2 * Math.PI * i) / 16;
    dot.push((134.5 + 5 * Math.cos(t)) * s, (PLATE_H / 2 + 5 * Math.sin(t)) * s);
  }
  polys.push(dot);
  const cy = (PLATE_H / 2) * s;
  for (let i = 0; i < 7; i++) {
    const cx = ((CHAR_X[i] as number) + CHAR_W / 2) * s;
    const still = { rotationDeg: 0, shear: 0, scale: 1, aspect: 1, translateX: 0, translateY: 0 };
    polys.push(...placeGlyph(font, chars[i] as string, still, cx, cy, CHAR_H * s, MAX_INK_W * s));
  }
  // plate-level rotation / shear / translation about the centre
  const th = (a.rotationDeg * Math.PI) / 180;
  const cos = Math.cos(th);
  const sin = Math.sin(th);
  const mx = width / 2;
  const my = height / 2;
  for (const p of polys) {
    for (let i = 0; i < p.length; i += 2) {
      const u0 = (p[i] as number) - mx;
      const v = (p[i + 1] as number) - my;
      const u = u0 - a.shear * v;
      p[i] = mx + a.translateX + cos * u - sin * v;
      p[i + 1] = my + a.translateY + sin * u + cos * v;
    }
  }
  const cov = rasterizePolygons(polys, width, height);
  gaussianBlur(cov, width, height, a.blurSigma);
  const blue = [20 + rng.uniform(0, 30), 50 + rng.uniform(0, 40), 150 + rng.uniform(0, 60)];
  const white = [215 + rng.uniform(0, 35), 215 + rng.uniform(0, 35), 215 + rng.uniform(0, 35)];
  const dx = Math.cos(a.lightingAngle);
  const dy = Math.sin(a.lightingAngle);
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    const ny = (2 * y) / (height - 1) - 1;
    for (let x = 0; x < width; x++) {
      const nx = (2 * x) / (width - 1) - 1;
      const c = cov[y * width + x] as number;
      const light = 1 + (a.lighting * (dx * nx + dy * ny)) / Math.SQRT2;
      for (let ch = 0; ch < 3; ch++) {
        let v = ((blue[ch] as number) * (1 - c) + (white[ch] as number) * c) * light;
        if (a.noiseSigma > 0) v += a.noiseSigma * rng.normal();
        data[(y * width + x) * 3 + ch] = v < 0 ? 0 : v > 255 ? 255 : Math.round(v);
      }
    }
  }
  return { width, height, channels: 3, data };
}

const LETTERS = PLATE_ALPHANUMERICS.slice(10);

/** A random plate string: two letters, then five of the 34 plate alphanumerics. */
export function randomPlateText(seed: number): string {
  const rng = createRng(seed, 777);
  let s = "";
  for (let i = 0; i < 7; i++) {
    const pool = i < 2 ? LETTERS : PLATE_ALPHANUMERICS;
    s += pool[rng.int(pool.length)];
  }
  return s;
}
