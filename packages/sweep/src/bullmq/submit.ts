import { resolve } from "node:path";
import { Queue } from "bullmq";
import type { Redis } from "ioredis";
import { validateSweep } from "../definition.js";
import { SweepError } from "../errors.js";
import { sweepId } from "../sweep-id.js";
import { trialId } from "../trials.js";
import { type CheckRedisOptions, checkRedisForSweeps } from "./check.js";
import { closeClient, openQueueClient, type SweepRedisConnection } from "./connection.js";
import { definitionOf, type SweepMeta, sweepKeys } from "./store.js";

/** The queue sweeps go to unless `queueName` says otherwise. */
export const DEFAULT_SWEEP_QUEUE = "trainkit-sweeps";

/** BullMQ's job name for a trial. */
export const TRIAL_JOB_NAME = "trial";

/** Jobs added (and existence checks made) per round trip. */
const CHUNK = 500;

/** A trial job's data: workers rebuild the trial from the sweep definition and this index. */
export interface TrialJobData {
  sweepId: string;
  trialIndex: number;
}

export interface SubmitSweepOptions extends CheckRedisOptions {
  connection: SweepRedisConnection;
  /** BullMQ queue name, without `:`; default {@link DEFAULT_SWEEP_QUEUE}. */
  queueName?: string;
  /**
   * The directory every worker keeps the trials' checkpoints in (one machine: a local directory;
   * several: a network file system mounted at the same path). Stored with the sweep; a worker's
   * own `checkpointDir` overrides it.
   */
  checkpointDir?: string;
}

export interface SubmitSweepResult {
  sweepId: string;
  queueName: string;
  /** Trials in the sweep. */
  trials: number;
  /** Trial jobs this call enqueued. */
  added: number;
  /** Trial jobs already in the queue (an earlier submit of the same sweep), left as they were. */
  existing: number;
}

/** The BullMQ job id of a trial: `<sweep id>-<trial id>`, unique across sweeps, no `:`. */
export function trialJobId(sweepIdValue: string, trialIdValue: string): string {
  return `${sweepIdValue}-${trialIdValue}`;
}

export function checkQueueName(name: unknown): string {
  if (typeof name !== "string" || !/^[A-Za-z0-9_.-]{1,100}$/.test(name)) {
    throw new SweepError(
      "INVALID_VALUE",
      `queueName must be 1 to 100 letters, digits, "_", "." or "-" (no ":"); got ${JSON.stringify(name)}.`,
      "queueName",
    );
  }
  return name;
}

/** Which of these job ids already exist in the queue. */
async function existingIds(client: Redis, queue: Queue, ids: string[]): Promise<Set<string>> {
  const pipeline = client.pipeline();
  for (const id of ids) pipeline.exists(queue.toKey(id));
  const answers = (await pipeline.exec()) ?? [];
  const found = new Set<string>();
  answers.forEach(([error, count], i) => {
    if (error) throw error;
    if (count === 1) found.add(ids[i] as string);
  });
  return found;
}

/**
 * Validates a sweep, checks its Redis ({@link checkRedisForSweeps}), then enqueues one BullMQ job
 * per trial: job id {@link trialJobId}, data `{ sweepId, trialIndex }`, `attempts` from the
 * sweep's `retries.attempts`. Idempotent: jobs whose id is already in the queue are left alone
 * (BullMQ ignores a duplicate job id), so submitting the same sweep again adds nothing. An invalid
 * definition or an unsuitable Redis throws before anything is enqueued.
 */
export async function submitSweep(
  definition: unknown,
  options: SubmitSweepOptions,
): Promise<SubmitSweepResult> {
  const sweep = validateSweep(definition);
  const queueName = checkQueueName(options.queueName ?? DEFAULT_SWEEP_QUEUE);
  const id = sweepId(sweep);
  await checkRedisForSweeps(options.connection, options);
  if (
    options.checkpointDir !== undefined &&
    (typeof options.checkpointDir !== "string" || options.checkpointDir === "")
  ) {
    throw new SweepError(
      "INVALID_VALUE",
      "checkpointDir must be a non-empty path.",
      "checkpointDir",
    );
  }
  const client = openQueueClient(options.connection);
  const queue = new Queue<TrialJobData>(queueName, { connection: client });
  let added = 0;
  try {
    const meta: SweepMeta = {
      definition: definitionOf(sweep),
      ...(options.checkpointDir !== undefined
        ? { checkpointDir: resolve(options.checkpointDir) }
        : {}),
      submittedAt: Date.now(),
    };
    // The first submit's meta stays (the same id means the same definition).
    await client.set(sweepKeys(queueName, id).meta, JSON.stringify(meta), "NX");
    for (let start = 0; start < sweep.trialCount; start += CHUNK) {
      const indices: number[] = [];
      for (let i = start; i < Math.min(start + CHUNK, sweep.trialCount); i++) indices.push(i);
      const ids = indices.map((i) => trialJobId(id, trialId(sweep.seed, i)));
      const found = await existingIds(client, queue, ids);
      const jobs = indices
        .map((trialIndex, k) => ({ trialIndex, jobId: ids[k] as string }))
        .filter(({ jobId }) => !found.has(jobId))
        .map(({ trialIndex, jobId }) => ({
          name: TRIAL_JOB_NAME,
          data: { sweepId: id, trialIndex },
          opts: { jobId, attempts: sweep.retries.attempts },
        }));
      if (jobs.length > 0) await queue.addBulk(jobs);
      added += jobs.length;
    }
  } finally {
    await queue.close();
    await closeClient(client);
  }
  return {
    sweepId: id,
    queueName,
    trials: sweep.trialCount,
    added,
    existing: sweep.trialCount - added,
  };
}
