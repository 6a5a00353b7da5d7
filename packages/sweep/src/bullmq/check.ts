import type { Redis } from "ioredis";
import { SweepError } from "../errors.js";
import {
  closeClient,
  describeConnection,
  lastConnectionError,
  openCheckClient,
  REDIS_CHECK_TIMEOUT_MS,
  type SweepRedisConnection,
} from "./connection.js";

/** What {@link checkRedisForSweeps} found on a Redis it accepted. */
export interface RedisCheck {
  /** `redis_version` from INFO, such as `7.0.15`. */
  version: string;
  /** Always true on an accepted Redis: the append-only file is on. */
  appendonly: true;
  /** Always `noeviction` on an accepted Redis. */
  maxmemoryPolicy: "noeviction";
}

export interface CheckRedisOptions {
  /** Milliseconds to wait for Redis to connect and to answer each command; default 3000. */
  timeoutMs?: number;
}

/** The `field:value` lines of an INFO answer, as a map. */
function parseInfo(text: string): Map<string, string> {
  const fields = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(":");
    if (colon > 0 && !line.startsWith("#")) fields.set(line.slice(0, colon), line.slice(colon + 1));
  }
  return fields;
}

function unreachable(
  connection: SweepRedisConnection,
  timeoutMs: number,
  cause: unknown,
): SweepError {
  const reason = (cause instanceof Error ? cause.message : String(cause)).split("\n")[0];
  return new SweepError(
    "REDIS_UNREACHABLE",
    `cannot reach Redis at ${describeConnection(connection)} within ${timeoutMs} ms (${reason}); start redis-server there or pass the address of a running one.`,
    "connection",
  );
}

/** Refuses a Redis whose settings could lose or evict queued trials; returns what it found. */
function judge(where: string, fields: Map<string, string>): RedisCheck {
  const version = fields.get("redis_version") ?? "unknown";
  if (fields.get("aof_enabled") !== "1") {
    throw new SweepError(
      "REDIS_UNSUITABLE",
      `Redis at ${where} has appendonly no: a restart would lose queued and running trials (RDB snapshots alone lose the writes since the last one). Turn on the append-only file: CONFIG SET appendonly yes (and appendonly yes in redis.conf), or start redis-server --appendonly yes.`,
      "appendonly",
    );
  }
  const policy = fields.get("maxmemory_policy");
  if (policy !== "noeviction") {
    throw new SweepError(
      "REDIS_UNSUITABLE",
      `Redis at ${where} has maxmemory-policy ${policy ?? "unknown"}: under memory pressure it would evict queue keys and lose trials. Set CONFIG SET maxmemory-policy noeviction (and maxmemory-policy noeviction in redis.conf).`,
      "maxmemory-policy",
    );
  }
  return { version, appendonly: true, maxmemoryPolicy: "noeviction" };
}

async function readInfo(client: Redis): Promise<Map<string, string>> {
  const text = [
    await client.info("server"),
    await client.info("persistence"),
    await client.info("memory"),
  ].join("\n");
  return parseInfo(text);
}

/**
 * Checks that a Redis can hold a sweep's queue: reachable (a one-line {@link SweepError} with code
 * `REDIS_UNREACHABLE` within `timeoutMs` otherwise, never a hang), the append-only file on
 * (`appendonly yes`) and `maxmemory-policy noeviction` (code `REDIS_UNSUITABLE` naming the setting
 * and the command that fixes it otherwise). Reads INFO only, so it works where CONFIG is disabled.
 */
export async function checkRedisForSweeps(
  connection: SweepRedisConnection,
  options: CheckRedisOptions = {},
): Promise<RedisCheck> {
  const timeoutMs = options.timeoutMs ?? REDIS_CHECK_TIMEOUT_MS;
  const client = openCheckClient(connection, timeoutMs);
  try {
    let fields: Map<string, string>;
    try {
      await client.connect();
      fields = await readInfo(client);
    } catch (e) {
      throw unreachable(connection, timeoutMs, lastConnectionError(client) ?? e);
    }
    return judge(describeConnection(connection), fields);
  } finally {
    await closeClient(client);
  }
}
