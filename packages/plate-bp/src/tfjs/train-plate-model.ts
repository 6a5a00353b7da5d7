import * as tf from "@tensorflow/tfjs-core";
import { trainTestSplit } from "@trainkit/data-split";
import { cosineScheduleWithWarmup } from "@trainkit/schedulers";
import { PlateBpError } from "../errors.js";
import { type FeatureKind, featureLength } from "../extract-features.js";
import { createRng } from "../internal/prng.js";
import type { HiddenActivation, PlateClassifier } from "../plate-classifier.js";
import { classifierFromModel, createPlateMlp } from "./plate-mlp.js";

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
  /** Seeds the initial weights and the per-epoch shuffles (default 0). */
  seed?: number;
  /** Held-out rows evaluated after every epoch. */
  validation?: { x: Float32Array; y: ArrayLike<number> };
  /**
   * Instead of `validation`: hold out this fraction of the rows, stratified by class and seeded,
   * with `trainTestSplit` of `@trainkit/data-split`.
   */
  validationSplit?: number;
  onEpochEnd?: (log: EpochLog) => void;
}

export interface EpochLog {
  epoch: number;
  loss: number;
  trainAccuracy: number;
  learningRate: number;
  validationAccuracy?: number;
}

export interface TrainPlateModelResult {
  classifier: PlateClassifier;
  history: EpochLog[];
}

function fail(msg: string): never {
  throw new PlateBpError("INVALID_OPTION", `trainPlateModel: ${msg}`);
}

function checkRows(
  name: string,
  x: Float32Array,
  y: ArrayLike<number>,
  nf: number,
  k: number,
): void {
  if (!(x instanceof Float32Array)) fail(`${name}x must be a Float32Array, got ${typeof x}`);
  if (x.length !== y.length * nf) {
    fail(
      `${name}x has ${x.length} values, expected ${y.length} rows x ${nf} features = ${y.length * nf}`,
    );
  }
  for (let i = 0; i < y.length; i++) {
    const l = y[i] as number;
    if (!Number.isInteger(l) || l < 0 || l >= k) {
      throw new PlateBpError(
        "INVALID_LABEL",
        `trainPlateModel: ${name}y[${i}] = ${l} is not a class index in 0..${k - 1}`,
      );
    }
  }
}

/**
 * Train the MLP with Adam and mini-batches on the active tfjs backend, the learning rate
 * following a linear warm-up then cosine decay (`cosineScheduleWithWarmup` of
 * `@trainkit/schedulers`, stepped every batch). Deterministic for a seed on one backend.
 * Returns plain weights; every tensor it made is disposed.
 */
export async function trainPlateModel(
  options: TrainPlateModelOptions,
): Promise<TrainPlateModelResult> {
  const features = options.features ?? "grid5x5";
  const nf = featureLength(features);
  const labels = [...(options.labels ?? "")];
  const k = labels.length;
  if (k < 2 || new Set(labels).size !== k)
    fail(`labels must be at least 2 distinct characters, got ${JSON.stringify(options.labels)}`);
  checkRows("", options.x, options.y, nf, k);
  if (options.y.length === 0) fail("no training rows");
  let x = options.x;
  let y: ArrayLike<number> = options.y;
  let validation = options.validation;
  if (validation) checkRows("validation.", validation.x, validation.y, nf, k);
  if (options.validationSplit !== undefined) {
    const f = options.validationSplit;
    if (validation) fail("give validation or validationSplit, not both");
    if (!(f > 0 && f < 1)) fail(`validationSplit must be a fraction in (0, 1), got ${f}`);
    const labels32 = Int32Array.from(y);
    const [xTr, xVa, yTr, yVa] = trainTestSplit(
      [{ data: x, shape: [labels32.length, nf] }, labels32],
      {
        testSize: f,
        seed: options.seed ?? 0,
        stratify: labels32,
      },
    );
    x = xTr.data;
    y = yTr;
    validation = { x: xVa.data, y: yVa };
  }
  const n = y.length;
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 128;
  const lr = options.learningRate ?? 0.01;
  const warmupEpochs = options.warmupEpochs ?? 1;
  if (!Number.isInteger(epochs) || epochs < 1)
    fail(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(`batchSize must be a positive integer, got ${batchSize}`);
  if (!(lr > 0)) fail(`learningRate must be > 0, got ${lr}`);
  if (!(warmupEpochs >= 0 && warmupEpochs < epochs))
    fail(`warmupEpochs must be in [0, epochs), got ${warmupEpochs}`);
  const seed = options.seed ?? 0;
  const activation = options.activation ?? "tanh";
  const model = createPlateMlp({
    inputSize: nf,
    hiddenUnits: options.hiddenUnits ?? 32,
    numClasses: k,
    activation,
    seed,
  });
  const stepsPerEpoch = Math.ceil(n / batchSize);
  const schedule = cosineScheduleWithWarmup({
    lr,
    numWarmupSteps: Math.round(warmupEpochs * stepsPerEpoch),
    numTrainingSteps: epochs * stepsPerEpoch,
  });
  const opt = tf.train.adam(lr);
  const optLr = opt as unknown as { learningRate: number };
  const history: EpochLog[] = [];
  const order = new Int32Array(n);
  const bx = new Float32Array(batchSize * nf);
  const by = new Float32Array(batchSize * k);
  let step = 0;
  const lossParts: tf.Tensor[] = [];
  const hitParts: tf.Tensor[] = [];
  try {
    for (let epoch = 0; epoch < epochs; epoch++) {
      for (let i = 0; i < n; i++) order[i] = i;
      const rng = createRng(seed, 7919, epoch);
      for (let i = n - 1; i > 0; i--) {
        const j = rng.int(i + 1);
        const t = order[i] as number;
        order[i] = order[j] as number;
        order[j] = t;
      }
      const epochLr = schedule(step);
      for (let s = 0; s < n; s += batchSize) {
        const m = Math.min(batchSize, n - s);
        by.fill(0, 0, m * k);
        for (let r = 0; r < m; r++) {
          const row = order[s + r] as number;
          bx.set(x.subarray(row * nf, row * nf + nf), r * nf);
          by[r * k + (y[row] as number)] = 1;
        }
        optLr.learningRate = schedule(step);
        const { loss, hits } = tf.tidy(() => {
          const xb = tf.tensor2d(bx.subarray(0, m * nf), [m, nf]);
          const yb = tf.tensor2d(by.subarray(0, m * k), [m, k]);
          let hitsT: tf.Tensor | null = null;
          const lossT = opt.minimize(() => {
            const p = model.apply(xb, { training: true }) as tf.Tensor2D;
            hitsT = tf.keep(
              tf.sum(tf.cast(tf.equal(tf.argMax(p, 1), tf.argMax(yb, 1)), "float32")),
            );
            return tf.neg(
              tf.mean(tf.sum(tf.mul(yb, tf.log(tf.clipByValue(p, 1e-7, 1))), 1)),
            ) as tf.Scalar;
          }, true) as tf.Scalar;
          return { loss: lossT, hits: hitsT as unknown as tf.Tensor };
        });
        lossParts.push(tf.tidy(() => tf.mul(loss, m)));
        hitParts.push(hits);
        loss.dispose();
        step++;
      }
      const totals = tf.tidy(() => tf.stack([tf.addN(lossParts), tf.addN(hitParts)]));
      const [lossSum, correct] = (await totals.data()) as unknown as [number, number];
      tf.dispose([totals, ...lossParts, ...hitParts]);
      lossParts.length = 0;
      hitParts.length = 0;
      const log: EpochLog = {
        epoch,
        loss: lossSum / n,
        trainAccuracy: correct / n,
        learningRate: epochLr,
      };
      if (validation)
        log.validationAccuracy = await accuracyOf(model, validation.x, validation.y, nf);
      history.push(log);
      options.onEpochEnd?.(log);
    }
    return {
      classifier: await classifierFromModel(model, {
        labels: labels.join(""),
        features,
        activation,
      }),
      history,
    };
  } finally {
    tf.dispose([...lossParts, ...hitParts]);
    opt.dispose();
    model.dispose();
  }
}

async function accuracyOf(
  model: ReturnType<typeof createPlateMlp>,
  x: Float32Array,
  y: ArrayLike<number>,
  nf: number,
): Promise<number> {
  const n = y.length;
  if (n === 0) return Number.NaN;
  const pred = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(x, [n, nf])) as tf.Tensor, 1));
  const p = await pred.data();
  pred.dispose();
  let c = 0;
  for (let i = 0; i < n; i++) if (p[i] === y[i]) c++;
  return c / n;
}
