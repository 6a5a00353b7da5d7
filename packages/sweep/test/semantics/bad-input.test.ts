// Semantics 6: bad input gives a clear one-line error and never a hang. A bad definition (an
// unknown key, an empty space, a reduction factor below 2) is refused with a SweepError naming the
// key, and nothing reaches Redis. An unreachable Redis is REDIS_UNREACHABLE within seconds, for
// submit, status and a worker alike. A trainable that throws is retried `retries.attempts` times
// in all, then recorded as failed with its error, and the sweep still finishes.
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { describe, expect, it } from "vitest";
import {
  collectSweep,
  startSweepWorker,
  submitSweep,
  sweepStatus,
  sweepToJson,
} from "../../src/bullmq.js";
import { expandTrials, SweepError } from "../../src/index.js";
import { startRedis } from "../support/redis.js";
import {
  logOf,
  onCleanup,
  REDIS,
  readLog,
  startWorker,
  suiteTitle,
  tempDir,
  tinySweep,
  until,
} from "./harness.js";

async function refusal(promise: Promise<unknown>): Promise<SweepError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SweepError);
  expect((error as Error).message).not.toContain("\n");
  return error as SweepError;
}

describe.skipIf(!REDIS)(suiteTitle("bad input"), () => {
  it("refuses a bad definition naming the key, and writes nothing to Redis", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const client = new Redis({ path: server.socket });
    onCleanup(() => void client.disconnect());
    const good = tinySweep({ scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 2 } });
    const cases: [string, Record<string, unknown>, string, string][] = [
      [
        "unknown key",
        { ...good, budget: { epochs: 3, patience: 2 } },
        "UNKNOWN_KEY",
        "budget.patience",
      ],
      ["empty space", { ...good, space: {} }, "EMPTY_SPACE", "space"],
      [
        "reduction factor 1",
        { ...good, scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 1 } },
        "INVALID_VALUE",
        "scheduler.reductionFactor",
      ],
    ];
    for (const [what, definition, code, key] of cases) {
      const error = await refusal(
        submitSweep(definition, {
          connection: server.socket,
          queueName: "bad",
          checkpointDir: "/tmp/x",
        }),
      );
      expect(error.code, what).toBe(code);
      expect(error.path, what).toBe(key);
      expect(error.message, what).toContain(key);
      expect(await client.dbsize(), `${what}: keys in Redis`).toBe(0);
    }
  });

  /** A socket path where nothing listens. */
  const nowhere = () => {
    const dir = mkdtempSync(join(tmpdir(), "sweep-noredis-"));
    onCleanup(() => rmSync(dir, { recursive: true, force: true }));
    return { dir, socket: join(dir, "absent.sock") };
  };
  /** The call's SweepError, REDIS_UNREACHABLE naming the socket, within 5 s (gives up at 8 s). */
  const unreachable = async (what: string, socket: string, call: () => Promise<unknown>) => {
    const started = Date.now();
    let timer: NodeJS.Timeout | undefined;
    const error = await refusal(
      Promise.race([
        call(),
        new Promise((_, reject) => {
          timer = setTimeout(() => reject(new Error(`${what} still waiting after 8 s`)), 8000);
        }),
      ]).finally(() => clearTimeout(timer)),
    );
    expect(error.code, what).toBe("REDIS_UNREACHABLE");
    expect(error.message, what).toContain(socket);
    expect(Date.now() - started, what).toBeLessThan(5000);
  };

  it("an unreachable Redis is REDIS_UNREACHABLE within seconds: submit and status", async () => {
    const { dir, socket } = nowhere();
    await unreachable("submitSweep", socket, () =>
      submitSweep(tinySweep(), { connection: socket, checkpointDir: dir }),
    );
    await unreachable("sweepStatus", socket, () =>
      sweepStatus("s0123456789abcdef0123456789abcdef", { connection: socket }),
    );
  }, 20_000);

  it("an unreachable Redis is REDIS_UNREACHABLE within seconds: a worker", async () => {
    const { dir, socket } = nowhere();
    await unreachable("startSweepWorker", socket, () =>
      startSweepWorker({
        connection: socket,
        trainable: { run: async () => ({}) },
        checkpointDir: dir,
      }),
    );
  }, 20_000);

  it("retries a throwing trainable, then records it failed with its error; the sweep finishes", async () => {
    const server = await startRedis(REDIS as string);
    onCleanup(() => server.stop());
    const dir = tempDir("throw");
    const log = `${dir}/log.jsonl`;
    // failTimes 0: fine; 1: fails its first attempt only; 99: fails every attempt.
    const definition = tinySweep({
      name: "throws",
      space: { failTimes: { type: "grid", values: [0, 1, 99] } },
      epochs: 1,
      retries: 3,
    });
    const [ok, once, always] = expandTrials(definition).map((t) => t.id) as [
      string,
      string,
      string,
    ];
    const connection = server.socket;
    const sub = await submitSweep(definition, {
      connection,
      queueName: "throws",
      checkpointDir: `${dir}/ck`,
    });
    const worker = startWorker({ redis: connection, queue: "throws", log });
    const status = await until(
      "the sweep to finish",
      async () => {
        const s = await sweepStatus(sub.sweepId, { connection, queueName: "throws" });
        return s.done ? s : undefined;
      },
      30_000,
      100,
    );
    expect(status).toMatchObject({ trials: 3, completed: 2, failed: 1, waiting: 0, running: 0 });
    expect(worker.alive).toBe(true);

    const collected = await collectSweep(sub.sweepId, { connection, queueName: "throws" });
    expect(collected.results[ok]).toMatchObject({ status: "completed", attempts: 1 });
    expect(collected.results[once]).toMatchObject({ status: "completed", attempts: 2 });
    const failed = collected.results[always];
    expect(failed).toMatchObject({ status: "failed", attempts: 3 });
    expect(failed?.error).toBe("tiny-trainable: planned failure on attempt 3 (failTimes 99)");
    // Thrown exactly once per attempt: 0, 1 and 3 times.
    const throws = logOf(readLog(log), "throw");
    expect(throws.filter((t) => t.trial === once).map((t) => t.attempt)).toEqual([1]);
    expect(throws.filter((t) => t.trial === always).map((t) => t.attempt)).toEqual([1, 2, 3]);
    expect(worker.events("error", always).map((e) => e.message)).toHaveLength(3);
    const json = sweepToJson(collected);
    expect(json.trials.find((t) => t.id === always)).toMatchObject({
      status: "failed",
      attempts: 3,
    });
  }, 40_000);
});
