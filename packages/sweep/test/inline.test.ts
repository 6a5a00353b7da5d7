import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import {
  defineTrainable,
  expandTrials,
  foldIndices,
  runTrialInline,
  SweepError,
  type TrialRun,
  validateSweep,
} from "../src/index.js";
import { STEPS_PER_EPOCH, type TinyOutput, tinyTrainable } from "./fixtures/tiny-trainable.js";

// runTrialInline runs a trial with no queue: the same trial and the same kind of context a worker
// gives, checkpoints in the trial's own directory. Exact resume is checked the way the worker
// semantics tests check it: a run stopped mid-way and resumed ends on the weights of a straight run.

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), "sweep-inline-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const definition = {
  seed: 5,
  space: { lr: { type: "grid", values: [0.01, 0.03] } },
  metric: { name: "val_loss", mode: "min" },
  budget: { epochs: 3 },
};

describe("runTrialInline", () => {
  it("runs a trial straight, then resumes a preempted one exactly where it stopped", async () => {
    const straight = await runTrialInline(tinyTrainable, definition, {
      trial: 1,
      checkpointDir: tempDir(),
    });
    const trial = expandTrials(definition)[1] as TrialRun;
    expect(straight.trial).toMatchObject({ id: trial.id, seed: trial.seed, config: { lr: 0.03 } });
    expect(straight.reports.map((r) => r.epoch)).toEqual([1, 2, 3]);
    expect(straight.resumedFrom).toBeNull();
    expect(straight.decision).toBe("continue");
    expect(straight).toMatchObject({ status: "completed", epochs: 3 });
    const done = straight.output as TinyOutput;
    expect(done).toMatchObject({ epochs: 3, step: 3 * STEPS_PER_EPOCH });

    // Preempted after its first epoch: the trainable saves at the next batch and returns.
    const dir = tempDir();
    const preempt = new AbortController();
    const first = await runTrialInline(tinyTrainable, definition, {
      trial: trial.id,
      checkpointDir: dir,
      signal: preempt.signal,
      onReport: () => {
        preempt.abort();
        return "continue";
      },
    });
    expect((first.output as TinyOutput).step).toBe(STEPS_PER_EPOCH);
    expect(first).toMatchObject({ status: "aborted", epochs: 1 });
    expect(readdirSync(join(dir, first.trial.sweepId, trial.id)).length).toBeGreaterThan(0);

    const second = await runTrialInline(tinyTrainable, definition, {
      trial: trial.id,
      checkpointDir: dir,
    });
    expect(second.resumedFrom).toMatchObject({ step: STEPS_PER_EPOCH, epoch: 1 });
    // The resumed attempt replays the report of the epoch its checkpoint ended, then goes on.
    expect(second.reports.map((r) => r.epoch)).toEqual([1, 2, 3]);
    const resumed = second.output as TinyOutput;
    expect(resumed.batchesRun).toBe(2 * STEPS_PER_EPOCH);
    expect(resumed.weightsSha256).toBe(done.weightsSha256);
    expect(second.reports[2]?.val_loss).toBe(straight.reports[2]?.val_loss);
  });

  it("stops a trial when onReport answers stop, as ASHA would", async () => {
    const result = await runTrialInline(tinyTrainable, definition, {
      checkpointDir: tempDir(),
      onReport: (m) => (m.epoch === 2 ? "stop" : "continue"),
    });
    expect(result).toMatchObject({ decision: "stop", status: "stopped", epochs: 2 });
    expect(result.reports.map((r) => r.epoch)).toEqual([1, 2]);
    expect((result.output as TinyOutput).stoppedAt).toBe(2);
  });

  it("cuts the trial's fold from the trainable's data", async () => {
    const withFolds = {
      ...definition,
      space: { lr: 0.01 },
      folds: { splitter: "stratifiedKFold", nSplits: 3, shuffle: true },
    };
    const y = Array.from({ length: 30 }, (_, i) => i % 2);
    const got: { folds: TrialRun["folds"] } = { folds: null };
    const trainable = defineTrainable({
      data: () => ({ size: y.length, y }),
      run: async (trial) => {
        got.folds = trial.folds;
        return null;
      },
    });
    await runTrialInline(trainable, withFolds, { trial: 2, checkpointDir: tempDir() });
    const spec = validateSweep(withFolds).folds;
    if (spec === undefined) throw new Error("the sweep has folds");
    const expected = foldIndices(spec, 2, { length: 30 }, y);
    const seen = got.folds;
    expect(Array.from(seen?.train ?? [])).toEqual(Array.from(expected.train));
    expect(Array.from(seen?.test ?? [])).toEqual(Array.from(expected.test));
    expect((seen?.train.length ?? 0) + (seen?.test.length ?? 0)).toBe(30);
  });

  it("refuses bad input with errors that name it", async () => {
    const dir = tempDir();
    const code = (p: Promise<unknown>) =>
      p.then(
        () => "resolved",
        (e: unknown) => (e instanceof SweepError ? `${e.code} ${e.path ?? ""}`.trim() : String(e)),
      );
    expect(
      await code(runTrialInline(tinyTrainable, definition, { trial: 2, checkpointDir: dir })),
    ).toBe("UNKNOWN_TRIAL");
    expect(
      await code(
        runTrialInline(tinyTrainable, definition, { trial: "t1-00000000", checkpointDir: dir }),
      ),
    ).toBe("UNKNOWN_TRIAL trial");
    expect(
      await code(runTrialInline(tinyTrainable, definition, {} as { checkpointDir: string })),
    ).toBe("INVALID_VALUE checkpointDir");
    expect(await code(runTrialInline({} as never, definition, { checkpointDir: dir }))).toBe(
      "INVALID_TRAINABLE trainable",
    );
    const folds = { ...definition, folds: { splitter: "kFold", nSplits: 2 } };
    expect(await code(runTrialInline(tinyTrainable, folds, { checkpointDir: dir }))).toBe(
      "INVALID_TRAINABLE trainable.data",
    );
    const badEpoch = defineTrainable({ run: (_t, ctx) => ctx.report({ epoch: 4, val_loss: 1 }) });
    expect(await code(runTrialInline(badEpoch, definition, { checkpointDir: dir }))).toBe(
      "INVALID_REPORT epoch",
    );
    const noMetric = defineTrainable({ run: (_t, ctx) => ctx.report({ epoch: 1, loss: 1 }) });
    expect(await code(runTrialInline(noMetric, definition, { checkpointDir: dir }))).toBe(
      "INVALID_REPORT val_loss",
    );
  });
});
