import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { explainCheckpoint, saveCheckpoint, saveWeights } from "../src/tfjs.js";
import { makeData, makeModel, tf, useCpu } from "./helpers/tf.js";

let dir: string;
beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), "ckpt-size-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** tfjs's own answer: bytes of model.save({ includeOptimizer: true }) weight data, minus the int32 iteration count. */
async function tfjsOptimizerMultiplier(model: ReturnType<typeof makeModel>): Promise<number> {
  let bytes = 0;
  await model.save(
    tf.io.withSaveHandler(async (artifacts) => {
      const wd = artifacts.weightData;
      bytes = Array.isArray(wd) ? wd.reduce((s, b) => s + b.byteLength, 0) : (wd?.byteLength ?? 0);
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
    { includeOptimizer: true },
  );
  const weights = model.weights.reduce(
    (s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1) * 4,
    0,
  );
  return (bytes - 4) / weights;
}

const cases: [string, () => tf.Optimizer, number][] = [
  ["SGD", () => tf.train.sgd(0.1), 1],
  ["momentum", () => tf.train.momentum(0.1, 0.9), 2],
  ["Adagrad", () => tf.train.adagrad(0.1), 2],
  ["Adadelta", () => tf.train.adadelta(0.1), 3],
  ["RMSProp", () => tf.train.rmsprop(0.01), 3],
  ["RMSProp centered", () => tf.train.rmsprop(0.01, 0.9, 0, 1e-7, true), 4],
  ["Adam", () => tf.train.adam(0.01), 3],
];

describe("size facts on real tfjs optimizers", () => {
  for (const [name, make, multiplier] of cases) {
    it(`${name}: a training checkpoint is ${multiplier}x the weights, as tfjs's own model.save says`, async () => {
      const model = makeModel({ inputs: 16, hidden: 32, outputs: 4 });
      model.compile({ optimizer: make(), loss: "meanSquaredError" });
      const d = makeData(8, 16, 4);
      const x = tf.tensor2d(d.x, [8, 16]);
      const y = tf.tensor2d(d.y, [8, 4]);
      await model.trainOnBatch(x, y);
      x.dispose();
      y.dispose();
      const p = join(dir, `${name}.safetensors`);
      await saveCheckpoint(p, { model, step: 1, epoch: 0 });
      const ex = await explainCheckpoint(p);
      expect(ex.multiplier).toBe(multiplier);
      expect(ex.multiplier).toBeCloseTo(await tfjsOptimizerMultiplier(model), 12);
      expect(ex.weightBytes).toBe((16 * 32 + 32 + 32 * 4 + 4) * 4);
      expect(ex.fileBytes).toBe((await stat(p)).size);
    });
  }

  it("an fp16 or bf16 release holds half the bytes of the fp32 weights (and a sixth of an Adam checkpoint)", async () => {
    const model = makeModel({ inputs: 64, hidden: 64, outputs: 8 });
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const d = makeData(4, 64, 8);
    const x = tf.tensor2d(d.x, [4, 64]);
    const y = tf.tensor2d(d.y, [4, 8]);
    await model.trainOnBatch(x, y);
    tf.dispose([x, y]);
    const ck = join(dir, "adam-big.safetensors");
    await saveCheckpoint(ck, { model, step: 1, epoch: 0 });
    const ex = await explainCheckpoint(ck);
    for (const dtype of ["float16", "bfloat16"] as const) {
      const p = join(dir, `release-${dtype}.safetensors`);
      await saveWeights(p, model, { dtype });
      const rel = await explainCheckpoint(p);
      expect(rel.weightBytes * 2).toBe(ex.weightBytes);
      expect(ex.weightBytes * 3).toBe(ex.weightBytes + ex.optimizerBytes - 8); // 8 bytes: Adam's two beta powers
      expect((ex.weightBytes * 3) / rel.weightBytes).toBe(6);
    }
  });
});
