import "@tensorflow/tfjs-backend-cpu";
import { spawnSync } from "node:child_process";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { tensorflowSetupStatus } from "@trainkit/backend";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { SweepError, validateSweep } from "@trainkit/sweep";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkPlateSweep, type PlateTrialOutput } from "../src/sweep/plate-trainable.js";
import {
  batchesPerEpoch,
  Crash,
  definition,
  fakeContext,
  trainable,
  trialRun,
} from "./helpers/plate-trial.js";
import { appDir, env, removeTempDirs, tempDir } from "./helpers/trainkit.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});
afterAll(() => removeTempDirs());

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

  // Skipped, not passed, where the rung is not set up; .ci/run sets it up and requires it.
  const noTensorflow =
    !tensorflowSetupStatus().ready && process.env.TRAINKIT_REQUIRE_TENSORFLOW !== "1";
  it.skipIf(noTensorflow)(
    "on the native tensorflow-cpu rung (Adam as one TensorFlow op per weight), a resumed trial also ends bit-identical",
    () => {
      const script = path.join(appDir, "test", "support", "plate-trial-tensorflow.ts");
      const run = spawnSync(
        process.execPath,
        ["--conditions=@trainkit/source", "--import", "tsx", script, tempDir("plate-native")],
        { encoding: "utf8", env, cwd: appDir, timeout: 120_000 },
      );
      expect(run.status, run.stderr).toBe(0);
      const result = JSON.parse(run.stdout.trim().split("\n").at(-1) as string);
      expect(result).toMatchObject({ backend: "tensorflow", nativeAdam: true, crashed: true });
      expect(result.resumedFromEpoch).toBe(2);
      expect(result.straight.finalWeightsSha256).toMatch(/^[0-9a-f]{64}$/);
      expect(result.resumed).toEqual(result.straight);
      // The trainable's default Adam is the native one: tf.train.adam rounds differently.
      expect(result.tfjsAdam.updates).toBe(result.straight.updates);
      expect(result.tfjsAdam.finalWeightsSha256).not.toBe(result.straight.finalWeightsSha256);
      expect(result.leaked).toBe(0);
    },
  );

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
