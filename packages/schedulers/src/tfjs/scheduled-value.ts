import { Callback } from "@tensorflow/tfjs-layers";
import { ScheduleError } from "../errors.js";

/**
 * A number that follows a schedule of the optimizer's update count, for values read inside a
 * loss function: KL-annealing weights, auxiliary-loss weights. tfjs-layers accepts
 * `compile({ lossWeights })` but ignores it, so a loss warm-up must read its weight inside the
 * loss: `loss: (y, p) => tf.add(recon(y, p), tf.mul(beta.value, kl(p)))`. The callback sets
 * `value` before every batch from `optimizer.iterations` (so it also resumes correctly).
 */
export class ScheduledValue extends Callback {
  readonly schedule: (step: number) => number;
  /** The value for the batch being trained. */
  value: number;
  /** `{ step, value }` for every batch. */
  readonly applied: { step: number; value: number }[] = [];

  constructor(schedule: (step: number) => number) {
    super();
    if (typeof schedule !== "function") {
      throw new ScheduleError(
        "INVALID_ARGUMENT",
        `ScheduledValue: schedule must be a function of the step, such as linearRamp({ steps }), got ${String(schedule)}.`,
      );
    }
    this.schedule = schedule;
    this.value = schedule(0);
  }

  override async onBatchBegin(): Promise<void> {
    const opt = (this.model as unknown as { optimizer?: { iterations: number } }).optimizer;
    const step = opt ? opt.iterations : this.applied.length;
    this.value = this.schedule(step);
    this.applied.push({ step, value: this.value });
  }
}
