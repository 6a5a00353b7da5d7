// Quick start: save a training checkpoint, see what it holds, resume from it,
// and export a half-precision release.
// Run from packages/checkpoint: npx tsx --conditions=@trainkit/source examples/quickstart.ts
import "@tensorflow/tfjs-backend-cpu";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { readSafetensors } from "@trainkit/checkpoint";
import {
  CheckpointManager,
  explainCheckpoint,
  loadCheckpoint,
  saveCheckpoint,
  saveWeights,
} from "@trainkit/checkpoint/tfjs";

export async function quickstart(): Promise<{
  resumedStep: number;
  multiplier: number;
  fp16Bytes: number;
}> {
  await tf.setBackend("cpu");
  const dir = await mkdtemp(join(tmpdir(), "quickstart-"));
  const build = () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ inputShape: [4], units: 16, activation: "relu" }),
        tfl.layers.dense({ units: 1 }),
      ],
    });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    return model;
  };

  // 1. Train a little, then save weights + Adam slots + training state in ONE file.
  const model = build();
  const x = tf.randomNormal([32, 4]);
  const y = tf.randomNormal([32, 1]);
  await model.fit(x, y, { epochs: 2, batchSize: 8, verbose: 0 });
  const path = join(dir, "step-8.safetensors");
  await saveCheckpoint(path, {
    model,
    step: 8,
    epoch: 2,
    rng: { seed: 42 },
    metrics: { loss: 0.9 },
  });

  // 2. Why is it 3x the weights? Adam keeps two slots (m, v) per weight.
  const report = await explainCheckpoint(path);
  console.log(report.text);

  // 3. Resume: a fresh model and optimizer get weights, slots (by name) and state back.
  const resumed = build();
  const { state } = await loadCheckpoint(path, { model: resumed });
  console.log(`resumed at step ${state.step}, epoch ${state.epoch}`);

  // 4. Or let a manager keep the last 3 plus the best by loss, and find the newest valid one.
  const manager = new CheckpointManager({ dir: join(dir, "run"), maxToKeep: 3, monitor: "loss" });
  await manager.save({ model, step: 8, epoch: 2, metrics: { loss: 0.9 } });
  console.log(`latest: ${(await manager.latest())?.file}`);

  // 5. Release the weights only, in float16: half the size of float32 weights.
  const release = join(dir, "model-fp16.safetensors");
  await saveWeights(release, model, { dtype: "float16" });
  const { tensors } = await readSafetensors(release);
  const fp16Bytes = Object.values(tensors).reduce((s, t) => s + t.data.byteLength, 0);

  tf.dispose([x, y]);
  await rm(dir, { recursive: true, force: true });
  return { resumedStep: state.step, multiplier: report.multiplier, fp16Bytes };
}

if (import.meta.url === `file://${process.argv[1]}`) await quickstart();
