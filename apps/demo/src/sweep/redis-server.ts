import { type OwnedRedisServer, startRedisServer } from "@trainkit/sweep/bullmq";

/**
 * The Redis that `trainkit sweep run` starts when it is given no `--redis`: `startRedisServer` of
 * `@trainkit/sweep/bullmq` (Debian's `redis-server` on a unix socket in a temp dir, no TCP port,
 * the append-only file on, no RDB snapshots, `noeviction`), tied to this process: it stops when
 * `sweep run` ends, even by SIGKILL, and Ctrl-C in a terminal does not reach it, so that
 * `sweep run` stops its workers first and Redis last.
 */
export type OwnRedis = OwnedRedisServer;

/** Starts it; `NO_REDIS_SERVER` (a SweepError, one line for the CLI) with the fix if it cannot. */
export function startOwnRedis(binary?: string, timeoutMs = 10_000): Promise<OwnRedis> {
  return startRedisServer({
    ...(binary !== undefined ? { binary } : {}),
    timeoutMs,
    stopWithThisProcess: true,
  });
}
