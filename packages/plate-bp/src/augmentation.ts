import { PlateBpError } from "./errors.js";
import type { Rng } from "./internal/prng.js";

type Range = readonly [min: number, max: number];

/** Ranges each augmentation is drawn from (uniformly) for every rendered character. */
export interface AugmentationRanges {
  /** Rotation in degrees, e.g. [-4, 4]. */
  readonly rotationDeg: Range;
  /** Horizontal shear factor (x += shear * y). */
  readonly shear: Range;
  /** Scale factor of the glyph. */
  readonly scale: Range;
  /** Extra horizontal scale (width / height), for condensed and wide letterforms. */
  readonly aspect: Range;
  /** Translation in pixels (both axes). */
  readonly translatePx: Range;
  /** Gaussian blur sigma in pixels. */
  readonly blurSigma: Range;
  /** Gaussian noise standard deviation in gray levels. */
  readonly noiseSigma: Range;
  /** Strength of a linear lighting gradient across the image (0 = even light). */
  readonly lighting: Range;
  /** Minimum |character − background| gray difference, and the maximum. */
  readonly contrast: Range;
  /** Probability of a bright character on a dark background (blue plates); else dark on bright. */
  readonly lightOnDarkProbability: number;
}

/** Named augmentation strengths. */
export type AugmentationPreset = "none" | "mild" | "heavy";

export const AUGMENTATION_PRESETS: Readonly<Record<AugmentationPreset, AugmentationRanges>> = {
  none: {
    rotationDeg: [0, 0],
    shear: [0, 0],
    scale: [1, 1],
    aspect: [1, 1],
    translatePx: [0, 0],
    blurSigma: [0, 0],
    noiseSigma: [0, 0],
    lighting: [0, 0],
    contrast: [250, 250],
    lightOnDarkProbability: 0,
  },
  mild: {
    rotationDeg: [-4, 4],
    shear: [-0.08, 0.08],
    scale: [0.9, 1.1],
    aspect: [0.85, 1.2],
    translatePx: [-2, 2],
    blurSigma: [0, 0.8],
    noiseSigma: [0, 8],
    lighting: [0, 0.2],
    contrast: [110, 220],
    lightOnDarkProbability: 0.5,
  },
  heavy: {
    rotationDeg: [-12, 12],
    shear: [-0.2, 0.2],
    scale: [0.8, 1.15],
    aspect: [0.8, 1.25],
    translatePx: [-3, 3],
    blurSigma: [0.4, 1.6],
    noiseSigma: [4, 16],
    lighting: [0.05, 0.35],
    contrast: [70, 200],
    lightOnDarkProbability: 0.5,
  },
};

/** One concrete draw of every augmentation. */
export interface Augmentation {
  rotationDeg: number;
  shear: number;
  scale: number;
  aspect: number;
  translateX: number;
  translateY: number;
  blurSigma: number;
  noiseSigma: number;
  lighting: number;
  lightingAngle: number;
  contrast: number;
  background: number;
  lightOnDark: boolean;
}

/** @internal */
export function resolveAugmentation(
  a: AugmentationPreset | AugmentationRanges | undefined,
): AugmentationRanges {
  if (a === undefined) return AUGMENTATION_PRESETS.none;
  if (typeof a === "string") {
    const p = Object.hasOwn(AUGMENTATION_PRESETS, a) ? AUGMENTATION_PRESETS[a] : undefined;
    if (!p && (a as string) === "camera") {
      throw new PlateBpError(
        "INVALID_OPTION",
        `augment "camera" describes a whole plate seen by a camera, not one character: use renderPlate(font, text, { augment: "camera" }), renderCameraPlate, or generateCharacterDataset({ augment: "camera" }); for one character pass "none", "mild", "heavy" or a ranges object`,
      );
    }
    if (!p) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `augment must be "none", "mild", "heavy" or a ranges object, got ${JSON.stringify(a)}`,
      );
    }
    return p;
  }
  return a;
}

/** @internal Draw one augmentation from the ranges. */
export function sampleAugmentation(r: AugmentationRanges, rng: Rng): Augmentation {
  const u = (x: Range) => rng.uniform(x[0], x[1]);
  const lightOnDark = rng.next() < r.lightOnDarkProbability;
  const contrast = u(r.contrast);
  // keep both levels inside 0..255 with a little room for lighting and noise
  const spare = Math.max(0, 245 - contrast);
  const low = 5 + rng.next() * spare;
  return {
    rotationDeg: u(r.rotationDeg),
    shear: u(r.shear),
    scale: u(r.scale),
    aspect: u(r.aspect),
    translateX: u(r.translatePx),
    translateY: u(r.translatePx),
    blurSigma: u(r.blurSigma),
    noiseSigma: u(r.noiseSigma),
    lighting: u(r.lighting),
    lightingAngle: rng.uniform(0, 2 * Math.PI),
    contrast,
    background: lightOnDark ? low : low + contrast,
    lightOnDark,
  };
}
