import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";

/** The redis-server binary: TRAINKIT_REDIS_SERVER, else the first `redis-server` on PATH. */
export function findRedisServer(): string | undefined {
  const candidates = process.env.TRAINKIT_REDIS_SERVER
    ? [process.env.TRAINKIT_REDIS_SERVER]
    : [
        ...(process.env.PATH ?? "").split(delimiter).map((d) => join(d, "redis-server")),
        "/usr/bin/redis-server",
      ];
  for (const path of candidates) {
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return undefined;
}

export interface RedisServer {
  /** Unix socket the server listens on (no TCP port). */
  socket: string;
  dir: string;
  stop(): Promise<void>;
}

/** Options appended to the command line, such as `["--appendonly", "no"]`. */
export type RedisSettings = string[];

/** The default: an append-only file, no RDB snapshots, no eviction (Redis's default). */
const SAFE: RedisSettings = ["--appendonly", "yes", "--save", ""];

async function waitForPing(socket: string, child: ChildProcess, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}`);
    const client = new Redis({
      path: socket,
      lazyConnect: true,
      retryStrategy: () => null,
      maxRetriesPerRequest: 0,
    });
    client.on("error", () => {});
    try {
      await client.connect();
      if ((await client.ping()) === "PONG") return;
    } catch {
      // not up yet
    } finally {
      client.disconnect();
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`redis-server did not answer PING on ${socket} within 10 s`);
}

/**
 * Starts a redis-server of its own in a fresh temp dir, listening only on a unix socket there,
 * with `settings` after the defaults (so `["--appendonly", "no"]` overrides them); resolves once
 * it answers PING. `stop()` sends SIGTERM, waits for the exit and removes the dir.
 */
export async function startRedis(
  binary: string,
  settings: RedisSettings = [],
): Promise<RedisServer> {
  const dir = mkdtempSync(join(tmpdir(), "sweep-redis-"));
  const socket = join(dir, "redis.sock");
  const args = [...SAFE, "--port", "0", "--unixsocket", socket, "--dir", dir, ...settings];
  const child = spawn(binary, args, { stdio: ["ignore", "ignore", "inherit"] });
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitForPing(socket, child, Date.now() + 10_000);
  } catch (e) {
    await stop();
    throw e;
  }
  return { socket, dir, stop };
}
