import { pct } from "../experiments/common.js";
import {
  barChart,
  type Chart,
  confusionMatrixChart,
  type FieldSpec,
  lineChart,
  type Row,
} from "./charts.js";
import { Report } from "./report.js";

/**
 * The blocks the reports share: their header, percentage bars, and per-epoch and per-update
 * line charts.
 */

export { pct };

/** What a report's header says about the run. */
export interface RunInfo {
  /** The backend's label, e.g. `wasm (CPU)` or `tensorflow-cpu (CPU, TensorFlow 2.21.0, ...)`. */
  backend: string;
  seed: number;
  quick: boolean;
}

/** The header lines of every report: backend, seed, date. */
export function runSubtitle(run: RunInfo): string[] {
  return [
    `backend: ${run.backend}, seed ${run.seed}${run.quick ? ", --quick" : ""}`,
    `written ${new Date().toISOString().replace("T", " ").slice(0, 19)} UTC by trainkit`,
  ];
}

/** A report with the run's header and one line about what this command did. */
export function newReport(title: string, run: RunInfo, about: string): Report {
  return new Report(title, [...runSubtitle(run), about]);
}

/**
 * Bars of a share (0..1) per category, the percentage printed at the end of each bar
 * (from {@link pct}); the value axis in percent unless `value.format` says otherwise.
 */
export function percentBarChart(
  options: Omit<Parameters<typeof barChart>[0], "label" | "stacked" | "width">,
): Chart {
  const { value } = options;
  return barChart({
    ...options,
    data: options.data.map((row) => ({ ...row, text: pct(row[value.field] as number) })),
    value: { format: ".0%", ...value },
    label: "text",
  });
}

type LineOptions = Parameters<typeof lineChart>[0];

/** A line per `color` over the epochs (whole-number ticks), with points unless told not to. */
export function epochLineChart(options: Omit<LineOptions, "x">): Chart {
  return lineChart({ points: true, ...options, x: { field: "epoch", integer: true } });
}

/** A line per `color` over the optimizer updates (the `step` field). */
export function updateLineChart(options: Omit<LineOptions, "x">): Chart {
  return lineChart({ ...options, x: { field: "step", title: "update" } });
}

/** An epoch's accuracy on the training rows and, when measured, on the validation rows. */
export interface EpochAccuracy {
  epoch: number;
  trainAccuracy: number;
  valAccuracy?: number | null;
}

/** Training and validation accuracy per epoch, a line each, named `names`. */
export function accuracyPerEpochChart(
  epochs: EpochAccuracy[],
  names: { training: string; validation: string },
): Chart {
  return epochLineChart({
    id: "accuracy",
    title: "Accuracy per epoch",
    data: epochs.flatMap((e) => [
      { set: names.training, epoch: e.epoch, accuracy: e.trainAccuracy },
      { set: names.validation, epoch: e.epoch, accuracy: e.valAccuracy ?? null },
    ]),
    y: { field: "accuracy", format: ".0%" },
    color: { field: "set" },
  });
}

/** The learning rate per update (rows with `step` and `lr`). */
export function learningRateChart(options: {
  title: string;
  data: Row[];
  color?: FieldSpec;
  caption?: string;
}): Chart {
  return updateLineChart({
    id: "learning-rate",
    ...options,
    y: { field: "lr", title: "learning rate" },
  });
}

/** The confusion matrix of the characters in the unseen fonts. */
export function unseenConfusionChart(data: { charset: string; confusion: number[][] }): Chart {
  return confusionMatrixChart({
    id: "confusion",
    title: "Confusion matrix, unseen fonts",
    labels: [...data.charset],
    matrix: data.confusion,
  });
}
