import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describeBackend, initBackend } from "@trainkit/backend";

// Pick the fastest backend that works here and say why the faster ones were skipped.
const choice = await initBackend();
console.log(describeBackend(choice));

// A conv net now trains on whatever was chosen, wasm included.
const model = tfl.sequential({
  layers: [
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 8, kernelSize: 3, activation: "relu" }),
    tfl.layers.maxPooling2d({ poolSize: 2 }),
    tfl.layers.flatten(),
    tfl.layers.dense({ units: 10, activation: "softmax" }),
  ],
});
model.compile({ optimizer: "adam", loss: "categoricalCrossentropy" });
const x = tf.randomUniform([64, 28, 28, 1]);
const y = tf.oneHot(tf.randomUniform([64], 0, 10, "int32"), 10);
const history = await model.fit(x, y, { epochs: 2, batchSize: 32, verbose: 0 });
console.log(`loss after 2 epochs on ${tf.getBackend()}: ${history.history.loss?.at(-1)}`);
