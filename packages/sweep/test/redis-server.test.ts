import { existsSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { findRedisServer, startRedisServer } from "../src/bullmq.js";
import { SweepError } from "../src/index.js";

describe("startRedisServer / findRedisServer", () => {
  it("TRAINKIT_REDIS_SERVER wins, and a path that is not there finds nothing", () => {
    expect(findRedisServer({ TRAINKIT_REDIS_SERVER: "/nonexistent/redis-server" })).toBeUndefined();
  });

  it("a binary that will not start gives NO_REDIS_SERVER with the fix", async () => {
    const error = await startRedisServer({ binary: "/nonexistent/redis-server" }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(SweepError);
    expect((error as SweepError).code).toBe("NO_REDIS_SERVER");
    expect((error as Error).message).toMatch(
      /^could not start \/nonexistent\/redis-server \(.*ENOENT.*\); fix it, or use a running Redis \(--redis\)\.$/,
    );
  });

  it.skipIf(!findRedisServer())(
    "starts, survives a kill -9 by restart() with its data, and stop() removes its dir",
    async () => {
      const { Redis } = await import("ioredis");
      const server = await startRedisServer();
      const client = () => new Redis({ path: server.socket, maxRetriesPerRequest: 1 });
      const a = client();
      await a.set("k", "kept");
      a.disconnect();
      await server.restart();
      const b = client();
      expect(await b.get("k")).toBe("kept"); // from the append-only file
      expect(await b.config("GET", "maxmemory-policy")).toEqual(["maxmemory-policy", "noeviction"]);
      b.disconnect();
      await server.stop();
      expect(existsSync(server.dir)).toBe(false);
    },
  );
});
