// Child process of test/tensorflow-signals.test.ts: trains on the native tensorflow rung (default
// kernels, 1 intra-op thread) while a sibling shell sends it SIGUSR2 in a loop (0.5 ms sleeps
// between), which a no-op handler receives. TensorFlow's MatMul (trainkit's old BatchMatMul
// kernel) corrupted the heap under such signals on AVX-512 CPUs (glibc abort or SIGSEGV): this
// process must survive the storm and print its completion line.
//
//   node --conditions=@trainkit/source --import tsx test/support/tensorflow-signals-run.ts [seconds]
import { spawn } from "node:child_process";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { initBackend, tensorflowAdam } from "../../src/index.js";

const DONE = "signal storm survived";

const seconds = Number(process.argv[2] ?? "7");
const choice = await initBackend({ prefer: "tensorflow-cpu", tensorflowThreads: 1 });

let signals = 0;
process.on("SIGUSR2", () => {
  signals++;
});
// `kill` is the shell's builtin; the loop ends by itself once this process is gone.
const storm = spawn(
  "/bin/sh",
  ["-c", `while kill -USR2 ${process.pid} 2>/dev/null; do sleep 0.0005; done`],
  { stdio: "ignore" },
);

const deadline = performance.now() + seconds * 1000;
let products = 0;
let epochs = 0;
try {
  // dense products, as a dense layer runs them: 64x120 by 120x96
  const a = tf.randomUniform([64, 120], -1, 1, "float32", 1);
  const b = tf.randomUniform([120, 96], -1, 1, "float32", 2);
  const productsUntil = performance.now() + (seconds * 1000) / 2;
  while (performance.now() < productsUntil) {
    for (let i = 0; i < 100; i++) tf.matMul(a, b).dispose();
    products += 100;
    // let the handler run between batches of products
    await new Promise((resolve) => setImmediate(resolve));
  }
  tf.dispose([a, b]);

  // a small dense model trained with model.fit: 120 → 96 tanh → 34 softmax, batch 64
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [120], units: 96, activation: "tanh" }),
      tfl.layers.dense({ units: 34, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tensorflowAdam(1e-3), loss: "categoricalCrossentropy" });
  const x = tf.randomUniform([512, 120], -1, 1, "float32", 3);
  const y = tf.tidy(() =>
    tf.cast(tf.oneHot(tf.randomUniform([512], 0, 34, "int32", 4) as tf.Tensor1D, 34), "float32"),
  );
  while (performance.now() < deadline) {
    await model.fit(x, y, { epochs: 1, batchSize: 64, verbose: 0 });
    epochs++;
  }
  tf.dispose([x, y]);
} finally {
  storm.kill();
}
process.stdout.write(
  `${DONE}: ${choice.name}, kernels ${JSON.stringify(choice.tensorflowKernels)}, ` +
    `${products} products, ${epochs} epochs, ${signals} signals\n`,
);
