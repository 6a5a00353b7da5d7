import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import {
  expandTrials,
  foldIndices,
  type TrialContext,
  type TrialMetrics,
  type TrialRun,
  validateSweep,
} from "@trainkit/sweep";
import { createPlateTrainable } from "../../src/sweep/plate-trainable.js";

/**
 * The plate-bp trainable's test sweep and a worker-like context for it, shared by
 * sweep-trainable.test.ts and its child process on the tensorflow rung (plate-trial-tensorflow.ts).
 */

/** 408 rows (3 fonts × 4 glyphs × 34 characters), 2 folds, 3 epochs of 4 updates. */
export const definition = {
  seed: 9,
  space: { schedule: { type: "grid", values: ["cosine", "onecycle"] }, lr: 0.01, quick: true },
  folds: { splitter: "stratifiedKFold", nSplits: 2, shuffle: true },
  metric: { name: "val_accuracy", mode: "max" },
  budget: { epochs: 3 },
};
export const sweep = validateSweep(definition);
// A checkpoint at every epoch's end (the CLI's trainable keeps 2 s between them).
export const trainable = createPlateTrainable(sweep, { checkpointIntervalMs: 0 });

export async function trialRun(index: number): Promise<TrialRun> {
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

export const batchesPerEpoch = (trial: TrialRun) =>
  Math.ceil((trial.folds?.train.length ?? 0) / 64);

export class Crash extends Error {}

/** A context like a worker's, on `dir`, with the reports and resumes recorded. */
export function fakeContext(
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
