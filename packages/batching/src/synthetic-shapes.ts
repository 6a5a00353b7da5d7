import type { ImageArray, ImageSize } from "./image.js";
import { createRng, gaussian, type Rng } from "./internal/rng.js";
import { assertInteger } from "./internal/validate.js";

/** Options of {@link syntheticShapes}. */
export interface SyntheticShapesOptions {
  /** Number of images (default 64). */
  count?: number;
  /** Shorter side in pixels, drawn uniformly in [minSide, maxSide] (default 16..32). */
  minSide?: number;
  maxSide?: number;
  /** Standard deviation of the Gaussian pixel noise added to the input (default 0.2). */
  noise?: number;
  seed?: number;
}

/** A synthetic per-pixel task: noisy `inputs`, clean `targets` (same sizes, one channel). */
export interface SyntheticShapes {
  inputs: ImageArray<Float32Array>[];
  targets: ImageArray<Float32Array>[];
  sizes: ImageSize[];
}

// Aspect ratios (width / height) the generator draws from: landscape, portrait, wide, tall, square.
const RATIOS = [4 / 3, 3 / 4, 16 / 9, 9 / 16, 1, 3 / 2, 2 / 3];

/**
 * Variable-size denoising data: rectangles and discs of one grey level on a background with a
 * gradient, in sizes of varied aspect ratio; the input adds Gaussian noise, the target is the clean
 * picture. Deterministic for a given seed; pure JS, no tfjs.
 */
export function syntheticShapes(options: SyntheticShapesOptions = {}): SyntheticShapes {
  const { count = 64, minSide = 16, maxSide = 32, noise = 0.2, seed = 0 } = options;
  assertInteger("count", count, 1);
  assertInteger("minSide", minSide, 4);
  assertInteger("maxSide", maxSide, minSide);
  const rng = createRng(seed);
  const inputs: ImageArray<Float32Array>[] = [];
  const targets: ImageArray<Float32Array>[] = [];
  const sizes: ImageSize[] = [];
  for (let n = 0; n < count; n++) {
    const short = rng.int(minSide, maxSide);
    const ratio = RATIOS[rng.int(0, RATIOS.length - 1)] as number;
    const height = ratio >= 1 ? short : Math.round(short / ratio);
    const width = ratio >= 1 ? Math.round(short * ratio) : short;
    const clean = drawScene(height, width, rng);
    const noisy = new Float32Array(clean.length);
    for (let i = 0; i < clean.length; i++) noisy[i] = (clean[i] as number) + noise * gaussian(rng);
    inputs.push({ data: noisy, height, width, channels: 1 });
    targets.push({ data: clean, height, width, channels: 1 });
    sizes.push([height, width]);
  }
  return { inputs, targets, sizes };
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
