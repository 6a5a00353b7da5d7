import * as tf from "@tensorflow/tfjs-core";
import type { ImageArray, ImageSize } from "@trainkit/batching";
import { type Rng, seededRng } from "./experiments/rng.js";

/**
 * A small learnable image set for the demo CNN: ten classes of 28x28 images, each a bar
 * (five horizontal positions, five vertical) jittered by up to two pixels, in Gaussian noise.
 * Deterministic for a seed (tfjs's seeded random ops).
 */
export async function barImages(
  n: number,
  seed: number,
): Promise<{ x: tf.Tensor4D; y: tf.Tensor2D; labels: Int32Array }> {
  const size = 28;
  const drawn = [
    tf.randomUniform([n], 0, 10, "int32", seed),
    tf.randomUniform([n], -2, 3, "int32", seed + 1),
    tf.randomNormal([n * size * size], 0, 0.3, "float32", seed + 2),
  ];
  const [labels, shifts, noise] = (await Promise.all(drawn.map((t) => t.data()))) as [
    Int32Array,
    Int32Array,
    Float32Array,
  ];
  tf.dispose(drawn);
  const pixels = noise.slice();
  for (let i = 0; i < n; i++) {
    const label = labels[i] as number;
    const at = 4 + 4 * (label % 5) + (shifts[i] as number);
    const base = i * size * size;
    for (let a = at; a < at + 3; a++) {
      for (let b = 0; b < size; b++) {
        const index = label < 5 ? a * size + b : b * size + a;
        pixels[base + index] = (pixels[base + index] as number) + 1;
      }
    }
  }
  return {
    x: tf.tensor4d(pixels, [n, size, size, 1]),
    y: tf.tidy(() =>
      tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), 10), "float32"),
    ) as tf.Tensor2D,
    labels,
  };
}

/** Options of {@link syntheticShapes}. */
export interface SyntheticShapesOptions {
  count: number;
  /** Shorter side in pixels, drawn uniformly in [minSide, maxSide]. */
  minSide: number;
  maxSide: number;
  /** Standard deviation of the Gaussian pixel noise added to the input (default 0.2). */
  noise?: number;
  seed: number;
}

/** A per-pixel task for the batching demo: noisy `inputs`, clean `targets` (one channel). */
export interface SyntheticShapes {
  inputs: ImageArray<Float32Array>[];
  targets: ImageArray<Float32Array>[];
  sizes: ImageSize[];
}

// Aspect ratios (width / height) drawn from: landscape, portrait, wide, tall, square.
const RATIOS = [4 / 3, 3 / 4, 16 / 9, 9 / 16, 1, 3 / 2, 2 / 3];

/**
 * Variable-size denoising data: rectangles and discs of one grey level on a background with a
 * gradient, in sizes of seven aspect ratios; the input adds Gaussian noise, the target is the
 * clean picture. Deterministic for a seed; plain arrays, no tfjs.
 */
export function syntheticShapes(options: SyntheticShapesOptions): SyntheticShapes {
  const { count, minSide, maxSide, noise = 0.2, seed } = options;
  if (!(Number.isInteger(minSide) && minSide >= 4 && Number.isInteger(maxSide))) {
    throw new RangeError(`syntheticShapes: sides ${minSide}..${maxSide}; give whole numbers >= 4.`);
  }
  if (maxSide < minSide) {
    throw new RangeError(`syntheticShapes: maxSide ${maxSide} is below minSide ${minSide}.`);
  }
  const rng = seededRng(seed);
  const shapes: SyntheticShapes = { inputs: [], targets: [], sizes: [] };
  for (let n = 0; n < count; n++) {
    const short = rng.int(minSide, maxSide);
    const ratio = RATIOS[rng.int(0, RATIOS.length - 1)] as number;
    const height = ratio >= 1 ? short : Math.round(short / ratio);
    const width = ratio >= 1 ? Math.round(short * ratio) : short;
    const clean = drawScene(height, width, rng);
    const noisy = clean.map((v) => v + noise * rng.gaussian());
    shapes.inputs.push({ data: noisy, height, width, channels: 1 });
    shapes.targets.push({ data: clean, height, width, channels: 1 });
    shapes.sizes.push([height, width]);
  }
  return shapes;
}

function drawScene(height: number, width: number, rng: Rng): Float32Array {
  const out = new Float32Array(height * width);
  const base = 0.2 + 0.3 * rng.float();
  const gy = (rng.float() - 0.5) * 0.3;
  const gx = (rng.float() - 0.5) * 0.3;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++)
      out[y * width + x] = base + (gy * y) / height + (gx * x) / width;
  }
  const shapes = rng.int(1, 3);
  for (let s = 0; s < shapes; s++) {
    const level = 0.6 + 0.4 * rng.float();
    const cy = rng.float() * height;
    const cx = rng.float() * width;
    const ry = (0.1 + 0.25 * rng.float()) * height;
    const rx = (0.1 + 0.25 * rng.float()) * width;
    const disc = rng.int(0, 1) === 1;
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        const dy = (y + 0.5 - cy) / ry;
        const dx = (x + 0.5 - cx) / rx;
        const inside = disc ? dx * dx + dy * dy <= 1 : Math.abs(dx) <= 1 && Math.abs(dy) <= 1;
        if (inside) out[y * width + x] = level;
      }
    }
  }
  return out;
}
