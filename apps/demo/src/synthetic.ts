import * as tf from "@tensorflow/tfjs-core";

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
