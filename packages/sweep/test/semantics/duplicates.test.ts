// Semantics 5: duplicates change nothing. Submitting the same sweep twice (before and after it ran)
// gives the same jobs and adds none. A trial killed right after an ASHA rung report resumes from
// that epoch's checkpoint and sends the report again: it gets the decision it got the first time,
// and ASHA's log holds one decision per trial and rung.
import { Queue } from "bullmq";
import { describe, expect, it } from "vitest";
import { collectSweep, submitSweep, sweepStatus } from "../../src/bullmq.js";
import { expandTrials } from "../../src/index.js";
import { startRedis } from "../support/redis.js";
import {
  logOf,
  onCleanup,
  REDIS,
  readLog,
  startWorker,
  suiteTitle,
  sweepFinished,
  tempDir,
  tinySweep,
  until,
} from "./harness.js";

describe.skipIf(!REDIS)(suiteTitle("duplicate submits and replayed reports"), () => {
  it("a second submit adds nothing; a report replayed after a resume gets the same ASHA decision", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const dir = tempDir("dup");
    // Two trials of 4 epochs, ASHA rungs at epochs 1 and 2, checkpoints at epoch ends only. Run
    // one after the other by one worker: the first (lr 0.05) sets the bar at rung 1, the second
    // (lr 0.002, far slower to learn) is worse there and is stopped.
    const definition = tinySweep({
      name: "duplicates",
      space: {
        lr: { type: "grid", values: [0.05, 0.002] },
        stepDelayMs: 20,
        holdAfterReportMs: 400,
      },
      epochs: 4,
      scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 2 },
    });
    const [leader, laggard] = expandTrials(definition).map((t) => t.id) as [string, string];
    const connection = server.socket;
    const queueName = "dup";
    const log = `${dir}/log.jsonl`;
    const queue = new Queue(queueName, { connection: { path: server.socket } });
    onCleanup(() => queue.close());

    const first = await submitSweep(definition, {
      connection,
      queueName,
      checkpointDir: `${dir}/ck`,
    });
    const jobs = async () =>
      (await queue.getJobs(["waiting"]))
        .map((j) => ({ id: j.id, data: j.data, timestamp: j.timestamp }))
        .sort((a, b) => String(a.id).localeCompare(String(b.id)));
    const before = await jobs();
    const second = await submitSweep(definition, { connection, queueName });
    expect(first).toMatchObject({ trials: 2, added: 2, existing: 0 });
    expect(second).toEqual({ ...first, added: 0, existing: 2 });
    // The very same two jobs: same ids, data and creation times.
    expect(before).toHaveLength(2);
    expect(await jobs()).toEqual(before);

    // Kill the worker while the trainable holds the stop decision (it sleeps 400 ms after logging
    // a report), before the trial's result is written.
    const victim = startWorker({ redis: connection, queue: queueName, log });
    const stop = await until(
      "the laggard's report at rung 1",
      () => logOf(readLog(log), "report", { trial: laggard }).at(0),
      30_000,
      10,
    );
    await victim.kill();
    expect(stop).toMatchObject({ epoch: 1, decision: "stop", replay: false });
    expect(victim.events("finish", leader)).toHaveLength(1);
    expect(victim.events("finish", laggard)).toHaveLength(0);

    // The next worker resumes the laggard from its epoch-1 checkpoint and replays that report.
    const survivor = startWorker({ redis: connection, queue: queueName, log });
    const replay = await survivor.waitFor(
      "the replayed report",
      (l) => l.type === "report" && l.trialId === laggard,
      20_000,
    );
    expect(replay).toMatchObject({ epoch: 1, value: stop.value, decision: "stop", replayed: true });
    await sweepFinished(first.sweepId, { connection, queueName });

    const collected = await collectSweep(first.sweepId, { connection, queueName });
    expect(collected.results[laggard]).toMatchObject({ status: "stopped", epochs: 1, resumes: 1 });
    expect(collected.results[leader]).toMatchObject({ status: "completed", epochs: 4 });
    // One decision per trial and rung in ASHA's log, the laggard's the one it got first.
    const keys = collected.asha.map((a) => `${a.trialId}@${a.rung}`);
    expect(new Set(keys).size).toBe(keys.length);
    expect(collected.asha.filter((a) => a.trialId === laggard)).toMatchObject([
      { epoch: 1, value: stop.value, decision: "stop" },
    ]);
    // The trainable's own log: the rung-1 report twice, the second a replay with the same answer.
    const reports = logOf(readLog(log), "report", { trial: laggard });
    expect(reports.map((r) => [r.epoch, r.replay, r.decision, r.value])).toEqual([
      [1, false, "stop", stop.value],
      [1, true, "stop", stop.value],
    ]);
    expect(collected.curves[laggard]).toEqual([{ epoch: 1, value: stop.value }]);

    // Submitting the finished sweep again still adds nothing and leaves the results as they are.
    const third = await submitSweep(definition, { connection, queueName });
    expect(third).toMatchObject({ added: 0, existing: 2 });
    expect(await sweepStatus(first.sweepId, { connection, queueName })).toMatchObject({
      done: true,
      waiting: 0,
      running: 0,
      completed: 1,
      stopped: 1,
    });
    expect((await collectSweep(first.sweepId, { connection, queueName })).results).toEqual(
      collected.results,
    );
    expect(await queue.getJobCounts("waiting", "active", "completed")).toEqual({
      waiting: 0,
      active: 0,
      completed: 2,
    });
  }, 60_000);
});
