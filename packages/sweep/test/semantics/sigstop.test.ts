// Semantics 3: a frozen worker. SIGSTOP holds it past its 2 s lock; the stall check gives the
// trial to the other worker, which resumes it. After SIGCONT the frozen worker notices at its next
// save or report that it lost the trial and stops without writing: no checkpoint, no report, no
// result. There is exactly one result, bit-identical to a straight run.
import { describe, expect, it } from "vitest";
import { collectSweep, submitSweep, sweepStatus } from "../../src/bullmq.js";
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
  type WorkerProcess,
} from "./harness.js";

const EPOCHS = 4;
const SAVE_EVERY = 4;
const FREEZE_AT_STEP = 22;

describe.skipIf(!REDIS)(suiteTitle("SIGSTOP past the lock, then SIGCONT"), () => {
  it("the frozen worker is fenced at its next save or report and writes nothing; one exact result", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const dir = tempDir("sigstop");
    const definition = tinySweep({
      name: "sigstop",
      space: { saveEvery: SAVE_EVERY, stepDelayMs: 40 },
      epochs: EPOCHS,
    });
    const trialId = (expandTrials(definition)[0] as { id: string }).id;
    const connection = server.socket;
    const log = `${dir}/stop.jsonl`;

    const reference = startWorker({ redis: connection, queue: "ref", checkpointDir: `${dir}/ref` });
    const workers = [1, 2].map(() =>
      startWorker({ redis: connection, queue: "stop", checkpointDir: `${dir}/s`, log }),
    );
    await Promise.all([reference, ...workers].map((w) => w.ready()));
    const ref = await submitSweep(definition, { connection, queueName: "ref" });
    const sub = await submitSweep(definition, { connection, queueName: "stop" });

    const started = (w: WorkerProcess) =>
      w.waitFor("start", (l) => l.type === "start" && l.trialId === trialId).then(() => w);
    const frozen = await Promise.race(workers.map(started));
    const other = workers.find((w) => w !== frozen) as WorkerProcess;
    await until(
      `step ${FREEZE_AT_STEP}`,
      () => logOf(readLog(log), "batch", { pid: frozen.pid }).find((b) => b.step >= FREEZE_AT_STEP),
      20_000,
      10,
    );
    frozen.signal("SIGSTOP");
    const frozenAt = Date.now();
    // Whatever it wrote before the freeze (read after a moment: a write may have been in flight).
    await new Promise((r) => setTimeout(r, 200));
    const atFreeze = readLog(log);
    const frozenSaves = logOf(atFreeze, "save", { pid: frozen.pid }).length;
    const frozenReports = logOf(atFreeze, "report", { pid: frozen.pid }).length;
    const frozenStep = Math.max(
      ...logOf(atFreeze, "batch", { pid: frozen.pid }).map((b) => b.step),
    );

    const resumed = await other.waitFor(
      "the other worker's resume",
      (l) => l.type === "resume" && l.trialId === trialId,
      15_000,
    );
    expect(resumed.step).toBeLessThanOrEqual(frozenStep);
    // Let the other worker save at least once more, so the frozen one's checkpoint is stale.
    await until(
      "a save by the other worker",
      () => logOf(readLog(log), "save", { pid: other.pid }).at(0),
      15_000,
      20,
    );
    const frozenFor = Date.now() - frozenAt;
    frozen.signal("SIGCONT");
    const fenced = await frozen.waitFor(
      "fenced",
      (l) => l.type === "fenced" && l.trialId === trialId,
      15_000,
    );
    expect(frozen.alive).toBe(true); // losing a trial does not kill the worker

    for (const [queueName, id] of [
      ["stop", sub.sweepId],
      ["ref", ref.sweepId],
    ] as const) {
      await until(
        `sweep on ${queueName} done`,
        async () => ((await sweepStatus(id, { connection, queueName })).done ? true : undefined),
        30_000,
        100,
      );
    }
    // The frozen worker wrote nothing after it woke: no checkpoint, no report, no result.
    const lines = readLog(log);
    expect(logOf(lines, "save", { pid: frozen.pid })).toHaveLength(frozenSaves);
    expect(logOf(lines, "report", { pid: frozen.pid })).toHaveLength(frozenReports);
    expect(logOf(lines, "finish", { pid: frozen.pid })).toHaveLength(0);
    expect(frozen.events("report", trialId).filter((r) => r.at > frozenAt)).toHaveLength(0);
    expect(frozen.events("finish", trialId)).toHaveLength(0);
    expect(logOf(lines, "finish", { trial: trialId })).toHaveLength(1);

    const collected = await collectSweep(sub.sweepId, { connection, queueName: "stop" });
    const straight = await collectSweep(ref.sweepId, { connection, queueName: "ref" });
    expect(Object.keys(collected.results)).toEqual([trialId]);
    const result = collected.results[trialId];
    expect(result).toMatchObject({ status: "completed", epochs: EPOCHS, resumes: 1 });
    expect(outputOf(result).weightsSha256).toBe(outputOf(straight.results[trialId]).weightsSha256);
    expect(result?.values).toEqual(straight.results[trialId]?.values);
    expect(collected.attempts.filter((a) => a.trialId === trialId).map((a) => a.outcome)).toEqual([
      "fenced",
      "completed",
    ]);
    console.info(
      `sigstop: frozen at step ${frozenStep} for ${frozenFor} ms, taken over at step ${resumed.step}; fenced: ${String(fenced.reason)}`,
    );
  }, 60_000);
});
