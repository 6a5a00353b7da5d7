import type { PlatesTrainData } from "../experiments/plates.js";
import {
  accuracyPerEpochChart,
  epochLineChart,
  learningRateChart,
  newReport,
  pct,
  type RunInfo,
  unseenConfusionChart,
} from "./blocks.js";
import type { Report } from "./report.js";

/** The `plates train` report: loss, accuracy and learning rate, then the unseen fonts. */
export function platesReport(data: PlatesTrainData, run: RunInfo): Report {
  const { config } = data;
  const report = newReport(
    `trainkit plates train ${data.kind}`,
    run,
    `${config.n} training rows from ${data.trainFonts} fonts; ${config.epochs} epochs`,
  );
  trainingSection(report, data);
  report
    .section("Unseen fonts")
    .text(
      `Accuracy on ${data.unseenRows} characters in fonts never used in training: ${pct(data.unseenFontAccuracy)}.`,
    )
    .chart(unseenConfusionChart(data));
  return report;
}

function trainingSection(report: Report, data: PlatesTrainData): void {
  report
    .section("Training")
    .chart(
      epochLineChart({
        id: "loss",
        title: "Training loss per epoch",
        data: data.epochs.map((e) => ({ epoch: e.epoch, loss: e.loss })),
        y: { field: "loss", log: true },
        caption: data.resumedFrom
          ? "This run resumed from a checkpoint: earlier epochs are not shown."
          : "",
      }),
    )
    .chart(accuracyPerEpochChart(data.epochs, { training: "training", validation: "validation" }))
    .chart(
      learningRateChart({
        title: "Learning rate per update",
        data: data.learningRates.map((l) => ({ step: l.step, lr: l.lr })),
      }),
    );
}
