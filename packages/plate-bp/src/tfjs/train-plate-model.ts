import type * as tf from "@tensorflow/tfjs-core";
import type { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import type { TrainingStopPoint } from "../errors.js";
import type { FeatureKind } from "../extract-features.js";
import type { HiddenActivation, PlateClassifier } from "../plate-classifier.js";
import { createAdam, PlateTrainingRun } from "./plate-training-run.js";
import { resolveTraining } from "./training-setup.js";

export interface TrainPlateModelOptions {
  /** Row-major features, `y.length x featureLength(features)`. */
  x: Float32Array;
  /** Class index (into `labels`) of each row. */
  y: ArrayLike<number>;
  /** One character per class. */
  labels: string;
  /** Feature kind of `x` (default "grid5x5"). */
  features?: FeatureKind;
  hiddenUnits?: number;
  activation?: HiddenActivation;
  /** Default 30. */
  epochs?: number;
  /** Default 128. */
  batchSize?: number;
  /** Peak Adam learning rate (default 0.01), reached after the warm-up, then cosine decay to 0. */
  learningRate?: number;
  /** Linear warm-up length in epochs (default 1). */
  warmupEpochs?: number;
  /**
   * The learning rate of every update instead of `learningRate` and `warmupEpochs`: a function
   * of the update's index over the whole run (0 = the first update), such as any schedule of
   * `@trainkit/schedulers`. A schedule with `toJSON()` is stored in checkpoints and must match
   * on resume.
   */
  schedule?: (update: number) => number;
  /**
   * Makes the Adam optimizer from `learningRate` (default: `tf.train.adam`). `tensorflowAdam` of
   * `@trainkit/backend` runs each update as one native TensorFlow op per weight on the
   * `tensorflow` backend, and is `tf.train.adam` elsewhere. It must return an optimizer whose
   * class name is "Adam", with tfjs's Adam state layout, so that checkpoints resume across the
   * two. The rate of every update is set on it before the update.
   */
  adam?: (learningRate: number) => tf.Optimizer;
  /** Seeds the initial weights and the per-epoch shuffles (default 0). */
  seed?: number;
  /** Held-out rows evaluated after every epoch. */
  validation?: { x: Float32Array; y: ArrayLike<number> };
  /**
   * Instead of `validation`: hold out this fraction of the rows, stratified by class and seeded,
   * with `trainTestSplit` of `@trainkit/data-split`.
   */
  validationSplit?: number;
  /** Training checkpoints through `@trainkit/checkpoint`, and resuming from them. */
  checkpoint?: PlateCheckpointOptions;
  /**
   * Stops between two updates: with `checkpoint`, a checkpoint is written there first; then
   * {@link TrainingAbortedError} says where. (With a signal the loop yields to the event loop
   * before every update, so a signal handler such as Ctrl-C's can run.)
   */
  signal?: AbortSignal;
  /** After every update, with its batch loss (read from the device at each update). */
  onUpdate?: (log: UpdateLog) => void;
  /**
   * After every epoch (after its checkpoint, when one is due). A returned promise is awaited
   * before the next epoch starts, so it may report to a service and abort `signal` on its answer.
   */
  onEpochEnd?: (log: EpochLog) => void | Promise<void>;
}

export interface PlateCheckpointOptions {
  /**
   * A `CheckpointManager` of `@trainkit/checkpoint/tfjs`. It decides when to save, checked after
   * every update: every `saveEverySteps` updates, at the end of every `saveEveryEpochs`-th epoch,
   * or (neither set) at the end of every epoch; and which files to keep.
   */
  manager: CheckpointManager;
  /**
   * Continue from the manager's newest valid checkpoint when there is one (else start afresh):
   * the weights, Adam's state, the update count and the position in the epoch come back, and
   * the run ends bit-identical to one never interrupted. The checkpoint must come from a run
   * with the same options (rows, features, labels, sizes, epochs, batch size, seed, schedule).
   */
  resume?: boolean;
}

export interface UpdateLog {
  /** Index of this update over the whole run, from 0. */
  update: number;
  /** Epoch, from 0. */
  epoch: number;
  /** Batch within the epoch, from 0. */
  batch: number;
  batchesPerEpoch: number;
  /** Rows in this batch. */
  rows: number;
  /** Mean cross-entropy of the batch, before the update. */
  loss: number;
  learningRate: number;
}

export interface EpochLog {
  /** From 0. */
  epoch: number;
  /** Mean training loss over the epoch's batches (as each batch was before its update). */
  loss: number;
  trainAccuracy: number;
  /** The rate of the epoch's first update. */
  learningRate: number;
  validationAccuracy?: number;
  /** The checkpoint written at the end of this epoch, if one was. */
  checkpoint?: string;
}

export interface TrainPlateModelResult {
  classifier: PlateClassifier;
  /** The epochs this call ran (a resumed run: from the epoch it resumed in). */
  history: EpochLog[];
  /** Updates done over the whole run. */
  updates: number;
  /** The checkpoint this call resumed from. */
  resumedFrom?: ResumePoint;
}

/** The checkpoint a run resumed from, and where in the run it was written. */
export type ResumePoint = Omit<TrainingStopPoint, "checkpoint"> & { path: string };

/**
 * Train the MLP with Adam and mini-batches on the active tfjs backend, the learning rate
 * following a linear warm-up then cosine decay (`cosineScheduleWithWarmup` of
 * `@trainkit/schedulers`, stepped every batch) or `schedule`. Deterministic for a seed on one
 * backend, also across a checkpoint and a resume. Returns plain weights; every tensor it made is
 * disposed.
 */
export async function trainPlateModel(
  options: TrainPlateModelOptions,
): Promise<TrainPlateModelResult> {
  const setup = resolveTraining(options);
  // Made before the run's own tensors, so that a refused `adam` leaves nothing behind.
  const adam = createAdam(options.adam, options.learningRate ?? 0.01);
  const run = new PlateTrainingRun(setup, options, adam);
  try {
    return await run.train();
  } finally {
    run.dispose();
  }
}
