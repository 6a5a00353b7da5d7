// The feature-regression corpus: rendered plate characters (several fonts, mild and heavy
// augmentation) plus seeded synthetic edge cases (odd sizes, flat images, strong slants and
// lighting ramps), each run through extractFeatures with several option sets. The digests of
// the features pin the exact Float32 output of the pipeline the shipped models were trained on.
// fixtures/feature-regression.json was written by test/make-feature-fixture.ts from the
// implementation before the single-pass rewrite of the "grid5x5-deskew" path.
import { createHash } from "node:crypto";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import {
  binarize,
  binaryFeatures,
  type ExtractFeaturesOptions,
  extractFeatures,
  type GrayImage,
  loadFont,
  PLATE_ALPHANUMERICS,
  type RasterImage,
  renderCharacter,
} from "../src/index.js";
import { createRng } from "../src/internal/prng.js";

const require = createRequire(import.meta.url);
const dirOf = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
const expo = (pkg: string, family: string, weight: string) =>
  join(dirOf(`@expo-google-fonts/${pkg}`), weight, `${family}_${weight}.ttf`);

/** Six families, condensed and wide, light and bold, training and unseen. */
export const CORPUS_FONT_FILES = [
  expo("roboto-condensed", "RobotoCondensed", "400Regular"),
  expo("oswald", "Oswald", "700Bold"),
  expo("roboto-mono", "RobotoMono", "400Regular"),
  join(dirOf("dejavu-fonts-ttf"), "ttf", "DejaVuSans-Bold.ttf"),
  expo("barlow-condensed", "BarlowCondensed", "600SemiBold"),
  expo("ubuntu-condensed", "UbuntuCondensed", "400Regular"),
];

export const CORPUS_SEEDS = 8;

/** 6 fonts x 34 characters x {mild, heavy} x 8 seeds = 3,264 rendered 32x48 characters. */
export function renderedCorpus(): GrayImage[] {
  const out: GrayImage[] = [];
  for (const [f, file] of CORPUS_FONT_FILES.entries()) {
    const font = loadFont(file);
    for (const augment of ["mild", "heavy"] as const) {
      for (let s = 0; s < CORPUS_SEEDS; s++) {
        for (const ch of PLATE_ALPHANUMERICS) {
          out.push(renderCharacter(font, ch, { augment, seed: 1000 * f + s }));
        }
      }
    }
  }
  return out;
}

const SIZES: readonly [number, number][] = [
  [1, 1],
  [1, 9],
  [9, 1],
  [2, 2],
  [2, 3],
  [3, 3],
  [4, 7],
  [7, 4],
  [5, 5],
  [13, 11],
  [17, 23],
  [20, 64],
  [64, 20],
  [32, 48],
  [40, 40],
];

/**
 * Synthetic images: per size, a flat image, pure noise, and slanted bars / blobs of either
 * polarity on a lighting ramp with noise (some ramps strong enough to clamp at 0 and 255).
 */
export function syntheticCorpus(): GrayImage[] {
  const out: GrayImage[] = [];
  for (const [si, [w, h]] of SIZES.entries()) {
    const n = w * h;
    out.push({ width: w, height: h, data: new Uint8Array(n).fill(77 + si) });
    for (let k = 0; k < 12; k++) {
      const rng = createRng(7, si, k);
      const data = new Uint8Array(n);
      if (k === 0) {
        for (let i = 0; i < n; i++) data[i] = rng.int(256);
        out.push({ width: w, height: h, data });
        continue;
      }
      const bg = rng.uniform(20, 235);
      const fg = bg > 128 ? bg - rng.uniform(40, 200) : bg + rng.uniform(40, 200);
      const gx = rng.uniform(-1, 1) * (k % 3 === 0 ? 12 : 3);
      const gy = rng.uniform(-1, 1) * (k % 4 === 0 ? 12 : 3);
      const slant = rng.uniform(-1.2, 1.2);
      const cx = rng.uniform(0.3, 0.7) * w;
      const cy = rng.uniform(0.3, 0.7) * h;
      const rx = rng.uniform(0.08, 0.3) * w + 0.5;
      const ry = rng.uniform(0.2, 0.45) * h + 0.5;
      const ring = k % 2 === 0;
      const noise = rng.uniform(0, 25);
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const u = (x - cx - slant * (y - cy)) / rx;
          const v = (y - cy) / ry;
          const r2 = u * u + v * v;
          const ink = ring ? r2 < 1 && r2 > 0.35 : r2 < 1;
          const base = ink ? fg : bg;
          const val = base + gx * (x - w / 2) + gy * (y - h / 2) + noise * rng.normal();
          data[y * w + x] = Math.max(0, Math.min(255, Math.round(val)));
        }
      }
      out.push({ width: w, height: h, data });
    }
  }
  return out;
}

/** A tinted RGB version of a gray image (toGrayscale brings it back near the same levels). */
export function tinted(img: GrayImage): RasterImage {
  const data = new Uint8Array(3 * img.data.length);
  for (let i = 0; i < img.data.length; i++) {
    const v = img.data[i] as number;
    data[3 * i] = Math.min(255, v + 20);
    data[3 * i + 1] = v;
    data[3 * i + 2] = Math.max(0, v - 30);
  }
  return { width: img.width, height: img.height, channels: 3, data };
}

export const VARIANTS: Record<string, ExtractFeaturesOptions> = {
  deskew: { features: "grid5x5-deskew" },
  "deskew-light-on-dark": { features: "grid5x5-deskew", polarity: "light-on-dark" },
  "deskew-dark-on-light": { features: "grid5x5-deskew", polarity: "dark-on-light" },
  "deskew-threshold-120": { features: "grid5x5-deskew", threshold: 120 },
  "deskew-stretch": { features: "grid5x5-deskew", keepAspect: false },
  "deskew-no-crop": { features: "grid5x5-deskew", noCrop: true },
  grid5x5: { features: "grid5x5" },
  easypr120: { features: "easypr120" },
};

export function sha256(chunks: Iterable<Uint8Array>): string {
  const h = createHash("sha256");
  for (const c of chunks) h.update(c);
  return h.digest("hex");
}

const bytes = (f: Float32Array) => new Uint8Array(f.buffer, f.byteOffset, f.byteLength);

/** Digest of the features of every image under one option set. */
export function featureDigest(
  images: readonly GrayImage[],
  options: ExtractFeaturesOptions,
): string {
  return sha256(images.map((img) => bytes(extractFeatures(img, options))));
}

/** Digests of the images themselves (so a renderer change is told apart from a feature change). */
export function imageDigest(images: readonly GrayImage[]): string {
  return sha256(
    images.flatMap((img) => [
      new Uint8Array(new Uint32Array([img.width, img.height]).buffer),
      img.data,
    ]),
  );
}

/** The deskew features of every `step`-th image, concatenated (the stored sample). */
export function deskewSample(images: readonly GrayImage[], step: number): Float32Array {
  const picked = images.filter((_, i) => i % step === 0);
  const out = new Float32Array(25 * picked.length);
  picked.forEach((img, i) => {
    out.set(extractFeatures(img, { features: "grid5x5-deskew" }), 25 * i);
  });
  return out;
}

/** Everything the fixture records, computed with the current implementation. */
export function computeDigests() {
  const rendered = renderedCorpus();
  const synthetic = syntheticCorpus();
  const everyThird = rendered.filter((_, i) => i % 3 === 0);
  const digests: Record<string, string> = {};
  for (const [name, options] of Object.entries(VARIANTS)) {
    // every rendered image for the three kinds, every third one for the option variants
    const set = name === "deskew" || !name.startsWith("deskew") ? rendered : everyThird;
    digests[`rendered/${name}`] = featureDigest(set, options);
    digests[`synthetic/${name}`] = featureDigest(synthetic, options);
  }
  digests["rendered-rgb/deskew"] = sha256(
    everyThird.map((img) => bytes(extractFeatures(tinted(img), { features: "grid5x5-deskew" }))),
  );
  digests["rendered-binary/deskew"] = sha256(
    everyThird.map((img) => bytes(binaryFeatures(binarize(img), "grid5x5-deskew"))),
  );
  return {
    renderedCount: rendered.length,
    syntheticCount: synthetic.length,
    renderedImages: imageDigest(rendered),
    syntheticImages: imageDigest(synthetic),
    features: digests,
    rendered,
  };
}
