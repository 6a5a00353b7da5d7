import type {
  CheckpointManager,
  CheckpointManagerOptions,
  LoadCheckpointArgs,
  SaveCheckpointArgs,
} from "@trainkit/checkpoint/tfjs";
import { SweepError } from "./errors.js";
import type { Trial } from "./trials.js";

/**
 * The rows a trainable trains on, for cutting the sweep's folds: `size` rows, with the labels
 * (for stratified splitters) and groups (for grouped ones) when the splitter needs them.
 */
export interface TrainableData {
  size: number;
  y?: ArrayLike<number | string>;
  groups?: ArrayLike<number | string>;
}

/** A trial as a worker hands it to the trainable. */
export interface TrialRun extends Trial {
  sweepId: string;
  /** The rows of this trial's fold (null when the sweep has no folds). */
  folds: { train: Int32Array; test: Int32Array } | null;
  /** The queue's attempt, 1-based: 2 after one failure. Preemptions and crashes do not count. */
  attempt: number;
}

/** A report after an epoch: `epoch` (epochs done, from 1) and the sweep's metric at least. */
export type TrialMetrics = { epoch: number } & Record<string, number>;

/**
 * Checks a report (`epoch` an integer from 1 to the budget, the metric a number) and returns the
 * metric's value; throws SweepError `INVALID_REPORT` naming what is wrong.
 */
export function checkReport(metrics: TrialMetrics, metric: string, budgetEpochs: number): number {
  const epoch = metrics?.epoch;
  if (!Number.isSafeInteger(epoch) || epoch < 1 || epoch > budgetEpochs) {
    throw new SweepError(
      "INVALID_REPORT",
      `report(): epoch must be the epochs done, an integer from 1 to the budget (${budgetEpochs}); got ${String(epoch)}.`,
      "epoch",
    );
  }
  const value = metrics[metric];
  if (typeof value !== "number") {
    throw new SweepError(
      "INVALID_REPORT",
      `report(): the sweep's metric "${metric}" is missing; report({ epoch, ${metric} }) (got keys ${Object.keys(metrics).join(", ")}).`,
      metric,
    );
  }
  return value;
}

/** The checkpoint an attempt resumed from. */
export interface RestoredCheckpoint {
  path: string;
  /** The checkpoint's training state (step, epoch, schedule, rng, metrics, extra). */
  state: { step: number; epoch: number; extra?: unknown };
}

/**
 * The trial's checkpoints, in a directory of their own in the sweep's store. Every save is fenced:
 * a worker that lost the trial (frozen past its lock while another worker took over) gets a
 * `SweepError` with code `FENCED` instead of a write.
 */
export interface TrialCheckpoints {
  /** This trial's directory. */
  readonly dir: string;
  /**
   * A `CheckpointManager` of `@trainkit/checkpoint/tfjs` on {@link dir}, fenced, with these
   * options, for trainers that take a manager (such as `trainPlateModel`).
   */
  manager(options?: Omit<CheckpointManagerOptions, "dir">): Promise<CheckpointManager>;
  /**
   * Loads the newest valid checkpoint into `{ model, optimizer }` (arguments of
   * `CheckpointManager.restore`) and records the resume; null when the trial starts afresh.
   */
  restore(args: LoadCheckpointArgs): Promise<RestoredCheckpoint | null>;
  /** Saves through the manager (arguments of `CheckpointManager.save`), after the fence check. */
  save(args: SaveCheckpointArgs): Promise<{ path: string }>;
  /** Records that the trainer resumed from this checkpoint (for trainers that restore by themselves). */
  resumedFrom(checkpoint: { path: string; step: number; epoch: number }): Promise<void>;
  /** Throws the `FENCED` error when this worker no longer owns the trial. */
  guard(): Promise<void>;
}

/** What a trainable gets besides its trial. */
export interface TrialContext {
  /**
   * Aborted when the worker is being stopped (SIGTERM: save a checkpoint and return, the trial
   * goes back to the queue), when the sweep is cancelled, or when the worker lost the trial.
   */
  readonly signal: AbortSignal;
  readonly checkpoints: TrialCheckpoints;
  /**
   * Records the epoch's metrics and answers whether to go on: `stop` when ASHA stops the trial
   * (return then) or the sweep was cancelled. Save the epoch's checkpoint before reporting it, so
   * a resumed trial replays the report and gets the same answer.
   */
  report(metrics: TrialMetrics): Promise<"continue" | "stop">;
}

/** The user's training function, with the rows it trains on when the sweep has folds. */
export interface Trainable {
  /** The rows the folds are cut from; required when the sweep has folds. */
  data?: () => TrainableData | Promise<TrainableData>;
  /**
   * Trains one trial: restore, then per epoch train, save, report. Whatever it returns (plain
   * JSON) is kept as the trial's `output`.
   */
  run: (trial: TrialRun, ctx: TrialContext) => Promise<unknown>;
}

/** Types a trainable (an identity function). */
export function defineTrainable(trainable: Trainable): Trainable {
  return trainable;
}
