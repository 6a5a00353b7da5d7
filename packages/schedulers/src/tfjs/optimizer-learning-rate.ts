import type { Optimizer } from "@tensorflow/tfjs-core";
import { ScheduleError } from "../errors.js";

interface WithRate {
  learningRate?: unknown;
  setLearningRate?: (lr: number) => void;
  getClassName?: () => string;
}

/** Rate last passed to `setLearningRate()` per optimizer, to skip re-allocating the same scalar. */
const lastSet = new WeakMap<object, number>();

const nameOf = (o: WithRate) =>
  typeof o?.getClassName === "function" ? o.getClassName() : String(o);

/**
 * The learning rate the optimizer will use for its next update (tfjs keeps it in a protected
 * `learningRate` field on every built-in optimizer).
 */
export function getLearningRate(optimizer: Optimizer): number {
  const o = optimizer as unknown as WithRate;
  if (typeof o?.learningRate !== "number") {
    throw new ScheduleError(
      "UNSUPPORTED_OPTIMIZER",
      `getLearningRate: ${nameOf(o)} has no numeric learningRate; pass a tf.train optimizer (sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta).`,
    );
  }
  return o.learningRate;
}

/**
 * Sets the learning rate of any tfjs optimizer so that the next update really uses it.
 * SGD and Momentum cache `-lr` in a tensor at construction: writing their `learningRate` field has
 * no effect, `setLearningRate()` is needed (it is only called when the rate changes, since it
 * allocates a new scalar). Adam, Adamax, RMSProp, Adagrad and Adadelta have no setter and read
 * the field at every update, so the field is written.
 */
export function setLearningRate(optimizer: Optimizer, lr: number): void {
  if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `setLearningRate: lr must be a finite number >= 0, got ${String(lr)}; check the schedule's arguments.`,
    );
  }
  const o = optimizer as unknown as WithRate;
  if (typeof o?.learningRate !== "number") {
    throw new ScheduleError(
      "UNSUPPORTED_OPTIMIZER",
      `setLearningRate: ${nameOf(o)} has no numeric learningRate; pass a tf.train optimizer (sgd, momentum, adam, adamax, rmsprop, adagrad, adadelta).`,
    );
  }
  if (typeof o.setLearningRate === "function") {
    // The field alone cannot be trusted here: code may have written it without effect.
    if (lastSet.get(o) !== lr || o.learningRate !== lr) {
      o.setLearningRate(lr);
      lastSet.set(o, lr);
    }
  } else {
    o.learningRate = lr;
  }
}

/**
 * For custom training loops: sets the optimizer's rate to `schedule(step)` and returns it. `step`
 * defaults to `optimizer.iterations` (updates applied so far), so a restored optimizer resumes
 * the schedule where it stopped. Call it before each `optimizer.minimize` / `applyGradients`.
 */
export function applySchedule(
  optimizer: Optimizer,
  schedule: (step: number) => number,
  step: number = optimizer.iterations,
): number {
  const lr = schedule(step);
  setLearningRate(optimizer, lr);
  return lr;
}
