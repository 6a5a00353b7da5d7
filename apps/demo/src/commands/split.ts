import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { planSplit, SplitError } from "@trainkit/data-split";
import { gatherIndices, trainTestSplit } from "@trainkit/data-split/tfjs";
import type { Context } from "../context.js";
import { barChart, confusionMatrixChart } from "../report/charts.js";
import { grayPngDataUri } from "../report/png.js";
import { Report, type ReportImage } from "../report/report.js";
import { barImages } from "../synthetic.js";
import { accuracyOf, confusionMatrix, fitWithProgress, predictClasses } from "../train.js";
import { type BackendSummary, backendSummary, pct, reportSubtitle } from "./common.js";

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

export interface SplitResult {
  command: "split";
  backend: BackendSummary;
  samples: number;
  testSize: number;
  ways: SplitWay[];
  /** The error trainTestSplit raises for X and y of different lengths. */
  lengthMismatchError: string;
  report: string;
  seconds: number;
}

/** The class of each one-hot row. */
async function predictLabels(oneHot: tf.Tensor): Promise<Int32Array> {
  const classes = tf.argMax(oneHot, -1);
  try {
    return (await classes.data()) as Int32Array;
  } finally {
    classes.dispose();
  }
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

/**
 * The misalignment lesson: X and y split in two calls are shuffled differently, so images are
 * trained with other images' labels. Together (one call, or one plan) they stay paired.
 */
export async function runSplit(ctx: Context): Promise<SplitResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const n = flags.quick ? 600 : 3000;
  const testSize = 0.25;
  const epochs = flags.epochs ?? (flags.quick ? 3 : 6);
  const seed = flags.seed;
  const data = await barImages(n, seed);
  const fresh = await barImages(flags.quick ? 200 : 1000, seed + 2000);
  const labels = data.labels;
  log();
  log(
    `Split: a softmax classifier on ${n} bar images (10 classes), test size ${testSize}, ${epochs} epochs per way`,
  );

  interface Prepared {
    name: string;
    how: string;
    xTrain: tf.Tensor;
    yTrain: tf.Tensor;
    xTest: tf.Tensor;
    yTest: tf.Tensor;
    pairsCorrect: number;
  }
  const ways: Prepared[] = [];
  {
    const [xTrain, xTest, yTrain, yTest] = trainTestSplit([data.x, data.y], {
      testSize,
      seed,
      stratify: labels,
    });
    ways.push({
      name: "together",
      how: "trainTestSplit([X, y], { testSize, seed, stratify: y })",
      xTrain,
      yTrain,
      xTest,
      yTest,
      pairsCorrect: 1,
    });
  }
  const separately = (
    name: string,
    how: string,
    planX: ReturnType<typeof planSplit>,
    planY: ReturnType<typeof planSplit>,
  ) => {
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

  let lengthMismatchError = "";
  try {
    const short = tf.slice(data.y, 0, n - 1);
    try {
      trainTestSplit([data.x, short], { testSize, seed });
    } finally {
      short.dispose();
    }
  } catch (error) {
    if (!(error instanceof SplitError)) throw error;
    lengthMismatchError = `${error.code}: ${error.message}`;
  }

  const results: SplitWay[] = [];
  const matrices: { name: string; matrix: number[][] }[] = [];
  const samples: ReportImage[][] = [];
  for (const way of ways) {
    log(`- ${way.name}: ${pct(way.pairsCorrect)} of training images keep their own label`);
    const model = classifier(seed);
    await fitWithProgress(model, way.xTrain, way.yTrain, {
      epochs,
      batchSize: 64,
      out: ctx.out,
      label: way.name,
      shuffle: false,
    });
    const testLabels = await predictLabels(way.yTest);
    const predicted = await predictClasses(model, way.xTest);
    const freshPredicted = await predictClasses(model, fresh.x);
    const r: SplitWay = {
      name: way.name,
      how: way.how,
      trainPairsCorrect: way.pairsCorrect,
      testAccuracy: accuracyOf(predicted, testLabels),
      freshAccuracy: accuracyOf(freshPredicted, fresh.labels),
    };
    log(
      `  accuracy on its test split ${pct(r.testAccuracy)}, on new correctly labelled images ${pct(r.freshAccuracy)}`,
    );
    results.push(r);
    matrices.push({ name: way.name, matrix: confusionMatrix(freshPredicted, fresh.labels, 10) });
    if (samples.length < 2) {
      const pixels = (await fresh.x.data()) as Float32Array;
      samples.push(
        Array.from({ length: 8 }, (_, i) => ({
          src: grayPngDataUri(pixels.subarray(i * 784, (i + 1) * 784), 28, 28),
          caption: `${fresh.labels[i]} → ${freshPredicted[i]}`,
          ok: freshPredicted[i] === fresh.labels[i],
          width: 56,
        })),
      );
    }
    model.optimizer.dispose(); // passed to compile, so not owned (disposed) by the model
    model.dispose();
    tf.dispose([way.xTrain, way.yTrain, way.xTest, way.yTest]);
  }
  tf.dispose([data.x, data.y, fresh.x, fresh.y]);

  const report = new Report("trainkit split: split X and y together", [
    ...reportSubtitle(ctx),
    `${n} bar images, test size ${testSize}, a softmax classifier trained ${epochs} epochs per way`,
  ]);
  report
    .section("Test accuracy")
    .text(
      "Splitting the images and the labels in separate calls shuffles each differently: the model learns from images paired with other images' labels, and even its test split is mislabelled. Same data, same model, same epochs; only the split differs.",
    )
    .chart(
      barChart({
        id: "split-accuracy",
        title: "Accuracy by way of splitting",
        data: results.flatMap((r) => [
          {
            way: r.name,
            measure: "own test split",
            accuracy: r.testAccuracy,
            text: pct(r.testAccuracy),
          },
          {
            way: r.name,
            measure: "new, correctly labelled images",
            accuracy: r.freshAccuracy,
            text: pct(r.freshAccuracy),
          },
          {
            way: r.name,
            measure: "training pairs with the right label",
            accuracy: r.trainPairsCorrect,
            text: pct(r.trainPairsCorrect),
          },
        ]),
        category: { field: "way" },
        value: { field: "accuracy", title: "share", format: ".0%" },
        color: { field: "measure" },
        label: "text",
        caption: "Chance is 10% (ten classes).",
      }),
    )
    .table(
      ["way", "how", "training pairs right", "own test split", "new images"],
      results.map((r) => [
        r.name,
        r.how,
        pct(r.trainPairsCorrect),
        pct(r.testAccuracy),
        pct(r.freshAccuracy),
      ]),
    );
  const cm = report.section("Confusion matrices");
  for (const m of matrices.slice(0, 2)) {
    cm.chart(
      confusionMatrixChart({
        id: `confusion-${m.name.replace(/[^a-z]+/g, "-")}`,
        title: `Split ${m.name}: predictions on new images`,
        labels: Array.from({ length: 10 }, (_, i) => String(i)),
        matrix: m.matrix,
      }),
    );
  }
  const sampleSection = report
    .section("Sample images")
    .text(
      "Class = the bar's position (0-4 horizontal, 5-9 vertical). Caption: label → prediction.",
    );
  samples.forEach((items, i) => {
    sampleSection.images(items, `Split ${results[i]?.name}:`);
  });
  report
    .section("The guard")
    .text(
      "Arrays of different lengths cannot be split together; the error explains the misalignment:",
    )
    .pre(lengthMismatchError);
  const reportPath = await report.write(flags.out);

  const seconds = (performance.now() - started) / 1000;
  log();
  log("way                                  pairs right   own test split   new images");
  for (const r of results) {
    log(
      `${r.name.padEnd(37)}${pct(r.trainPairsCorrect).padStart(11)}${pct(r.testAccuracy).padStart(17)}${pct(r.freshAccuracy).padStart(13)}`,
    );
  }
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "split",
    backend: backendSummary(ctx),
    samples: n,
    testSize,
    ways: results,
    lengthMismatchError,
    report: reportPath,
    seconds,
  };
}
