import * as tf from "@tensorflow/tfjs-core";
import { PlateBpError, TrainingAbortedError } from "../errors.js";
import { epochOrder } from "../internal/epoch-order.js";
import { classifierFromModel, createPlateMlp } from "./plate-mlp.js";
import type {
  EpochLog,
  ResumePoint,
  TrainPlateModelOptions,
  TrainPlateModelResult,
} from "./train-plate-model.js";
import { type EpochProgress, restoreLatest, saveSnapshot } from "./training-checkpoint.js";
import type { TrainingSetup } from "./training-setup.js";

type PlateMlp = ReturnType<typeof createPlateMlp>;

/** Lets timers and signal handlers run (setImmediate where there is one, else a 0 ms timeout). */
const nextTurn = (): Promise<void> =>
  new Promise((resolve) => {
    const immediate = (globalThis as { setImmediate?: (f: () => void) => unknown }).setImmediate;
    if (immediate) immediate(resolve);
    else setTimeout(resolve, 0);
  });

/** The run's Adam: `tf.train.adam`, or what `options.adam` makes, checked to be an Adam. */
export function createAdam(
  make: TrainPlateModelOptions["adam"],
  learningRate: number,
): tf.AdamOptimizer {
  if (make === undefined) return tf.train.adam(learningRate);
  if (typeof make !== "function") {
    throw new PlateBpError(
      "INVALID_OPTION",
      `trainPlateModel: adam must be a function that makes an Adam optimizer from a learning rate (such as tensorflowAdam of @trainkit/backend), got ${typeof make}`,
    );
  }
  const optimizer: unknown = make(learningRate);
  const o = optimizer as Partial<tf.Optimizer> | null;
  const className =
    typeof o?.getClassName === "function" && typeof o.minimize === "function"
      ? o.getClassName()
      : undefined;
  if (className !== "Adam") {
    if (typeof o === "object" && o !== null && typeof o.dispose === "function") o.dispose();
    throw new PlateBpError(
      "INVALID_OPTION",
      `trainPlateModel: adam must return an Adam optimizer (class name "Adam", as tf.train.adam and tensorflowAdam of @trainkit/backend give), got ${className !== undefined ? `a ${className} optimizer` : String(optimizer)}: checkpoints hold Adam's state`,
    );
  }
  return optimizer as tf.AdamOptimizer;
}

/**
 * One `trainPlateModel` call: the model, Adam, the epoch's running sums (float32 scalars on the
 * device, added batch by batch so that a resumed epoch sums exactly as an uninterrupted one),
 * and the checkpoints written so far.
 */
export class PlateTrainingRun {
  private readonly model: PlateMlp;
  private readonly vars: tf.Variable[];
  private readonly bx: Float32Array;
  private readonly by: Float32Array;
  private updates = 0;
  private lossSum: tf.Scalar = tf.scalar(0);
  private correct: tf.Scalar = tf.scalar(0);
  private lastSaved: { updates: number; path: string } | null = null;
  private resumedFrom: ResumePoint | undefined;
  private readonly history: EpochLog[] = [];

  constructor(
    private readonly setup: TrainingSetup,
    private readonly options: TrainPlateModelOptions,
    /** Made by {@link createAdam}; the run disposes it. */
    private readonly optimizer: tf.AdamOptimizer,
  ) {
    this.model = createPlateMlp({
      inputSize: setup.nf,
      hiddenUnits: setup.hiddenUnits,
      numClasses: setup.k,
      activation: setup.activation,
      seed: setup.seed,
    });
    this.vars = this.model.trainableWeights.map((w) => w.read() as tf.Variable);
    this.bx = new Float32Array(setup.batchSize * setup.nf);
    this.by = new Float32Array(setup.batchSize * setup.k);
  }

  async train(): Promise<TrainPlateModelResult> {
    const start = await this.start();
    for (let epoch = start.epoch; epoch < this.setup.epochs; epoch++) {
      const order = epochOrder(this.setup.n, this.setup.seed, epoch);
      const first = epoch === start.epoch ? start.batch : 0;
      for (let batch = first; batch < this.setup.batchesPerEpoch; batch++) {
        await this.stopIfAborted(epoch, batch);
        await this.update(order, epoch, batch);
        if (batch + 1 < this.setup.batchesPerEpoch) {
          await this.maybeSave({ epoch, batch: batch + 1 }, false);
        }
      }
      await this.endEpoch(epoch);
    }
    const { labels, features, activation } = this.setup;
    return {
      classifier: await classifierFromModel(this.model, { labels, features, activation }),
      history: this.history,
      updates: this.updates,
      ...(this.resumedFrom ? { resumedFrom: this.resumedFrom } : {}),
    };
  }

  dispose(): void {
    tf.dispose([this.lossSum, this.correct]);
    this.optimizer.dispose();
    this.model.dispose();
  }

  /** Where training starts: the newest checkpoint with `checkpoint.resume`, else the beginning. */
  private async start(): Promise<EpochProgress> {
    const ck = this.options.checkpoint;
    const restored = ck?.resume
      ? await restoreLatest(ck.manager, this.setup, this.model, this.optimizer)
      : null;
    if (restored === null) return { epoch: 0, batch: 0, lossSum: 0, correct: 0 };
    const { path, updates, epoch, batch } = restored;
    this.updates = updates;
    this.resumedFrom = { path, updates, epoch, batch };
    this.lastSaved = { updates, path };
    this.setSums(restored.lossSum, restored.correct);
    return restored;
  }

  /** One Adam step on batch `batch` of the epoch's order. */
  private async update(order: Int32Array, epoch: number, batch: number): Promise<void> {
    const { x, y, nf, k, n, batchSize } = this.setup;
    const { bx, by, model, vars } = this;
    const s = batch * batchSize;
    const m = Math.min(batchSize, n - s);
    by.fill(0, 0, m * k);
    for (let r = 0; r < m; r++) {
      const row = order[s + r] as number;
      bx.set(x.subarray(row * nf, row * nf + nf), r * nf);
      by[r * k + (y[row] as number)] = 1;
    }
    const learningRate = this.rateOf(this.updates);
    (this.optimizer as unknown as { learningRate: number }).learningRate = learningRate;
    const { loss, hits } = tf.tidy(() => {
      const xb = tf.tensor2d(bx.subarray(0, m * nf), [m, nf]);
      const yb = tf.tensor2d(by.subarray(0, m * k), [m, k]);
      let hitsT: tf.Tensor | null = null;
      const lossT = this.optimizer.minimize(
        () => {
          const p = model.apply(xb, { training: true }) as tf.Tensor2D;
          hitsT = tf.keep(tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yb, 1)), "float32")));
          return tf.neg(
            tf.mean(tf.sum(tf.mul(yb, tf.log(tf.clipByValue(p, 1e-7, 1))), 1)),
          ) as tf.Scalar;
        },
        true,
        vars,
      ) as tf.Scalar;
      return { loss: lossT, hits: hitsT as unknown as tf.Tensor };
    });
    const sums = tf.tidy(() => [tf.add(this.lossSum, tf.mul(loss, m)), tf.add(this.correct, hits)]);
    tf.dispose([this.lossSum, this.correct, hits]);
    [this.lossSum, this.correct] = sums as [tf.Scalar, tf.Scalar];
    const update = this.updates++;
    try {
      if (this.options.onUpdate) {
        const batchLoss = (await loss.data())[0] as number;
        const batchesPerEpoch = this.setup.batchesPerEpoch;
        this.options.onUpdate({
          update,
          epoch,
          batch,
          batchesPerEpoch,
          rows: m,
          loss: batchLoss,
          learningRate,
        });
      }
    } finally {
      loss.dispose();
    }
  }

  private rateOf(update: number): number {
    const lr = this.setup.schedule(update);
    if (typeof lr !== "number" || !Number.isFinite(lr) || lr < 0) {
      throw new PlateBpError(
        "INVALID_OPTION",
        `trainPlateModel: schedule(${update}) returned ${String(lr)}; a learning rate must be a finite number >= 0`,
      );
    }
    return lr;
  }

  /** The epoch's log: its sums, the held-out accuracy, and the checkpoint at its end. */
  private async endEpoch(epoch: number): Promise<void> {
    const { n, validation, schedule, batchesPerEpoch } = this.setup;
    const [lossSum, correct] = await this.readSums();
    this.setSums(0, 0);
    const log: EpochLog = {
      epoch,
      loss: lossSum / n,
      trainAccuracy: correct / n,
      learningRate: schedule(epoch * batchesPerEpoch),
    };
    if (validation) log.validationAccuracy = await this.accuracyOf(validation.x, validation.y);
    const metrics: Record<string, number> = { loss: log.loss, accuracy: log.trainAccuracy };
    if (log.validationAccuracy !== undefined && !Number.isNaN(log.validationAccuracy)) {
      metrics.val_accuracy = log.validationAccuracy;
    }
    const saved = await this.maybeSave({ epoch: epoch + 1, batch: 0 }, true, metrics);
    if (saved !== undefined) log.checkpoint = saved;
    this.history.push(log);
    await this.options.onEpochEnd?.(log);
  }

  /** Saves when the manager's policy says so after this update; returns the path. */
  private async maybeSave(
    at: { epoch: number; batch: number },
    epochEnd: boolean,
    metrics: Record<string, number> = {},
  ): Promise<string | undefined> {
    const manager = this.options.checkpoint?.manager;
    if (!manager?.shouldSave({ step: this.updates, epoch: at.epoch, epochEnd })) return undefined;
    return this.save(at, metrics);
  }

  private async save(
    at: { epoch: number; batch: number },
    metrics: Record<string, number>,
  ): Promise<string> {
    const manager = this.options.checkpoint?.manager;
    if (!manager) throw new Error("trainPlateModel: save() without a checkpoint manager");
    const [lossSum, correct] = await this.readSums();
    const { model, optimizer, updates } = this;
    const snapshot = { ...at, model, optimizer, updates, metrics, lossSum, correct };
    const path = await saveSnapshot(manager, this.setup, snapshot);
    this.lastSaved = { updates, path };
    return path;
  }

  /** With a signal: yields, and if it aborted, saves (once per update count) and throws. */
  private async stopIfAborted(epoch: number, batch: number): Promise<void> {
    const signal = this.options.signal;
    if (!signal) return;
    await nextTurn();
    if (!signal.aborted) return;
    let checkpoint: string | null = null;
    if (this.options.checkpoint) {
      checkpoint =
        this.lastSaved?.updates === this.updates
          ? this.lastSaved.path
          : await this.save({ epoch, batch }, {});
    }
    throw new TrainingAbortedError(
      { checkpoint, updates: this.updates, epoch, batch },
      { cause: signal.reason },
    );
  }

  private async readSums(): Promise<[number, number]> {
    return [(await this.lossSum.data())[0] as number, (await this.correct.data())[0] as number];
  }

  private setSums(lossSum: number, correct: number): void {
    tf.dispose([this.lossSum, this.correct]);
    this.lossSum = tf.scalar(lossSum);
    this.correct = tf.scalar(correct);
  }

  private async accuracyOf(x: Float32Array, y: ArrayLike<number>): Promise<number> {
    const n = y.length;
    if (n === 0) return Number.NaN;
    const nf = this.setup.nf;
    const model = this.model;
    const pred = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(x, [n, nf])) as tf.Tensor, 1));
    const p = await pred.data();
    pred.dispose();
    let c = 0;
    for (let i = 0; i < n; i++) if (p[i] === y[i]) c++;
    return c / n;
  }
}
