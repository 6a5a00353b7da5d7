import type { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { loadCheckpointModule } from "./checkpoint-module.js";
import { type Sweep, validateSweep } from "./definition.js";
import { SweepError } from "./errors.js";
import { trialFolds } from "./folds.js";
import { sweepId } from "./sweep-id.js";
import {
  checkReport,
  type RestoredCheckpoint,
  type Trainable,
  type TrialContext,
  type TrialMetrics,
  type TrialRun,
} from "./trainable.js";
import { trialAt, trialId } from "./trials.js";

export interface RunTrialInlineOptions {
  /** The trial: its index in the sweep (0-based) or its id. Default 0. */
  trial?: number | string;
  /**
   * Where checkpoints go: `<checkpointDir>/<sweep id>/<trial id>`, laid out as a worker lays out
   * the sweep's directory. Run the trial again on the same directory and it resumes from its
   * latest checkpoint. Give inline runs a directory of their own: nothing fences their writes
   * against a worker, and a worker resuming from an inline checkpoint would have none of its
   * earlier epochs' reports.
   */
  checkpointDir: string;
  /** Aborts the trial's `ctx.signal`, as a worker's preemption would. */
  signal?: AbortSignal;
  /**
   * Answers each report (after it was checked), as ASHA would: `"stop"` stops the trial. Once it
   * answered `"stop"`, later reports get `"stop"` without asking again. Default: every report
   * continues, up to the budget; the sweep's own scheduler is not run here.
   */
  onReport?: (
    metrics: TrialMetrics,
  ) => "continue" | "stop" | undefined | Promise<"continue" | "stop" | undefined>;
}

export interface InlineTrialResult {
  /** The trial as the trainable got it (its config, fold rows, seed and budget). */
  trial: TrialRun;
  /** What the trainable returned. */
  output: unknown;
  /** Every report, in order. */
  reports: TrialMetrics[];
  /** The checkpoint the trainable resumed from, if it did. */
  resumedFrom: { path: string; step: number; epoch: number } | null;
  /** `"stop"` when onReport stopped the trial, else the last answer given. */
  decision: "continue" | "stop";
  /**
   * How the trial ended, as a worker would record it: `"stopped"` when onReport stopped it before
   * its budget, `"aborted"` when it ended short of its budget after `signal` was aborted (a worker
   * would requeue it), else `"completed"`.
   */
  status: "completed" | "stopped" | "aborted";
  /** The epochs it reported, the last one's number (0 when none). */
  epochs: number;
}

function pickTrial(sweep: Sweep, which: number | string) {
  if (typeof which === "number") return trialAt(sweep, which);
  // Ids are `t<index>-<tag>`: the index names the only trial the id can be.
  const index = Number(/^t(\d+)-/.exec(which)?.[1] ?? Number.NaN);
  if (
    Number.isSafeInteger(index) &&
    index < sweep.trialCount &&
    trialId(sweep.seed, index) === which
  ) {
    return trialAt(sweep, index);
  }
  throw new SweepError(
    "UNKNOWN_TRIAL",
    `trial ${JSON.stringify(which)} is not a trial of this sweep: give an index from 0 to ${sweep.trialCount - 1} or an id such as ${JSON.stringify(trialId(sweep.seed, 0))}.`,
    "trial",
  );
}

/**
 * Runs one trial of a sweep in this process, with no queue and no Redis: to try or debug a
 * trainable, or to time it without the sweep. The trainable gets the same trial (config, fold
 * rows, seed, budget) and the same kind of context as under a worker: reports are checked the
 * same way, checkpoints go to the trial's own directory (nothing fences them: no other worker can
 * own the trial), and `ctx.signal` follows `options.signal`.
 */
export async function runTrialInline(
  trainable: Trainable,
  definition: unknown,
  options: RunTrialInlineOptions,
): Promise<InlineTrialResult> {
  if (typeof trainable?.run !== "function") {
    throw new SweepError(
      "INVALID_TRAINABLE",
      "runTrialInline: the trainable is not one: give an object with run(trial, ctx) (defineTrainable).",
      "trainable",
    );
  }
  if (typeof options?.checkpointDir !== "string" || options.checkpointDir === "") {
    throw new SweepError(
      "INVALID_VALUE",
      "runTrialInline: checkpointDir is missing: give the directory the trial's checkpoints go to.",
      "checkpointDir",
    );
  }
  const sweep = validateSweep(definition);
  const trial = pickTrial(sweep, options.trial ?? 0);
  let folds: TrialRun["folds"] = null;
  if (sweep.folds !== undefined) {
    if (typeof trainable.data !== "function") {
      throw new SweepError(
        "INVALID_TRAINABLE",
        `the sweep has folds (${sweep.folds.splitter}) but the trainable has no data(): give data() returning { size, y?, groups? }.`,
        "trainable.data",
      );
    }
    folds = trialFolds(sweep.folds, trial.fold, await trainable.data());
  }
  const run: TrialRun = { ...trial, sweepId: sweepId(sweep), folds, attempt: 1 };
  const dir = `${options.checkpointDir.replace(/[\\/]+$/, "")}/${run.sweepId}/${trial.id}`;
  const reports: TrialMetrics[] = [];
  let resumedFrom: InlineTrialResult["resumedFrom"] = null;
  // An object, not a let: the report closure changes it, which narrowing below would not see.
  const answer: { decision: "continue" | "stop" } = { decision: "continue" };
  let manager: Promise<CheckpointManager> | undefined;
  const newManager = async (managerOptions = {}) =>
    new (await loadCheckpointModule()).CheckpointManager({ ...managerOptions, dir });
  const defaultManager = () => {
    manager ??= newManager();
    return manager;
  };
  const ctx: TrialContext = {
    signal: options.signal ?? new AbortController().signal,
    checkpoints: {
      dir,
      manager: newManager,
      restore: async (args) => {
        const restored = await (await defaultManager()).restore(args);
        if (restored === null) return null;
        const { step, epoch } = restored.state;
        resumedFrom = { path: restored.path, step, epoch };
        return { path: restored.path, state: restored.state } as RestoredCheckpoint;
      },
      save: async (args) => ({ path: (await (await defaultManager()).save(args)).path }),
      resumedFrom: async (point) => {
        resumedFrom = { path: point.path, step: point.step, epoch: point.epoch };
      },
      guard: async () => {},
    },
    report: async (metrics) => {
      checkReport(metrics, sweep.metric.name, trial.budget.epochs);
      reports.push({ ...metrics });
      if (answer.decision === "stop") return "stop";
      answer.decision = (await options.onReport?.(metrics)) === "stop" ? "stop" : "continue";
      return answer.decision;
    },
  };
  const output = await trainable.run(run, ctx);
  const epochs = reports.at(-1)?.epoch ?? 0;
  const short = epochs < trial.budget.epochs;
  const status =
    answer.decision === "stop" && short
      ? "stopped"
      : options.signal?.aborted && short
        ? "aborted"
        : "completed";
  return { trial: run, output, reports, resumedFrom, decision: answer.decision, status, epochs };
}
