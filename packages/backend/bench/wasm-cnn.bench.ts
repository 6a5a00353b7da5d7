/**
 * The demo CNN (Conv2D 16 → MaxPool → Conv2D 32 → MaxPool → Dense 10), Adam 1e-3,
 * 2048 random 28x28x1 images, batch 64: one epoch after one warm-up epoch on wasm with
 * trainkit's gradient kernels, against the plain `cpu` backend in the same run.
 *
 * The cpu backend needs minutes per epoch, so it runs CPU_BATCHES batches after one warm-up
 * batch and the time is scaled up to the 32 batches of an epoch (printed as such).
 *
 *   npm run bench -w @trainkit/backend            (add -- --cpu-batches=N to change N)
 */
import "@tensorflow/tfjs-backend-cpu";
import { getThreadsCount } from "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/index.js";
import { demoCnn, randomImages } from "./demo-cnn.js";

const N = 2048;
const BATCH = 64;
const BATCHES_PER_EPOCH = N / BATCH;
const arg = process.argv.find((a) => a.startsWith("--cpu-batches="));
const CPU_BATCHES = arg ? Number(arg.split("=")[1]) : 3;

async function epochSeconds(): Promise<number> {
  const model = demoCnn();
  const { x, y } = randomImages(N);
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const t0 = performance.now();
  await model.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
  const seconds = (performance.now() - t0) / 1000;
  tf.dispose([x, y]);
  model.dispose();
  return seconds;
}

async function scaledCpuEpochSeconds(batches: number): Promise<number> {
  const model = demoCnn();
  const { x, y } = randomImages(BATCH * (batches + 1));
  const [xw, xm] = tf.split(x, [BATCH, BATCH * batches]);
  const [yw, ym] = tf.split(y, [BATCH, BATCH * batches]);
  await model.fit(xw as tf.Tensor, yw as tf.Tensor, { epochs: 1, batchSize: BATCH, verbose: 0 });
  const t0 = performance.now();
  await model.fit(xm as tf.Tensor, ym as tf.Tensor, {
    epochs: 1,
    batchSize: BATCH,
    shuffle: false,
    verbose: 0,
  });
  const seconds = ((performance.now() - t0) / 1000) * (BATCHES_PER_EPOCH / batches);
  tf.dispose([x, y, xw, xm, yw, ym] as tf.Tensor[]);
  model.dispose();
  return seconds;
}

const wasm = await initBackend({ prefer: "wasm" });
console.log(`wasm: ${wasm.name}, XNNPACK threads: ${getThreadsCount()}`);
const wasmSeconds = await epochSeconds();
console.log(`wasm + trainkit kernels: ${wasmSeconds.toFixed(2)} s per epoch`);

await tf.setBackend("cpu");
const cpuSeconds = await scaledCpuEpochSeconds(CPU_BATCHES);
console.log(
  `cpu (plain JS): ${cpuSeconds.toFixed(1)} s per epoch (${CPU_BATCHES} batches timed, scaled to ${BATCHES_PER_EPOCH})`,
);
console.log(`speed-up of wasm over cpu: ${(cpuSeconds / wasmSeconds).toFixed(1)}x (target >= 70x)`);
