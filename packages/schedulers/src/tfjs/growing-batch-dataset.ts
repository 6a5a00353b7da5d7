import * as tf from "@tensorflow/tfjs-core";
import type { BatchSizeSchedule } from "../batch-size-schedules.js";
import { planEpochBatches } from "../batch-size-schedules.js";
import { ScheduleError } from "../errors.js";

export interface GrowingBatchDatasetOptions {
  /** Inputs, first axis = samples. */
  xs: tf.Tensor;
  /** Targets, same number of samples. */
  ys: tf.Tensor;
  /** Batch size as a function of samples seen (or epoch), e.g. `batchSizeRamp({...})`. */
  schedule: BatchSizeSchedule;
}

/** What `model.fitDataset` iterates. */
export interface GrowingBatchDataset {
  size: number;
  iterator(): Promise<{ next(): Promise<IteratorResult<{ xs: tf.Tensor; ys: tf.Tensor }>> }>;
  /** Sizes of every batch served so far, in order. */
  readonly served: number[];
}

/**
 * A dataset for `model.fitDataset` whose batches follow a batch-size schedule: each call to
 * `iterator()` is one epoch over the samples in order (shuffle the tensors beforehand if you
 * need it), cut into batches of `schedule(samplesSeen)` (or `schedule(epoch)`). `size` is
 * unknown (NaN) so fitDataset runs each epoch until the data is exhausted. Batch tensors are
 * handed to fitDataset, which disposes them.
 */
export function growingBatchDataset(options: GrowingBatchDatasetOptions): GrowingBatchDataset {
  const { xs, ys, schedule } = options;
  const n = xs?.shape?.[0];
  if (typeof n !== "number" || n < 1 || ys?.shape?.[0] !== n) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `growingBatchDataset: xs and ys need the same number of samples on axis 0, got ${String(n)} and ${String(ys?.shape?.[0])}.`,
    );
  }
  if (
    typeof schedule !== "function" ||
    (schedule.unit !== "samples" && schedule.unit !== "epochs")
  ) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      "growingBatchDataset: schedule must be a batch-size schedule such as batchSizeRamp({ start, end, rampLength }).",
    );
  }
  const served: number[] = [];
  let epoch = 0;
  let samplesSeen = 0;
  return {
    size: Number.NaN,
    served,
    async iterator() {
      const sizes = planEpochBatches(schedule, n, { epoch, samplesSeen });
      epoch += 1;
      let offset = 0;
      let i = 0;
      return {
        async next() {
          if (i >= sizes.length) return { done: true, value: undefined };
          const b = sizes[i++] as number;
          const value = tf.tidy(() => ({
            xs: tf.slice(xs, offset, b),
            ys: tf.slice(ys, offset, b),
          }));
          offset += b;
          samplesSeen += b;
          served.push(b);
          return { done: false, value };
        },
      };
    },
  };
}
