import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import {
  DIGITS,
  generateCharacterDataset,
  loadFont,
  type PlateClassifier,
} from "@trainkit/plate-bp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { TRAIN_FONT_FILES } from "./fonts.js";
import { type BpConfig, bpSchedule, trainBp, trainUntilCrash } from "./train-plates.js";

const root = mkdtempSync(join(tmpdir(), "trainkit-train-plates-"));
beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

const silent = { write: () => true };
const bits = (c: PlateClassifier) =>
  [c.w1, c.b1, c.w2, c.b2].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex"),
  );

// 100 rows of 25 grid features, batches of 16: 7 updates an epoch
const data = generateCharacterDataset({
  fonts: [loadFont(TRAIN_FONT_FILES[0] as string)],
  charset: DIGITS,
  samplesPerClass: 10,
  seed: 3,
});
const config: BpConfig = {
  nf: 25,
  classes: 10,
  hiddenUnits: 12,
  epochs: 4,
  batchSize: 16,
  learningRate: 0.01,
  warmupEpochs: 1,
  seed: 5,
  n: 100,
};
const run = (dir: string) => ({
  config,
  labels: DIGITS,
  features: "grid5x5" as const,
  x: data.x,
  y: data.y,
  manager: new CheckpointManager({ dir: join(root, dir), maxToKeep: 3, durable: false }),
  out: silent,
});

describe("trainBp and trainUntilCrash (trainPlateModel with the CLI's progress and errors)", () => {
  it("a run crashed mid-epoch and resumed from its last checkpoint ends bit-identical", async () => {
    const before = tf.memory().numTensors;
    const straight = await trainBp(run("straight"));
    expect(straight.step).toBe(28);
    expect(straight.history.map((e) => e.epoch)).toEqual([1, 2, 3, 4]);
    expect(straight.history.every((e) => e.checkpoint.endsWith(".safetensors"))).toBe(true);
    // warm-up from 5% of the rate over the first epoch's 7 updates, then cosine decay to 0
    const schedule = bpSchedule(config);
    expect(straight.learningRates[0]).toEqual({ step: 0, lr: 0.01 * 0.05 });
    expect(straight.learningRates.map((l) => l.lr)).toEqual(
      Array.from({ length: 28 }, (_, i) => schedule(i)),
    );
    expect(straight.history[0]?.learningRate).toBe(schedule(6));

    const crashed = await trainUntilCrash(run("resumed"), { epoch: 2, batch: 3 });
    expect(crashed.step).toBe(17);
    const resumed = await trainBp({ ...run("resumed"), resume: true });
    expect(resumed.resumedFrom).toMatchObject({ step: 14, epoch: 2, batch: 0 });
    expect(resumed.history.map((e) => e.epoch)).toEqual([3, 4]);
    expect(resumed.learningRates[0]?.step).toBe(14);
    expect(bits(resumed.classifier)).toEqual(bits(straight.classifier));
    expect(resumed.history.map((e) => e.loss)).toEqual(
      straight.history.slice(2).map((e) => e.loss),
    );
    straight.model.dispose();
    resumed.model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("says in the CLI's words that a checkpoint comes from a run with other flags", async () => {
    await trainBp({ ...run("other"), config: { ...config, epochs: 1, warmupEpochs: 0 } });
    const again = trainBp({ ...run("other"), resume: true });
    await expect(again).rejects.toMatchObject({ name: "UsageError" });
    await expect(again).rejects.toThrow(
      /^cannot resume from .*ckpt-0000000007\.safetensors: its epochs is 1, this run's is 4\. Resume with the flags of the run that wrote it, or use another --out\.$/,
    );
  });
});
