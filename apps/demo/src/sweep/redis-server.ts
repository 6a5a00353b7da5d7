import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { findRedisServer } from "@trainkit/sweep/bullmq";
import { Redis } from "ioredis";
import { UsageError } from "../cli-error.js";

/**
 * The Redis that `trainkit sweep run` starts when it is given no `--redis`: Debian's
 * `redis-server`, on a unix socket in a temp dir (no TCP port), with the append-only file on and
 * no RDB snapshots (`--appendonly yes --save ""`), as `@trainkit/sweep/bullmq` requires.
 */
export interface OwnRedis {
  /** The unix socket: the connection to give submit, workers and status. */
  socket: string;
  dir: string;
  /** The redis-server's process id. */
  pid: number;
  /** SIGTERM (Redis writes its AOF and exits), wait for the exit, remove the temp dir. */
  stop(): Promise<void>;
}

export const MISSING_REDIS =
  "no redis-server on PATH or in /usr/bin (or at TRAINKIT_REDIS_SERVER): install redis-server (apt-get install redis-server) or pass --redis";

/** The server's pid once it answers on `socket` (INFO server), null while it does not. */
async function serverPid(socket: string): Promise<number | null> {
  const client = new Redis({
    path: socket,
    lazyConnect: true,
    retryStrategy: () => null,
    maxRetriesPerRequest: 0,
    connectTimeout: 1000,
  });
  client.on("error", () => {});
  try {
    await client.connect();
    const pid = /process_id:(\d+)/.exec(await client.info("server"))?.[1];
    return pid === undefined ? null : Number(pid);
  } catch {
    return null;
  } finally {
    client.disconnect();
  }
}

function lastLogLine(dir: string): string {
  try {
    const lines = readFileSync(join(dir, "redis.log"), "utf8").trim().split("\n");
    return (lines.at(-1) ?? "").replace(/^\d+:[A-Z] .*? [*#.-] /, "");
  } catch {
    return "";
  }
}

/**
 * `sh -c WATCHDOG redis-server args...`: runs the server, sends it SIGTERM once stdin closes,
 * and once it has shut down cleanly removes its temp dir (TRAINKIT_REDIS_DIR; kept after a failed
 * start, for its log) and exits.
 */
const WATCHDOG =
  'exec 3<&0; "$0" "$@" </dev/null 3<&- & pid=$!; ' +
  '{ read -r _ <&3; kill -TERM "$pid" 2>/dev/null; } & exec 3<&-; wait "$pid" && ' +
  'rm -rf -- "$TRAINKIT_REDIS_DIR"';

/** Starts a private redis-server and resolves once it answers PING (at most `timeoutMs`). */
export async function startOwnRedis(
  binary: string | undefined = findRedisServer(),
  timeoutMs = 10_000,
): Promise<OwnRedis> {
  if (binary === undefined) throw new UsageError(`${MISSING_REDIS}.`);
  const dir = mkdtempSync(join(tmpdir(), "trainkit-redis-"));
  const socket = join(dir, "redis.sock");
  const args = [
    "--port",
    "0",
    "--unixsocket",
    socket,
    "--unixsocketperm",
    "700",
    "--dir",
    dir,
    "--logfile",
    join(dir, "redis.log"),
    "--appendonly",
    "yes",
    "--save",
    "",
    "--maxmemory-policy",
    "noeviction",
  ];
  // Through sh, whose stdin is a pipe from this process: when this process ends, even by SIGKILL,
  // the pipe closes and sh stops the server, so no redis-server outlives `sweep run`.
  const child: ChildProcess = spawn("/bin/sh", ["-c", WATCHDOG, binary, ...args], {
    stdio: ["pipe", "ignore", "ignore"],
    env: { ...process.env, TRAINKIT_REDIS_DIR: dir },
    // A process group of its own: Ctrl-C in a terminal reaches `sweep run` alone, which stops the
    // workers first and Redis last.
    detached: true,
  });
  let spawnError: Error | null = null;
  child.once("error", (e) => {
    spawnError = e;
  });
  const exited = new Promise<void>((resolve) => {
    child.once("exit", () => resolve());
    child.once("error", () => resolve());
  });
  const alive = () => child.exitCode === null && child.signalCode === null && spawnError === null;
  const stop = async () => {
    child.stdin?.end(); // sh sends the server SIGTERM and waits for it
    await exited;
    rmSync(dir, { recursive: true, force: true });
  };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const pid = await serverPid(socket);
    if (pid !== null) return { socket, dir, pid, stop };
    if (!alive() || Date.now() > deadline) {
      const why = spawnError
        ? (spawnError as Error).message
        : alive()
          ? `no answer on ${socket} within ${timeoutMs / 1000} s`
          : lastLogLine(dir) || `it exited with code ${child.exitCode}`;
      await stop();
      throw new UsageError(
        `could not start ${binary} (${why}); fix it, or pass --redis with a running Redis.`,
      );
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}
