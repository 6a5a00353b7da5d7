import {
  findRedisServer,
  type OwnedRedisServer,
  startRedisServer,
} from "../../src/bullmq/redis-server.js";

export { findRedisServer };

/** A test's own redis-server (see startRedisServer): unix socket in a temp dir, AOF on. */
export type RedisServer = OwnedRedisServer;

/**
 * Starts a redis-server of its own for a test, with `settings` after the safe defaults (so
 * `["--appendonly", "no"]` overrides them); `stop()` ends it and removes its dir.
 */
export function startRedis(binary: string, settings: string[] = []): Promise<RedisServer> {
  return startRedisServer({ binary, args: settings });
}
