import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

export interface DemoCnnOptions {
  learningRate?: number;
  /** Seeds the Glorot-uniform initial weights, so runs with one seed start from one point. */
  seed?: number;
  /** A loss other than categorical cross-entropy (e.g. one that reads a scheduled weight). */
  loss?: (yTrue: tf.Tensor, yPred: tf.Tensor) => tf.Tensor;
}

/**
 * The demo CNN: Conv2D(16, 3x3, relu) → MaxPool(2) → Conv2D(32, 3x3, relu) → MaxPool(2) →
 * Flatten → Dense(10, softmax), Adam.
 */
export function demoCnn(options: DemoCnnOptions = {}): tfl.Sequential {
  const seed = options.seed;
  const init = (k: number) =>
    seed === undefined
      ? {}
      : { kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + k }) };
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [28, 28, 1],
        filters: 16,
        kernelSize: 3,
        activation: "relu",
        ...init(1),
      }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu", ...init(2) }),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 10, activation: "softmax", ...init(3) }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(options.learningRate ?? 1e-3),
    loss: options.loss ?? "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}
