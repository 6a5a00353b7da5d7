import type { Redis } from "ioredis";
import { type Sweep, type SweepDefinition, validateSweep } from "../definition.js";
import { SweepError } from "../errors.js";

/**
 * Where a sweep's state lives in Redis, beside BullMQ's own keys for the queue:
 * `trainkit-sweep:<queue>:<sweep id>:…`. One sweep's keys:
 *
 * - `meta`: the definition and the checkpoint directory, written once at submit (SET NX);
 * - `results`: hash, trial id → its one result (HSETNX behind the fence: exactly one per trial);
 * - `fence:<trial>`: counter, incremented by every attempt at its start; an attempt may write only
 *   while the counter is still its own and it holds the job's BullMQ lock;
 * - `curve:<trial>`: hash, epoch → the metric reported then;
 * - `attempts:<trial>`: hash, fence value → that attempt's record (worker, times, resume point);
 * - `asha`: the ASHA state (JSON), replaced by compare-and-set; `asha-log`: list of its decisions;
 * - `cancel`: set by cancelSweep.
 */
export interface SweepKeys {
  meta: string;
  results: string;
  asha: string;
  ashaLog: string;
  cancel: string;
  fence(trialId: string): string;
  curve(trialId: string): string;
  attempts(trialId: string): string;
}

export function sweepKeys(queueName: string, sweepIdValue: string): SweepKeys {
  const base = `trainkit-sweep:${queueName}:${sweepIdValue}:`;
  return {
    meta: `${base}meta`,
    results: `${base}results`,
    asha: `${base}asha`,
    ashaLog: `${base}asha-log`,
    cancel: `${base}cancel`,
    fence: (t) => `${base}fence:${t}`,
    curve: (t) => `${base}curve:${t}`,
    attempts: (t) => `${base}attempts:${t}`,
  };
}

/** What submit stores for workers and for status and report. */
export interface SweepMeta {
  /** The definition in its validated form (defaults filled in). */
  definition: SweepDefinition;
  /** Absolute path of the directory all workers keep checkpoints in, when submit was given one. */
  checkpointDir?: string;
  submittedAt: number;
}

/** A validated sweep as a definition again (validating it gives the same sweep and sweep id). */
export function definitionOf(sweep: Sweep): SweepDefinition {
  const d: Record<string, unknown> = {
    seed: sweep.seed,
    space: sweep.space,
    samples: sweep.samples,
    repeats: sweep.repeats,
    metric: sweep.metric,
    budget: sweep.budget,
    retries: sweep.retries,
  };
  if (sweep.name !== undefined) d.name = sweep.name;
  if (sweep.folds !== undefined) d.folds = sweep.folds;
  if (sweep.scheduler !== undefined) d.scheduler = sweep.scheduler;
  if (sweep.trainable !== undefined) d.trainable = sweep.trainable;
  return d as unknown as SweepDefinition;
}

/** Reads a sweep's meta; UNKNOWN_SWEEP when no sweep with this id was submitted to this queue. */
export async function readMeta(
  client: Redis,
  queueName: string,
  sweepIdValue: string,
): Promise<{ meta: SweepMeta; sweep: Sweep }> {
  const text = await client.get(sweepKeys(queueName, sweepIdValue).meta);
  if (text === null) {
    throw new SweepError(
      "UNKNOWN_SWEEP",
      `no sweep ${sweepIdValue} in queue ${queueName} on this Redis: submit it first (trainkit sweep submit <file>), or check the id and --queue.`,
      "sweepId",
    );
  }
  const meta = JSON.parse(text) as SweepMeta;
  return { meta, sweep: validateSweep(meta.definition) };
}

/**
 * Lua: may this attempt still write? 1 when the trial's fence is still `fence` and the job's
 * BullMQ lock is still `token`, 0 when a newer attempt started, -1 when the lock is gone or held
 * by another worker. KEYS: fence, lock. ARGV: fence, token.
 */
const OWNS = `
local function owns()
  if redis.call('GET', KEYS[1]) ~= ARGV[1] then return 0 end
  if redis.call('GET', KEYS[2]) ~= ARGV[2] then return -1 end
  return 1
end
`;

/** Lua: the owner check alone. */
export const GUARD_SCRIPT = `${OWNS}
return owns()`;

/**
 * Lua: record a report. KEYS: fence, lock, curve, asha, asha-log. ARGV: fence, token, epoch,
 * value, the ASHA state read before (or '' without ASHA), the new state ('' when unchanged), the
 * log entry. Returns the owner check's answer, or 2 when the ASHA state changed since it was read
 * (the caller reads it again and retries).
 */
export const REPORT_SCRIPT = `${OWNS}
local ok = owns()
if ok ~= 1 then return ok end
if ARGV[6] ~= '' then
  local current = redis.call('GET', KEYS[4]) or ''
  if current ~= ARGV[5] then return 2 end
  redis.call('SET', KEYS[4], ARGV[6])
  redis.call('RPUSH', KEYS[5], ARGV[7])
end
redis.call('HSET', KEYS[3], ARGV[3], ARGV[4])
return 1`;

/**
 * Lua: write a trial's one result. KEYS: fence, lock, results. ARGV: fence, token, trial id,
 * result. Returns the owner check's answer, or 3 when the trial already has a result.
 */
export const RESULT_SCRIPT = `${OWNS}
local ok = owns()
if ok ~= 1 then return ok end
if redis.call('HSETNX', KEYS[3], ARGV[3], ARGV[4]) == 0 then return 3 end
return 1`;
