import { Redis, type RedisOptions } from "ioredis";
import { SweepError } from "../errors.js";

/**
 * Where the sweep's Redis is: a `redis://` / `rediss://` URL, the path of a unix socket (starting
 * with `/`), or ioredis options (`{ host, port }`, `{ path }`, password, TLS...).
 */
export type SweepRedisConnection = string | RedisOptions;

/** How long the submit-time check waits for Redis to connect and to answer, in milliseconds. */
export const REDIS_CHECK_TIMEOUT_MS = 3000;

/** The connection as ioredis options; a URL is kept apart because ioredis parses it itself. */
function splitConnection(connection: SweepRedisConnection): {
  url?: string;
  options: RedisOptions;
} {
  if (typeof connection === "string") {
    if (connection.startsWith("/")) return { options: { path: connection } };
    return { url: connection, options: {} };
  }
  if (typeof connection !== "object" || connection === null) {
    throw new SweepError(
      "INVALID_VALUE",
      `connection must be a redis:// URL, a unix socket path or ioredis options; got ${typeof connection}.`,
      "connection",
    );
  }
  return { options: { ...connection } };
}

/** Where a connection points, for error messages, without any password. */
export function describeConnection(connection: SweepRedisConnection): string {
  if (typeof connection === "string") {
    if (connection.startsWith("/")) return `unix socket ${connection}`;
    try {
      const url = new URL(connection);
      url.password = "";
      url.username = "";
      return url.toString();
    } catch {
      return "the given Redis URL";
    }
  }
  if (connection.path) return `unix socket ${connection.path}`;
  return `${connection.host ?? "localhost"}:${connection.port ?? 6379}`;
}

/**
 * A client for one short check: connects on demand, gives up after `timeoutMs` to connect or to
 * answer, never reconnects and never queues commands while offline, so a dead Redis fails fast.
 */
export function openCheckClient(connection: SweepRedisConnection, timeoutMs: number): Redis {
  const { url, options } = splitConnection(connection);
  const failFast: RedisOptions = {
    ...options,
    lazyConnect: true,
    connectTimeout: timeoutMs,
    commandTimeout: timeoutMs,
    maxRetriesPerRequest: 0,
    retryStrategy: () => null,
    enableOfflineQueue: false,
  };
  const client = url === undefined ? new Redis(failFast) : new Redis(url, failFast);
  // Errors surface through the rejected connect() or command (whose message is often only
  // "Connection is closed."); the socket's own error, such as ECONNREFUSED, is kept for messages.
  client.on("error", (e: Error) => {
    lastErrors.set(client, e);
  });
  return client;
}

const lastErrors = new WeakMap<Redis, Error>();

/** The last connection error a check client saw (the socket's own, e.g. ECONNREFUSED). */
export function lastConnectionError(client: Redis): Error | undefined {
  return lastErrors.get(client);
}

/** A client for a queue: ioredis defaults (reconnects), except that it also starts on demand. */
export function openQueueClient(connection: SweepRedisConnection): Redis {
  const { url, options } = splitConnection(connection);
  const queueOptions: RedisOptions = { ...options, lazyConnect: true };
  const client = url === undefined ? new Redis(queueOptions) : new Redis(url, queueOptions);
  client.on("error", () => {});
  return client;
}

/**
 * A client for a worker: reconnects for ever and keeps commands waiting through an outage
 * (`maxRetriesPerRequest: null`, which BullMQ requires of workers), so a restarted Redis is
 * picked up where it left off.
 */
export function openWorkerClient(connection: SweepRedisConnection): Redis {
  const { url, options } = splitConnection(connection);
  const workerOptions: RedisOptions = { ...options, maxRetriesPerRequest: null };
  const client = url === undefined ? new Redis(workerOptions) : new Redis(url, workerOptions);
  client.on("error", () => {});
  return client;
}

/** Closes a client whatever state it is in (quit when connected, disconnect otherwise). */
export async function closeClient(client: Redis): Promise<void> {
  if (client.status === "ready") {
    try {
      await client.quit();
      return;
    } catch {
      // fall through to a hard disconnect
    }
  }
  client.disconnect();
}
