import { readdirSync } from "node:fs";
import "@tensorflow/tfjs-backend-cpu";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { loadPlateModel } from "@trainkit/plate-bp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { platesTrainExperiment } from "../src/experiments/plates.js";
import { bpSchedule } from "../src/plates/train-plates.js";
import { removeTempDirs, tempDir } from "./helpers/trainkit.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(removeTempDirs);

describe("the plates train experiment (cpu backend, --quick glyphs)", () => {
  const dir = tempDir("plates-experiment");
  const options = { kind: "digits" as const, quick: true, seed: 3, epochs: 2, dir, resume: false };

  it("trains, checkpoints every epoch, measures the unseen fonts and writes the model", async () => {
    const before = tf.memory().numTensors;
    const data = await platesTrainExperiment(options);
    expect(tf.memory().numTensors).toBe(before);
    // 3 fonts x 10 digits x 4 glyphs, 80% of them for training; 2 unseen fonts x 10 x 2
    expect(data.config).toMatchObject({ nf: 25, classes: 10, hiddenUnits: 64, epochs: 2, n: 96 });
    expect(data.unseenRows).toBe(40);
    expect(data.epochs.map((e) => e.epoch)).toEqual([1, 2]);
    const schedule = bpSchedule(data.config);
    expect(data.learningRates.map((l) => l.lr)).toEqual(
      Array.from({ length: 4 }, (_, i) => schedule(i)),
    );
    expect(data.resumedFrom).toBeNull();
    const diagonal = data.confusion.reduce((sum, row, t) => sum + (row[t] as number), 0);
    expect(data.confusion.flat().reduce((a, b) => a + b, 0)).toBe(40);
    expect(data.unseenFontAccuracy).toBe(diagonal / 40);
    expect(loadPlateModel(data.model)).toMatchObject({ labels: "0123456789", features: "grid5x5" });
    expect(readdirSync(data.checkpoints).filter((f) => f.endsWith(".safetensors"))).toEqual([
      "ckpt-0000000002.safetensors",
      "ckpt-0000000004.safetensors",
    ]);
    expect(data.checkpoints).toBe(path.join(dir, "checkpoints"));
  });

  it("resumes only a run with the same flags, and says which flag differs", async () => {
    const done = await platesTrainExperiment({ ...options, resume: true });
    expect(done.resumedFrom).toBe(path.join(dir, "checkpoints", "ckpt-0000000004.safetensors"));
    expect(done.epochs).toEqual([]);
    await expect(platesTrainExperiment({ ...options, epochs: 3, resume: true })).rejects.toThrow(
      /its epochs is 2, this run's is 3\. Resume with the flags of the run that wrote it, or use another --out/,
    );
  });
});
