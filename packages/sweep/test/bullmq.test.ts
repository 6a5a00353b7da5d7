import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Queue } from "bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { checkRedisForSweeps, submitSweep, type TrialJobData, trialJobId } from "../src/bullmq.js";
import { expandTrials, SweepError, sweepId, validateSweep } from "../src/index.js";
import { baseDefinition } from "./helpers.js";
import { findRedisServer, type RedisServer, startRedis } from "./support/redis.js";

const REDIS = findRedisServer();
if (!REDIS && process.env.CI === "true") {
  throw new Error("redis-server is missing; CI must install it (apt-get install redis-server)");
}
const suite = REDIS
  ? "@trainkit/sweep/bullmq against a real redis-server"
  : "@trainkit/sweep/bullmq (skipped: no redis-server on PATH; set TRAINKIT_REDIS_SERVER)";

/** A small sweep: 2 grid points × 3 folds = 6 trials, 2 attempts each. */
function definition() {
  return { ...baseDefinition(), samples: 1, retries: { attempts: 2 } };
}

async function caught(promise: Promise<unknown>): Promise<SweepError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(SweepError);
  return error as SweepError;
}

describe.skipIf(!REDIS)(suite, () => {
  describe("on a Redis with appendonly yes and noeviction", () => {
    let server: RedisServer;
    const queues: Queue[] = [];
    const openQueue = (name: string) => {
      const queue = new Queue<TrialJobData>(name, { connection: { path: server.socket } });
      queues.push(queue);
      return queue;
    };
    beforeAll(async () => {
      server = await startRedis(REDIS as string);
    });
    afterAll(async () => {
      for (const q of queues) await q.close();
      await server?.stop();
    });

    it("accepts it and reports the version", async () => {
      const check = await checkRedisForSweeps(server.socket);
      expect(check).toMatchObject({ appendonly: true, maxmemoryPolicy: "noeviction" });
      expect(check.version).toMatch(/^\d+\.\d+/);
    });

    it("adds one job per trial with a stable id, { sweepId, trialIndex } and the retries", async () => {
      const result = await submitSweep(definition(), {
        connection: server.socket,
        queueName: "q1",
      });
      const id = sweepId(definition());
      const trials = expandTrials(definition());
      expect(result).toEqual({ sweepId: id, queueName: "q1", trials: 6, added: 6, existing: 0 });
      const jobs = await openQueue("q1").getJobs(["waiting"]);
      const byId = new Map(jobs.map((j) => [j.id, j]));
      expect(byId.size).toBe(6);
      for (const trial of trials) {
        const job = byId.get(trialJobId(id, trial.id));
        expect(job?.data).toEqual({ sweepId: id, trialIndex: trial.index });
        expect(job?.opts.attempts).toBe(2);
      }
    });

    it("adds nothing when the same sweep is submitted again", async () => {
      const connection = { path: server.socket };
      await submitSweep(definition(), { connection, queueName: "q2" });
      const again = await submitSweep(validateSweep(definition()), { connection, queueName: "q2" });
      expect(again).toMatchObject({ trials: 6, added: 0, existing: 6 });
      expect(await openQueue("q2").getJobCounts("waiting")).toEqual({ waiting: 6 });
    });

    it("enqueues nothing for an invalid definition", async () => {
      const bad = { ...definition(), budget: { epochs: 9, patience: 2 } };
      const error = await caught(submitSweep(bad, { connection: server.socket, queueName: "q3" }));
      expect(error.code).toBe("UNKNOWN_KEY");
      expect(await openQueue("q3").count()).toBe(0);
    });

    it("refuses a queue name with ':'", async () => {
      const error = await caught(
        submitSweep(definition(), { connection: server.socket, queueName: "a:b" }),
      );
      expect(error.message).toContain("queueName");
    });
  });

  describe("refuses an unsafe or unreachable Redis", () => {
    it("without the append-only file, naming appendonly and the fix", async () => {
      const server = await startRedis(REDIS as string, ["--appendonly", "no", "--save", "3600 1"]);
      try {
        const error = await caught(submitSweep(definition(), { connection: server.socket }));
        expect(error.code).toBe("REDIS_UNSUITABLE");
        expect(error.message).toContain("appendonly no");
        expect(error.message).toContain("CONFIG SET appendonly yes");
        const queue = new Queue("trainkit-sweeps", { connection: { path: server.socket } });
        expect(await queue.count()).toBe(0);
        await queue.close();
      } finally {
        await server.stop();
      }
    });

    it("with an eviction policy, naming maxmemory-policy and the fix", async () => {
      const server = await startRedis(REDIS as string, ["--maxmemory-policy", "allkeys-lru"]);
      try {
        const error = await caught(checkRedisForSweeps({ path: server.socket }));
        expect(error.code).toBe("REDIS_UNSUITABLE");
        expect(error.message).toContain("maxmemory-policy allkeys-lru");
        expect(error.message).toContain("CONFIG SET maxmemory-policy noeviction");
      } finally {
        await server.stop();
      }
    });

    it("at a socket where nothing listens, fast and in one line", async () => {
      const dir = mkdtempSync(join(tmpdir(), "sweep-noredis-"));
      const socket = join(dir, "absent.sock");
      try {
        const started = Date.now();
        const error = await caught(submitSweep(definition(), { connection: socket }));
        expect(Date.now() - started).toBeLessThan(5000);
        expect(error.code).toBe("REDIS_UNREACHABLE");
        expect(error.message).toContain(`cannot reach Redis at unix socket ${socket}`);
        // The socket's own error, not ioredis's "Connection is closed."
        expect(error.message).toContain("ENOENT");
        expect(error.message).not.toContain("\n");
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  });
});
