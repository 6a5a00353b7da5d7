import * as tf from "@tensorflow/tfjs-core";
import { seededRng } from "./rng.js";

/** Options of {@link createMaskedFcn}. */
export interface MaskedFcnOptions {
  /** Feature channels of the hidden layers (default 8). */
  channels?: number;
  /** Hidden 3x3 conv layers (default 2). */
  hiddenLayers?: number;
  /** Input and output channels (default 1). */
  inChannels?: number;
  /** Seed of the weight initialisation (default 0). */
  seed?: number;
}

/** A small fully-convolutional residual net whose hidden activations are re-masked. */
export interface MaskedFcn {
  /** `x` `[B, H, W, C]`, `mask` `[B, H, W, 1]` -> prediction `[B, H, W, C]`. */
  predict(x: tf.Tensor4D, mask: tf.Tensor4D): tf.Tensor4D;
  variables: tf.Variable[];
  dispose(): void;
}

/**
 * The batching demo's model: 3x3 'same' convolutions with ReLU, each hidden activation multiplied
 * by the mask, and a residual output `x + conv(h)`. With zero padding the first conv sees exactly
 * what it sees on the unpadded image ('same' pads with zeros too); re-masking keeps that true for
 * every later layer, so on real pixels a padded batch computes exactly what batch size 1 computes.
 */
export function createMaskedFcn(options: MaskedFcnOptions = {}): MaskedFcn {
  const { channels = 8, hiddenLayers = 2, inChannels = 1, seed = 0 } = options;
  const shapes: [number, number][] = [];
  let cin = inChannels;
  for (let l = 0; l < hiddenLayers; l++) {
    shapes.push([cin, channels]);
    cin = channels;
  }
  shapes.push([cin, inChannels]);
  // He-normal weights from a seeded generator (tf.randomNormal treats seed 0 as "no seed").
  const rng = seededRng(seed);
  const weights = shapes.map(([i, o], l) => {
    const std = Math.sqrt(2 / (9 * i)) * (l === shapes.length - 1 ? 0.1 : 1);
    const values = Float32Array.from({ length: 9 * i * o }, () => std * rng.gaussian());
    // tf.variable copies its initial value; tidy disposes the temporaries.
    return tf.tidy(() => ({
      w: tf.variable(tf.tensor4d(values, [3, 3, i, o]), true),
      b: tf.variable(tf.zeros([o]), true),
    }));
  });
  return {
    predict(x, mask) {
      return tf.tidy(() => {
        let h: tf.Tensor4D = x;
        weights.forEach(({ w, b }, l) => {
          const z = tf.add(tf.conv2d(h, w as tf.Tensor4D, 1, "same"), b) as tf.Tensor4D;
          h = l === weights.length - 1 ? z : (tf.mul(tf.relu(z), mask) as tf.Tensor4D);
        });
        return tf.add(x, h) as tf.Tensor4D;
      });
    },
    variables: weights.flatMap(({ w, b }) => [w, b]),
    dispose() {
      for (const { w, b } of weights) {
        w.dispose();
        b.dispose();
      }
    },
  };
}
