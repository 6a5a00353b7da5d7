/**
 * Overhead of setting the learning rate before every batch inside `model.fit`, on the demo CNN
 * (Conv2D 16 3x3 relu -> MaxPool 2 -> Conv2D 32 3x3 relu -> MaxPool 2 -> Flatten -> Dense 10
 * softmax, Adam 1e-3, batch 64), wasm backend through @trainkit/backend.
 *
 * Two measures:
 *  - end to end: epochs with and without the LearningRateScheduler callback, interleaved,
 *    median of ROUNDS each (noisy on a shared machine);
 *  - direct: time spent inside the callback's onBatchBegin per batch, against the median batch
 *    time (robust to noise; this is what the callback itself costs).
 *
 *   npm run bench -w @trainkit/schedulers          (-- --rounds=N --samples=N --backend=cpu)
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { initBackend } from "@trainkit/backend";
import { oneCycleLR } from "../src/index.js";
import { LearningRateScheduler } from "../src/tfjs.js";

const arg = (name: string, fallback: string) =>
  process.argv.find((a) => a.startsWith(`--${name}=`))?.split("=")[1] ?? fallback;
const ROUNDS = Number(arg("rounds", "5"));
const SAMPLES = Number(arg("samples", "1024"));
const BACKEND = arg("backend", "wasm");
const BATCH = 64;
const batchesPerEpoch = Math.ceil(SAMPLES / BATCH);

function buildCnn(): tfl.Sequential {
  const model = tfl.sequential();
  model.add(
    tfl.layers.conv2d({ inputShape: [28, 28, 1], filters: 16, kernelSize: 3, activation: "relu" }),
  );
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.conv2d({ filters: 32, kernelSize: 3, activation: "relu" }));
  model.add(tfl.layers.maxPooling2d({ poolSize: 2 }));
  model.add(tfl.layers.flatten());
  model.add(tfl.layers.dense({ units: 10, activation: "softmax" }));
  model.compile({ optimizer: tf.train.adam(1e-3), loss: "categoricalCrossentropy" });
  return model;
}

/** Wraps onBatchBegin to time it. */
class TimedScheduler extends LearningRateScheduler {
  spentMs = 0;
  calls = 0;
  override async onBatchBegin(batch: number, logs?: tfl.Logs): Promise<void> {
    const t0 = performance.now();
    await super.onBatchBegin(batch, logs);
    this.spentMs += performance.now() - t0;
    this.calls += 1;
  }
}

const median = (v: number[]) => {
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
};

let choice: { name: string };
if (BACKEND === "cpu") {
  await tf.setBackend("cpu");
  choice = { name: "cpu" };
} else {
  choice = await initBackend({ prefer: "wasm" });
}
console.log(
  `backend: ${choice.name}, ${SAMPLES} samples, batch ${BATCH}, ${batchesPerEpoch} batches/epoch, ${ROUNDS} rounds`,
);

const model = buildCnn();
const { x, y } = tf.tidy(() => ({
  x: tf.randomUniform([SAMPLES, 28, 28, 1], 0, 1, "float32", 1),
  y: tf.cast(
    tf.oneHot(tf.randomUniform([SAMPLES], 0, 10, "int32", 2) as tf.Tensor1D, 10),
    "float32",
  ),
}));
const totalSteps = batchesPerEpoch * (2 * ROUNDS + 1) + 1;
const scheduler = new TimedScheduler(oneCycleLR({ maxLr: 1e-3, totalSteps }));
const fitOnce = async (callbacks: tfl.Callback[]) => {
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0, callbacks });
  return performance.now() - t0;
};

await fitOnce([scheduler]); // warm-up epoch (kernels, allocations)
scheduler.spentMs = 0;
scheduler.calls = 0;
const without: number[] = [];
const withCb: number[] = [];
for (let r = 0; r < ROUNDS; r++) {
  // alternate the order so drift hits both sides equally
  if (r % 2 === 0) {
    without.push(await fitOnce([]));
    withCb.push(await fitOnce([scheduler]));
  } else {
    withCb.push(await fitOnce([scheduler]));
    without.push(await fitOnce([]));
  }
}
const base = median(without);
const sched = median(withCb);
const perBatchMs = base / batchesPerEpoch;
const callbackMs = scheduler.spentMs / scheduler.calls;
console.log(
  `epoch without callback: median ${base.toFixed(1)} ms (${without.map((v) => v.toFixed(0)).join(", ")})`,
);
console.log(
  `epoch with LearningRateScheduler: median ${sched.toFixed(1)} ms (${withCb.map((v) => v.toFixed(0)).join(", ")})`,
);
console.log(
  `end-to-end overhead: ${((sched / base - 1) * 100).toFixed(2)} % (ratio ${(sched / base).toFixed(4)})`,
);
console.log(
  `callback itself: ${(callbackMs * 1000).toFixed(1)} us per batch = ${((callbackMs / perBatchMs) * 100).toFixed(3)} % of a ${perBatchMs.toFixed(1)} ms batch`,
);
tf.dispose([x, y]);
model.dispose();
