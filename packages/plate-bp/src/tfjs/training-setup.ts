import { trainTestSplit } from "@trainkit/data-split";
import { cosineScheduleWithWarmup } from "@trainkit/schedulers";
import { PlateBpError } from "../errors.js";
import { type FeatureKind, featureLength } from "../extract-features.js";
import type { HiddenActivation } from "../plate-classifier.js";
import type { TrainPlateModelOptions } from "./train-plate-model.js";

/** The options of one `trainPlateModel` call, checked, with every default filled in. */
export interface TrainingSetup {
  x: Float32Array;
  y: ArrayLike<number>;
  validation: { x: Float32Array; y: ArrayLike<number> } | undefined;
  /** Training rows. */
  n: number;
  /** Features per row. */
  nf: number;
  /** Classes. */
  k: number;
  labels: string;
  features: FeatureKind;
  activation: HiddenActivation;
  hiddenUnits: number;
  epochs: number;
  batchSize: number;
  batchesPerEpoch: number;
  seed: number;
  /** The learning rate of each update, by the update's index. */
  schedule: (update: number) => number;
  /** What must match between a checkpoint and the run that resumes from it. */
  fingerprint: Record<string, string | number>;
}

export function fail(msg: string): never {
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

/** The training rows and the held-out rows: as given, or split off with `validationSplit`. */
function trainingRows(
  options: TrainPlateModelOptions,
  nf: number,
  k: number,
): Pick<TrainingSetup, "x" | "y" | "validation"> {
  checkRows("", options.x, options.y, nf, k);
  if (options.y.length === 0) fail("no training rows");
  const validation = options.validation;
  if (validation) checkRows("validation.", validation.x, validation.y, nf, k);
  const f = options.validationSplit;
  if (f === undefined) return { x: options.x, y: options.y, validation };
  if (validation) fail("give validation or validationSplit, not both");
  if (!(f > 0 && f < 1)) fail(`validationSplit must be a fraction in (0, 1), got ${f}`);
  const labels32 = Int32Array.from(options.y);
  const [xTr, xVa, yTr, yVa] = trainTestSplit(
    [{ data: options.x, shape: [labels32.length, nf] }, labels32],
    { testSize: f, seed: options.seed ?? 0, stratify: labels32 },
  );
  return { x: xTr.data, y: yTr, validation: { x: xVa.data, y: yVa } };
}

type ScheduleParts = Pick<TrainingSetup, "schedule" | "fingerprint">;

/** `options.schedule`, or the default: linear warm-up then cosine decay to 0. */
function learningRates(
  options: TrainPlateModelOptions,
  epochs: number,
  batchesPerEpoch: number,
): ScheduleParts {
  const given = options.schedule;
  if (given !== undefined) {
    if (typeof given !== "function") {
      fail(
        `schedule must be a function of the update index (e.g. a @trainkit/schedulers schedule), got ${typeof given}`,
      );
    }
    if (options.learningRate !== undefined || options.warmupEpochs !== undefined) {
      fail("give schedule or learningRate/warmupEpochs, not both (the schedule sets every rate)");
    }
    const json = (given as { toJSON?: () => unknown }).toJSON?.();
    return { schedule: given, fingerprint: { schedule: JSON.stringify(json ?? null) } };
  }
  const lr = options.learningRate ?? 0.01;
  const warmupEpochs = options.warmupEpochs ?? 1;
  if (!(lr > 0)) fail(`learningRate must be > 0, got ${lr}`);
  if (!(warmupEpochs >= 0 && warmupEpochs < epochs))
    fail(`warmupEpochs must be in [0, epochs), got ${warmupEpochs}`);
  const schedule = cosineScheduleWithWarmup({
    lr,
    numWarmupSteps: Math.round(warmupEpochs * batchesPerEpoch),
    numTrainingSteps: epochs * batchesPerEpoch,
  });
  return { schedule, fingerprint: { learningRate: lr, warmupEpochs } };
}

/** Checks every option of `trainPlateModel` and fills in the defaults. */
export function resolveTraining(options: TrainPlateModelOptions): TrainingSetup {
  const features = options.features ?? "grid5x5";
  const nf = featureLength(features);
  const labelList = [...(options.labels ?? "")];
  const k = labelList.length;
  if (k < 2 || new Set(labelList).size !== k)
    fail(`labels must be at least 2 distinct characters, got ${JSON.stringify(options.labels)}`);
  const rows = trainingRows(options, nf, k);
  const epochs = options.epochs ?? 30;
  const batchSize = options.batchSize ?? 128;
  if (!Number.isInteger(epochs) || epochs < 1)
    fail(`epochs must be a positive integer, got ${epochs}`);
  if (!Number.isInteger(batchSize) || batchSize < 1)
    fail(`batchSize must be a positive integer, got ${batchSize}`);
  const n = rows.y.length;
  const batchesPerEpoch = Math.ceil(n / batchSize);
  const { schedule, fingerprint } = learningRates(options, epochs, batchesPerEpoch);
  const setup = {
    ...rows,
    n,
    nf,
    k,
    labels: labelList.join(""),
    features,
    activation: options.activation ?? "tanh",
    hiddenUnits: options.hiddenUnits ?? 32,
    epochs,
    batchSize,
    batchesPerEpoch,
    seed: options.seed ?? 0,
    schedule,
  };
  return {
    ...setup,
    fingerprint: {
      rows: n,
      features,
      labels: setup.labels,
      hiddenUnits: setup.hiddenUnits,
      activation: setup.activation,
      epochs,
      batchSize,
      seed: setup.seed,
      ...fingerprint,
    },
  };
}
