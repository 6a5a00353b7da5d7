// Semantics 4: Redis killed (SIGKILL) in the middle of a sweep and started again, minutes later in
// real life and 3 s here (longer than the 2 s locks, so every running trial loses its lock), from
// its append-only file on the same socket. The workers reconnect and the sweep finishes: every
// trial has exactly one result, none was lost and none ran to completion twice.
import { describe, expect, it } from "vitest";
import { collectSweep, startRedisServer, submitSweep } from "../../src/bullmq.js";
import { expandTrials } from "../../src/index.js";
import {
  logOf,
  onCleanup,
  outputOf,
  REDIS,
  readLog,
  startWorker,
  suiteTitle,
  sweepFinished,
  tempDir,
  tinySweep,
} from "./harness.js";

const EPOCHS = 3;
const STEPS = EPOCHS * 16;
const SAVE_EVERY = 4;
const DOWN_MS = 3000;

describe.skipIf(!REDIS)(suiteTitle("Redis killed mid-sweep, restarted from its AOF"), () => {
  it("workers reconnect, the sweep finishes, one result per trial, none run to completion twice", async () => {
    const server = await startRedisServer({ binary: REDIS as string });
    onCleanup(() => server.stop());
    const dir = tempDir("redis");
    const definition = tinySweep({
      name: "redis-restart",
      space: {
        lr: { type: "grid", values: [0.005, 0.01, 0.02, 0.04] },
        saveEvery: SAVE_EVERY,
        stepDelayMs: 25,
      },
      epochs: EPOCHS,
    });
    const trials = expandTrials(definition).map((t) => t.id);
    const connection = server.socket;
    const log = `${dir}/log.jsonl`;
    const workers = [1, 2].map(() =>
      startWorker({ redis: connection, queue: "r", checkpointDir: `${dir}/ck`, log }),
    );
    await Promise.all(workers.map((w) => w.ready()));
    const sub = await submitSweep(definition, { connection, queueName: "r" });
    expect(sub.added).toBe(trials.length);

    // Kill Redis once both workers are in the middle of a trial.
    await Promise.all(
      workers.map((w) => w.waitFor("a report", (l) => l.type === "report", 20_000)),
    );
    await server.kill("SIGKILL");
    const downAt = Date.now();
    await new Promise((r) => setTimeout(r, DOWN_MS));
    await server.restart();
    const upAt = Date.now();
    expect(workers.every((w) => w.alive)).toBe(true);

    await sweepFinished(sub.sweepId, { connection, queueName: "r" }, 40_000);
    const finishedAt = Date.now();
    const collected = await collectSweep(sub.sweepId, { connection, queueName: "r" });

    // Nothing lost: every trial has its one result, completed with its whole curve.
    expect(Object.keys(collected.results).sort()).toEqual([...trials].sort());
    for (const id of trials) {
      const result = collected.results[id];
      expect(result, id).toMatchObject({ status: "completed", epochs: EPOCHS });
      expect(result?.values, id).toHaveLength(EPOCHS);
      expect(outputOf(result).step, id).toBe(STEPS);
    }
    // None ran to completion twice: one completed attempt per trial, and every step trained
    // once except those after the last checkpoint of an attempt that lost its trial.
    const lines = readLog(log);
    for (const id of trials) {
      const attempts = collected.attempts.filter((a) => a.trialId === id);
      expect(
        attempts.filter((a) => a.outcome === "completed"),
        id,
      ).toHaveLength(1);
      const steps = logOf(lines, "batch", { trial: id }).map((b) => b.step);
      expect(new Set(steps).size, id).toBe(STEPS);
      const interrupted = attempts.length - 1;
      expect(steps.length - STEPS, id).toBeLessThanOrEqual(interrupted * SAVE_EVERY);
      const trainedToTheEnd = logOf(lines, "finish", { trial: id }).filter((f) => f.batchesRun > 0);
      expect(trainedToTheEnd, id).toHaveLength(1);
    }
    console.info(
      `redis-restart: down ${DOWN_MS} ms (restarted after ${upAt - downAt} ms), sweep done ${finishedAt - upAt} ms after the restart; attempts ${collected.attempts.length} for ${trials.length} trials`,
    );
  }, 60_000);
});
