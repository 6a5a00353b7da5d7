// Semantics 2: SIGTERM to a worker (preemption). The trainable sees its signal between batches,
// saves a checkpoint and returns; the worker puts the trial back in the queue without spending an
// attempt and the process exits 0 within a bound. The next worker resumes at exactly that step
// (nothing redone) and the result is bit-identical to a straight run.
import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import { collectSweep, submitSweep, sweepStatus, trialJobId } from "../../src/bullmq.js";
import { expandTrials } from "../../src/index.js";
import { startRedis } from "../support/redis.js";
import {
  logOf,
  onCleanup,
  outputOf,
  REDIS,
  readLog,
  startWorker,
  suiteTitle,
  tempDir,
  tinySweep,
  until,
} from "./harness.js";

const EPOCHS = 4;
const STEPS = EPOCHS * 16;
/** SIGTERM once this step is trained: mid-epoch 2, away from the saves every 8 steps. */
const TERM_AT_STEP = 21;
/** How long a preempted worker may take to save, requeue and exit. */
const EXIT_BOUND_MS = 5000;

describe.skipIf(!REDIS)(suiteTitle("SIGTERM (preemption)"), () => {
  it("saves, requeues without spending an attempt, exits 0 in time; the resumed result is exact", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const dir = tempDir("sigterm");
    const definition = tinySweep({
      name: "sigterm",
      space: { saveEvery: 8, stepDelayMs: 40 },
      epochs: EPOCHS,
    });
    const trialId = (expandTrials(definition)[0] as { id: string }).id;
    const connection = server.socket;
    const log = `${dir}/term.jsonl`;
    const queue = new Queue("term", { connection: { path: server.socket } });
    onCleanup(() => queue.close());

    const reference = startWorker({ redis: connection, queue: "ref", checkpointDir: `${dir}/ref` });
    const first = startWorker({ redis: connection, queue: "term", checkpointDir: `${dir}/t`, log });
    await Promise.all([reference.ready(), first.ready()]);
    const ref = await submitSweep(definition, { connection, queueName: "ref" });
    const sub = await submitSweep(definition, { connection, queueName: "term" });
    const jobId = trialJobId(sub.sweepId, trialId);

    await first.waitFor("start", (l) => l.type === "start" && l.trialId === trialId);
    await until(
      `step ${TERM_AT_STEP}`,
      () => logOf(readLog(log), "batch").find((b) => b.step >= TERM_AT_STEP),
      20_000,
      10,
    );
    const termAt = Date.now();
    first.signal("SIGTERM");
    const exit = await first.exit;
    expect({ code: exit.code, signal: exit.signal }).toEqual({ code: 0, signal: null });
    expect(exit.at - termAt).toBeLessThan(EXIT_BOUND_MS);
    expect(first.events("requeue", trialId)).toHaveLength(1);

    // It saved where it stopped, mid-epoch, and the job is waiting with no attempt used.
    const lines = readLog(log);
    const aborted = logOf(lines, "abort", { pid: first.pid });
    expect(aborted).toHaveLength(1);
    const stoppedAt = (aborted[0] as { step: number }).step;
    expect(stoppedAt).toBe(
      Math.max(...logOf(lines, "batch", { pid: first.pid }).map((b) => b.step)),
    );
    expect(stoppedAt % 16).not.toBe(0);
    expect(logOf(lines, "save", { pid: first.pid }).at(-1)).toMatchObject({
      step: stoppedAt,
      why: "abort",
    });
    const job = await queue.getJob(jobId);
    expect(await job?.getState()).toBe("waiting");
    expect(job?.attemptsMade).toBe(0);
    const midway = await sweepStatus(sub.sweepId, { connection, queueName: "term" });
    expect(midway).toMatchObject({ waiting: 1, running: 0, done: false });

    // The next worker resumes at that very step.
    const second = startWorker({
      redis: connection,
      queue: "term",
      checkpointDir: `${dir}/t`,
      log,
    });
    const resumed = await second.waitFor(
      "the resume",
      (l) => l.type === "resume" && l.trialId === trialId,
      30_000,
    );
    expect(resumed.step).toBe(stoppedAt);
    expect(second.events("start", trialId)[0]?.attempt).toBe(1);
    for (const [queueName, id] of [
      ["term", sub.sweepId],
      ["ref", ref.sweepId],
    ] as const) {
      await until(
        `sweep on ${queueName} done`,
        async () => ((await sweepStatus(id, { connection, queueName })).done ? true : undefined),
        30_000,
        100,
      );
    }
    const preempted = await collectSweep(sub.sweepId, { connection, queueName: "term" });
    const straight = await collectSweep(ref.sweepId, { connection, queueName: "ref" });
    const result = preempted.results[trialId];
    expect(result).toMatchObject({ status: "completed", epochs: EPOCHS, resumes: 1 });
    const out = outputOf(result);
    expect(out.weightsSha256).toBe(outputOf(straight.results[trialId]).weightsSha256);
    expect(result?.values).toEqual(straight.results[trialId]?.values);
    // Nothing redone: the second worker trained exactly the steps after the checkpoint.
    expect(out.batchesRun).toBe(STEPS - stoppedAt);
    expect(logOf(readLog(log), "batch", { trial: trialId })).toHaveLength(STEPS);
    expect(
      preempted.attempts.filter((a) => a.trialId === trialId).map((a) => [a.attempt, a.outcome]),
    ).toEqual([
      [1, "requeued"],
      [1, "completed"],
    ]);
    const done = await queue.getJob(jobId);
    expect(await done?.getState()).toBe("completed");
    expect(done?.attemptsMade).toBeLessThanOrEqual(1);
    console.info(
      `sigterm: stopped at step ${stoppedAt}, exited ${exit.at - termAt} ms after SIGTERM, resumed at ${resumed.step}`,
    );
    // A preemption is no attempt: the result counts the one queue attempt the trial used.
    expect(result?.attempts).toBe(1);
  }, 60_000);
});
