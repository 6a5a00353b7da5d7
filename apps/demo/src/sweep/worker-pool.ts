import { type ChildProcess, spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";

/**
 * The worker processes of `trainkit sweep run`: each one is this CLI again (`trainkit sweep worker`),
 * started the way this process was (the same node flags and entry: `bin/trainkit.js`, or
 * `node --conditions=@trainkit/source --import tsx src/cli.ts`, or a build), with its output in a
 * log file of its own.
 */
export interface WorkerPoolOptions {
  count: number;
  /** Arguments after `sweep worker` (--redis, --checkpoints, --backend, --tf-threads...). */
  args: string[];
  /** Where `worker-<n>.log` go. */
  logDir: string;
  /** Called when a worker exits before the pool stops it. */
  onUnexpectedExit?: (worker: PoolWorker, live: number) => void;
}

export interface PoolWorker {
  /** 1-based. */
  index: number;
  pid: number | undefined;
  log: string;
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  exited: Promise<void>;
}

export interface WorkerPool {
  workers: PoolWorker[];
  /** Workers still running. */
  live(): number;
  /**
   * SIGTERM to every live worker (each saves and requeues its trials, then exits), SIGKILL to any
   * still running after `graceMs`; resolves when all have exited. Later calls return the first
   * call's promise.
   */
  stop(graceMs?: number): Promise<void>;
}

/** The command that runs this CLI again: node, its flags, the entry script. */
export function cliCommand(): { command: string; args: string[] } {
  const entry = process.argv[1];
  if (entry === undefined) throw new Error("cannot tell how this CLI was started (no argv[1])");
  return { command: process.execPath, args: [...process.execArgv, entry] };
}

/**
 * TensorFlow threads per worker when `--tf-threads` was not given: 1 on machines with 2 cores or
 * fewer (the demo's rule), else the cores shared out between the workers; undefined (TensorFlow's
 * own) when TF_NUM_INTRAOP_THREADS is set.
 */
export function workerTensorflowThreads(
  workers: number,
  cores: number = availableParallelism(),
  env: NodeJS.ProcessEnv = process.env,
): number | undefined {
  if (env.TF_NUM_INTRAOP_THREADS !== undefined && env.TF_NUM_INTRAOP_THREADS.trim() !== "") {
    return undefined;
  }
  return cores <= 2 ? 1 : Math.max(1, Math.floor(cores / workers));
}

/** The last lines of a worker's log, for an error message. */
export function logTail(file: string, lines = 3): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-lines).join(" | ");
  } catch {
    return "";
  }
}

export function startWorkerPool(options: WorkerPoolOptions): WorkerPool {
  mkdirSync(options.logDir, { recursive: true });
  const { command, args } = cliCommand();
  let stopping = false;
  const workers: PoolWorker[] = [];
  const children: ChildProcess[] = [];
  for (let index = 1; index <= options.count; index++) {
    const log = path.join(options.logDir, `worker-${index}.log`);
    const fd = openSync(log, "w");
    let child: ChildProcess;
    try {
      child = spawn(command, [...args, "sweep", "worker", ...options.args], {
        // The IPC channel only tells the worker when this process is gone (even by SIGKILL): it
        // then stops as on SIGTERM instead of running on unattended.
        stdio: ["ignore", fd, fd, "ipc"],
        env: process.env,
        // A process group of its own: Ctrl-C in a terminal reaches `sweep run` alone, which then
        // stops each worker with SIGTERM while Redis is still up for the requeue.
        detached: true,
      });
    } finally {
      closeSync(fd);
    }
    const worker: PoolWorker = {
      index,
      pid: child.pid,
      log,
      exitCode: null,
      signal: null,
      exited: Promise.resolve(),
    };
    worker.exited = new Promise<void>((resolve) => {
      let ended = false;
      const done = (code: number | null, signal: NodeJS.Signals | null) => {
        if (ended) return;
        ended = true;
        worker.exitCode = code;
        worker.signal = signal;
        resolve();
        if (!stopping) options.onUnexpectedExit?.(worker, live());
      };
      child.once("exit", done);
      child.once("error", () => done(127, null));
    });
    workers.push(worker);
    children.push(child);
  }
  const running = (i: number) => {
    const w = workers[i] as PoolWorker;
    return w.exitCode === null && w.signal === null;
  };
  const live = () => workers.filter((_, i) => running(i)).length;
  let stopped: Promise<void> | undefined;
  const stop = async (graceMs: number) => {
    stopping = true;
    children.forEach((child, i) => {
      if (running(i)) child.kill("SIGTERM");
    });
    const timer = setTimeout(() => {
      children.forEach((child, i) => {
        if (running(i)) child.kill("SIGKILL");
      });
    }, graceMs);
    await Promise.all(workers.map((w) => w.exited));
    clearTimeout(timer);
  };
  return {
    workers,
    live,
    // Once: a second call (the run's cleanup after its own stop) waits for the first.
    stop: (graceMs = 40_000) => {
      stopped ??= stop(graceMs);
      return stopped;
    },
  };
}
