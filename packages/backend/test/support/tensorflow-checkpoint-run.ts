// Child process of test/tensorflow-checkpoint.test.ts. One mode per process, so that a load
// happens in a NEW process and TensorFlow's oneDNN setting (TF_ENABLE_ONEDNN_OPTS, read once
// when its library loads) is the parent's choice. Prints one JSON line.
//
//   train <total>                   tensorflow: train `total` steps straight
//   save <k> <file>                 tensorflow: train k steps, save a training checkpoint
//   resume <file> <total>           tensorflow: load the checkpoint, train on to `total` steps
//   wasm-save <dir>                 wasm: train, save weights-only + training checkpoint, then
//                                   one step more; print predictions and weights
//   tensorflow-load <dir>           tensorflow: load both files into fresh models, predict, and
//                                   take the same one step more from the training checkpoint
import { createRequire } from "node:module";
import { join } from "node:path";
import { restoreIsNullOrUndefined } from "../../src/internal/node-compat.js";
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { registerWasmGradients } from "@trainkit/backend";
import {
  loadCheckpoint,
  loadWeights,
  saveCheckpoint,
  saveWeights,
} from "@trainkit/checkpoint/tfjs";
import { uniform } from "./seeded-values.js";
import { buildSmallModel, hex, STEPS_PER_EPOCH, trainStep } from "./small-training.js";

/** Every weight (BatchNormalization's moving statistics too) and every optimizer slot, as bytes. */
async function state(model: tfl.Sequential): Promise<{ weights: string[]; slots: string[] }> {
  const weights: string[] = [];
  for (const w of model.weights) weights.push(hex((await w.read().data()) as Float32Array));
  const named = await model.optimizer.getWeights();
  const slots = named.map((s) => `${s.name.replace(/.*\//, "")}:${s.tensor.dtype}`);
  for (const [i, s] of named.entries()) {
    slots[i] += `:${hex(Float32Array.from((await s.tensor.data()) as Float32Array))}`;
  }
  // getWeights returns the slot variables themselves, plus one new tensor: the iteration count
  tf.dispose(named.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
  return { weights, slots };
}

const probe = uniform(6 * 64, 99);
async function predict(model: tfl.Sequential): Promise<number[]> {
  const x = tf.tensor4d(probe, [6, 8, 8, 1]);
  const p = model.predict(x) as tf.Tensor;
  const out = Array.from((await p.data()) as Float32Array);
  tf.dispose([x, p]);
  return out;
}

async function use(backend: "tensorflow" | "wasm"): Promise<void> {
  if (backend === "tensorflow") {
    // registers 'tensorflow' with the shared tfjs-core; never tfjs-node-gpu here
    restoreIsNullOrUndefined(); // tfjs-node 4.22 on Node 23+
    createRequire(import.meta.url)("@tensorflow/tfjs-node");
  } else {
    registerWasmGradients();
  }
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  await tf.ready();
}

const [mode, a1, a2] = process.argv.slice(2);
let result: Record<string, unknown>;
if (mode === "train" || mode === "save" || mode === "resume") {
  await use("tensorflow");
  const model = buildSmallModel();
  let step = 0;
  let total = Number(a1);
  if (mode === "resume") {
    const loaded = await loadCheckpoint(a1 as string, { model });
    step = loaded.state.step;
    total = Number(a2);
  }
  // from the end of the first step on (Adam has made its slots by then), the count must not grow
  let afterFirstStep: number | undefined;
  const losses: number[] = [];
  while (step < total) {
    losses.push(await trainStep(model, step++));
    afterFirstStep ??= tf.memory().numTensors;
  }
  if (mode === "save") {
    await saveCheckpoint(a2 as string, {
      model,
      step,
      epoch: Math.floor(step / STEPS_PER_EPOCH),
      rng: { epochOrderSeed: "1000 + epoch" },
    });
  }
  result = {
    backend: tf.getBackend(),
    step,
    losses,
    leaked: tf.memory().numTensors - (afterFirstStep ?? tf.memory().numTensors),
    ...(await state(model)),
  };
} else if (mode === "wasm-save") {
  await use("wasm");
  const model = buildSmallModel();
  const saved = 3;
  for (let step = 0; step < saved; step++) await trainStep(model, step);
  const dir = a1 as string;
  await saveWeights(join(dir, "weights.safetensors"), model);
  await saveCheckpoint(join(dir, "training.safetensors"), { model, step: saved, epoch: 0 });
  const atSave = { predictions: await predict(model), ...(await state(model)) };
  await trainStep(model, saved);
  const next = { predictions: await predict(model), ...(await state(model)) };
  result = { backend: tf.getBackend(), atSave, next };
} else if (mode === "tensorflow-load") {
  await use("tensorflow");
  const dir = a1 as string;
  const before = tf.memory().numTensors;
  const fromWeights = buildSmallModel();
  const weightsLoad = await loadWeights(join(dir, "weights.safetensors"), fromWeights);
  const fromTraining = buildSmallModel();
  const trainingLoad = await loadCheckpoint(join(dir, "training.safetensors"), {
    model: fromTraining,
  });
  const weightsOnly = { predictions: await predict(fromWeights), ...(await state(fromWeights)) };
  const training = { predictions: await predict(fromTraining), ...(await state(fromTraining)) };
  await trainStep(fromTraining, trainingLoad.state.step);
  const next = { predictions: await predict(fromTraining), ...(await state(fromTraining)) };
  for (const m of [fromWeights, fromTraining]) {
    m.optimizer.dispose();
    m.dispose();
  }
  result = {
    backend: tf.getBackend(),
    matchedBy: [weightsLoad.matchedBy, trainingLoad.matchedBy],
    optimizerRestored: trainingLoad.optimizerRestored,
    step: trainingLoad.state.step,
    weightsOnly,
    training,
    next,
    leaked: tf.memory().numTensors - before,
  };
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
