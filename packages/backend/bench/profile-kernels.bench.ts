/**
 * Where the time of one training step of the demo CNN goes on wasm, kernel by kernel
 * (tf.profile over 8 batches of 64 after a warm-up), plus the time outside kernels.
 *
 *   npx tsx --conditions=@trainkit/source bench/profile-kernels.bench.ts
 */
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "../src/index.js";
import { demoCnn, randomImages } from "./demo-cnn.js";

const BATCH = 64;
const STEPS = 8;
await initBackend({ prefer: (process.env.TRAINKIT_BACKEND as "wasm" | undefined) ?? "wasm" });
const model = demoCnn();
const { x, y } = randomImages(BATCH);
await model.trainOnBatch(x, y);

const t0 = performance.now();
const info = await tf.profile(async () => {
  for (let i = 0; i < STEPS; i++) await model.trainOnBatch(x, y);
});
const wallMs = (performance.now() - t0) / STEPS;
const byKernel = new Map<string, { ms: number; calls: number }>();
for (const k of info.kernels) {
  const key = `${k.name} ${JSON.stringify(k.inputShapes)}`;
  const entry = byKernel.get(key) ?? { ms: 0, calls: 0 };
  entry.ms += Number(k.kernelTimeMs) / STEPS;
  entry.calls += 1 / STEPS;
  byKernel.set(key, entry);
}
const rows = [...byKernel.entries()].sort((a, b) => b[1].ms - a[1].ms);
const kernelMs = rows.reduce((s, [, v]) => s + v.ms, 0);
console.log(
  `backend ${tf.getBackend()}: ${wallMs.toFixed(1)} ms per step, ${kernelMs.toFixed(1)} ms in kernels`,
);
for (const [key, v] of rows.slice(0, 20)) {
  console.log(`${v.ms.toFixed(2).padStart(8)} ms  x${v.calls.toFixed(0)}  ${key}`);
}
