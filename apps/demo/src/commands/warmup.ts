import type { Context } from "../context.js";
import { type WarmupData, warmupExperiment, warmupOptions } from "../experiments/warmup.js";
import { warmupReport } from "../report/warmup-report.js";
import { type CommandResult, pct, pick, runTableCommand } from "./common.js";

const FIELDS = ["peakLearningRate", "warmupSteps", "runs"] as const;

export type WarmupResult = CommandResult<
  "warmup",
  { train: number; test: number } & Pick<WarmupData, (typeof FIELDS)[number]>
>;

/** `trainkit warmup`: the demo CNN at a high learning rate with and without warm-ups. */
export function runWarmup(ctx: Context): Promise<WarmupResult> {
  return runTableCommand(ctx, warmupOptions, warmupExperiment, {
    headline: (o) =>
      `Warm-up: the demo CNN on ${o.trainSize} bar images at Adam ${o.peakLearningRate} (100x the usual 1e-3), ${o.epochs} epochs of ${Math.ceil(o.trainSize / o.batchSize)} updates, batch ${o.batchSize}`,
    columns: [
      ["run", 24],
      ["loss, epoch 1", 13],
      ["last epoch", 13],
      ["test accuracy", 16],
    ],
    rows: (data) =>
      data.runs.map((r) => [
        r.name,
        r.firstEpochLoss.toFixed(4),
        r.finalLoss.toFixed(4),
        pct(r.testAccuracy),
      ]),
    command: "warmup",
    report: warmupReport,
    fields: (data) => ({ train: data.trainSize, test: data.testSize, ...pick(data, FIELDS) }),
  });
}
