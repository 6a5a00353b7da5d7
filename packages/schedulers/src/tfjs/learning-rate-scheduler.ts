import type { Optimizer } from "@tensorflow/tfjs-core";
import { Callback, type Logs } from "@tensorflow/tfjs-layers";
import { ScheduleError } from "../errors.js";
import type { ReduceLROnPlateau } from "../reduce-lr-on-plateau.js";
import { getLearningRate, setLearningRate } from "./optimizer-learning-rate.js";

export interface LearningRateSchedulerOptions {
  /** Key under which the rate is written into the batch and epoch logs (and so the History). Default "lr". */
  logKey?: string;
}

function optimizerOf(cb: Callback, who: string): Optimizer {
  const opt = (cb.model as unknown as { optimizer?: Optimizer })?.optimizer;
  if (!opt) {
    throw new ScheduleError(
      "UNSUPPORTED_OPTIMIZER",
      `${who}: the model has no optimizer; call model.compile({ optimizer, loss }) before fit.`,
    );
  }
  getLearningRate(opt);
  return opt;
}

/**
 * A `model.fit` / `model.fitDataset` callback that sets the optimizer's learning rate before
 * every batch to `schedule(optimizer.iterations)`: the global update count, not the batch index
 * (which restarts every epoch). A resumed optimizer (restored `iterations`) continues the
 * schedule where it stopped. Every applied rate is kept in `applied`, and the rate of each
 * epoch's last batch is logged under `logKey` into the History.
 */
export class LearningRateScheduler extends Callback {
  readonly schedule: (step: number) => number;
  readonly logKey: string;
  /** `{ step, lr }` for every batch this callback prepared. */
  readonly applied: { step: number; lr: number }[] = [];
  private optimizer: Optimizer | undefined;
  private last = Number.NaN;

  constructor(schedule: (step: number) => number, options: LearningRateSchedulerOptions = {}) {
    super();
    if (typeof schedule !== "function") {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `LearningRateScheduler: schedule must be a function of the step, such as cosineAnnealingLR({...}), got ${String(schedule)}.`,
      );
    }
    this.schedule = schedule;
    this.logKey = options.logKey ?? "lr";
  }

  override async onTrainBegin(): Promise<void> {
    this.optimizer = optimizerOf(this, "LearningRateScheduler");
  }

  override async onBatchBegin(_batch: number, logs?: Logs): Promise<void> {
    const opt = this.optimizer ?? optimizerOf(this, "LearningRateScheduler");
    const step = opt.iterations;
    const lr = this.schedule(step);
    setLearningRate(opt, lr);
    this.last = lr;
    this.applied.push({ step, lr });
    if (logs) logs[this.logKey] = lr;
  }

  override async onBatchEnd(_batch: number, logs?: Logs): Promise<void> {
    if (logs) logs[this.logKey] = this.last;
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    if (logs && !Number.isNaN(this.last)) logs[this.logKey] = this.last;
  }
}

/** Shorthand for `new LearningRateScheduler(schedule, options)`. */
export function learningRateScheduler(
  schedule: (step: number) => number,
  options?: LearningRateSchedulerOptions,
): LearningRateScheduler {
  return new LearningRateScheduler(schedule, options);
}

export interface PlateauCallbackOptions {
  /** Epoch log key to watch. Default "val_loss". */
  monitor?: string;
  /** Key for the rate in the epoch logs. Default "lr". */
  logKey?: string;
}

/**
 * Drives a {@link ReduceLROnPlateau} from `model.fit`: sets its starting rate at train begin, and
 * after each epoch feeds it `logs[monitor]` and applies the rate it returns.
 */
export class ReduceLROnPlateauCallback extends Callback {
  readonly plateau: ReduceLROnPlateau;
  readonly monitor: string;
  readonly logKey: string;

  constructor(plateau: ReduceLROnPlateau, options: PlateauCallbackOptions = {}) {
    super();
    this.plateau = plateau;
    this.monitor = options.monitor ?? "val_loss";
    this.logKey = options.logKey ?? "lr";
  }

  override async onTrainBegin(): Promise<void> {
    setLearningRate(optimizerOf(this, "ReduceLROnPlateauCallback"), this.plateau.lr);
  }

  override async onEpochEnd(_epoch: number, logs?: Logs): Promise<void> {
    // tfjs-layers may still hold epoch metrics as scalars here
    const raw: unknown = logs?.[this.monitor];
    const value =
      typeof raw === "number"
        ? raw
        : raw && typeof (raw as { data?: unknown }).data === "function"
          ? ((await (raw as { data(): Promise<ArrayLike<number>> }).data())[0] as number)
          : undefined;
    if (typeof value !== "number") {
      throw new ScheduleError(
        "INVALID_METRIC",
        `ReduceLROnPlateauCallback: the epoch logs have no "${this.monitor}" (keys: ${Object.keys(logs ?? {}).join(", ") || "none"}); pass monitor: "loss", or give fit validationData for "val_loss".`,
      );
    }
    const lr = this.plateau.step(value);
    setLearningRate(optimizerOf(this, "ReduceLROnPlateauCallback"), lr);
    if (logs) logs[this.logKey] = lr;
  }
}
