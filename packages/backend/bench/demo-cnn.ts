import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** The benchmark CNN of the issue: two conv blocks and a softmax head, Adam 1e-3. */
export function demoCnn(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: "relu",
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  return model;
}

/** Random images and one-hot labels (seeded), as the benchmark asks. */
export function randomImages(n: number, seed = 42): { x: tf.Tensor4D; y: tf.Tensor2D } {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, 28, 28, 1], 0, 1, "float32", seed) as tf.Tensor4D;
    const labels = tf.randomUniform([n], 0, 10, "int32", seed + 1) as tf.Tensor1D;
    const y = tf.cast(tf.oneHot(labels, 10), "float32") as tf.Tensor2D;
    return { x, y };
  });
}
