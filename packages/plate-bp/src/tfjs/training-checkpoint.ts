import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { type CheckpointManager, loadCheckpoint } from "@trainkit/checkpoint/tfjs";
import { PlateBpError } from "../errors.js";
import type { TrainingSetup } from "./training-setup.js";

/** Where a run is inside an epoch, with the epoch's sums so far (float32 values, kept exactly). */
export interface EpochProgress {
  /** Epochs complete. */
  epoch: number;
  /** The next batch of epoch `epoch`. */
  batch: number;
  /** Sum over the batches done of (batch mean loss x batch rows). */
  lossSum: number;
  /** Rows of those batches classified right. */
  correct: number;
}

/** Everything one checkpoint holds besides the weights and the optimizer slots. */
export interface TrainingSnapshot extends EpochProgress {
  model: tfl.LayersModel;
  optimizer: tf.Optimizer;
  /** Updates done. */
  updates: number;
  metrics: Record<string, number>;
}

/** What `trainPlateModel` keeps in a checkpoint's `extra`, under this key. */
const KEY = "trainPlateModel";

interface StoredRun {
  fingerprint: Record<string, string | number>;
  batch: number;
  lossSum: number;
  correct: number;
}

/** Writes one checkpoint through the manager; returns its path. */
export async function saveSnapshot(
  manager: CheckpointManager,
  setup: TrainingSetup,
  s: TrainingSnapshot,
): Promise<string> {
  const run: StoredRun = {
    fingerprint: setup.fingerprint,
    batch: s.batch,
    lossSum: s.lossSum,
    correct: s.correct,
  };
  const json = (setup.schedule as { toJSON?: () => unknown }).toJSON?.();
  const saved = await manager.save({
    model: s.model,
    optimizer: s.optimizer,
    step: s.updates,
    epoch: s.epoch,
    ...(json !== undefined ? { schedule: json } : {}),
    rng: { seed: setup.seed, order: "sfc32 stream (seed, 7919, epoch), Fisher-Yates" },
    metrics: s.metrics,
    extra: { [KEY]: run },
  });
  return saved.path;
}

/** The first option that differs between the checkpoint's run and this one, in words. */
function mismatch(
  ours: Record<string, string | number>,
  theirs: Record<string, string | number> | undefined,
): string | undefined {
  if (theirs === undefined) return "it was not written by trainPlateModel";
  for (const key of new Set([...Object.keys(ours), ...Object.keys(theirs)])) {
    if (ours[key] !== theirs[key]) {
      return `its ${key} is ${String(theirs[key])}, this run's is ${String(ours[key])}`;
    }
  }
  return undefined;
}

/**
 * Restores the model and the optimizer from the manager's newest valid checkpoint, after
 * checking that it comes from a run with the same options. Null when there is none.
 */
export async function restoreLatest(
  manager: CheckpointManager,
  setup: TrainingSetup,
  model: tfl.LayersModel,
  optimizer: tf.Optimizer,
): Promise<(EpochProgress & { path: string; updates: number }) | null> {
  const latest = await manager.latest();
  if (!latest) return null;
  const stored = (latest.state.extra as Record<string, StoredRun | undefined> | undefined)?.[KEY];
  const why = mismatch(setup.fingerprint, stored?.fingerprint);
  if (why !== undefined || stored === undefined) {
    throw new PlateBpError(
      "CHECKPOINT_MISMATCH",
      `trainPlateModel: cannot resume from ${latest.path}: ${why}. Resume with the options of the run that wrote it, or give a CheckpointManager with another dir.`,
    );
  }
  await loadCheckpoint(latest.path, { model, optimizer });
  return {
    path: latest.path,
    updates: latest.state.step,
    epoch: latest.state.epoch,
    batch: stored.batch,
    lossSum: stored.lossSum,
    correct: stored.correct,
  };
}
