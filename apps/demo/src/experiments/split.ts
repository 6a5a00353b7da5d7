import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { planSplit, SplitError } from "@trainkit/data-split";
import { gatherIndices, trainTestSplit } from "@trainkit/data-split/tfjs";
import { barImages } from "../synthetic.js";
import {
  accuracyOf,
  argMaxRows,
  confusionMatrix,
  fitWithProgress,
  predictClasses,
} from "../train.js";
import { type ExperimentFlags, type Progress, pct, SILENT } from "./common.js";

export interface SplitOptions {
  /** Bar images to split, and new correctly labelled ones to check the models on. */
  samples: number;
  freshSamples: number;
  testSize: number;
  /** Epochs of training per way of splitting. */
  epochs: number;
  seed: number;
  progress?: Progress;
}

export interface SplitWay {
  name: string;
  how: string;
  /** Share of training rows whose label is the label of their image. */
  trainPairsCorrect: number;
  /** Accuracy on the way's own test split (what its user would see). */
  testAccuracy: number;
  /** Accuracy on a separately generated, correctly labelled set. */
  freshAccuracy: number;
}

/** A new image, its label and what one way's model predicted. */
export interface SplitExample {
  /** 28x28 pixels, row-major. */
  pixels: Float32Array;
  label: number;
  predicted: number;
}

export interface SplitData {
  samples: number;
  testSize: number;
  epochs: number;
  ways: SplitWay[];
  /** Per way: predictions on the new images against their labels. */
  confusion: { name: string; matrix: number[][] }[];
  /** The first eight new images as the first two ways predicted them. */
  examples: { name: string; images: SplitExample[] }[];
  /** The error trainTestSplit raises for X and y of different lengths. */
  lengthMismatchError: string;
}

/** The `split` command's settings for the flags. */
export function splitOptions(flags: ExperimentFlags): SplitOptions {
  return {
    samples: flags.quick ? 600 : 3000,
    freshSamples: flags.quick ? 200 : 1000,
    testSize: 0.25,
    epochs: flags.epochs ?? (flags.quick ? 3 : 6),
    seed: flags.seed,
  };
}

interface PreparedWay {
  name: string;
  how: string;
  xTrain: tf.Tensor;
  yTrain: tf.Tensor;
  xTest: tf.Tensor;
  yTest: tf.Tensor;
  pairsCorrect: number;
}

type BarImages = Awaited<ReturnType<typeof barImages>>;

/**
 * The misalignment lesson: X and y split in two calls are shuffled differently, so images are
 * trained with other images' labels. Together (one call, or one plan) they stay paired. The
 * same softmax classifier trains on each way's split; every tensor is disposed.
 */
export async function splitExperiment(options: SplitOptions): Promise<SplitData> {
  const { log } = options.progress ?? SILENT;
  const { samples: n, testSize, seed } = options;
  const data = await barImages(n, seed);
  const fresh = await barImages(options.freshSamples, seed + 2000);
  const result: SplitData = {
    samples: n,
    testSize,
    epochs: options.epochs,
    ways: [],
    confusion: [],
    examples: [],
    lengthMismatchError: lengthMismatchError(data, testSize, seed),
  };
  try {
    for (const way of prepareWays(data, testSize, seed)) {
      log(`- ${way.name}: ${pct(way.pairsCorrect)} of training images keep their own label`);
      const predicted = await trainWay(way, fresh, options, result.ways);
      const last = result.ways.at(-1) as SplitWay;
      log(
        `  accuracy on its test split ${pct(last.testAccuracy)}, on new correctly labelled images ${pct(last.freshAccuracy)}`,
      );
      result.confusion.push({
        name: way.name,
        matrix: confusionMatrix(predicted, fresh.labels, 10),
      });
      if (result.examples.length < 2) {
        result.examples.push({ name: way.name, images: await examples(fresh, predicted) });
      }
    }
  } finally {
    tf.dispose([data.x, data.y, fresh.x, fresh.y]);
  }
  return result;
}

/** The four ways: together, two seeds, stratified in one call only, one plan for both. */
function prepareWays(data: BarImages, testSize: number, seed: number): PreparedWay[] {
  const n = data.labels.length;
  const labels = data.labels;
  const [xTrain, xTest, yTrain, yTest] = trainTestSplit([data.x, data.y], {
    testSize,
    seed,
    stratify: labels,
  });
  const ways: PreparedWay[] = [
    {
      name: "together",
      how: "trainTestSplit([X, y], { testSize, seed, stratify: y })",
      xTrain,
      yTrain,
      xTest,
      yTest,
      pairsCorrect: 1,
    },
  ];
  const separately = (name: string, how: string, planX: SplitPlan, planY: SplitPlan) => {
    let same = 0;
    for (let i = 0; i < planX.train.length; i++) {
      if (labels[planX.train[i] as number] === labels[planY.train[i] as number]) same++;
    }
    ways.push({
      name,
      how,
      xTrain: gatherIndices(data.x, planX.train),
      xTest: gatherIndices(data.x, planX.test),
      yTrain: gatherIndices(data.y, planY.train),
      yTest: gatherIndices(data.y, planY.test),
      pairsCorrect: same / planX.train.length,
    });
  };
  // Two calls without a fixed seed draw two seeds: here seed and seed + 1.
  separately(
    "separately, two seeds",
    "trainTestSplit([X], { seed: s1 }) then trainTestSplit([y], { seed: s2 })",
    planSplit(n, { testSize, seed }),
    planSplit(n, { testSize, seed: seed + 1 }),
  );
  separately(
    "separately, same seed, y stratified",
    "same seed in both calls, but stratify only on the y call: a different draw",
    planSplit(n, { testSize, seed }),
    planSplit(n, { testSize, seed, stratify: labels }),
  );
  const plan = planSplit(n, { testSize, seed });
  separately(
    "one plan for both",
    "plan = planSplit(n, { testSize, seed }), then plan.apply(X) and plan.apply(y)",
    plan,
    plan,
  );
  return ways;
}

type SplitPlan = ReturnType<typeof planSplit>;

/** What trainTestSplit says to X and y of different lengths (`CODE: message`). */
function lengthMismatchError(data: BarImages, testSize: number, seed: number): string {
  const short = tf.slice(data.y, 0, data.labels.length - 1);
  try {
    trainTestSplit([data.x, short], { testSize, seed });
  } catch (error) {
    if (!(error instanceof SplitError)) throw error;
    return `${error.code}: ${error.message}`;
  } finally {
    short.dispose();
  }
  return "";
}

function classifier(seed: number): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.flatten({ inputShape: [28, 28, 1] }),
      tfl.layers.dense({
        units: 10,
        activation: "softmax",
        kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      }),
    ],
  });
  model.compile({
    optimizer: tf.train.adam(0.01),
    loss: "categoricalCrossentropy",
    metrics: ["accuracy"],
  });
  return model;
}

/** Trains a fresh classifier on the way's split, adds its scores; its predictions on `fresh`. */
async function trainWay(
  way: PreparedWay,
  fresh: BarImages,
  options: SplitOptions,
  ways: SplitWay[],
): Promise<Int32Array> {
  const model = classifier(options.seed);
  try {
    await fitWithProgress(model, way.xTrain, way.yTrain, {
      epochs: options.epochs,
      batchSize: 64,
      out: (options.progress ?? SILENT).out,
      label: way.name,
      shuffle: false,
    });
    const testLabels = await argMaxRows(way.yTest);
    const predicted = await predictClasses(model, way.xTest);
    const freshPredicted = await predictClasses(model, fresh.x);
    ways.push({
      name: way.name,
      how: way.how,
      trainPairsCorrect: way.pairsCorrect,
      testAccuracy: accuracyOf(predicted, testLabels),
      freshAccuracy: accuracyOf(freshPredicted, fresh.labels),
    });
    return freshPredicted;
  } finally {
    model.optimizer.dispose(); // passed to compile, so not owned (disposed) by the model
    model.dispose();
    tf.dispose([way.xTrain, way.yTrain, way.xTest, way.yTest]);
  }
}

async function examples(fresh: BarImages, predicted: Int32Array): Promise<SplitExample[]> {
  const pixels = (await fresh.x.data()) as Float32Array;
  return Array.from({ length: 8 }, (_, i) => ({
    pixels: pixels.slice(i * 784, (i + 1) * 784),
    label: fresh.labels[i] as number,
    predicted: predicted[i] as number,
  }));
}
