import { type ChildProcess, spawn } from "node:child_process";
import { accessSync, constants, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { Redis } from "ioredis";
import { SweepError } from "../errors.js";

/**
 * The `redis-server` binary: `TRAINKIT_REDIS_SERVER` when set, else the first on PATH, else
 * `/usr/bin/redis-server`; undefined when there is none.
 */
export function findRedisServer(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const candidates = env.TRAINKIT_REDIS_SERVER
    ? [env.TRAINKIT_REDIS_SERVER]
    : [
        ...(env.PATH ?? "")
          .split(delimiter)
          .filter((d) => d !== "")
          .map((d) => join(d, "redis-server")),
        "/usr/bin/redis-server",
      ];
  for (const candidate of candidates) {
    try {
      accessSync(candidate, constants.X_OK);
      return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** A redis-server this process started and owns. */
export interface OwnedRedisServer {
  /** The unix socket it listens on (no TCP port), the same across restarts: the connection. */
  readonly socket: string;
  /** Its directory: the socket, the append-only file, the log. */
  readonly dir: string;
  /** Its pid while it runs. */
  readonly pid: number | undefined;
  /** Sends a signal (SIGKILL: no shutdown at all) and waits for the exit. */
  kill(signal?: NodeJS.Signals): Promise<void>;
  /** Starts it again with the same settings and dir; resolves once it has loaded its AOF. */
  restart(): Promise<void>;
  /** SIGTERM (SIGKILL after 5 s), waits for the exit and removes the dir (unless given one). */
  stop(): Promise<void>;
}

export interface StartRedisServerOptions {
  /** Default {@link findRedisServer}. */
  binary?: string;
  /** Where to keep the socket and AOF (kept at stop); default a fresh temp dir (removed). */
  dir?: string;
  /** How long to wait for PING after the start (default 10000 ms). */
  timeoutMs?: number;
  /** Extra `redis-server` arguments after trainkit's, such as `["--maxmemory", "1gb"]`. */
  args?: string[];
  /**
   * Stop the server when this process ends, however it ends (even by SIGKILL), so that no
   * redis-server outlives it: the server runs under a small `/bin/sh` that holds a pipe from this
   * process and sends the server SIGTERM once the pipe closes. The server also gets a process group
   * of its own, so Ctrl-C in a terminal reaches this process alone, which can then stop its
   * workers while Redis is still up. Default false. The server's own temp dir is removed after it
   * shuts down that way too (a `dir` you gave is kept).
   */
  stopWithThisProcess?: boolean;
}

/**
 * `sh -c WATCHDOG redis-server args...`: runs the server with stdin from /dev/null, sends it
 * SIGTERM once the shell's stdin (a pipe from the starting process) closes, and exits with the
 * server's status. When the server ended that way (its reader is gone), the shell also removes
 * TRAINKIT_REDIS_DIR if set (a temp dir of the server's own); when it ended otherwise (killed
 * through `kill()`, before a `restart()`), the reader is stopped and the dir kept.
 */
const WATCHDOG =
  'exec 3<&0; "$0" "$@" </dev/null 3<&- & pid=$!; ' +
  '{ read -r _ <&3; kill -TERM "$pid" 2>/dev/null; } & reader=$!; exec 3<&-; ' +
  'wait "$pid"; status=$?; ' +
  'if kill -0 "$reader" 2>/dev/null; then kill "$reader" 2>/dev/null; ' +
  'elif [ -n "$TRAINKIT_REDIS_DIR" ]; then rm -rf -- "$TRAINKIT_REDIS_DIR"; fi; exit "$status"';

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
 * Starts a private `redis-server` as a sweep's Redis should run: on a unix socket in its own
 * directory (no TCP port, socket mode 700), the append-only file on (Redis writes it before it
 * answers, so killing the server loses no acknowledged write), no RDB snapshots, `noeviction`.
 * Resolves once it answers PING; `NO_REDIS_SERVER` with the fix when there is no binary or it will
 * not start.
 */
export async function startRedisServer(
  options: StartRedisServerOptions = {},
): Promise<OwnedRedisServer> {
  const binary = options.binary ?? findRedisServer();
  if (binary === undefined) {
    throw new SweepError(
      "NO_REDIS_SERVER",
      "no redis-server on PATH or in /usr/bin: install it (apt-get install redis-server), set TRAINKIT_REDIS_SERVER to its path, or use a running Redis (--redis).",
    );
  }
  const ownDir = options.dir === undefined;
  const dir = options.dir ?? mkdtempSync(join(tmpdir(), "trainkit-redis-"));
  const socket = join(dir, "redis.sock");
  const timeoutMs = options.timeoutMs ?? 10_000;
  const args = [
    ...["--port", "0", "--unixsocket", socket, "--unixsocketperm", "700", "--dir", dir],
    ...["--logfile", join(dir, "redis.log"), "--appendonly", "yes", "--save", ""],
    ...["--maxmemory-policy", "noeviction"],
    ...(options.args ?? []),
  ];
  const watchdog = options.stopWithThisProcess === true;
  let child: ChildProcess | undefined;
  /** The redis-server's own pid (the child is its shell under a watchdog). */
  let pid: number | undefined;
  let exited: Promise<void> = Promise.resolve();
  let stopped = false;
  const alive = () => child !== undefined && child.exitCode === null && child.signalCode === null;

  const launch = async () => {
    let spawnError: Error | null = null;
    if (watchdog) {
      // The shell would start, then fail to run it: say so as a direct spawn would.
      try {
        accessSync(binary, constants.X_OK);
      } catch (e) {
        throw new SweepError(
          "NO_REDIS_SERVER",
          `could not start ${binary} (${(e as Error).message}); fix it, or use a running Redis (--redis).`,
        );
      }
    }
    const c = watchdog
      ? spawn("/bin/sh", ["-c", WATCHDOG, binary, ...args], {
          stdio: ["pipe", "ignore", "ignore"],
          env: { ...process.env, TRAINKIT_REDIS_DIR: ownDir ? dir : "" },
          detached: true,
        })
      : spawn(binary, args, { stdio: "ignore" });
    child = c;
    pid = undefined;
    exited = new Promise<void>((resolve) => {
      c.once("exit", () => resolve());
      c.once("error", (e) => {
        spawnError = e;
        resolve();
      });
    });
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const answered = await serverPid(socket);
      if (answered !== null) {
        pid = answered;
        return;
      }
      if (spawnError !== null || !alive() || Date.now() > deadline) {
        const why =
          spawnError !== null
            ? (spawnError as Error).message
            : alive()
              ? `no answer on ${socket} within ${timeoutMs} ms`
              : lastLogLine(dir) || `it exited with code ${c.exitCode}`;
        if (alive()) {
          // under a watchdog: the shell, its reader and the server, in their own process group
          if (watchdog && c.pid !== undefined) process.kill(-c.pid, "SIGKILL");
          else c.kill("SIGKILL");
        }
        await exited;
        throw new SweepError(
          "NO_REDIS_SERVER",
          `could not start ${binary} (${why}); fix it, or use a running Redis (--redis).`,
        );
      }
      await new Promise((r) => setTimeout(r, 50));
    }
  };
  const kill = async (signal: NodeJS.Signals = "SIGTERM") => {
    if (alive() && pid !== undefined) process.kill(pid, signal);
    await exited;
    child?.stdin?.end();
  };
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (alive()) {
      const timer = setTimeout(() => {
        if (alive() && pid !== undefined) process.kill(pid, "SIGKILL");
      }, 5000);
      await kill("SIGTERM");
      clearTimeout(timer);
    }
    if (ownDir) rmSync(dir, { recursive: true, force: true });
  };

  try {
    await launch();
  } catch (e) {
    if (ownDir) rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  return {
    socket,
    dir,
    get pid() {
      return alive() ? pid : undefined;
    },
    kill,
    restart: async () => {
      if (stopped) throw new Error("restart() after stop()");
      await kill("SIGKILL");
      await launch();
    },
    stop,
  };
}
