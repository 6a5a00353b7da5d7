import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

/**
 * The demo CNN: Conv2D(16, 3x3, relu) → MaxPool(2) → Conv2D(32, 3x3, relu) → MaxPool(2) →
 * Flatten → Dense(10, softmax), Adam.
 */
export function demoCnn(learningRate = 1e-3): tfl.Sequential {
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
  model.compile({
    optimizer: tf.train.adam(learningRate),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}
