import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { type CheckpointManager, loadCheckpoint } from "@trainkit/checkpoint/tfjs";
import { createPlateMlp } from "@trainkit/plate-bp/tfjs";
import { cosineScheduleWithWarmup, describeSchedule } from "@trainkit/schedulers";
import { applySchedule } from "@trainkit/schedulers/tfjs";
import { InterruptedError, UsageError } from "../cli-error.js";
import type { Interrupt } from "../interrupt.js";
import { type Output, ProgressBar } from "../progress.js";

/**
 * The BP network's training loop: Adam with a linear warm-up then cosine decay
 * (@trainkit/schedulers), a seeded data order per epoch, a checkpoint after every epoch
 * (@trainkit/checkpoint's CheckpointManager), exact resume from the latest checkpoint, and a
 * checkpoint on Ctrl-C.
 */
export interface BpConfig {
  /** Features per row. */
  nf: number;
  classes: number;
  hiddenUnits: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupEpochs: number;
  seed: number;
  /** Training rows. */
  n: number;
}

export interface BpTrainOptions {
  config: BpConfig;
  x: Float32Array;
  y: Int32Array;
  validation?: { x: Float32Array; y: Int32Array };
  manager: CheckpointManager;
  out: Output;
  label?: string;
  interrupt?: Interrupt;
  /** Stop before batch `batch` of epoch `epoch` (0-based) as a crash would: nothing saved. */
  crashAt?: { epoch: number; batch: number };
  /** Start from the manager's latest valid checkpoint, if there is one. */
  resume?: boolean;
  /** How to resume, for the Ctrl-C message. */
  resumeHint?: string;
}

export interface BpEpoch {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valAccuracy?: number;
  learningRate: number;
  samplesPerSecond: number;
  checkpoint: string;
}

export interface BpTrainResult {
  model: tfl.Sequential;
  optimizer: tf.AdamOptimizer;
  history: BpEpoch[];
  /** The learning rate of every update this call ran. */
  learningRates: { step: number; lr: number }[];
  /** Global update count reached. */
  step: number;
  resumedFrom?: { path: string; step: number; epoch: number; batch: number };
  crashed: boolean;
}

/** A seeded permutation of 0..n-1 for one epoch (splitmix32 + Fisher-Yates). */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  let state = (Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(epoch + 1, 0x85ebca6b)) >>> 0;
  const next = () => {
    state = (state + 0x9e3779b9) >>> 0;
    let z = state;
    z = Math.imul(z ^ (z >>> 16), 0x85ebca6b) >>> 0;
    z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35) >>> 0;
    return ((z ^ (z >>> 16)) >>> 0) / 4294967296;
  };
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}

export function bpSchedule(config: BpConfig) {
  const stepsPerEpoch = Math.ceil(config.n / config.batchSize);
  return cosineScheduleWithWarmup({
    lr: config.learningRate,
    numWarmupSteps: Math.round(config.warmupEpochs * stepsPerEpoch),
    numTrainingSteps: config.epochs * stepsPerEpoch,
    warmupStartFactor: 0.05,
  });
}

function sameConfig(a: BpConfig, b: unknown): string | undefined {
  if (typeof b !== "object" || b === null) return "it has no training configuration";
  for (const key of Object.keys(a) as (keyof BpConfig)[]) {
    const other = (b as Record<string, unknown>)[key];
    if (other !== a[key]) return `its ${key} is ${String(other)}, this run's is ${a[key]}`;
  }
  return undefined;
}

async function evaluate(
  model: tfl.Sequential,
  x: Float32Array,
  y: Int32Array,
  nf: number,
): Promise<number> {
  const predicted = tf.tidy(() =>
    tf.argMax(model.predict(tf.tensor2d(x, [y.length, nf])) as tf.Tensor, -1),
  );
  const p = await predicted.data();
  predicted.dispose();
  let right = 0;
  for (let i = 0; i < y.length; i++) if (p[i] === y[i]) right++;
  return right / y.length;
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

export async function trainBp(options: BpTrainOptions): Promise<BpTrainResult> {
  const { config, x, y, manager } = options;
  const { nf, classes, batchSize, n } = config;
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const schedule = bpSchedule(config);
  const model = createPlateMlp({
    inputSize: nf,
    hiddenUnits: config.hiddenUnits,
    numClasses: classes,
    activation: "tanh",
    seed: config.seed,
  });
  const optimizer = tf.train.adam(config.learningRate);
  const result: BpTrainResult = {
    model,
    optimizer,
    history: [],
    learningRates: [],
    step: 0,
    crashed: false,
  };
  let startEpoch = 0;
  let startBatch = 0;
  if (options.resume) {
    const latest = await manager.latest();
    if (latest) {
      const mismatch = sameConfig(config, (latest.state.extra as { config?: unknown })?.config);
      if (mismatch) {
        model.dispose();
        optimizer.dispose();
        throw new UsageError(
          `cannot resume from ${latest.path}: ${mismatch}. Resume with the flags of the run that wrote it, or use another --out.`,
        );
      }
      await loadCheckpoint(latest.path, { model, optimizer });
      startEpoch = latest.state.epoch;
      startBatch = (latest.state.extra as { batchInEpoch?: number }).batchInEpoch ?? 0;
      result.step = latest.state.step;
      result.resumedFrom = {
        path: latest.path,
        step: latest.state.step,
        epoch: startEpoch,
        batch: startBatch,
      };
    }
  }
  const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const bx = new Float32Array(batchSize * nf);
  const by = new Float32Array(batchSize * classes);
  const prefix = options.label ? `${options.label}: ` : "";
  const state = (epoch: number, batchInEpoch: number, metrics: Record<string, number>) => ({
    model,
    optimizer,
    step: result.step,
    epoch,
    schedule: schedule.toJSON(),
    rng: { seed: config.seed, order: "epochOrder(n, seed, epoch)" },
    metrics,
    extra: { config, batchInEpoch },
  });

  for (let epoch = startEpoch; epoch < config.epochs; epoch++) {
    const order = epochOrder(n, config.seed, epoch);
    const bar = new ProgressBar(
      options.out,
      `${prefix}epoch ${epoch + 1}/${config.epochs}`,
      stepsPerEpoch,
    );
    const first = epoch === startEpoch ? startBatch : 0;
    let lossSum = 0;
    let hits = 0;
    let seen = 0;
    for (let b = first; b < stepsPerEpoch; b++) {
      if (options.crashAt && options.crashAt.epoch === epoch && options.crashAt.batch === b) {
        result.crashed = true;
        return result;
      }
      await nextTurn(); // lets a Ctrl-C handler run
      if (options.interrupt?.requested) {
        const saved = await manager.save(state(epoch, b, {}));
        throw new InterruptedError(
          saved.path,
          `interrupted in epoch ${epoch + 1}, after update ${result.step}: checkpoint saved at ${saved.path}${options.resumeHint ? `; resume with: ${options.resumeHint}` : ""}`,
        );
      }
      const start = b * batchSize;
      const m = Math.min(batchSize, n - start);
      by.fill(0, 0, m * classes);
      for (let r = 0; r < m; r++) {
        const row = order[start + r] as number;
        bx.set(x.subarray(row * nf, row * nf + nf), r * nf);
        by[r * classes + (y[row] as number)] = 1;
      }
      const lr = applySchedule(optimizer, schedule, result.step);
      result.learningRates.push({ step: result.step, lr });
      const [loss, hit] = tf.tidy((): [tf.Tensor, tf.Tensor] => {
        const xb = tf.tensor2d(bx.subarray(0, m * nf), [m, nf]);
        const yb = tf.tensor2d(by.subarray(0, m * classes), [m, classes]);
        let correct: tf.Tensor | undefined;
        const value = optimizer.minimize(
          () => {
            const p = model.apply(xb, { training: true }) as tf.Tensor2D;
            correct = tf.keep(
              tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yb, 1)), "float32")),
            );
            return tf.neg(
              tf.mean(tf.sum(tf.mul(yb, tf.log(tf.clipByValue(p, 1e-7, 1))), 1)),
            ) as tf.Scalar;
          },
          true,
          vars,
        ) as tf.Scalar;
        return [value, correct as tf.Scalar];
      });
      const [lossValue, hitValue] = [
        (await loss.data())[0] as number,
        (await hit.data())[0] as number,
      ];
      tf.dispose([loss, hit]);
      result.step++;
      lossSum += lossValue * m;
      hits += hitValue;
      seen += m;
      bar.update(b + 1, [
        { label: "loss", value: lossValue.toFixed(4) },
        { label: "lr", value: lr.toExponential(2) },
        { label: "samples/s", value: (seen / (bar.elapsed || 1)).toFixed(0) },
      ]);
    }
    const log: BpEpoch = {
      epoch: epoch + 1,
      loss: lossSum / seen,
      trainAccuracy: hits / seen,
      learningRate: result.learningRates.at(-1)?.lr ?? Number.NaN,
      samplesPerSecond: seen / (bar.elapsed || 1),
      checkpoint: "",
    };
    if (options.validation) {
      log.valAccuracy = await evaluate(model, options.validation.x, options.validation.y, nf);
    }
    const metrics: Record<string, number> = { loss: log.loss };
    if (log.valAccuracy !== undefined) metrics.val_accuracy = log.valAccuracy;
    const saved = await manager.save(state(epoch + 1, 0, metrics));
    log.checkpoint = saved.path;
    result.history.push(log);
    bar.finish([
      { label: "loss", value: log.loss.toFixed(4) },
      { label: "acc", value: log.trainAccuracy.toFixed(3) },
      ...(log.valAccuracy !== undefined
        ? [{ label: "val_acc", value: log.valAccuracy.toFixed(3) }]
        : []),
      { label: "lr", value: log.learningRate.toExponential(2) },
      { label: "samples/s", value: log.samplesPerSecond.toFixed(0) },
    ]);
  }
  return result;
}

/** Warnings about the schedule for this configuration (e.g. a warm-up longer than the run). */
export function scheduleWarnings(config: BpConfig): string[] {
  const stepsPerEpoch = Math.ceil(config.n / config.batchSize);
  return describeSchedule(bpSchedule(config), config.epochs * stepsPerEpoch).warnings.map(
    (w) => w.message,
  );
}
