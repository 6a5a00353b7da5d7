import type { SplitData } from "../experiments/split.js";
import { newReport, pct, percentBarChart, type RunInfo } from "./blocks.js";
import { confusionMatrixChart } from "./charts.js";
import { grayPngDataUri } from "./png.js";
import type { Report } from "./report.js";

/** The `split` report: accuracy per way of splitting, confusion matrices, samples, the guard. */
export function splitReport(data: SplitData, run: RunInfo): Report {
  const report = newReport(
    "trainkit split: split X and y together",
    run,
    `${data.samples} bar images, test size ${data.testSize}, a softmax classifier trained ${data.epochs} epochs per way`,
  );
  accuracySection(report, data);
  const confusion = report.section("Confusion matrices");
  for (const m of data.confusion.slice(0, 2)) {
    confusion.chart(
      confusionMatrixChart({
        id: `confusion-${m.name.replace(/[^a-z]+/g, "-")}`,
        title: `Split ${m.name}: predictions on new images`,
        labels: Array.from({ length: 10 }, (_, i) => String(i)),
        matrix: m.matrix,
      }),
    );
  }
  const samples = report
    .section("Sample images")
    .text(
      "Class = the bar's position (0-4 horizontal, 5-9 vertical). Caption: label → prediction.",
    );
  for (const { name, images } of data.examples) {
    samples.images(
      images.map((e) => ({
        src: grayPngDataUri(e.pixels, 28, 28),
        caption: `${e.label} → ${e.predicted}`,
        ok: e.predicted === e.label,
        width: 56,
      })),
      `Split ${name}:`,
    );
  }
  report
    .section("The guard")
    .text(
      "Arrays of different lengths cannot be split together; the error explains the misalignment:",
    )
    .pre(data.lengthMismatchError);
  return report;
}

function accuracySection(report: Report, data: SplitData): void {
  report
    .section("Test accuracy")
    .text(
      "Splitting the images and the labels in separate calls shuffles each differently: the model learns from images paired with other images' labels, and even its test split is mislabelled. Same data, same model, same epochs; only the split differs.",
    )
    .chart(
      percentBarChart({
        id: "split-accuracy",
        title: "Accuracy by way of splitting",
        data: data.ways.flatMap((w) => [
          { way: w.name, measure: "own test split", accuracy: w.testAccuracy },
          { way: w.name, measure: "new, correctly labelled images", accuracy: w.freshAccuracy },
          {
            way: w.name,
            measure: "training pairs with the right label",
            accuracy: w.trainPairsCorrect,
          },
        ]),
        category: { field: "way" },
        value: { field: "accuracy", title: "share" },
        color: { field: "measure" },
        caption: "Chance is 10% (ten classes).",
      }),
    )
    .table(
      ["way", "how", "training pairs right", "own test split", "new images"],
      data.ways.map((w) => [
        w.name,
        w.how,
        pct(w.trainPairsCorrect),
        pct(w.testAccuracy),
        pct(w.freshAccuracy),
      ]),
    );
}
