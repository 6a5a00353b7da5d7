import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { verifyCheckpoint } from "@trainkit/checkpoint";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { cosineScheduleWithWarmup } from "@trainkit/schedulers";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  DIGITS,
  generateCharacterDataset,
  PlateBpError,
  type PlateClassifier,
  TrainingAbortedError,
} from "../src/index.js";
import { type EpochLog, type TrainPlateModelOptions, trainPlateModel } from "../src/tfjs.js";
import { dejavu, roboto } from "./fonts.js";

const root = mkdtempSync(join(tmpdir(), "plate-bp-resume-"));
let dirs = 0;
const manager = (options: { saveEverySteps?: number } = {}) =>
  new CheckpointManager({
    dir: join(root, `run-${dirs++}`),
    maxToKeep: 50,
    durable: false,
    ...options,
  });

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** The weights' bytes: equal strings mean bit-identical weights. */
const bits = (c: PlateClassifier) =>
  [c.w1, c.b1, c.w2, c.b2].map((a) =>
    Buffer.from(a.buffer, a.byteOffset, a.byteLength).toString("hex"),
  );
const withoutCheckpoint = (h: EpochLog[]) => h.map(({ checkpoint: _, ...rest }) => rest);

// 120 rows, 15 per batch: 8 updates per epoch
const train = generateCharacterDataset({
  fonts: [roboto, dejavu],
  charset: DIGITS,
  samplesPerClass: 12,
  seed: 4,
});
const held = generateCharacterDataset({
  fonts: [roboto, dejavu],
  charset: DIGITS,
  samplesPerClass: 5,
  seed: 5,
});
const base: TrainPlateModelOptions = {
  x: train.x,
  y: train.y,
  labels: DIGITS,
  hiddenUnits: 8,
  epochs: 3,
  batchSize: 15,
  seed: 9,
  validation: held,
};

describe("trainPlateModel: checkpoints, abort and resume", () => {
  it("stops at an update boundary on abort, saves there, and the resumed run ends bit-identical", async () => {
    const before = tf.memory().numTensors;
    const straight = await trainPlateModel({ ...base, checkpoint: { manager: manager() } });
    expect(straight.history.map((e) => basename(e.checkpoint ?? ""))).toEqual([
      "ckpt-0000000008.safetensors",
      "ckpt-0000000016.safetensors",
      "ckpt-0000000024.safetensors",
    ]);

    const stop = new AbortController();
    const m = manager();
    const aborted = await trainPlateModel({
      ...base,
      checkpoint: { manager: m },
      signal: stop.signal,
      onUpdate: (u) => {
        if (u.update === 11) stop.abort(); // epoch 1, batch 3
      },
    }).catch((e: unknown) => e);
    expect(aborted).toBeInstanceOf(TrainingAbortedError);
    const at = aborted as TrainingAbortedError;
    expect(at).toMatchObject({ code: "ABORTED", updates: 12, epoch: 1, batch: 4 });
    expect(at.checkpoint).toBe(join(m.dir, "ckpt-0000000012.safetensors"));
    expect(at.message).toContain(
      `aborted in epoch 2, after update 12: checkpoint saved at ${at.checkpoint}`,
    );
    const info = await verifyCheckpoint(at.checkpoint as string);
    expect(info.state).toMatchObject({ step: 12, epoch: 1 });
    expect(tf.memory().numTensors).toBe(before);

    const resumed = await trainPlateModel({ ...base, checkpoint: { manager: m, resume: true } });
    expect(resumed.resumedFrom).toEqual({ path: at.checkpoint, updates: 12, epoch: 1, batch: 4 });
    expect(resumed.updates).toBe(24);
    expect(bits(resumed.classifier)).toEqual(bits(straight.classifier));
    // the epoch cut by the abort sums its loss and hits exactly as the straight run did
    expect(withoutCheckpoint(resumed.history)).toEqual(
      withoutCheckpoint(straight.history.slice(1)),
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("saves every N updates (the manager's saveEverySteps), follows a per-update schedule, resumes mid-epoch", async () => {
    const schedule = cosineScheduleWithWarmup({
      lr: 0.02,
      numWarmupSteps: 4,
      numTrainingSteps: 24,
    });
    const options = { ...base, schedule };
    const rates: number[] = [];
    const updates: number[] = [];
    const straight = await trainPlateModel({
      ...options,
      onUpdate: (u) => {
        updates.push(u.update);
        rates.push(u.learningRate);
        expect(u.batchesPerEpoch).toBe(8);
        expect(u.loss).toBeGreaterThan(0);
      },
    });
    expect(updates).toEqual(Array.from({ length: 24 }, (_, i) => i));
    expect(rates).toEqual(updates.map((u) => schedule(u)));
    expect(straight.history.map((e) => e.learningRate)).toEqual([0, schedule(8), schedule(16)]);

    const m = manager({ saveEverySteps: 5 });
    const first = await trainPlateModel({ ...options, checkpoint: { manager: m } });
    expect(bits(first.classifier)).toEqual(bits(straight.classifier));
    const saved = await m.list();
    expect(saved.map((c) => c.step)).toEqual([5, 10, 15, 20]);
    expect(saved[3]?.state.schedule).toEqual(schedule.toJSON());
    // resuming from the newest checkpoint (update 20: epoch 2, batch 4) redoes the last 4 updates
    const resumed = await trainPlateModel({ ...options, checkpoint: { manager: m, resume: true } });
    expect(resumed.resumedFrom).toMatchObject({ updates: 20, epoch: 2, batch: 4 });
    expect(bits(resumed.classifier)).toEqual(bits(straight.classifier));
    expect(withoutCheckpoint(resumed.history)).toEqual(
      withoutCheckpoint(straight.history.slice(2)),
    );
  });

  it("starts afresh when asked to resume with no checkpoint, and refuses another run's checkpoint", async () => {
    const m = manager();
    const fresh = await trainPlateModel({
      ...base,
      epochs: 2,
      checkpoint: { manager: m, resume: true },
    });
    expect(fresh.resumedFrom).toBeUndefined();
    expect(fresh.updates).toBe(16);
    const other = trainPlateModel({
      ...base,
      epochs: 2,
      batchSize: 20,
      checkpoint: { manager: m, resume: true },
    });
    await expect(other).rejects.toMatchObject({ code: "CHECKPOINT_MISMATCH" });
    await expect(other).rejects.toThrow(
      /cannot resume from .*ckpt-0000000016\.safetensors: its batchSize is 15, this run's is 20/,
    );
  });

  it("aborted with no checkpoint manager, it says that nothing was saved", async () => {
    const before = tf.memory().numTensors;
    const stop = new AbortController();
    stop.abort();
    const run = trainPlateModel({ ...base, signal: stop.signal });
    await expect(run).rejects.toMatchObject({
      code: "ABORTED",
      checkpoint: null,
      updates: 0,
      epoch: 0,
      batch: 0,
    });
    await expect(run).rejects.toThrow(
      /no checkpoint written \(pass checkpoint: \{ manager \} to keep one\)/,
    );
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects a schedule given with learningRate, and a schedule that returns no rate", async () => {
    const bad = (o: Partial<TrainPlateModelOptions>) =>
      trainPlateModel({ ...base, epochs: 1, ...o });
    await expect(bad({ schedule: () => 0.01, learningRate: 0.1 })).rejects.toThrow(
      /give schedule or learningRate\/warmupEpochs, not both/,
    );
    await expect(bad({ schedule: (u) => (u < 2 ? 0.01 : Number.NaN) })).rejects.toThrow(
      /schedule\(2\) returned NaN; a learning rate must be a finite number >= 0/,
    );
    await expect(bad({ schedule: 0.01 as never })).rejects.toThrow(PlateBpError);
  });
});
