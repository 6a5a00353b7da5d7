import type { Context } from "../context.js";
import { type SplitData, splitExperiment, splitOptions } from "../experiments/split.js";
import { splitReport } from "../report/split-report.js";
import { type CommandResult, pct, pick, runTableCommand } from "./common.js";

const FIELDS = ["samples", "testSize", "ways", "lengthMismatchError"] as const;

export type SplitResult = CommandResult<"split", Pick<SplitData, (typeof FIELDS)[number]>>;

/** `trainkit split`: test accuracy when X and y are split separately vs together. */
export function runSplit(ctx: Context): Promise<SplitResult> {
  return runTableCommand(ctx, splitOptions, splitExperiment, {
    headline: (o) =>
      `Split: a softmax classifier on ${o.samples} bar images (10 classes), test size ${o.testSize}, ${o.epochs} epochs per way`,
    columns: [
      ["way", 37],
      ["pairs right", 11],
      ["own test split", 17],
      ["new images", 13],
    ],
    rows: (data) =>
      data.ways.map((w) => [
        w.name,
        pct(w.trainPairsCorrect),
        pct(w.testAccuracy),
        pct(w.freshAccuracy),
      ]),
    command: "split",
    report: splitReport,
    fields: (data) => pick(data, FIELDS),
  });
}
