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
import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { registerWasmGradients } from "@trainkit/backend";
import {
  loadCheckpoint,
  loadWeights,
  saveCheckpoint,
  saveWeights,
} from "@trainkit/checkpoint/tfjs";
import { uniform } from "./seeded-values.js";

/** The data order of an epoch: a permutation seeded by the epoch number (the whole RNG state). */
function epochOrder(epoch: number, n: number): number[] {
  const r = uniform(n, 1000 + epoch);
  const p = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor((r[i] as number) * (i + 1));
    [p[i], p[j]] = [p[j] as number, p[i] as number];
  }
  return p;
}

const N = 32;
const BATCH = 8;
const STEPS_PER_EPOCH = N / BATCH;
const SHAPE = [8, 8, 1];
const CLASSES = 3;

/** conv-bn-pool-dense with seeded initializers, Adam: every process builds the same model. */
function buildModel(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: SHAPE,
        filters: 4,
        kernelSize: 3,
        padding: "same",
        activation: "relu",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.batchNormalization(),
      tfl.layers.maxPooling2d({ poolSize: 2 }),
      tfl.layers.flatten(),
      tfl.layers.dense({
        units: CLASSES,
        activation: "softmax",
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(0.01), loss: "categoricalCrossentropy" });
  return model;
}

const xData = uniform(N * 64, 7);
const yData = Float32Array.from({ length: N * CLASSES }, (_, i) =>
  Math.floor(i / CLASSES) % CLASSES === i % CLASSES ? 1 : 0,
);

/** One optimizer step on the batch of global step `step`. */
async function trainStep(model: tfl.Sequential, step: number): Promise<number> {
  const epoch = Math.floor(step / STEPS_PER_EPOCH);
  const start = (step % STEPS_PER_EPOCH) * BATCH;
  const rows = epochOrder(epoch, N).slice(start, start + BATCH);
  const x = tf.tensor4d(
    Float32Array.from(rows.flatMap((r) => Array.from(xData.subarray(r * 64, r * 64 + 64)))),
    [BATCH, 8, 8, 1],
  );
  const y = tf.tensor2d(
    Float32Array.from(rows.flatMap((r) => Array.from(yData.subarray(r * 3, r * 3 + 3)))),
    [BATCH, CLASSES],
  );
  const loss = (await model.trainOnBatch(x, y)) as number;
  tf.dispose([x, y]);
  return loss;
}

const hex = (d: Float32Array) => Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex");

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
  const model = buildModel();
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
  const model = buildModel();
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
  const fromWeights = buildModel();
  const weightsLoad = await loadWeights(join(dir, "weights.safetensors"), fromWeights);
  const fromTraining = buildModel();
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
