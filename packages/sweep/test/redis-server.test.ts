import { spawn } from "node:child_process";
import { existsSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
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

  it("stopWithThisProcess: a binary that is not there gives NO_REDIS_SERVER with the reason", async () => {
    const error = await startRedisServer({
      binary: "/nonexistent/redis-server",
      stopWithThisProcess: true,
    }).catch((e: unknown) => e);
    expect((error as SweepError).code).toBe("NO_REDIS_SERVER");
    expect((error as Error).message).toMatch(
      /^could not start \/nonexistent\/redis-server \(.*ENOENT/,
    );
  });

  it.skipIf(!findRedisServer())(
    "stopWithThisProcess: the server stops when its process is killed with SIGKILL, and with stop()",
    async () => {
      const alive = (pid: number) => {
        try {
          process.kill(pid, 0);
          return true;
        } catch {
          return false;
        }
      };
      const gone = async (pid: number) => {
        for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 50));
        return !alive(pid);
      };
      // In this process: stop() ends it, restart() keeps it under the watchdog.
      const own = await startRedisServer({ stopWithThisProcess: true });
      const first = own.pid as number;
      expect(alive(first)).toBe(true);
      await own.restart();
      expect(await gone(first)).toBe(true);
      expect(existsSync(join(own.dir, "appendonlydir"))).toBe(true); // kept for the restart
      const second = own.pid as number;
      expect(second).not.toBe(first);
      await own.stop();
      expect(await gone(second)).toBe(true);
      expect(existsSync(own.dir)).toBe(false);
      // In a child process killed with SIGKILL: its server shuts down by itself.
      const script = fileURLToPath(new URL("./fixtures/own-redis-process.ts", import.meta.url));
      const child = spawn(
        process.execPath,
        ["--conditions=@trainkit/source", "--import", "tsx", script],
        {
          stdio: ["ignore", "pipe", "inherit"],
        },
      );
      const [pid, dir] = await new Promise<[number, string]>((resolve, reject) => {
        child.stdout.on("data", (d: Buffer) => {
          const match = /^redis pid (\d+) dir (.+)$/m.exec(String(d));
          if (match) resolve([Number(match[1]), match[2] as string]);
        });
        child.once("exit", (code) => reject(new Error(`the child exited first (${code})`)));
      });
      expect(alive(pid)).toBe(true);
      child.kill("SIGKILL");
      expect(await gone(pid)).toBe(true);
      // and its temp dir goes once the server has shut down
      for (let i = 0; i < 40 && existsSync(dir); i++) await new Promise((r) => setTimeout(r, 50));
      expect(existsSync(dir)).toBe(false);
    },
  );
});
