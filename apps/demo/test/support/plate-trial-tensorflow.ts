// Child process of test/sweep-trainable.test.ts: the plate-bp trainable on the native
// tensorflow-cpu rung, where it trains with tensorflowAdam (one TensorFlow op per weight). Runs a
// trial straight, then the same trial crashed at its epoch-2 report and resumed, and once more
// straight with tf.train.adam, in directories under argv[2], and prints one JSON line.
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend, TensorflowAdamOptimizer, tensorflowAdam } from "@trainkit/backend";
import type { PlateTrialOutput } from "../../src/sweep/plate-trainable.js";
import { createPlateTrainable } from "../../src/sweep/plate-trainable.js";
import { Crash, fakeContext, sweep, trainable, trialRun } from "../helpers/plate-trial.js";

const dir = process.argv[2];
if (dir === undefined) throw new Error("usage: plate-trial-tensorflow.ts <dir>");
const backend = await initBackend({ prefer: "tensorflow-cpu", tensorflowThreads: 1 });
const probe = tensorflowAdam(0.1);
const nativeAdam = probe instanceof TensorflowAdamOptimizer;
probe.dispose();

const trial = await trialRun(1);
const tensors = tf.memory().numTensors;
const straight = (await trainable.run(
  trial,
  fakeContext(path.join(dir, "straight")).ctx,
)) as PlateTrialOutput;

const crashDir = path.join(dir, "crash");
let crashed = false;
try {
  await trainable.run(
    trial,
    fakeContext(crashDir, (m) => (m.epoch === 2 ? "crash" : "continue")).ctx,
  );
} catch (error) {
  if (!(error instanceof Crash)) throw error;
  crashed = true;
}
const second = fakeContext(crashDir);
const resumed = (await trainable.run(trial, second.ctx)) as PlateTrialOutput;

const withTfjsAdam = createPlateTrainable(sweep, {
  checkpointIntervalMs: 0,
  adam: (lr) => tf.train.adam(lr),
});
const tfjsAdam = (await withTfjsAdam.run(
  trial,
  fakeContext(path.join(dir, "tfjs-adam")).ctx,
)) as PlateTrialOutput;

console.log(
  JSON.stringify({
    backend: backend.name,
    nativeAdam,
    crashed,
    resumedFromEpoch: second.resumes[0]?.epoch ?? null,
    straight,
    resumed,
    tfjsAdam,
    leaked: tf.memory().numTensors - tensors,
  }),
);
