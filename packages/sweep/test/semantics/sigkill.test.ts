// Semantics 1: a worker killed with SIGKILL in the middle of an epoch. BullMQ's stall check (lock
// 2 s, checked every second here) hands the trial to the other worker, which resumes from the
// latest checkpoint: the final weights are bit-identical to a straight run of the same trial, and
// at most one checkpoint interval of batches is trained twice.
import { describe, expect, it } from "vitest";
import { collectSweep, submitSweep } from "../../src/bullmq.js";
import { expandTrials } from "../../src/index.js";
import { startRedis } from "../support/redis.js";
import {
  LOCK_MS,
  logOf,
  onCleanup,
  outputOf,
  REDIS,
  readLog,
  STALLED_MS,
  startWorker,
  suiteTitle,
  sweepFinished,
  tempDir,
  tinySweep,
  until,
  type WorkerProcess,
} from "./harness.js";

const SAVE_EVERY = 4;
const EPOCHS = 4;
const STEPS = EPOCHS * 16;
/** The victim is killed once it trained this step: mid-epoch 2, two steps after a save (20). */
const KILL_AT_STEP = 22;

describe.skipIf(!REDIS)(suiteTitle("SIGKILL mid-epoch"), () => {
  it("resumes on another worker from the latest checkpoint: bit-identical, <= one save interval redone", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const dir = tempDir("sigkill");
    const definition = tinySweep({
      name: "sigkill",
      space: { saveEvery: SAVE_EVERY, stepDelayMs: 40 },
      epochs: EPOCHS,
    });
    const [trial] = expandTrials(definition);
    const trialId = (trial as { id: string }).id;
    const connection = server.socket;
    const log = `${dir}/kill.jsonl`;

    // The reference: the same trial straight through, on its own queue and checkpoint directory.
    const reference = startWorker({
      redis: connection,
      queue: "ref",
      checkpointDir: `${dir}/ref`,
      log: `${dir}/ref.jsonl`,
    });
    const workers = [1, 2].map(() =>
      startWorker({ redis: connection, queue: "kill", checkpointDir: `${dir}/kill`, log }),
    );
    await Promise.all([reference, ...workers].map((w) => w.ready()));
    const ref = await submitSweep(definition, { connection, queueName: "ref" });
    const sub = await submitSweep(definition, { connection, queueName: "kill" });
    expect(sub.sweepId).toBe(ref.sweepId);

    const started = (w: WorkerProcess) =>
      w.waitFor("start", (l) => l.type === "start" && l.trialId === trialId).then(() => w);
    const victim = await Promise.race(workers.map(started));
    const rescuer = workers.find((w) => w !== victim) as WorkerProcess;

    await until(
      `the victim to train step ${KILL_AT_STEP}`,
      () => logOf(readLog(log), "batch", { pid: victim.pid }).find((b) => b.step >= KILL_AT_STEP),
      20_000,
      10,
    );
    const killedAt = Date.now();
    await victim.kill();

    const before = readLog(log);
    const trainedByVictim = logOf(before, "batch", { pid: victim.pid }).map((b) => b.step);
    const lastStep = Math.max(...trainedByVictim);
    const lastSave = Math.max(...logOf(before, "save", { pid: victim.pid }).map((s) => s.step));
    expect(lastStep % 16).not.toBe(0); // killed in the middle of an epoch

    const takenOver = await rescuer.waitFor(
      "the trial's start on the rescuer",
      (l) => l.type === "start" && l.trialId === trialId,
      15_000,
    );
    const recoveryMs = takenOver.at - killedAt;
    // lockDuration + 2 x stalledInterval, with room for a loaded machine.
    expect(recoveryMs).toBeLessThan(LOCK_MS + 2 * STALLED_MS + 4000);

    const resumed = await rescuer.waitFor(
      "the resume",
      (l) => l.type === "resume" && l.trialId === trialId,
    );
    const resumedStep = resumed.step as number;
    // From the latest checkpoint the victim wrote (one at most could be half-written by the kill).
    expect(resumedStep).toBeGreaterThanOrEqual(lastSave);
    expect(resumedStep % SAVE_EVERY).toBe(0);
    expect(resumedStep).toBeGreaterThan(16);
    expect(resumedStep).toBeLessThanOrEqual(lastStep);

    for (const [queueName, id] of [
      ["kill", sub.sweepId],
      ["ref", ref.sweepId],
    ] as const) {
      await sweepFinished(id, { connection, queueName });
    }
    const killed = await collectSweep(sub.sweepId, { connection, queueName: "kill" });
    const straight = await collectSweep(ref.sweepId, { connection, queueName: "ref" });
    const result = killed.results[trialId];
    const expected = straight.results[trialId];
    expect(expected?.status).toBe("completed");
    expect(result?.status).toBe("completed");
    expect(result?.epochs).toBe(EPOCHS);
    expect(result?.resumes).toBe(1);
    // Bit-identical: the same weights and the same metric curve, to the last bit.
    const out = outputOf(result);
    expect(out.weightsSha256).toBe(outputOf(expected).weightsSha256);
    expect(result?.values).toEqual(expected?.values);

    // Redone work: the rescuer trained from the checkpoint's step on, nothing before it.
    const after = readLog(log);
    const rescued = logOf(after, "batch", { pid: rescuer.pid, trial: trialId }).map((b) => b.step);
    expect(Math.min(...rescued)).toBe(resumedStep + 1);
    expect(out.batchesRun).toBe(STEPS - resumedStep);
    const redone = lastStep - resumedStep;
    expect(redone).toBeLessThanOrEqual(SAVE_EVERY);
    expect(trainedByVictim.length + rescued.length - STEPS).toBe(redone);

    // The report: the victim's attempt crashed, the rescuer's resumed from that checkpoint.
    const attempts = killed.attempts.filter((a) => a.trialId === trialId);
    expect(attempts.map((a) => a.outcome)).toEqual(["crashed", "completed"]);
    expect(attempts[1]?.resumedFrom?.step).toBe(resumedStep);
    expect(attempts.map((a) => a.attempt)).toEqual([1, 1]);
    console.info(
      `sigkill: killed at step ${lastStep}, resumed at ${resumedStep} after ${recoveryMs} ms (lock ${LOCK_MS} ms, stall check ${STALLED_MS} ms), redone ${redone} batches`,
    );
    // A crash is no attempt (BullMQ's stall check does not spend one): one queue attempt used.
    expect(result?.attempts).toBe(1);
  }, 60_000);
});
