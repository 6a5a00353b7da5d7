import type { Context } from "../context.js";
import {
  BATCHING_LABELS,
  type BatchingData,
  batchingExperiment,
  batchingOptions,
} from "../experiments/batching.js";
import { batchingReport } from "../report/batching-report.js";
import { type CommandResult, pct, pick, runTableCommand } from "./common.js";

const FIELDS = ["images", "epochs", "batchSize", "runs", "speedup", "lossRatio", "losses"] as const;

export type BatchingResult = CommandResult<"batching", Pick<BatchingData, (typeof FIELDS)[number]>>;

/**
 * `trainkit batching`: variable-size images three ways (batch size 1, random padded batches,
 * aspect-ratio-grouped padded batches) with a masked loss; the report and a summary table.
 */
export function runBatching(ctx: Context): Promise<BatchingResult> {
  return runTableCommand(ctx, batchingOptions, batchingExperiment, {
    headline: (o) =>
      `Batching: a masked fully-convolutional denoiser on ${o.count} synthetic images of seven aspect ratios (shorter side ${o.minSide}-${o.maxSide} px), ${o.epochs} epochs each way`,
    columns: [
      ["way", 30],
      ["images/s", 9],
      ["x batch 1", 12],
      ["padding", 10],
      ["final loss", 13],
    ],
    rows: (data) =>
      data.runs.map((r) => [
        BATCHING_LABELS[r.mode],
        r.imagesPerSecond.toFixed(1),
        `${(data.speedup[r.mode] ?? 1).toFixed(2)}x`,
        pct(r.paddingWaste),
        r.finalLoss.toFixed(5),
      ]),
    command: "batching",
    report: batchingReport,
    fields: (data) => pick(data, FIELDS),
  });
}
