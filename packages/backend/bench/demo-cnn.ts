import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/** The two benchmark CNNs: the demo app's, and a wider one with a hidden dense layer. */
export type CnnKind = "demo" | "wide";

export interface CnnOptions {
  /**
   * End in a linear Dense(10) (logits) instead of Dense(10, softmax), for a loss that takes
   * logits (`tf.losses.softmaxCrossEntropy`, like PyTorch's `CrossEntropyLoss`). Default false.
   */
  logits?: boolean;
  /** Compile with Adam 1e-3 and categorical cross-entropy (for `fit`). Default true. */
  compile?: boolean;
}

const LAYERS: Record<CnnKind, { conv: [number, number]; hidden?: number }> = {
  // Conv2D(16) → MaxPool → Conv2D(32) → MaxPool → Flatten → Dense(10)
  demo: { conv: [16, 32] },
  // Conv2D(64) → MaxPool → Conv2D(128) → MaxPool → Flatten → Dense(128, relu) → Dense(10)
  wide: { conv: [64, 128], hidden: 128 },
};

/** A benchmark CNN on 28x28x1 images, 3x3 valid convolutions with ReLU, 2x2 max pooling. */
export function cnn(kind: CnnKind, options: CnnOptions = {}): tfl.Sequential {
  const { conv, hidden } = LAYERS[kind];
  const layers: tfl.layers.Layer[] = [
    tfl.layers.conv2d({
      inputShape: [28, 28, 1],
      filters: conv[0],
      kernelSize: 3,
      activation: "relu",
    }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.conv2d({ filters: conv[1], kernelSize: 3, activation: "relu" }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
  ];
  if (hidden !== undefined) layers.push(tfl.layers.dense({ units: hidden, activation: "relu" }));
  layers.push(tfl.layers.dense({ units: 10, activation: options.logits ? "linear" : "softmax" }));
  const model = tfl.sequential({ layers });
  if (options.compile ?? true) {
    model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  }
  return model;
}

/** The benchmark CNN of the issue: two conv blocks and a softmax head, Adam 1e-3. */
export function demoCnn(): tfl.Sequential {
  return cnn("demo");
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
