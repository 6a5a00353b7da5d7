import { randomUUID } from "node:crypto";
import { hostname } from "node:os";
import { join } from "node:path";
import { type Job, WaitingError, Worker } from "bullmq";
import type { Redis } from "ioredis";
import type { Sweep } from "../definition.js";
import { SweepError } from "../errors.js";
import { trialFolds } from "../folds.js";
import type { TrialResult } from "../summary.js";
import type { Trainable, TrainableData, TrialRun } from "../trainable.js";
import { trialAt } from "../trials.js";
import { checkRedisForSweeps } from "./check.js";
import { closeClient, openWorkerClient, type SweepRedisConnection } from "./connection.js";
import { createTrialContext, type TrialAttempt } from "./context.js";
import { readMeta, type SweepKeys, sweepKeys } from "./store.js";
import { checkQueueName, DEFAULT_SWEEP_QUEUE, type TrialJobData } from "./submit.js";

/** What a worker tells `onEvent` as it goes (one event per line makes a good log). */
export type SweepWorkerEvent =
  | { type: "start"; trialId: string; attempt: number; fence: number; worker: string }
  | { type: "resume"; trialId: string; path: string; step: number; epoch: number }
  | {
      type: "report";
      trialId: string;
      epoch: number;
      value: number;
      decision: "continue" | "stop";
      replayed: boolean;
    }
  | { type: "finish"; trialId: string; status: TrialResult["status"]; epochs: number }
  | { type: "requeue"; trialId: string; reason: string }
  | { type: "fenced"; trialId: string; reason: string }
  | { type: "error"; trialId?: string; message: string };

/** A trainable, or how to find the one a sweep names in its `trainable` key. */
export type TrainableSource =
  | Trainable
  | ((name: string | undefined, sweep: Sweep) => Trainable | Promise<Trainable>);

export interface SweepWorkerOptions {
  connection: SweepRedisConnection;
  /** BullMQ queue name; default `trainkit-sweeps`. */
  queueName?: string;
  trainable: TrainableSource;
  /** Where checkpoints go, instead of the directory the sweep was submitted with. */
  checkpointDir?: string;
  /** Trials this process runs at once (default 1; one per process suits CPU-bound training). */
  concurrency?: number;
  /**
   * How long a trial's lock lasts without renewal (BullMQ's `lockDuration`, default 30000 ms).
   * The worker renews it every half of this while the trial runs, as long as the event loop turns.
   */
  lockDurationMs?: number;
  /** How often live workers look for trials whose worker died (default 30000 ms). */
  stalledIntervalMs?: number;
  /** How many times a trial may lose its worker before it counts as failed (default 10). */
  maxStalledCount?: number;
  /** How long to wait for Redis at the start before REDIS_UNREACHABLE (default 3000 ms). */
  timeoutMs?: number;
  /** A name for this worker in logs and reports (default `<host>-<pid>-<random>`). */
  name?: string;
  onEvent?: (event: SweepWorkerEvent) => void;
}

export interface SweepWorker {
  readonly id: string;
  /** Trials running in this process now, by trial id. */
  running(): string[];
  /**
   * Preemption: aborts every running trial's signal (each saves a checkpoint and returns), puts the
   * trials back in the queue without spending an attempt, and closes the worker.
   */
  preempt(reason?: string): Promise<void>;
  /** Stops taking trials and waits for the running ones to finish. */
  close(): Promise<void>;
  /**
   * Resolves once the worker has closed: by close() or preempt(), or by itself when it cannot run a
   * sweep it was given (then with that error; the trial went back to the queue untouched).
   */
  closed(): Promise<Error | undefined>;
}

/** A sweep as this process runs it: read once per sweep id. */
interface Plan {
  sweep: Sweep;
  trainable: Trainable;
  data: TrainableData | undefined;
  checkpointDir: string;
  keys: SweepKeys;
}

const DEFAULTS = { lockDurationMs: 30_000, stalledIntervalMs: 30_000, maxStalledCount: 10 };

function positiveInteger(name: string, value: number | undefined, fallback: number): number {
  if (value === undefined) return fallback;
  if (!Number.isSafeInteger(value) || value < 1) {
    throw new SweepError("INVALID_VALUE", `${name} must be an integer >= 1, got ${value}.`, name);
  }
  return value;
}

function checkTrainable(t: unknown, what: string): Trainable {
  if (typeof t !== "object" || t === null || typeof (t as Trainable).run !== "function") {
    throw new SweepError(
      "INVALID_TRAINABLE",
      `${what} is not a trainable: give an object with run(trial, ctx) (defineTrainable).`,
      "trainable",
    );
  }
  return t as Trainable;
}

/**
 * Runs trials of every sweep submitted to the queue: each trial rebuilt from the stored definition,
 * resumed from its latest checkpoint, fenced against stale workers, judged by ASHA through Redis.
 * A worker killed outright loses its trials' locks; a live worker's stall check puts them back
 * within about lockDuration + 2 × stalledInterval, and the next attempt resumes from the checkpoint.
 */
export async function startSweepWorker(options: SweepWorkerOptions): Promise<SweepWorker> {
  const queueName = checkQueueName(options.queueName ?? DEFAULT_SWEEP_QUEUE);
  const concurrency = positiveInteger("concurrency", options.concurrency, 1);
  const lockDuration = positiveInteger(
    "lockDurationMs",
    options.lockDurationMs,
    DEFAULTS.lockDurationMs,
  );
  const stalledInterval = positiveInteger(
    "stalledIntervalMs",
    options.stalledIntervalMs,
    DEFAULTS.stalledIntervalMs,
  );
  const maxStalledCount = positiveInteger(
    "maxStalledCount",
    options.maxStalledCount,
    DEFAULTS.maxStalledCount,
  );
  if (typeof options.trainable !== "function") checkTrainable(options.trainable, "trainable");
  const id = options.name ?? `${hostname()}-${process.pid}-${randomUUID().slice(0, 8)}`;
  const emit = (e: SweepWorkerEvent) => {
    try {
      options.onEvent?.(e);
    } catch {
      // a broken listener must not break a trial
    }
  };
  // Fail fast (one line, no hang) on a Redis that is down or unsafe for sweeps.
  await checkRedisForSweeps(options.connection, { timeoutMs: options.timeoutMs });
  const store = openWorkerClient(options.connection);
  const plans = new Map<string, Promise<Plan>>();
  const active = new Map<string, TrialAttempt>();
  let preempting: string | null = null;
  let fatal: Error | undefined;

  const planOf = (sweepIdValue: string): Promise<Plan> => {
    let plan = plans.get(sweepIdValue);
    if (plan === undefined) {
      plan = loadPlan(store, queueName, sweepIdValue, options);
      plans.set(sweepIdValue, plan);
      plan.catch(() => plans.delete(sweepIdValue));
    }
    return plan;
  };

  // Called only once `worker` and `connection` below exist (by the processor or the caller).
  let closing: Promise<void> | null = null;
  let markClosed: (error: Error | undefined) => void = () => {};
  const closed = new Promise<Error | undefined>((resolve) => {
    markClosed = resolve;
  });
  const close = () => {
    closing ??= (async () => {
      await worker.close();
      await closeClient(connection);
      await closeClient(store);
      markClosed(fatal);
    })();
    return closing;
  };

  const processor = async (job: Job<TrialJobData>, token?: string): Promise<unknown> => {
    if (token === undefined) throw new Error("BullMQ gave no lock token");
    let plan: Plan;
    try {
      plan = await planOf(job.data.sweepId);
    } catch (error) {
      // This worker cannot run the sweep (no such trainable, no checkpoint directory...): the
      // trial goes back untouched, without spending an attempt, and the worker stops.
      await job.moveToWait(token);
      fatal ??= error instanceof Error ? error : new Error(String(error));
      emit({ type: "error", message: fatal.message });
      void close();
      throw new WaitingError();
    }
    const trial = trialAt(plan.sweep, job.data.trialIndex);
    if ((await store.hexists(plan.keys.results, trial.id)) === 1) return { already: true };
    const fence = await store.incr(plan.keys.fence(trial.id));
    const run: TrialRun = {
      ...trial,
      sweepId: job.data.sweepId,
      folds: plan.sweep.folds ? foldsOf(plan, trial.fold) : null,
      attempt: job.attemptsMade + 1,
    };
    const attempt = createTrialContext({
      store,
      plan,
      run,
      fence,
      token,
      jobId: job.id as string,
      lockKey: `${job.queueQualifiedName}:${job.id}:lock`,
      worker: id,
      emit,
    });
    active.set(trial.id, attempt);
    if (preempting !== null) attempt.abort("preempted", preempting);
    emit({ type: "start", trialId: trial.id, attempt: run.attempt, fence, worker: id });
    try {
      await attempt.begin();
      if (await attempt.cancelled()) return await attempt.finishCancelled();
      let output: unknown;
      try {
        output = await plan.trainable.run(run, attempt.context);
      } catch (error) {
        return await afterThrow(attempt, job, token, error);
      }
      if (attempt.reason === "preempted" && !attempt.finished()) {
        return await requeue(attempt, job, token);
      }
      if (attempt.reason === "fenced") throw attempt.fencedError();
      if (attempt.reason === "cancelled" && !attempt.finished()) {
        return await attempt.finishCancelled();
      }
      return await attempt.finish(output);
    } finally {
      active.delete(trial.id);
    }
  };

  const afterThrow = async (
    attempt: TrialAttempt,
    job: Job<TrialJobData>,
    token: string,
    error: unknown,
  ): Promise<unknown> => {
    if (attempt.reason === "fenced" || (error as SweepError)?.code === "FENCED") {
      await attempt.markFenced(error);
      throw attempt.fencedError();
    }
    if (attempt.reason === "preempted") return requeue(attempt, job, token);
    if (attempt.reason === "cancelled") return attempt.finishCancelled();
    const message = error instanceof Error ? error.message : String(error);
    emit({ type: "error", trialId: attempt.run.id, message });
    const last = job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
    await attempt.fail(message, last);
    throw error;
  };

  const requeue = async (attempt: TrialAttempt, job: Job<TrialJobData>, token: string) => {
    await attempt.end("requeued");
    await job.moveToWait(token);
    emit({ type: "requeue", trialId: attempt.run.id, reason: preempting ?? "preempted" });
    throw new WaitingError();
  };

  // BullMQ leaves a connection it was given open: closed below with the worker.
  const connection = openWorkerClient(options.connection);
  const worker = new Worker<TrialJobData>(queueName, processor, {
    connection,
    concurrency,
    lockDuration,
    stalledInterval,
    maxStalledCount,
    autorun: true,
  });
  worker.on("error", (e) => emit({ type: "error", message: e.message }));
  worker.on("lockRenewalFailed", (jobIds: string[]) => {
    for (const attempt of active.values()) {
      if (jobIds.includes(attempt.jobId)) attempt.abort("fenced", "its lock could not be renewed");
    }
  });
  await worker.waitUntilReady();

  return {
    id,
    running: () => [...active.keys()],
    closed: () => closed,
    preempt: async (reason = "preempted") => {
      preempting = reason;
      for (const attempt of active.values()) attempt.abort("preempted", reason);
      await close();
    },
    close,
  };
}

async function loadPlan(
  store: Redis,
  queueName: string,
  sweepIdValue: string,
  options: SweepWorkerOptions,
): Promise<Plan> {
  const { meta, sweep } = await readMeta(store, queueName, sweepIdValue);
  const source = options.trainable;
  const trainable = checkTrainable(
    typeof source === "function" ? await source(sweep.trainable, sweep) : source,
    sweep.trainable === undefined
      ? "the trainable"
      : `trainable ${JSON.stringify(sweep.trainable)}`,
  );
  const checkpointDir = options.checkpointDir ?? meta.checkpointDir;
  if (checkpointDir === undefined) {
    throw new SweepError(
      "INVALID_VALUE",
      `sweep ${sweepIdValue} was submitted without a checkpoint directory: give the worker checkpointDir (a directory every worker shares).`,
      "checkpointDir",
    );
  }
  let data: TrainableData | undefined;
  if (sweep.folds !== undefined) {
    if (typeof trainable.data !== "function") {
      throw new SweepError(
        "INVALID_TRAINABLE",
        `sweep ${sweepIdValue} has folds (${sweep.folds.splitter}) but its trainable has no data(): give data() returning { size, y?, groups? } so every worker cuts the same folds.`,
        "trainable.data",
      );
    }
    data = await trainable.data();
  }
  return {
    sweep,
    trainable,
    data,
    checkpointDir: join(checkpointDir, sweepIdValue),
    keys: sweepKeys(queueName, sweepIdValue),
  };
}

function foldsOf(plan: Plan, fold: number): { train: Int32Array; test: Int32Array } {
  const spec = plan.sweep.folds;
  if (spec === undefined) throw new Error("foldsOf without folds");
  return trialFolds(spec, fold, plan.data as TrainableData);
}

/** What {@link stopOnSignals} returns: call it to remove the handlers. */
export interface SignalStop {
  (): void;
  /**
   * Stops now as on a signal, with a grace of its own (e.g. shorter when the Redis the worker
   * needs to requeue may be gone); a no-op once stopping.
   */
  stop(reason: string, graceMs?: number): void;
}

/**
 * Preemption by signal: on SIGTERM or SIGINT the worker saves and requeues its trials
 * ({@link SweepWorker.preempt}) and the process exits 0; if that takes longer than `graceMs`
 * (default 30 s) it exits 1 anyway, and the trials come back through the stall check.
 */
export function stopOnSignals(
  worker: SweepWorker,
  options: { graceMs?: number; exit?: (code: number) => void } = {},
): SignalStop {
  const defaultGraceMs = options.graceMs ?? 30_000;
  const exit = options.exit ?? ((code: number) => process.exit(code));
  let stopping = false;
  const stop = (reason: string, graceMs = defaultGraceMs) => {
    if (stopping) return;
    stopping = true;
    const timer = setTimeout(() => exit(1), graceMs);
    timer.unref?.();
    worker.preempt(reason).then(
      () => {
        clearTimeout(timer);
        exit(0);
      },
      () => exit(1),
    );
  };
  const onSignal = (signal: NodeJS.Signals) => stop(`worker got ${signal}`);
  process.on("SIGTERM", onSignal);
  process.on("SIGINT", onSignal);
  const remove = () => {
    process.off("SIGTERM", onSignal);
    process.off("SIGINT", onSignal);
  };
  return Object.assign(remove, { stop });
}
