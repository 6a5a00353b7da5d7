import type { WarmupData, WarmupRun } from "../experiments/warmup.js";
import {
  epochLineChart,
  newReport,
  pct,
  percentBarChart,
  type RunInfo,
  updateLineChart,
} from "./blocks.js";
import { type Chart, lineChart } from "./charts.js";
import type { Report } from "./report.js";

/** The `warmup` report: losses, schedules and accuracy of the five ways. */
export function warmupReport(data: WarmupData, run: RunInfo): Report {
  const report = newReport(
    "trainkit warmup: warm-up at a high learning rate",
    run,
    `${data.trainSize} training and ${data.testSize} test images (10 classes of bars), Adam peak ${data.peakLearningRate}, batch ${data.batchSize}, ${data.epochs} epochs`,
  );
  learningRateSection(report, data);
  otherWarmupsSection(report, data);
  accuracySection(report, data);
  return report;
}

/** A moving average over `k` updates, for readable per-update loss curves. */
function smooth(values: number[], k: number): number[] {
  const out: number[] = [];
  let sum = 0;
  for (let i = 0; i < values.length; i++) {
    sum += values[i] as number;
    if (i >= k) sum -= values[i - k] as number;
    out.push(sum / Math.min(i + 1, k));
  }
  return out;
}

/** Per-update loss rows (moving average of 4) of the runs, with the images seen so far. */
function lossRows(runs: WarmupRun[]) {
  return runs.flatMap((r) => {
    const loss = smooth(
      r.batches.map((b) => b.loss),
      4,
    );
    let seen = 0;
    return r.batches.map((b, i) => {
      seen += b.size;
      return { run: r.name, step: b.step, samples: seen, loss: loss[i] as number };
    });
  });
}

/** The x axes of the loss charts: optimizer updates, or images seen so far. */
const LOSS_X = {
  step: { field: "step", title: "update" },
  samples: { field: "samples", title: "images seen" },
};

/** The smoothed training loss of `runs` (log scale), a line per run. */
function lossChart(id: string, title: string, runs: WarmupRun[], x: keyof typeof LOSS_X): Chart {
  return lineChart({
    id,
    title,
    data: lossRows(runs),
    x: LOSS_X[x],
    y: { field: "loss", title: "loss", log: true },
    color: { field: "run" },
  });
}

function learningRateSection(report: Report, data: WarmupData): void {
  const { peakLearningRate: peak, warmupSteps } = data;
  const runs = data.runs.filter((r) => r.kind === "none" || r.kind === "learning-rate");
  report
    .section("Learning-rate warm-up")
    .text(
      `Adam at ${peak} from the first update takes steps of about ${peak} per weight while its moment estimates still come from a handful of gradients: the softmax saturates and the loss can stick near 14 (accuracy at chance). A linear warm-up over ${warmupSteps} updates starts at 5% of the rate and reaches the peak once the estimates are reliable. Whether the run without warm-up survives depends on the seed; try a few with --seed.`,
    )
    .chart(lossChart("warmup-loss", "Training loss per update (moving average of 4)", runs, "step"))
    .chart(
      updateLineChart({
        id: "lr-schedule",
        title: "Learning rate per update",
        data: runs.flatMap((r) => r.batches.map((b) => ({ run: r.name, step: b.step, lr: b.lr }))),
        y: { field: "lr", title: "learning rate" },
        color: { field: "run" },
        caption: "Read from the optimizer before each update (LearningRateScheduler sets it).",
      }),
    );
}

function otherWarmupsSection(report: Report, data: WarmupData): void {
  const batchRun = data.runs.find((r) => r.kind === "batch-size");
  report
    .section("Other warm-ups")
    .text(
      "Each run starts from the same initial weights and sees the same images in the same order at the same constant learning rate; only the warm-up differs.",
    )
    .chart(
      lossChart(
        "all-warmups-loss",
        "Training loss, every run (moving average of 4 updates)",
        data.runs,
        "samples",
      ),
    )
    .chart(
      updateLineChart({
        id: "batch-size-ramp",
        title: "Batch size per update (batch-size warm-up)",
        data: (batchRun?.batches ?? []).map((b) => ({ step: b.step, size: b.size })),
        y: { field: "size", title: "batch size" },
      }),
    )
    .chart(
      updateLineChart({
        id: "loss-weight-ramp",
        title: "Confidence-penalty weight per update (loss warm-up)",
        data: data.lossWeights.map((a) => ({ step: a.step, weight: a.value })),
        y: { field: "weight", title: "weight" },
      }),
    );
}

function accuracySection(report: Report, data: WarmupData): void {
  report
    .section("Accuracy")
    .chart(
      epochLineChart({
        id: "train-accuracy",
        title: "Training accuracy per epoch",
        data: data.runs.flatMap((r) =>
          r.epochs.map((e) => ({ run: r.name, epoch: e.epoch, accuracy: e.accuracy ?? null })),
        ),
        y: { field: "accuracy", format: ".0%" },
        color: { field: "run" },
      }),
    )
    .chart(
      percentBarChart({
        id: "test-accuracy",
        title: `Test accuracy on ${data.testSize} new images`,
        data: data.runs.map((r) => ({ run: r.name, accuracy: r.testAccuracy })),
        category: { field: "run" },
        value: { field: "accuracy" },
      }),
    )
    .table(
      ["run", "warm-up", "loss, epoch 1", "loss, last epoch", "test accuracy", "seconds"],
      data.runs.map((r) => [
        r.name,
        r.what,
        r.firstEpochLoss.toFixed(4),
        r.finalLoss.toFixed(4),
        pct(r.testAccuracy),
        r.seconds.toFixed(1),
      ]),
    );
}
