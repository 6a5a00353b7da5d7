// Shared by the semantics tests: real redis-servers, real worker processes (test/fixtures/
// worker-process.ts running the tiny trainable), their events and the trainable's log.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach } from "vitest";
import { type SweepStatus, type SweepWorkerEvent, waitForSweep } from "../../src/bullmq.js";
import type { TinyLogLine, TinyOutput } from "../fixtures/tiny-trainable.js";
import { findRedisServer } from "../support/redis.js";

/** The redis-server binary; in CI (CI=true) its absence fails the suite instead of skipping. */
export const REDIS = findRedisServer();
if (!REDIS && process.env.CI === "true") {
  throw new Error("redis-server is missing; CI must install it (apt-get install redis-server)");
}
/** A describe title that says why the suite is skipped when it is. */
export function suiteTitle(title: string): string {
  return REDIS
    ? `${title} (real redis-server, worker processes)`
    : `${title} (skipped: no redis-server on PATH; set TRAINKIT_REDIS_SERVER)`;
}

const PACKAGE_ROOT = new URL("../..", import.meta.url).pathname;
const WORKER_SCRIPT = new URL("../fixtures/worker-process.ts", import.meta.url).pathname;

/** Test settings: locks of 2 s checked for stalls every second. */
export const LOCK_MS = 2000;
export const STALLED_MS = 1000;

/** A worker's event line: a SweepWorkerEvent, or the first { type: "ready" } line. */
export type WorkerLine = (SweepWorkerEvent | { type: "ready"; worker: string }) & {
  pid: number;
  at: number;
  [key: string]: unknown;
};

export interface WorkerSettings {
  redis: string;
  queue: string;
  checkpointDir?: string;
  log?: string;
  lockMs?: number;
  stalledMs?: number;
  graceMs?: number;
}

/** A worker process: its event lines, its exit, and ways to signal it. */
export class WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: WorkerLine[] = [];
  stderr = "";
  readonly exit: Promise<{ code: number | null; signal: NodeJS.Signals | null; at: number }>;
  private waiters: (() => void)[] = [];
  private exited = false;

  constructor(settings: WorkerSettings) {
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      TINY_REDIS: settings.redis,
      TINY_QUEUE: settings.queue,
      TINY_LOCK_MS: String(settings.lockMs ?? LOCK_MS),
      TINY_STALLED_MS: String(settings.stalledMs ?? STALLED_MS),
      TINY_GRACE_MS: String(settings.graceMs ?? 10_000),
      TINY_EXIT_WITH_PARENT: "1",
    };
    if (settings.checkpointDir) env.TINY_CKPT_DIR = settings.checkpointDir;
    if (settings.log) env.TINY_TRAINABLE_LOG = settings.log;
    this.child = spawn(
      process.execPath,
      ["--conditions=@trainkit/source", "--import", "tsx", WORKER_SCRIPT],
      { cwd: PACKAGE_ROOT, env, stdio: ["pipe", "pipe", "pipe"] },
    );
    let pending = "";
    this.child.stdout?.setEncoding("utf8");
    this.child.stdout?.on("data", (chunk: string) => {
      pending += chunk;
      let nl = pending.indexOf("\n");
      while (nl >= 0) {
        const text = pending.slice(0, nl).trim();
        pending = pending.slice(nl + 1);
        if (text.startsWith("{")) {
          try {
            this.lines.push(JSON.parse(text) as WorkerLine);
          } catch {
            this.stderr += `[unparsed stdout] ${text}\n`;
          }
        } else if (text !== "") {
          this.stderr += `[stdout] ${text}\n`;
        }
        nl = pending.indexOf("\n");
      }
      this.wake();
    });
    this.child.stderr?.setEncoding("utf8");
    this.child.stderr?.on("data", (chunk: string) => {
      this.stderr += chunk;
    });
    this.exit = new Promise((resolve) => {
      this.child.once("exit", (code, signal) => {
        this.exited = true;
        this.wake();
        resolve({ code, signal, at: Date.now() });
      });
    });
    live.add(this);
    void this.exit.then(() => live.delete(this));
  }

  get pid(): number {
    return this.child.pid as number;
  }

  get alive(): boolean {
    return !this.exited;
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The events of one type (and trial). */
  events<T extends WorkerLine["type"]>(
    type: T,
    trialId?: string,
  ): Extract<WorkerLine, { type: T }>[] {
    return this.lines.filter(
      (l) => l.type === type && (trialId === undefined || l.trialId === trialId),
    ) as Extract<WorkerLine, { type: T }>[];
  }

  /** Waits for the first line (already seen or to come) that matches; rejects on exit or timeout. */
  async waitFor(
    what: string,
    match: (line: WorkerLine) => boolean,
    timeoutMs = 20_000,
  ): Promise<WorkerLine> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.lines.find(match);
      if (found) return found;
      if (this.exited) throw new Error(`worker ${this.pid} exited before ${what}\n${this.tail()}`);
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(`worker ${this.pid}: no ${what} within ${timeoutMs} ms\n${this.tail()}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, Math.min(left, 250));
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  ready(timeoutMs = 30_000): Promise<WorkerLine> {
    return this.waitFor("ready line", (l) => l.type === "ready", timeoutMs);
  }

  signal(sig: NodeJS.Signals): void {
    if (this.alive) process.kill(this.pid, sig);
  }

  /** SIGKILL (also wakes a stopped process's exit) and waits for the exit. */
  async kill(): Promise<void> {
    if (this.alive) this.child.kill("SIGKILL");
    await this.exit;
  }

  /** Its stderr and last event lines, for failure messages. */
  tail(): string {
    const events = this.lines.slice(-8).map((l) => JSON.stringify(l));
    return `--- worker ${this.pid} events:\n${events.join("\n")}\n--- stderr:\n${this.stderr.slice(-3000)}`;
  }
}

const live = new Set<WorkerProcess>();
const cleanups: (() => Promise<void> | void)[] = [];

/** Starts a worker process; afterEach kills it (-9) if the test left it running. */
export function startWorker(settings: WorkerSettings): WorkerProcess {
  return new WorkerProcess(settings);
}

/** Runs after the current test (LIFO), whatever happened: stop servers, remove dirs. */
export function onCleanup(fn: () => Promise<void> | void): void {
  cleanups.push(fn);
}

afterEach(async () => {
  await Promise.all([...live].map((w) => w.kill()));
  while (cleanups.length > 0) {
    const fn = cleanups.pop() as () => Promise<void> | void;
    try {
      await fn();
    } catch {
      // keep cleaning
    }
  }
});
// A vitest worker that dies still takes its worker processes along.
process.once("exit", () => {
  for (const w of live) w.child.kill("SIGKILL");
});

/** A fresh temp dir removed after the test. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), `sweep-sem-${prefix}-`));
  onCleanup(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

/** The tiny trainable's log lines (all workers that wrote to this file). */
export function readLog(file: string): TinyLogLine[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, "utf8")
    .split("\n")
    .filter((l) => l.trim() !== "")
    .map((l) => JSON.parse(l) as TinyLogLine);
}

export function logOf<E extends TinyLogLine["ev"]>(
  lines: TinyLogLine[],
  ev: E,
  where: Partial<{ trial: string; pid: number }> = {},
): Extract<TinyLogLine, { ev: E }>[] {
  return lines.filter(
    (l) =>
      l.ev === ev &&
      (where.trial === undefined || l.trial === where.trial) &&
      (where.pid === undefined || l.pid === where.pid),
  ) as Extract<TinyLogLine, { ev: E }>[];
}

/** Polls `check` until it returns something other than undefined; rejects after timeoutMs. */
export async function until<T>(
  what: string,
  check: () => Promise<T | undefined> | T | undefined,
  timeoutMs = 20_000,
  everyMs = 50,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v !== undefined) return v;
    } catch (e) {
      lastError = e;
    }
    if (Date.now() > deadline) {
      const why = lastError ? ` (last error: ${(lastError as Error).message})` : "";
      throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${why}`);
    }
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * Waits for every trial of a sweep to have its result (`waitForSweep`: one connection, riding out
 * a Redis restart); rejects naming the sweep after `timeoutMs`.
 */
export async function sweepFinished(
  sweepIdValue: string,
  options: { connection: string; queueName: string },
  timeoutMs = 30_000,
): Promise<SweepStatus> {
  try {
    return await waitForSweep(sweepIdValue, {
      ...options,
      pollMs: 100,
      signal: AbortSignal.timeout(timeoutMs),
    });
  } catch (e) {
    if ((e as Error).name !== "TimeoutError") throw e;
    throw new Error(
      `timed out after ${timeoutMs} ms waiting for sweep ${sweepIdValue} on queue ${options.queueName} to finish`,
    );
  }
}

/**
 * A one-trial-or-more sweep of the tiny trainable. `space` adds to the fixed learning rate; every
 * trial trains `epochs` epochs of 16 steps.
 */
export function tinySweep(
  options: {
    name?: string;
    space?: Record<string, unknown>;
    epochs?: number;
    repeats?: number;
    retries?: number;
    scheduler?: Record<string, unknown>;
  } = {},
): Record<string, unknown> {
  return {
    name: options.name ?? "tiny",
    seed: 2024,
    space: { lr: 0.01, ...options.space },
    metric: { name: "val_loss", mode: "min" },
    budget: { epochs: options.epochs ?? 3 },
    retries: { attempts: options.retries ?? 2 },
    ...(options.repeats !== undefined ? { repeats: options.repeats } : {}),
    ...(options.scheduler !== undefined ? { scheduler: options.scheduler } : {}),
  };
}

/** What the tiny trainable returned for a trial (its result's output); throws when it has none. */
export function outputOf(result: { output?: unknown } | undefined): TinyOutput {
  if (result?.output === undefined) throw new Error("the trial has no output (no result yet?)");
  return result.output as TinyOutput;
}
