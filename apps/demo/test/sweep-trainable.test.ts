import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import {
  expandTrials,
  foldIndices,
  SweepError,
  type TrialContext,
  type TrialMetrics,
  type TrialRun,
  validateSweep,
} from "@trainkit/sweep";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  checkPlateSweep,
  createPlateTrainable,
  type PlateTrialOutput,
} from "../src/sweep/plate-trainable.js";
import { removeTempDirs, tempDir } from "./helpers/trainkit.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => removeTempDirs());

/** 408 rows (3 fonts × 4 glyphs × 34 characters), 2 folds, 3 epochs of 4 updates. */
const definition = {
  seed: 9,
  space: { schedule: { type: "grid", values: ["cosine", "onecycle"] }, lr: 0.01, quick: true },
  folds: { splitter: "stratifiedKFold", nSplits: 2, shuffle: true },
  metric: { name: "val_accuracy", mode: "max" },
  budget: { epochs: 3 },
};
const sweep = validateSweep(definition);
// A checkpoint at every epoch's end (the CLI's trainable keeps 2 s between them).
const trainable = createPlateTrainable(sweep, { checkpointIntervalMs: 0 });

async function trialRun(index: number): Promise<TrialRun> {
  const data = await trainable.data?.();
  const trial = expandTrials(sweep)[index];
  if (data === undefined || trial === undefined) throw new Error("no trial");
  const split = foldIndices(
    sweep.folds as NonNullable<typeof sweep.folds>,
    trial.fold,
    { length: data.size },
    data.y,
  );
  return {
    ...trial,
    sweepId: "s-test",
    attempt: 1,
    folds: { train: Int32Array.from(split.train), test: Int32Array.from(split.test) },
  };
}

const batchesPerEpoch = (trial: TrialRun) => Math.ceil((trial.folds?.train.length ?? 0) / 64);

class Crash extends Error {}

/** A context like a worker's, on `dir`, with the reports and resumes recorded. */
function fakeContext(
  dir: string,
  answer: (m: TrialMetrics) => "continue" | "stop" | "crash" = () => "continue",
) {
  const reports: TrialMetrics[] = [];
  const resumes: { path: string; step: number; epoch: number }[] = [];
  const controller = new AbortController();
  const ctx: TrialContext = {
    signal: controller.signal,
    checkpoints: {
      dir,
      manager: async (options = {}) => new CheckpointManager({ ...options, dir }),
      restore: async () => null,
      save: async () => ({ path: "" }),
      resumedFrom: async (point) => {
        resumes.push(point);
      },
      guard: async () => {},
    },
    report: async (metrics) => {
      reports.push(metrics);
      const a = answer(metrics);
      if (a === "crash") throw new Crash();
      return a;
    },
  };
  return { ctx, reports, resumes, controller };
}

describe("the plate-bp trainable", () => {
  it("resumed after a crash between an epoch's checkpoint and its report, replays that report and ends bit-identical", async () => {
    const trial = await trialRun(1);
    const tensors = tf.memory().numTensors;

    const straight = fakeContext(tempDir("plate-straight"));
    const expected = (await trainable.run(trial, straight.ctx)) as PlateTrialOutput;
    expect(straight.reports.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(expected.finalWeightsSha256).toMatch(/^[0-9a-f]{64}$/);
    expect(expected.updates).toBe(3 * batchesPerEpoch(trial));

    const dir = tempDir("plate-crash");
    const first = fakeContext(dir, (m) => (m.epoch === 2 ? "crash" : "continue"));
    await expect(trainable.run(trial, first.ctx)).rejects.toBeInstanceOf(Crash);
    const second = fakeContext(dir);
    const output = (await trainable.run(trial, second.ctx)) as PlateTrialOutput;

    expect(second.resumes).toHaveLength(1);
    expect(second.resumes[0]?.epoch).toBe(2);
    // The lost report of epoch 2 comes again, with the value the first attempt saw, then epoch 3.
    expect(second.reports.map((r) => r.epoch)).toEqual([2, 3]);
    expect(second.reports[0]).toEqual(first.reports[1]);
    expect(second.reports[1]).toEqual(straight.reports[2]);
    expect(output).toEqual(expected);
    expect(tf.memory().numTensors).toBe(tensors);
  });

  it("stops after the epoch whose report answers stop, its checkpoint written, without final weights", async () => {
    const trial = await trialRun(0);
    const dir = tempDir("plate-stop");
    const run = fakeContext(dir, (m) => (m.epoch === 1 ? "stop" : "continue"));
    const output = (await trainable.run(trial, run.ctx)) as PlateTrialOutput;
    expect(run.reports.map((r) => r.epoch)).toEqual([1]);
    expect(Object.keys(run.reports[0] ?? {}).sort()).toEqual([
      "accuracy",
      "epoch",
      "loss",
      "val_accuracy",
    ]);
    expect(output).toEqual({
      updates: batchesPerEpoch(trial),
      finalWeightsSha256: null,
    });
    const latest = await new CheckpointManager({ dir }).latest();
    expect(latest?.state.epoch).toBe(1);
  });

  it("refuses sweeps it cannot run, naming the key", () => {
    const refuse = (space: Record<string, unknown>, metric = "val_accuracy") => {
      try {
        checkPlateSweep(
          validateSweep({ ...definition, space, metric: { name: metric, mode: "max" } }),
        );
      } catch (e) {
        expect(e).toBeInstanceOf(SweepError);
        return (e as SweepError).message;
      }
      throw new Error("accepted");
    };
    expect(refuse({ schedule: "cosine" })).toContain("space.lr is missing");
    expect(refuse({ lr: 0.1 })).toContain("space.schedule is missing");
    expect(refuse({ schedule: "step", lr: 0.1 })).toContain('space.schedule has "step"');
    expect(refuse({ schedule: "cosine", lr: { type: "grid", values: [0.1, -1] } })).toContain(
      "space.lr must hold learning rates > 0, got -1",
    );
    expect(
      refuse({ schedule: "cosine", lr: 0.1, kind: { type: "grid", values: ["digits"] } }),
    ).toContain("space.kind must be a fixed value");
    expect(refuse({ schedule: "cosine", lr: 0.1, quick: "yes" })).toContain(
      "space.quick must be true or false",
    );
    expect(refuse({ schedule: "cosine", lr: 0.1, dropout: 0.5 })).toContain(
      "space.dropout is not a parameter of the plate-bp trainable",
    );
    expect(refuse({ schedule: "cosine", lr: 0.1 }, "val_loss")).toContain(
      'metric.name is "val_loss"',
    );
  });
});
