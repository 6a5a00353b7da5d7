import type { Redis } from "ioredis";
import { type AshaState, ashaReport, createAshaState } from "../asha.js";
import { loadCheckpointModule } from "../checkpoint-module.js";
import type { Sweep } from "../definition.js";
import { SweepError } from "../errors.js";
import type { TrialResult } from "../summary.js";
import {
  checkReport,
  type RestoredCheckpoint,
  type TrialCheckpoints,
  type TrialContext,
  type TrialMetrics,
  type TrialRun,
} from "../trainable.js";
import { GUARD_SCRIPT, REPORT_SCRIPT, RESULT_SCRIPT, type SweepKeys } from "./store.js";
import type { SweepWorkerEvent } from "./worker.js";

/** How one attempt of a trial went, as kept in Redis for the report. */
export interface AttemptRecord {
  trialId: string;
  /** The queue's attempt (1-based); preemptions and crashes do not add one. */
  attempt: number;
  /** This start's fence value: 1, 2, ... over every start of the trial. */
  fence: number;
  worker: string;
  startedAt: number;
  endedAt: number | null;
  resumedFrom: { path: string; step: number; epoch: number } | null;
  /** null while running, or when its worker died (then the report says `crashed`). */
  outcome: "completed" | "stopped" | "failed" | "requeued" | "fenced" | "cancelled" | null;
  /**
   * Milliseconds this attempt spent in the sweep's own work rather than training: Redis round
   * trips (reports, fencing, the result) and checkpoint reads and writes.
   */
  overheadMs: number;
}

/** A result as stored: the summary's fields plus what the trainable returned and when. */
export type StoredResult = TrialResult & { output?: unknown; finishedAt: number };

/** Why an attempt's signal was aborted. */
export type AbortReason = "preempted" | "fenced" | "cancelled";

interface AttemptInit {
  store: Redis;
  plan: { sweep: Sweep; checkpointDir: string; keys: SweepKeys };
  run: TrialRun;
  fence: number;
  token: string;
  jobId: string;
  lockKey: string;
  worker: string;
  emit: (event: SweepWorkerEvent) => void;
}

/** One attempt at a trial: its context for the trainable, and the writes behind its fence. */
export class TrialAttempt {
  readonly run: TrialRun;
  readonly jobId: string;
  readonly context: TrialContext;
  reason: AbortReason | null = null;
  private readonly controller = new AbortController();
  private readonly attemptRecord: AttemptRecord;
  private lastEpoch = 0;
  private lastDecision: "continue" | "stop" = "continue";
  private fencedBecause = "";
  private overheadMs = 0;
  private timing = 0;

  constructor(private readonly init: AttemptInit) {
    this.run = init.run;
    this.jobId = init.jobId;
    this.attemptRecord = {
      trialId: init.run.id,
      attempt: init.run.attempt,
      fence: init.fence,
      worker: init.worker,
      startedAt: Date.now(),
      endedAt: null,
      resumedFrom: null,
      outcome: null,
      overheadMs: 0,
    };
    this.context = {
      signal: this.controller.signal,
      checkpoints: this.checkpoints(),
      report: (metrics) => this.report(metrics),
    };
  }

  /** Aborts the trainable's signal; the first reason stays. */
  abort(reason: AbortReason, message: string): void {
    if (this.reason !== null) return;
    this.reason = reason;
    if (reason === "fenced") this.fencedBecause = message;
    this.controller.abort(
      new SweepError(reason === "fenced" ? "FENCED" : "INVALID_VALUE", message),
    );
  }

  /** Whether the trial ran its budget or was stopped by ASHA. */
  finished(): boolean {
    return this.lastDecision === "stop" || this.lastEpoch >= this.run.budget.epochs;
  }

  fencedError(): SweepError {
    return new SweepError(
      "FENCED",
      `trial ${this.run.id}: this worker no longer owns it (${this.fencedBecause || "another attempt took over"}); nothing was written.`,
    );
  }

  async begin(): Promise<void> {
    await this.timed(() => this.saveRecord());
  }

  /** Runs fn, adding its time to the attempt's overhead (once, when calls nest). */
  private async timed<T>(fn: () => Promise<T>): Promise<T> {
    if (this.timing > 0) return fn();
    this.timing++;
    const started = performance.now();
    try {
      return await fn();
    } finally {
      this.timing--;
      this.overheadMs += performance.now() - started;
    }
  }

  async cancelled(): Promise<boolean> {
    return (await this.init.store.exists(this.init.plan.keys.cancel)) === 1;
  }

  /** Throws FENCED (and aborts the signal) unless this attempt still owns the trial. */
  async guard(): Promise<void> {
    const { store, plan, fence, token, lockKey } = this.init;
    const owns = (await store.eval(
      GUARD_SCRIPT,
      2,
      plan.keys.fence(this.run.id),
      lockKey,
      String(fence),
      token,
    )) as number;
    if (owns !== 1) this.lose(owns);
  }

  private lose(answer: number): never {
    this.abort(
      "fenced",
      answer === 0 ? "a newer attempt started" : "its lock expired or went to another worker",
    );
    throw this.fencedError();
  }

  private checkpoints(): TrialCheckpoints {
    const dir = `${this.init.plan.checkpointDir}/${this.run.id}`;
    let manager: Promise<import("@trainkit/checkpoint/tfjs").CheckpointManager> | undefined;
    const defaultManager = () => {
      manager ??= this.checkpointManager(dir, {});
      return manager;
    };
    return {
      dir,
      manager: (options = {}) => this.checkpointManager(dir, options),
      restore: (args) =>
        this.timed(async () => {
          const restored = await (await defaultManager()).restore(args);
          if (restored === null) return null;
          const { step, epoch } = restored.state;
          await this.resumedFrom({ path: restored.path, step, epoch });
          return { path: restored.path, state: restored.state } as RestoredCheckpoint;
        }),
      save: async (args) => ({ path: (await (await defaultManager()).save(args)).path }),
      resumedFrom: (point) => this.timed(() => this.resumedFrom(point)),
      guard: () => this.timed(() => this.guard()),
    };
  }

  private async checkpointManager(
    dir: string,
    options: Record<string, unknown>,
  ): Promise<import("@trainkit/checkpoint/tfjs").CheckpointManager> {
    const { CheckpointManager } = await loadCheckpointModule();
    const timed = <T>(fn: () => Promise<T>) => this.timed(fn);
    // Checkpoint I/O counts as the sweep's overhead (a trainer calls these on the manager itself).
    class TimedCheckpointManager extends CheckpointManager {
      override save(args: Parameters<InstanceType<typeof CheckpointManager>["save"]>[0]) {
        return timed(() => super.save(args));
      }
      override latest() {
        return timed(() => super.latest());
      }
    }
    return new TimedCheckpointManager({ ...options, dir, beforeSave: () => this.guard() });
  }

  private async resumedFrom(point: { path: string; step: number; epoch: number }): Promise<void> {
    this.attemptRecord.resumedFrom = { path: point.path, step: point.step, epoch: point.epoch };
    this.lastEpoch = Math.max(this.lastEpoch, point.epoch);
    await this.saveRecord();
    this.init.emit({ type: "resume", trialId: this.run.id, ...this.attemptRecord.resumedFrom });
  }

  /** Records the epoch's metric and asks ASHA (through Redis, compare-and-set) whether to go on. */
  report(metrics: TrialMetrics): Promise<"continue" | "stop"> {
    return this.timed(() => this.judge(metrics));
  }

  private async judge(metrics: TrialMetrics): Promise<"continue" | "stop"> {
    const value = checkReport(metrics, this.init.plan.sweep.metric.name, this.run.budget.epochs);
    const epoch = metrics.epoch;
    const { store, plan, fence, token, lockKey } = this.init;
    if (await this.cancelled()) {
      this.abort("cancelled", "the sweep was cancelled");
      return "stop";
    }
    const scheduler = plan.sweep.scheduler;
    for (;;) {
      let before = "";
      let after = "";
      let entry = "";
      let decision: "continue" | "stop" = "continue";
      let replayed = false;
      if (scheduler !== undefined) {
        before = (await store.get(plan.keys.asha)) ?? "";
        const state: AshaState =
          before === ""
            ? createAshaState({
                gracePeriod: scheduler.gracePeriod,
                reductionFactor: scheduler.reductionFactor,
                maxEpochs: plan.sweep.budget.epochs,
                mode: plan.sweep.metric.mode,
              })
            : (JSON.parse(before) as AshaState);
        const verdict = ashaReport(state, { trialId: this.run.id, epoch, value });
        decision = verdict.decision;
        // A replay proper: this trial's report at a rung it already reported (after a resume).
        replayed = verdict.replayed && verdict.rung === epoch;
        if (verdict.rung !== null && !verdict.replayed) {
          after = JSON.stringify(verdict.state);
          entry = JSON.stringify({
            trialId: this.run.id,
            epoch,
            rung: verdict.rung,
            value,
            cutoff: verdict.cutoff,
            decision,
            at: Date.now(),
          });
        }
      }
      const answer = (await store.eval(
        REPORT_SCRIPT,
        5,
        plan.keys.fence(this.run.id),
        lockKey,
        plan.keys.curve(this.run.id),
        plan.keys.asha,
        plan.keys.ashaLog,
        String(fence),
        token,
        String(epoch),
        String(value),
        before,
        after,
        entry,
      )) as number;
      if (answer === 2) continue; // another trial reported in between: judge again
      if (answer !== 1) this.lose(answer);
      this.lastEpoch = epoch;
      this.lastDecision = decision;
      this.init.emit({ type: "report", trialId: this.run.id, epoch, value, decision, replayed });
      return decision;
    }
  }

  /** The trial's curve as recorded (all attempts), in epoch order. */
  private async values(): Promise<{ epochs: number; values: number[] }> {
    const raw = await this.init.store.hgetall(this.init.plan.keys.curve(this.run.id));
    const points = Object.entries(raw)
      .map(([e, v]) => [Number(e), Number(v)] as const)
      .sort((a, b) => a[0] - b[0]);
    return {
      epochs: points.length === 0 ? 0 : (points[points.length - 1] as readonly [number, number])[0],
      values: points.map((p) => p[1]),
    };
  }

  private async resumes(): Promise<number> {
    const raw = await this.init.store.hvals(this.init.plan.keys.attempts(this.run.id));
    return raw.map((r) => JSON.parse(r) as AttemptRecord).filter((r) => r.resumedFrom !== null)
      .length;
  }

  private async writeResult(result: Omit<StoredResult, "finishedAt">): Promise<void> {
    const { store, plan, fence, token, lockKey } = this.init;
    const answer = (await store.eval(
      RESULT_SCRIPT,
      3,
      plan.keys.fence(this.run.id),
      lockKey,
      plan.keys.results,
      String(fence),
      token,
      this.run.id,
      JSON.stringify({ ...result, finishedAt: Date.now() }),
    )) as number;
    if (answer === 0 || answer === -1) this.lose(answer);
  }

  /** Writes the trial's one result from its recorded curve and attempts. */
  private async recordResult(
    status: TrialResult["status"],
    extra: { output?: unknown; error?: string },
  ): Promise<number> {
    const { epochs, values } = await this.values();
    await this.writeResult({
      id: this.run.id,
      status,
      epochs,
      values,
      attempts: this.run.attempt,
      resumes: await this.resumes(),
      ...extra,
    });
    this.init.emit({ type: "finish", trialId: this.run.id, status, epochs });
    return epochs;
  }

  /** The trial ended: completed (its budget) or stopped (ASHA). */
  async finish(output: unknown): Promise<{ status: string }> {
    const { epochs } = await this.values();
    const status =
      this.lastDecision === "stop" && epochs < this.run.budget.epochs ? "stopped" : "completed";
    await this.timed(() => this.recordResult(status, output === undefined ? {} : { output }));
    await this.end(status);
    return { status };
  }

  /** The trainable threw: on the last attempt the trial is recorded as failed with the error. */
  async fail(message: string, last: boolean): Promise<void> {
    if (last) await this.recordResult("failed", { error: message });
    await this.end("failed");
  }

  async finishCancelled(): Promise<{ status: string }> {
    await this.recordResult("failed", { error: "cancelled" });
    await this.end("cancelled");
    return { status: "failed" };
  }

  async markFenced(error: unknown): Promise<void> {
    this.init.emit({
      type: "fenced",
      trialId: this.run.id,
      reason: this.fencedBecause || (error as Error)?.message || "lost the trial",
    });
    await this.end("fenced");
  }

  async end(outcome: NonNullable<AttemptRecord["outcome"]>): Promise<void> {
    this.attemptRecord.outcome = outcome;
    this.attemptRecord.endedAt = Date.now();
    this.attemptRecord.overheadMs = Math.round(this.overheadMs);
    await this.saveRecord();
  }

  private async saveRecord(): Promise<void> {
    await this.init.store.hset(
      this.init.plan.keys.attempts(this.run.id),
      String(this.init.fence),
      JSON.stringify(this.attemptRecord),
    );
  }
}

export function createTrialContext(init: AttemptInit): TrialAttempt {
  return new TrialAttempt(init);
}
