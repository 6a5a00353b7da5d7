import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Worker } from "bullmq";
import { Redis } from "ioredis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  cancelSweep,
  collectSweep,
  type SweepWorker,
  type SweepWorkerEvent,
  startSweepWorker,
  submitSweep,
  sweepStatus,
  sweepToJson,
  waitForSweep,
} from "../src/bullmq.js";
import {
  ashaReport,
  createAshaState,
  defineTrainable,
  expandTrials,
  SweepError,
} from "../src/index.js";
import { findRedisServer, type RedisServer, startRedis } from "./support/redis.js";

const REDIS = findRedisServer();
if (!REDIS && process.env.CI === "true") {
  throw new Error("redis-server is missing; CI must install it (apt-get install redis-server)");
}

/** A made-up learning curve: the loss after `epoch` epochs for a config and fold. */
const lossAt = (lr: number, fold: number, epoch: number) =>
  Math.abs(Math.log10(lr) + 2) + 1 / epoch + fold * 0.01;

/** A trainable without tensors: the "checkpoint" is the epoch, kept in the trial's report. */
const curveTrainable = defineTrainable({
  data: () => ({ size: 30 }),
  run: async (trial, ctx) => {
    for (let epoch = 1; epoch <= trial.budget.epochs; epoch++) {
      const value = lossAt(trial.config.lr as number, trial.fold, epoch);
      if ((await ctx.report({ epoch, val_loss: value })) === "stop") break;
    }
    return { rows: trial.folds?.train.length };
  },
});

const ashaSweep = {
  seed: 7,
  space: { lr: { type: "grid", values: [0.001, 0.01, 0.1, 1] } },
  folds: { splitter: "kFold", nSplits: 3 },
  metric: { name: "val_loss", mode: "min" },
  budget: { epochs: 9 },
  scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 3 },
};

describe.skipIf(!REDIS)("sweep workers in this process, on a real redis-server", () => {
  let server: RedisServer;
  let checkpoints: string;
  const workers: SweepWorker[] = [];
  beforeAll(async () => {
    server = await startRedis(REDIS as string);
    checkpoints = mkdtempSync(join(tmpdir(), "sweep-ckpt-"));
  });
  afterAll(async () => {
    for (const w of workers) await w.close();
    await server?.stop();
    rmSync(checkpoints, { recursive: true, force: true });
  });
  const start = async (
    queueName: string,
    trainable = curveTrainable,
    events?: SweepWorkerEvent[],
  ) => {
    const w = await startSweepWorker({
      connection: server.socket,
      queueName,
      trainable,
      checkpointDir: checkpoints,
      onEvent: (e) => events?.push(e),
    });
    workers.push(w);
    return w;
  };

  it("runs every trial once; ASHA's decisions equal the pure rule replayed in the same order", async () => {
    const { sweepId } = await submitSweep(ashaSweep, { connection: server.socket, queueName: "a" });
    await start("a");
    await start("a");
    const status = await waitForSweep(sweepId, {
      connection: server.socket,
      queueName: "a",
      pollMs: 100,
    });
    expect(status).toMatchObject({ trials: 12, done: true, failed: 0, waiting: 0, running: 0 });
    expect(status.completed + status.stopped).toBe(12);
    const collected = await collectSweep(sweepId, { connection: server.socket, queueName: "a" });
    // Replaying the logged reports through the pure rule gives the same decisions and cutoffs.
    let state = createAshaState({ gracePeriod: 1, reductionFactor: 3, maxEpochs: 9, mode: "min" });
    for (const entry of collected.asha) {
      const verdict = ashaReport(state, {
        trialId: entry.trialId,
        epoch: entry.epoch,
        value: entry.value,
      });
      expect([verdict.decision, verdict.cutoff]).toEqual([entry.decision, entry.cutoff]);
      state = verdict.state;
    }
    // ASHA stopped some trials, and the best trial that ran its budget has the best lr, 0.01.
    const rows = collected.summary.trials;
    expect(rows.filter((r) => r.status === "stopped").length).toBeGreaterThan(0);
    const done = rows.filter((r) => r.status === "completed");
    const best = done.reduce((a, b) => ((a.metric as number) <= (b.metric as number) ? a : b));
    expect(best.config.lr).toBe(0.01);
    for (const r of rows) {
      const expected = Array.from({ length: r.epochs }, (_, e) =>
        lossAt(r.config.lr as number, r.fold, e + 1),
      );
      expect(collected.results[r.id]?.values).toEqual(expected);
      expect(r.attempts).toBe(1);
      expect(collected.results[r.id]?.output).toEqual({ rows: 20 });
    }
    const json = sweepToJson(collected);
    expect(json.sweep).toBe(sweepId);
    expect(json.trials.map((t) => t.id)).toEqual(expandTrials(ashaSweep).map((t) => t.id));
    expect(Object.keys(json.trials[0] ?? {}).sort()).toEqual(
      ["attempts", "config", "epochs", "fold", "id", "metric", "resumes", "seed", "status"].sort(),
    );
    expect(collected.attempts).toHaveLength(12);
    expect(
      collected.attempts.every((a) => a.outcome === "completed" || a.outcome === "stopped"),
    ).toBe(true);
    // Every report is a Redis round trip: the attempts record their overhead, within their span.
    for (const a of collected.attempts) {
      expect(Number.isInteger(a.overheadMs) && a.overheadMs >= 0).toBe(true);
      expect(a.overheadMs).toBeLessThanOrEqual((a.endedAt as number) - a.startedAt + 1);
    }
    expect(collected.attempts.reduce((sum, a) => sum + a.overheadMs, 0)).toBeGreaterThan(0);
  });

  it("a trainable that throws is retried, then recorded as failed with its error", async () => {
    const events: SweepWorkerEvent[] = [];
    const broken = defineTrainable({
      run: async (trial) => {
        throw new Error(`no data for lr ${trial.config.lr}`);
      },
    });
    const definition = {
      seed: 1,
      space: { lr: 0.1 },
      metric: { name: "val_loss", mode: "min" },
      budget: { epochs: 2 },
      retries: { attempts: 2 },
    };
    const { sweepId } = await submitSweep(definition, {
      connection: server.socket,
      queueName: "b",
    });
    await start("b", broken, events);
    await waitForSweep(sweepId, { connection: server.socket, queueName: "b", pollMs: 100 });
    const collected = await collectSweep(sweepId, { connection: server.socket, queueName: "b" });
    expect(collected.summary.trials).toHaveLength(1);
    expect(collected.summary.trials[0]).toMatchObject({
      status: "failed",
      attempts: 2,
      error: "no data for lr 0.1",
    });
    expect(events.filter((e) => e.type === "error" && e.trialId)).toHaveLength(2);
  });

  it("a worker that cannot run a sweep puts the trial back untouched and closes with the reason", async () => {
    const noData = defineTrainable({ run: async () => undefined });
    const definition = { ...ashaSweep, seed: 3 };
    const { sweepId } = await submitSweep(definition, {
      connection: server.socket,
      queueName: "d",
    });
    const w = await start("d", noData);
    const error = await w.closed();
    expect(error).toBeInstanceOf(SweepError);
    expect((error as SweepError).code).toBe("INVALID_TRAINABLE");
    expect(error?.message).toContain("has folds (kFold) but its trainable has no data()");
    const status = await sweepStatus(sweepId, { connection: server.socket, queueName: "d" });
    expect(status).toMatchObject({ waiting: 12, running: 0, failed: 0 });
    // A worker with the right trainable then runs every trial, each on its first attempt.
    await start("d");
    await waitForSweep(sweepId, { connection: server.socket, queueName: "d", pollMs: 100 });
    const collected = await collectSweep(sweepId, { connection: server.socket, queueName: "d" });
    expect(collected.summary.trials.every((t) => t.attempts === 1)).toBe(true);
  });

  it("an attempt whose fence moved on is refused at its next report and checkpoint, writing nothing", async () => {
    let release: () => void = () => {};
    const gate = new Promise<void>((r) => {
      release = r;
    });
    const refused: unknown[] = [];
    let reachedGate: () => void = () => {};
    const atGate = new Promise<void>((r) => {
      reachedGate = r;
    });
    const trainable = defineTrainable({
      run: async (trial, ctx) => {
        await ctx.report({ epoch: 1, val_loss: 1 });
        if (trial.attempt === 1) {
          reachedGate();
          await gate;
          for (const step of [
            () => ctx.report({ epoch: 2, val_loss: 99 }),
            () => ctx.checkpoints.guard(),
          ]) {
            await step().catch((e: unknown) => refused.push((e as SweepError).code));
          }
          refused.push(ctx.signal.aborted);
          throw new Error("the stale attempt gives up");
        }
        await ctx.report({ epoch: 2, val_loss: 2 });
      },
    });
    const definition = {
      seed: 5,
      space: { lr: 0.1 },
      metric: { name: "val_loss", mode: "min" },
      budget: { epochs: 2 },
    };
    const { sweepId } = await submitSweep(definition, {
      connection: server.socket,
      queueName: "e",
    });
    await start("e", trainable);
    await atGate;
    // What a worker taking the trial over does first: the stale attempt's fence is no longer current.
    const [trial] = expandTrials(definition);
    const client = new Redis({ path: server.socket });
    await client.incr(`trainkit-sweep:e:${sweepId}:fence:${trial?.id}`);
    await client.quit();
    release();
    await waitForSweep(sweepId, { connection: server.socket, queueName: "e", pollMs: 100 });
    expect(refused).toEqual(["FENCED", "FENCED", true]);
    const collected = await collectSweep(sweepId, { connection: server.socket, queueName: "e" });
    expect(collected.results[trial?.id as string]?.values).toEqual([1, 2]);
    expect(collected.attempts.map((a) => a.outcome)).toEqual(["fenced", "completed"]);
  });

  it("a trial whose job failed without a result (not through a sweep worker) is failed with BullMQ's reason", async () => {
    // Another program's worker on the sweep's queue fails every job: no result is ever written,
    // the jobs end in BullMQ's failed set, and the status and report read them from there.
    const { sweepId } = await submitSweep(
      { ...ashaSweep, seed: 5, space: { lr: { type: "grid", values: [0.01] } } },
      { connection: server.socket, queueName: "f" },
    );
    const connection = new Redis(server.socket, { maxRetriesPerRequest: null });
    const foreign = new Worker(
      "f",
      async () => {
        throw new Error("not a sweep worker");
      },
      { connection },
    );
    try {
      const status = await waitForSweep(sweepId, {
        connection: server.socket,
        queueName: "f",
        pollMs: 100,
      });
      expect(status).toMatchObject({ trials: 3, done: true, failed: 3, running: 0, waiting: 0 });
      const { summary } = await collectSweep(sweepId, {
        connection: server.socket,
        queueName: "f",
      });
      expect(summary.trials.map((t) => [t.status, t.error, t.attempts])).toEqual(
        Array(3).fill(["failed", "not a sweep worker", 3]), // the default: 3 attempts
      );
    } finally {
      await foreign.close();
      connection.disconnect();
    }
  });

  it("status, report and cancel of an unknown sweep say so", async () => {
    const err = await sweepStatus("s0123", { connection: server.socket }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SweepError);
    expect((err as SweepError).code).toBe("UNKNOWN_SWEEP");
    expect((err as Error).message).toContain("no sweep s0123 in queue trainkit-sweeps");
  });

  it("cancel removes waiting trials and records them as failed: cancelled", async () => {
    const definition = { ...ashaSweep, seed: 99, scheduler: undefined };
    const { sweepId } = await submitSweep(definition, {
      connection: server.socket,
      queueName: "c",
    });
    const { removed, running } = await cancelSweep(sweepId, {
      connection: server.socket,
      queueName: "c",
    });
    expect([removed, running]).toEqual([12, 0]);
    const status = await sweepStatus(sweepId, { connection: server.socket, queueName: "c" });
    expect(status).toMatchObject({ done: true, failed: 12 });
  });
});
