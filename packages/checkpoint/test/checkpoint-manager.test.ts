import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { CheckpointError, CheckpointManager, type CheckpointManagerOptions } from "../src/tfjs.js";
import { makeModel, tf, useCpu } from "./helpers/tf.js";

let root: string;
let n = 0;
const freshDir = () => join(root, `m${n++}`);
beforeAll(async () => {
  await useCpu();
  root = await mkdtemp(join(tmpdir(), "ckpt-mgr-"));
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function model() {
  const m = makeModel();
  m.compile({ optimizer: tf.train.sgd(0.1), loss: "meanSquaredError" });
  return m;
}

const files = async (dir: string) =>
  (await readdir(dir)).filter((f) => f.endsWith(".safetensors")).sort();

describe("CheckpointManager", () => {
  it("keeps the newest K, the best by a metric (from headers) and every N-th step", async () => {
    const dir = freshDir();
    const mgr = new CheckpointManager({
      dir,
      maxToKeep: 2,
      keepEvery: 4,
      monitor: "loss",
      mode: "min",
    });
    const m = model();
    const losses = [5, 3, 4, 6, 7, 8, 9, 10, 11];
    for (const [i, loss] of losses.entries())
      await mgr.save({ model: m, step: i + 1, epoch: 0, metrics: { loss } });
    expect(await files(dir)).toEqual([
      "ckpt-0000000002.safetensors", // best loss (3)
      "ckpt-0000000004.safetensors", // step % 4 == 0
      "ckpt-0000000008.safetensors", // newest two (and % 4)
      "ckpt-0000000009.safetensors",
    ]);
    expect(await readFile(join(dir, "last"), "utf8")).toBe("ckpt-0000000009.safetensors\n");
    expect((await mgr.best())?.step).toBe(2);
    expect((await mgr.latest())?.step).toBe(9);
    expect((await mgr.list()).map((e) => e.metrics.loss)).toEqual([3, 6, 10, 11]);
  });

  it("minIntervalMs skips maybeSave while the last save is recent; save() always saves", async () => {
    vi.useFakeTimers({ toFake: ["Date"] });
    try {
      vi.setSystemTime(1_000_000);
      const mgr = new CheckpointManager({ dir: freshDir(), minIntervalMs: 2000, maxToKeep: 10 });
      const m = model();
      const end = (epoch: number) =>
        mgr.maybeSave({ model: m, step: epoch, epoch, epochEnd: true });
      expect(await end(1)).not.toBeNull(); // the first save is never skipped
      vi.setSystemTime(1_001_999);
      expect(await end(2)).toBeNull();
      vi.setSystemTime(1_002_000);
      expect(await end(3)).not.toBeNull();
      await mgr.save({ model: m, step: 4, epoch: 4 });
      expect((await mgr.list()).map((e) => e.step)).toEqual([1, 3, 4]);
      expect(() => new CheckpointManager({ dir: freshDir(), minIntervalMs: -1 })).toThrow(
        "minIntervalMs is -1",
      );
    } finally {
      vi.useRealTimers();
    }
  });

  it("beforeSave runs before each save; when it throws nothing is written", async () => {
    const dir = freshDir();
    const seen: { step: number; epoch: number }[] = [];
    let owner = true;
    const mgr = new CheckpointManager({
      dir,
      beforeSave: async (at) => {
        seen.push(at);
        if (!owner) throw new Error("lost the trial");
      },
    });
    const m = model();
    await mgr.save({ model: m, step: 1, epoch: 0 });
    owner = false;
    await expect(mgr.save({ model: m, step: 2, epoch: 1 })).rejects.toThrow("lost the trial");
    expect(seen).toEqual([
      { step: 1, epoch: 0 },
      { step: 2, epoch: 1 },
    ]);
    expect(await readdir(dir)).toEqual(["ckpt-0000000001.safetensors", "last"]);
    expect((await mgr.latest())?.step).toBe(1);
    expect(() => new CheckpointManager({ dir, beforeSave: 5 as never })).toThrow(
      "beforeSave is number; give a function",
    );
  });

  it("mode max keeps the highest metric; keepBest 2 keeps two", async () => {
    const dir = freshDir();
    const mgr = new CheckpointManager({
      dir,
      maxToKeep: 1,
      monitor: "acc",
      mode: "max",
      keepBest: 2,
    });
    const m = model();
    for (const [i, acc] of [0.5, 0.9, 0.7, 0.8, 0.6].entries()) {
      await mgr.save({ model: m, step: i + 1, epoch: i, metrics: { acc } });
    }
    expect((await mgr.list()).map((e) => e.step)).toEqual([2, 4, 5]);
    expect((await mgr.best())?.metrics.acc).toBe(0.9);
  });

  it("maybeSave saves every N steps, or at the end of every N-th epoch", async () => {
    const bySteps = new CheckpointManager({ dir: freshDir(), saveEverySteps: 3, maxToKeep: 10 });
    const m = model();
    for (let step = 1; step <= 7; step++) await bySteps.maybeSave({ model: m, step, epoch: 0 });
    expect((await bySteps.list()).map((e) => e.step)).toEqual([3, 6]);
    const byEpochs = new CheckpointManager({ dir: freshDir(), saveEveryEpochs: 2 });
    expect(byEpochs.shouldSave({ step: 10, epoch: 2, epochEnd: true })).toBe(true);
    expect(byEpochs.shouldSave({ step: 10, epoch: 3, epochEnd: true })).toBe(false);
    expect(byEpochs.shouldSave({ step: 10, epoch: 2 })).toBe(false);
    const defaults = new CheckpointManager({ dir: freshDir() });
    expect(defaults.shouldSave({ step: 5, epoch: 1, epochEnd: true })).toBe(true);
    expect(defaults.shouldSave({ step: 5, epoch: 1 })).toBe(false);
  });

  it("latest() skips a corrupt newest checkpoint and foreign files; restore() returns null on an empty dir", async () => {
    const dir = freshDir();
    const mgr = new CheckpointManager({ dir, maxToKeep: 3 });
    const m = model();
    expect(await mgr.latest()).toBeNull();
    expect(await mgr.restore({ model: m })).toBeNull();
    await mgr.save({ model: m, step: 1, epoch: 0 });
    const newest = (await mgr.save({ model: m, step: 2, epoch: 0 })).path;
    const bytes = await readFile(newest);
    bytes[bytes.length - 1] = (bytes[bytes.length - 1] as number) ^ 0xff;
    await writeFile(newest, bytes);
    await writeFile(join(dir, "notes.txt"), "hello");
    await writeFile(join(dir, "ckpt-0000000099.safetensors"), "not a checkpoint");
    expect((await mgr.latest())?.step).toBe(1);
    const r = await mgr.restore({ model: m });
    expect(r?.state.step).toBe(1);
  });

  it("rejects bad options with a message naming the value", () => {
    const bad: [CheckpointManagerOptions, RegExp][] = [
      [{ dir: "" }, /dir/],
      [{ dir: "x", maxToKeep: 0 }, /maxToKeep is 0/],
      [{ dir: "x", mode: "avg" as "min" }, /"avg"/],
      [{ dir: "x", keepBest: 2 }, /monitor/],
      [{ dir: "x", prefix: "a/b" }, /"a\/b"/],
      [{ dir: "x", saveEverySteps: 1.5 }, /saveEverySteps is 1.5/],
    ];
    for (const [opts, msg] of bad) {
      let err: unknown;
      try {
        new CheckpointManager(opts);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(CheckpointError);
      expect((err as CheckpointError).code).toBe("INVALID_ARGUMENT");
      expect((err as Error).message).toMatch(msg);
    }
  });
});
