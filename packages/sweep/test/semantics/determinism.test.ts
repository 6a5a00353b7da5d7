// Semantics 7: determinism. The same grid without ASHA, run by 1 worker on one Redis and by 2
// workers on another, gives the same per-trial results: the same metric at every epoch and the
// same final weights, bit for bit, whichever worker ran which trial in which order.
import { describe, expect, it } from "vitest";
import { collectSweep, submitSweep, sweepToJson } from "../../src/bullmq.js";
import { expandTrials } from "../../src/index.js";
import { startRedis } from "../support/redis.js";
import {
  onCleanup,
  outputOf,
  REDIS,
  startWorker,
  suiteTitle,
  sweepFinished,
  tempDir,
  tinySweep,
  type WorkerProcess,
} from "./harness.js";

describe.skipIf(!REDIS)(suiteTitle("1 worker and 2 workers"), () => {
  it("give bit-identical per-trial metrics and weights for a grid without ASHA", async () => {
    const dir = tempDir("det");
    // 2 learning rates x 2 repeats (each repeat its own seed) = 4 trials of 2 epochs.
    const definition = tinySweep({
      name: "determinism",
      space: { lr: { type: "grid", values: [0.005, 0.03] }, saveEvery: 8, stepDelayMs: 5 },
      epochs: 2,
      repeats: 2,
    });
    const trials = expandTrials(definition).map((t) => t.id);
    const runs = await Promise.all(
      [1, 2].map(async (n) => {
        const server = await startRedis(REDIS as string);
        onCleanup(() => server.stop());
        const workers: WorkerProcess[] = [];
        for (let i = 0; i < n; i++) {
          workers.push(
            startWorker({ redis: server.socket, queue: "det", checkpointDir: `${dir}/w${n}` }),
          );
        }
        await Promise.all(workers.map((w) => w.ready()));
        return { n, server, workers };
      }),
    );
    const collected = await Promise.all(
      runs.map(async ({ server }) => {
        const connection = server.socket;
        const sub = await submitSweep(definition, { connection, queueName: "det" });
        await sweepFinished(sub.sweepId, { connection, queueName: "det" });
        return collectSweep(sub.sweepId, { connection, queueName: "det" });
      }),
    );
    const [one, two] = collected as [
      Awaited<ReturnType<typeof collectSweep>>,
      Awaited<ReturnType<typeof collectSweep>>,
    ];
    // Both workers of the second run took trials.
    expect(new Set(two.attempts.map((a) => a.worker)).size).toBe(2);
    expect(new Set(one.attempts.map((a) => a.worker)).size).toBe(1);

    for (const id of trials) {
      const a = one.results[id];
      const b = two.results[id];
      expect(a?.status, id).toBe("completed");
      expect(b?.status, id).toBe("completed");
      expect(b?.values, id).toEqual(a?.values);
      expect(outputOf(b).weightsSha256, id).toBe(outputOf(a).weightsSha256);
    }
    // Different seeds and learning rates do give different weights: the comparison means something.
    const hashes = new Set(trials.map((id) => outputOf(one.results[id]).weightsSha256));
    expect(hashes.size).toBe(trials.length);
    // The --json view (metric at full precision) agrees trial by trial.
    const rows = (c: typeof one) =>
      sweepToJson(c).trials.map((t) => [t.id, t.status, t.epochs, t.metric]);
    expect(rows(two)).toEqual(rows(one));
  }, 60_000);
});
