import { readdir, rm } from "node:fs/promises";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { ashaRungs, SweepError } from "@trainkit/sweep";
import type { CollectedSweep, SweepStatus, SweepWorkerEvent } from "@trainkit/sweep/bullmq";
import { InterruptedError, UsageError } from "../cli-error.js";
import type { Context, Io } from "../context.js";
import { SweepRunError, type SweepSubcommand } from "../sweep/args.js";
import { oneLine, readSweepFile, type SweepFile } from "../sweep/definition-file.js";
import type { OwnRedis } from "../sweep/redis-server.js";
import { loadTrainable } from "../sweep/trainables.js";
import {
  logTail,
  type PoolWorker,
  startWorkerPool,
  type WorkerPool,
  workerTensorflowThreads,
} from "../sweep/worker-pool.js";

/**
 * `trainkit sweep validate|submit|worker|status|report|cancel|run`: the sweep package on the
 * command line. Every refusal of @trainkit/sweep (a bad definition, an unreachable or unsuitable
 * Redis, an unknown sweep id) is one line and exit code 2.
 */

/** A SweepError in the CLI's terms: one line, exit code 2. */
function cliError(error: unknown): unknown {
  if (error instanceof SweepError) return new UsageError(oneLine(error.message));
  return error;
}

/** The queue adapter (BullMQ, ioredis), loaded on use so that `sweep validate` answers at once. */
const bullmq = () => import("@trainkit/sweep/bullmq");

async function sweepErrorsAsUsage<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (error) {
    throw cliError(error);
  }
}

function redisOf(io: Io): string {
  const redis = io.flags.redis;
  if (redis === undefined) throw new UsageError("--redis is missing.");
  return redis;
}

/** `status` on one line: counts and the best value so far. */
export function statusLine(status: SweepStatus): string {
  const done = status.completed + status.stopped + status.failed;
  const best =
    status.best === null
      ? ""
      : `; best ${status.sweep.metric.name} ${status.best.value.toFixed(4)} (${status.best.trialId})`;
  return `${done}/${status.trials} done (${status.completed} completed, ${status.stopped} stopped, ${status.failed} failed), ${status.running} running, ${status.waiting} waiting${best}`;
}

// ---- validate ---------------------------------------------------------------------------------

async function validate(io: Io) {
  const file = io.flags.args[1] as string;
  const def = await readSweepFile(file);
  const { sweep } = def;
  const rungs = sweep.scheduler
    ? ashaRungs(sweep.scheduler.gracePeriod, sweep.scheduler.reductionFactor, sweep.budget.epochs)
    : [];
  io.log(
    `${file}: valid. sweep ${def.sweepId}: ${sweep.trialCount} trials (${sweep.configCount} configs × ${sweep.foldCount} folds × ${sweep.repeats} repeats) of the ${sweep.trainable} trainable, at most ${sweep.budget.epochs} epochs each; metric ${sweep.metric.name} (${sweep.metric.mode})${rungs.length > 0 ? `; ASHA rungs at epochs ${rungs.join(", ")}` : ""}.`,
  );
  return {
    file,
    sweep: def.sweepId,
    trials: sweep.trialCount,
    configs: sweep.configCount,
    folds: sweep.foldCount,
    repeats: sweep.repeats,
    trainable: sweep.trainable,
    metric: sweep.metric,
    budget: sweep.budget,
    rungs,
  };
}

// ---- submit -----------------------------------------------------------------------------------

async function submit(io: Io) {
  const file = io.flags.args[1] as string;
  const def = await readSweepFile(file);
  const redis = redisOf(io);
  const checkpointDir =
    io.flags.checkpoints !== undefined ? path.resolve(io.flags.checkpoints) : undefined;
  const result = await sweepErrorsAsUsage(async () =>
    (await bullmq()).submitSweep(def.definition, {
      connection: redis,
      ...(checkpointDir !== undefined ? { checkpointDir } : {}),
    }),
  );
  io.log(
    `submitted sweep ${result.sweepId}: ${result.trials} trials, ${result.added} queued now, ${result.existing} already in the queue (${result.queueName})`,
  );
  io.log(
    `workers: trainkit sweep worker --redis ${redis}${checkpointDir === undefined ? " --checkpoints <dir all workers share>" : ""}`,
  );
  io.log(`progress: trainkit sweep status ${result.sweepId} --redis ${redis}`);
  return { ...result, ...(checkpointDir !== undefined ? { checkpointDir } : {}) };
}

// ---- status, report, cancel -------------------------------------------------------------------

async function status(io: Io) {
  const id = io.flags.args[1] as string;
  const s = await sweepErrorsAsUsage(async () =>
    (await bullmq()).sweepStatus(id, { connection: redisOf(io) }),
  );
  io.log(`sweep ${id}: ${statusLine(s)}${s.done ? "; finished" : ""}`);
  const { sweep: _sweep, ...counts } = s;
  return counts;
}

let reportCode: Promise<typeof import("../report/sweep-report.js")> | undefined;
/** The report's code (vega and vega-lite), loaded on first use. */
const sweepReportCode = () => {
  reportCode ??= import("../report/sweep-report.js");
  return reportCode;
};

async function writeSweepReport(
  io: Io,
  collected: CollectedSweep,
  extra: { file?: string; workers?: number; wallSeconds?: number } = {},
): Promise<string> {
  const { sweepReport } = await sweepReportCode();
  const file = await sweepReport({ collected, ...extra }).write(io.flags.out);
  io.log(`report: ${file}`);
  return file;
}

async function report(io: Io) {
  const id = io.flags.args[1] as string;
  const collected = await sweepErrorsAsUsage(async () =>
    (await bullmq()).collectSweep(id, { connection: redisOf(io) }),
  );
  await writeSweepReport(io, collected);
  return (await bullmq()).sweepToJson(collected);
}

async function cancel(io: Io) {
  const id = io.flags.args[1] as string;
  const result = await sweepErrorsAsUsage(async () =>
    (await bullmq()).cancelSweep(id, { connection: redisOf(io) }),
  );
  io.log(
    `cancelled sweep ${id}: ${result.removed} waiting trial(s) removed; ${result.running} running trial(s) stop at their next report`,
  );
  return { sweep: id, ...result };
}

// ---- worker -----------------------------------------------------------------------------------

function eventLine(e: SweepWorkerEvent): string {
  const time = new Date().toISOString().slice(11, 23);
  switch (e.type) {
    case "start":
      return `${time} ${e.trialId}: start (attempt ${e.attempt}, fence ${e.fence})`;
    case "resume":
      return `${time} ${e.trialId}: resume from ${e.path} (epoch ${e.epoch}, update ${e.step})`;
    case "report":
      return `${time} ${e.trialId}: epoch ${e.epoch} ${e.value.toFixed(4)} -> ${e.decision}`;
    case "finish":
      return `${time} ${e.trialId}: ${e.status} after ${e.epochs} epochs`;
    case "requeue":
      return `${time} ${e.trialId}: back in the queue (${e.reason})`;
    case "fenced":
      return `${time} ${e.trialId}: fenced, stopped without writing (${e.reason})`;
    case "error":
      return `${time} ${e.trialId ?? "worker"}: error: ${oneLine(e.message)}`;
  }
}

/** How long a worker whose `sweep run` is gone may take to save and requeue before it exits. */
const ORPHAN_GRACE_MS = 5000;

/**
 * `sweep worker`: runs trials until SIGTERM or Ctrl-C (then saves, requeues and exits 0), or until
 * it is given a sweep it cannot run (its trainable missing here, no checkpoint directory...: the
 * trial goes back to the queue, and the worker says why and exits 1).
 */
export async function runSweepWorker(ctx: Context): Promise<{ worker: string }> {
  const redis = redisOf(ctx);
  const checkpointDir =
    ctx.flags.checkpoints !== undefined ? path.resolve(ctx.flags.checkpoints) : undefined;
  const { startSweepWorker, stopOnSignals } = await bullmq();
  // An unreachable or unsafe Redis fails here: one line, exit 2.
  const worker = await sweepErrorsAsUsage(() =>
    startSweepWorker({
      connection: redis,
      trainable: loadTrainable,
      ...(checkpointDir !== undefined ? { checkpointDir } : {}),
      ...(ctx.flags.concurrency !== undefined ? { concurrency: ctx.flags.concurrency } : {}),
      onEvent: (e) => ctx.log(eventLine(e)),
    }),
  );
  const signals = stopOnSignals(worker);
  if (process.send !== undefined) {
    // Started by `sweep run`: when it is gone, stop as on SIGTERM (save, requeue, exit). The Redis
    // it started goes with it, so do not wait out the full grace for a Redis that may be gone: a
    // trial not requeued by then is recovered by the stalled-job check if that Redis lives on.
    process.channel?.unref();
    process.once("disconnect", () => signals.stop("its sweep run is gone", ORPHAN_GRACE_MS));
  }
  ctx.log(
    `worker ${worker.id}: waiting for trials on ${redis} (concurrency ${ctx.flags.concurrency ?? 1}${checkpointDir !== undefined ? `, checkpoints in ${checkpointDir}` : ""}); SIGTERM or Ctrl-C saves, requeues and exits`,
  );
  const error = await worker.closed();
  if (error !== undefined) {
    throw new SweepRunError(`worker ${worker.id} stopped: ${oneLine(error.message)}`);
  }
  return { worker: worker.id };
}

// ---- run --------------------------------------------------------------------------------------

/** With a fresh Redis the queue is empty: checkpoints of an earlier run of the sweep would be resumed. */
async function removeEarlierCheckpoints(io: Io, checkpointDir: string, id: string): Promise<void> {
  const dir = path.join(checkpointDir, id);
  const old = await readdir(dir).catch(() => [] as string[]);
  if (old.length > 0) {
    io.log(
      `starting over: removing the checkpoints of ${old.length} trial(s) of an earlier run of this sweep in ${dir} (pass --redis to keep a sweep across runs)`,
    );
    await rm(dir, { recursive: true, force: true });
  }
}

function workerArgs(io: Io, redis: string, checkpointDir: string, workers: number): string[] {
  const { flags } = io;
  const threads = flags.tfThreads ?? workerTensorflowThreads(workers);
  return [
    "--redis",
    redis,
    "--checkpoints",
    checkpointDir,
    "--backend",
    flags.backend,
    ...(threads !== undefined ? ["--tf-threads", String(threads)] : []),
    ...(flags.concurrency !== undefined ? ["--concurrency", String(flags.concurrency)] : []),
  ];
}

interface RunState {
  redis: OwnRedis | null;
  pool: WorkerPool | null;
}

async function runWithRedis(
  io: Io,
  def: SweepFile,
  connection: string,
  state: RunState,
  stop: AbortController,
) {
  const { flags } = io;
  const started = performance.now();
  const out = path.resolve(flags.out);
  const checkpointDir = path.resolve(flags.checkpoints ?? path.join(out, "checkpoints"));
  if (state.redis !== null) await removeEarlierCheckpoints(io, checkpointDir, def.sweepId);
  const workers = Math.max(
    1,
    Math.min(flags.workers ?? availableParallelism(), def.sweep.trialCount),
  );
  // The workers start first: they take a few seconds to load tfjs and the rows, and the submit
  // happens meanwhile. An empty queue just keeps them waiting; a refused submit stops them.
  const logDir = path.join(out, "workers");
  const since = performance.now();
  state.pool = startWorkerPool({
    count: workers,
    args: workerArgs(io, connection, checkpointDir, workers),
    logDir,
    onUnexpectedExit: (w: PoolWorker, live: number) => {
      const how = w.signal ?? `code ${w.exitCode}`;
      io.log(
        `worker ${w.index} (pid ${w.pid}) exited (${how}); ${live} still running. Its log: ${w.log}${logTail(w.log) ? `: ${logTail(w.log)}` : ""}`,
      );
      if (live === 0) {
        stop.abort(
          new SweepRunError(
            `every worker exited before the sweep finished; see ${logDir} (last: ${logTail(w.log, 1) || "no output"}).`,
          ),
        );
      }
    },
  });
  const submitted = await sweepErrorsAsUsage(async () =>
    (await bullmq()).submitSweep(def.definition, { connection, checkpointDir }),
  );
  io.log(
    `sweep ${submitted.sweepId}: ${submitted.trials} trials (${submitted.added} queued, ${submitted.existing} already queued) on ${workers} worker process(es); checkpoints in ${checkpointDir}`,
  );
  io.log(`worker logs: ${logDir}`);
  await (await bullmq()).waitForSweep(submitted.sweepId, {
    connection,
    // A status read is one pipeline of a few hash reads: 5 a second cost the workers nothing.
    pollMs: 200,
    signal: stop.signal,
    onProgress: (s) => {
      io.log(`[${((performance.now() - since) / 1000).toFixed(1).padStart(6)} s] ${statusLine(s)}`);
      // The last trials are running: load the report's code (vega, about 0.5 s) while they end,
      // when a core is about to be free, rather than after.
      if (s.waiting === 0) sweepReportCode().catch(() => {});
    },
  });
  const wallSeconds = (performance.now() - since) / 1000;
  // Every trial has its result: the idle workers exit while the report is written.
  const stopping = state.pool.stop();
  const collected = await sweepErrorsAsUsage(async () =>
    (await bullmq()).collectSweep(submitted.sweepId, { connection }),
  );
  await writeSweepReport(io, collected, { file: def.file, workers, wallSeconds });
  await stopping;
  io.log(
    `sweep ${submitted.sweepId} finished in ${wallSeconds.toFixed(1)} s (${((performance.now() - started) / 1000).toFixed(1)} s with start-up)`,
  );
  return (await bullmq()).sweepToJson(collected);
}

/** `sweep run`: Redis (its own unless --redis), submit, n workers, wait, report, stop everything. */
async function run(io: Io) {
  const def = await readSweepFile(io.flags.args[1] as string);
  const state: RunState = { redis: null, pool: null };
  const stop = new AbortController();
  const onSigint = () => {
    if (stop.signal.aborted) {
      // A second Ctrl-C: quit now; the workers and Redis notice and stop by themselves.
      process.exit(130);
    }
    io.log("trainkit: Ctrl-C: stopping the workers (each saves its trial) and Redis...");
    stop.abort(
      new InterruptedError(
        "",
        `interrupted: the workers saved their trials${io.flags.redis === undefined ? "; this run's own Redis is gone with its queue, so pass --redis to keep a sweep across runs" : `; continue with: trainkit sweep run ${def.file} --redis ${io.flags.redis}`}`,
      ),
    );
  };
  process.on("SIGINT", onSigint);
  try {
    let connection = io.flags.redis;
    if (connection === undefined) {
      const { startOwnRedis } = await import("../sweep/redis-server.js");
      state.redis = await startOwnRedis();
      connection = state.redis.socket;
      io.log(`redis-server (pid ${state.redis.pid}) on ${connection}, append-only file on`);
    }
    return await runWithRedis(io, def, connection, state, stop);
  } catch (error) {
    if (stop.signal.aborted && error === stop.signal.reason) throw error;
    throw cliError(error);
  } finally {
    process.off("SIGINT", onSigint);
    await state.pool?.stop();
    await state.redis?.stop();
  }
}

const SUBCOMMANDS: Record<Exclude<SweepSubcommand, "worker">, (io: Io) => Promise<unknown>> = {
  validate,
  submit,
  status,
  report,
  cancel,
  run,
};

/** Every `sweep` subcommand but `worker` (which trains, so it gets a backend). */
export async function runSweep(io: Io): Promise<unknown> {
  const sub = io.flags.args[0] as SweepSubcommand;
  if (sub === "worker") throw new UsageError("'sweep worker' needs a backend");
  return (SUBCOMMANDS[sub] as (io: Io) => Promise<unknown>)(io);
}
