import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import type { Sweep } from "../definition.js";
import { SweepError } from "../errors.js";
import { type SweepSummary, summarizeTrials, type TrialResult } from "../summary.js";
import { expandTrials, type Trial } from "../trials.js";
import {
  closeClient,
  describeConnection,
  lastConnectionError,
  openCheckClient,
  openQueueClient,
  REDIS_CHECK_TIMEOUT_MS,
  type SweepRedisConnection,
} from "./connection.js";
import type { AttemptRecord, StoredResult } from "./context.js";
import { readMeta, type SweepKeys, type SweepMeta, sweepKeys } from "./store.js";
import { checkQueueName, DEFAULT_SWEEP_QUEUE, type TrialJobData, trialJobId } from "./submit.js";

export interface SweepQueryOptions {
  connection: SweepRedisConnection;
  queueName?: string;
  /** How long to wait for Redis to connect and answer (default 3000 ms). */
  timeoutMs?: number;
}

export interface SweepStatus {
  sweepId: string;
  sweep: Sweep;
  trials: number;
  /** In the queue, not started or put back (after a preemption or a dead worker). */
  waiting: number;
  running: number;
  completed: number;
  stopped: number;
  failed: number;
  /** Every trial has its result. */
  done: boolean;
  /** The best value of the metric any finished trial reported so far. */
  best: { trialId: string; value: number } | null;
}

/** Everything the report shows about a sweep. */
export interface CollectedSweep {
  sweepId: string;
  sweep: Sweep;
  meta: SweepMeta;
  /** Per trial and per config, over the trials that have a result. */
  summary: SweepSummary;
  results: Record<string, StoredResult>;
  /** Every trial's reported metric by epoch (also of trials still running). */
  curves: Record<string, { epoch: number; value: number }[]>;
  /** ASHA's decisions in the order they were taken. */
  asha: {
    trialId: string;
    epoch: number;
    rung: number;
    value: number;
    cutoff: number | null;
    decision: "continue" | "stop";
    at: number;
  }[];
  /** Every start of every trial, oldest first; `crashed`: its worker died during it. */
  attempts: (Omit<AttemptRecord, "outcome"> & {
    outcome: NonNullable<AttemptRecord["outcome"]> | "crashed" | "running";
  })[];
}

interface SweepSession {
  sweepId: string;
  client: Redis;
  queue: Queue<TrialJobData>;
  sweep: Sweep;
  /** The sweep's trials, in order. */
  trials: Trial[];
  meta: SweepMeta;
  keys: SweepKeys;
  queueName: string;
  close(): Promise<void>;
}

/**
 * A reconnecting client and a BullMQ queue for one sweep, after a fail-fast probe
 * (REDIS_UNREACHABLE within the timeout) and reading its meta (UNKNOWN_SWEEP).
 */
async function openSession(
  sweepIdValue: string,
  options: SweepQueryOptions,
): Promise<SweepSession> {
  const queueName = checkQueueName(options.queueName ?? DEFAULT_SWEEP_QUEUE);
  const timeoutMs = options.timeoutMs ?? REDIS_CHECK_TIMEOUT_MS;
  const probe = openCheckClient(options.connection, timeoutMs);
  try {
    await probe.connect();
    await probe.ping();
  } catch (e) {
    const cause = lastConnectionError(probe) ?? (e as Error);
    throw new SweepError(
      "REDIS_UNREACHABLE",
      `cannot reach Redis at ${describeConnection(options.connection)} within ${timeoutMs} ms (${cause.message}).`,
    );
  } finally {
    await closeClient(probe);
  }
  const client = openQueueClient(options.connection);
  const queue = new Queue<TrialJobData>(queueName, { connection: client });
  const close = async () => {
    await queue.close();
    await closeClient(client);
  };
  try {
    const { meta, sweep } = await readMeta(client, queueName, sweepIdValue);
    const keys = sweepKeys(queueName, sweepIdValue);
    const trials = expandTrials(sweep);
    return { sweepId: sweepIdValue, client, queue, sweep, trials, meta, keys, queueName, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Runs `fn` on a session of its own, closed after. */
async function withSweep<T>(
  sweepIdValue: string,
  options: SweepQueryOptions,
  fn: (session: SweepSession) => Promise<T>,
): Promise<T> {
  const session = await openSession(sweepIdValue, options);
  try {
    return await fn(session);
  } finally {
    await session.close();
  }
}

async function readResults(client: Redis, keys: SweepKeys): Promise<Record<string, StoredResult>> {
  const raw = await client.hgetall(keys.results);
  const out: Record<string, StoredResult> = {};
  for (const [id, text] of Object.entries(raw)) out[id] = JSON.parse(text) as StoredResult;
  return out;
}

/**
 * The jobs of this sweep's trials that have no result yet: how many are running, and which failed
 * (out of attempts or stalls) with BullMQ's reason. Reads the ids of the queue's active and failed
 * jobs only (job ids start with the sweep id), never every job's data, nor one call per trial.
 */
async function unfinishedJobs(
  session: SweepSession,
  results: Record<string, StoredResult>,
): Promise<{ running: number; failed: Map<Trial, { reason: string; attempts: number }> }> {
  const { queue, sweepId, trials } = session;
  const byJobId = new Map(trials.map((t) => [trialJobId(sweepId, t.id), t]));
  const unfinished = (ids: string[]) =>
    ids.flatMap((id) => {
      const trial = byJobId.get(id);
      return trial !== undefined && results[trial.id] === undefined ? [{ id, trial }] : [];
    });
  const [active, failedIds] = await Promise.all([
    queue.getRanges(["active"], 0, -1),
    queue.getRanges(["failed"], 0, -1),
  ]);
  const failed = new Map<Trial, { reason: string; attempts: number }>();
  await Promise.all(
    unfinished(failedIds).map(async ({ id, trial }) => {
      const job = await queue.getJob(id);
      failed.set(trial, { reason: job?.failedReason ?? "", attempts: job?.attemptsMade ?? 0 });
    }),
  );
  return { running: unfinished(active).length, failed };
}

function better(sweep: Sweep, a: number, b: number): boolean {
  return sweep.metric.mode === "max" ? a > b : a < b;
}

/**
 * Results plus trials whose job failed without one (out of stalls): failed, with the reason; and
 * how many trials are running.
 */
async function finalResults(
  session: SweepSession,
): Promise<{ results: Record<string, StoredResult>; running: number }> {
  const stored = await readResults(session.client, session.keys);
  const { running, failed } = await unfinishedJobs(session, stored);
  const results = { ...stored };
  for (const [trial, { reason, attempts }] of failed) {
    results[trial.id] = {
      id: trial.id,
      status: "failed",
      epochs: 0,
      values: [],
      attempts,
      resumes: 0,
      error: reason || "the job failed without a result",
      finishedAt: 0,
    };
  }
  return { results, running };
}

/** Counts of a sweep's trials by state, and the best value so far. UNKNOWN_SWEEP if not submitted. */
export async function sweepStatus(
  sweepIdValue: string,
  options: SweepQueryOptions,
): Promise<SweepStatus> {
  return withSweep(sweepIdValue, options, (session) => statusOf(sweepIdValue, session));
}

async function statusOf(sweepIdValue: string, session: SweepSession): Promise<SweepStatus> {
  const { sweep } = session;
  const { results, running } = await finalResults(session);
  const counts = { completed: 0, stopped: 0, failed: 0 };
  let best: SweepStatus["best"] = null;
  for (const r of Object.values(results)) {
    counts[r.status]++;
    for (const v of r.values) {
      if (Number.isNaN(v)) continue;
      if (best === null || better(sweep, v, best.value)) best = { trialId: r.id, value: v };
    }
  }
  const finished = counts.completed + counts.stopped + counts.failed;
  return {
    sweepId: sweepIdValue,
    sweep,
    trials: sweep.trialCount,
    waiting: Math.max(0, sweep.trialCount - finished - running),
    running,
    ...counts,
    done: finished >= sweep.trialCount,
    best,
  };
}

/** Everything recorded about a sweep: results, summary, curves, ASHA's decisions, attempts. */
export async function collectSweep(
  sweepIdValue: string,
  options: SweepQueryOptions,
): Promise<CollectedSweep> {
  return withSweep(sweepIdValue, options, async (session) => {
    const { client, sweep, trials, meta, keys } = session;
    const { results } = await finalResults(session);
    const pipeline = client.pipeline();
    for (const t of trials) {
      pipeline.hgetall(keys.curve(t.id));
      pipeline.hgetall(keys.attempts(t.id));
    }
    const answers = (await pipeline.exec()) ?? [];
    const curves: CollectedSweep["curves"] = {};
    const attempts: CollectedSweep["attempts"] = [];
    trials.forEach((t, i) => {
      const curve = (answers[2 * i]?.[1] ?? {}) as Record<string, string>;
      const points = Object.entries(curve)
        .map(([e, v]) => ({ epoch: Number(e), value: Number(v) }))
        .sort((a, b) => a.epoch - b.epoch);
      if (points.length > 0) curves[t.id] = points;
      const records = Object.values((answers[2 * i + 1]?.[1] ?? {}) as Record<string, string>)
        .map((r) => JSON.parse(r) as AttemptRecord)
        .sort((a, b) => a.fence - b.fence);
      records.forEach((r, k) => {
        const later = k < records.length - 1 || results[t.id] !== undefined;
        attempts.push({ ...r, outcome: r.outcome ?? (later ? "crashed" : "running") });
      });
    });
    attempts.sort((a, b) => a.startedAt - b.startedAt);
    const asha = (await client.lrange(keys.ashaLog, 0, -1)).map(
      (e) => JSON.parse(e) as CollectedSweep["asha"][number],
    );
    const summary = summarizeTrials(sweep, Object.values(results) as TrialResult[]);
    return { sweepId: sweepIdValue, sweep, meta, summary, results, curves, asha, attempts };
  });
}

/**
 * Cancels a sweep: trials still in the queue are removed and recorded as failed (`cancelled`);
 * running trials are told `stop` at their next report and end the same way.
 */
export async function cancelSweep(
  sweepIdValue: string,
  options: SweepQueryOptions,
): Promise<{ removed: number; running: number }> {
  return withSweep(sweepIdValue, options, async ({ client, queue, trials, keys }) => {
    await client.set(keys.cancel, "1");
    let removed = 0;
    let running = 0;
    for (const t of trials) {
      const jobId = trialJobId(sweepIdValue, t.id);
      const state = await queue.getJobState(jobId);
      if (state === "active") {
        running++;
        continue;
      }
      if (state === "completed" || state === "failed" || state === "unknown") continue;
      if ((await queue.remove(jobId)) === 1) {
        removed++;
        const result: StoredResult = {
          id: t.id,
          status: "failed",
          epochs: 0,
          values: [],
          attempts: 0,
          resumes: 0,
          error: "cancelled",
          finishedAt: Date.now(),
        };
        await client.hsetnx(keys.results, t.id, JSON.stringify(result));
      }
    }
    return { removed, running };
  });
}

export interface WaitForSweepOptions extends SweepQueryOptions {
  /** How often to look (default 1000 ms). */
  pollMs?: number;
  /** Called when the counts change. */
  onProgress?: (status: SweepStatus) => void;
  /** Stops waiting (the promise rejects with the signal's reason). */
  signal?: AbortSignal;
  /** How long Redis may stay unreachable before giving up (default 120000 ms; it may restart). */
  outageMs?: number;
}

/**
 * Waits until every trial of the sweep has its result, on one connection (a poll costs a few
 * commands); survives a Redis restart of up to `outageMs`.
 */
export async function waitForSweep(
  sweepIdValue: string,
  options: WaitForSweepOptions,
): Promise<SweepStatus> {
  const pollMs = options.pollMs ?? 1000;
  const outageMs = options.outageMs ?? 120_000;
  const session = await openSession(sweepIdValue, options);
  let last = "";
  let unreachableSince: number | null = null;
  try {
    for (;;) {
      options.signal?.throwIfAborted();
      let status: SweepStatus | null = null;
      try {
        status = await statusOf(sweepIdValue, session);
        unreachableSince = null;
      } catch (e) {
        if (e instanceof SweepError) throw e;
        // A connection error: the client reconnects by itself while Redis restarts.
        unreachableSince ??= Date.now();
        if (Date.now() - unreachableSince > outageMs) {
          throw new SweepError(
            "REDIS_UNREACHABLE",
            `lost Redis at ${describeConnection(options.connection)} for more than ${outageMs} ms while waiting for sweep ${sweepIdValue} (${(e as Error).message}).`,
          );
        }
      }
      if (status !== null) {
        const key = JSON.stringify([
          status.waiting,
          status.running,
          status.completed,
          status.stopped,
          status.failed,
          status.best,
        ]);
        if (key !== last) {
          last = key;
          options.onProgress?.(status);
        }
        if (status.done) return status;
      }
      await new Promise((r) => setTimeout(r, pollMs));
    }
  } finally {
    await session.close();
  }
}

/** The `--json` shape: one object with the sweep id, a row per finished trial and per config. */
export function sweepToJson(collected: CollectedSweep): {
  sweep: string;
  trials: {
    id: string;
    config: Record<string, string | number | boolean>;
    fold: number;
    seed: number;
    status: string;
    epochs: number;
    metric: number | null;
    attempts: number;
    resumes: number;
  }[];
  configs: SweepSummary["configs"];
} {
  return {
    sweep: collected.sweepId,
    trials: collected.summary.trials.map((r) => ({
      id: r.id,
      config: r.config,
      fold: r.fold,
      seed: r.seed,
      status: r.status,
      epochs: r.epochs,
      metric: r.metric,
      attempts: r.attempts,
      resumes: r.resumes,
      ...(r.error !== undefined ? { error: r.error } : {}),
    })),
    configs: collected.summary.configs,
  };
}
