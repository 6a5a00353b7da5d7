import {
  AspectRatioGroupedSampler,
  epochPaddingReport,
  padBatch,
  RandomBatchSampler,
  syntheticShapes,
} from "@trainkit/batching";
import { type DemoMode, type DemoRun, runBatchingDemo } from "@trainkit/batching/tfjs";
import type { Context } from "../context.js";
import { ProgressBar } from "../progress.js";
import { barChart, lineChart } from "../report/charts.js";
import { grayPngDataUri } from "../report/png.js";
import { Report, type ReportImage } from "../report/report.js";
import { type BackendSummary, backendSummary, pct, reportSubtitle } from "./common.js";

export interface BatchingResult {
  command: "batching";
  backend: BackendSummary;
  images: number;
  epochs: number;
  batchSize: number;
  runs: DemoRun[];
  speedup: Partial<Record<DemoMode, number>>;
  lossRatio: Partial<Record<DemoMode, number>>;
  losses: { mode: DemoMode; epoch: number; loss: number }[];
  report: string;
  seconds: number;
}

const LABELS: Record<DemoMode, string> = {
  "batch-size-1": "batch size 1",
  "random-padded": "random padded batches",
  "grouped-padded": "aspect-ratio grouped batches",
};

/** The padded canvases of one batch as images: real pixels bright, padding black. */
function paddedCanvases(
  data: ReturnType<typeof syntheticShapes>,
  batch: number[],
  sizeDivisible: number,
  label: string,
): ReportImage[] {
  const padded = padBatch(
    batch.map((i) => data.targets[i] as (typeof data.targets)[number]),
    { sizeDivisible, padValue: -1 },
  );
  const [b, h, w] = padded.batch.shape as [number, number, number, number];
  const out: ReportImage[] = [];
  for (let i = 0; i < b; i++) {
    const pixels = new Uint8Array(h * w);
    for (let p = 0; p < h * w; p++) {
      const v = padded.batch.data[i * h * w + p] as number;
      pixels[p] = v < 0 ? 0 : 90 + Math.round(Math.min(1, Math.max(0, v)) * 165);
    }
    const [ih, iw] = padded.imageSizes[i] as [number, number];
    out.push({
      src: grayPngDataUri(pixels, w, h),
      caption: `${label} #${i + 1}: ${iw}x${ih} in ${w}x${h} (w x h)`,
      width: w * 4,
    });
  }
  return out;
}

/**
 * Variable-size images three ways: batch size 1, random padded batches and aspect-ratio-grouped
 * padded batches (runBatchingDemo of @trainkit/batching), with a masked loss.
 */
export async function runBatching(ctx: Context): Promise<BatchingResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const options = {
    count: flags.quick ? 24 : 96,
    minSide: 12,
    maxSide: 14,
    batchSize: 8,
    sizeDivisible: 4,
    epochs: flags.epochs ?? (flags.quick ? 2 : 20),
    learningRate: 0.003,
    groupFactor: 3,
    channels: 8,
    seed: flags.seed,
  };
  log();
  log(
    `Batching: a masked fully-convolutional denoiser on ${options.count} synthetic images of seven aspect ratios (shorter side ${options.minSide}-${options.maxSide} px), ${options.epochs} epochs each way`,
  );
  const losses: { mode: DemoMode; epoch: number; loss: number }[] = [];
  let bar: ProgressBar | undefined;
  let barMode: DemoMode | undefined;
  const result = await runBatchingDemo({
    ...options,
    onEpoch: ({ mode, epoch, loss }) => {
      if (mode !== barMode) {
        barMode = mode;
        bar = new ProgressBar(ctx.out, LABELS[mode].padEnd(28), options.epochs);
      }
      losses.push({ mode, epoch: epoch + 1, loss });
      const stats = [
        { label: "loss", value: loss.toFixed(5) },
        {
          label: "images/s",
          value: (((epoch + 1) * options.count) / (bar?.elapsed || 1)).toFixed(0),
        },
      ];
      if (epoch + 1 === options.epochs) bar?.finish(stats);
      else bar?.update(epoch + 1, stats);
    },
  });

  // Padding of one epoch for a larger set with photo-like sizes, without training.
  const data = syntheticShapes({
    count: options.count,
    minSide: options.minSide,
    maxSide: options.maxSide,
    seed: options.seed,
  });
  const plan = epochPaddingReport(data.sizes, {
    batchSize: options.batchSize,
    sizeDivisible: options.sizeDivisible,
    groupFactor: options.groupFactor,
    seed: options.seed,
  });
  const randomBatch =
    new RandomBatchSampler(data.sizes.length, { batchSize: 4, seed: options.seed }).batches(0)[0] ??
    [];
  const groupedBatch =
    new AspectRatioGroupedSampler(data.sizes, {
      batchSize: 4,
      groupFactor: options.groupFactor,
      seed: options.seed,
    })
      .batches(0)
      .find((b) => b.length === 4) ?? [];

  const report = new Report("trainkit batching: variable-size images in batches", [
    ...reportSubtitle(ctx),
    `${options.count} images, ${options.epochs} epochs per way, batch ${options.batchSize}, canvases padded to a multiple of ${options.sizeDivisible}`,
  ]);
  report
    .section("Throughput")
    .text(
      "Batch size 1 needs no padding but runs one small step per image. Padding images to the largest in the batch lets many run at once; a per-pixel mask keeps padding out of the loss. Grouping images of similar aspect ratio keeps the padding small.",
    )
    .chart(
      barChart({
        id: "images-per-second",
        title: "Training throughput (images per second)",
        data: result.runs.map((r) => ({
          way: LABELS[r.mode],
          imagesPerSecond: r.imagesPerSecond,
          text: `${r.imagesPerSecond.toFixed(0)} (${(result.speedup[r.mode] ?? 1).toFixed(2)}x)`,
        })),
        category: { field: "way" },
        value: { field: "imagesPerSecond", title: "images/s" },
        label: "text",
      }),
    )
    .chart(
      lineChart({
        id: "batching-loss",
        title: "Training loss per epoch (masked MSE)",
        data: losses.map((l) => ({ way: LABELS[l.mode], epoch: l.epoch, loss: l.loss })),
        x: { field: "epoch", integer: true },
        y: { field: "loss", log: true },
        color: { field: "way" },
        points: options.epochs <= 10,
      }),
    )
    .table(
      [
        "way",
        "batch",
        "steps",
        "images/s",
        "x batch 1",
        "padding waste",
        "final loss",
        "loss / batch 1",
      ],
      result.runs.map((r) => [
        LABELS[r.mode],
        r.batchSize,
        r.steps,
        r.imagesPerSecond.toFixed(1),
        `${(result.speedup[r.mode] ?? 1).toFixed(2)}x`,
        pct(r.paddingWaste),
        r.finalLoss.toFixed(5),
        (result.lossRatio[r.mode] ?? 1).toFixed(3),
      ]),
    );
  report
    .section("Padding waste")
    .chart(
      barChart({
        id: "padding-waste",
        title: "Share of computed pixels that are padding",
        data: [
          ...result.runs.map((r) => ({
            way: LABELS[r.mode],
            source: "measured in training",
            waste: r.paddingWaste,
            text: pct(r.paddingWaste),
          })),
          ...(
            [
              ["batch-size-1", plan.batchSizeOne.waste],
              ["random-padded", plan.random.waste],
              ["grouped-padded", plan.grouped.waste],
            ] as const
          ).map(([mode, waste]) => ({
            way: LABELS[mode],
            source: "planned for one epoch (epochPaddingReport)",
            waste,
            text: pct(waste),
          })),
        ],
        category: { field: "way" },
        value: { field: "waste", title: "padding", format: ".0%" },
        color: { field: "source" },
        label: "text",
        caption: `Batch size 1 still pads each image up to a multiple of ${options.sizeDivisible}.`,
      }),
    )
    .images(
      paddedCanvases(data, randomBatch, options.sizeDivisible, "random"),
      "A random batch of 4: every image is padded (black) to the largest height and width in the batch.",
    )
    .images(
      paddedCanvases(data, groupedBatch, options.sizeDivisible, "grouped"),
      "A batch from one aspect-ratio group: similar shapes, little padding.",
    );
  const reportPath = await report.write(flags.out);

  const seconds = (performance.now() - started) / 1000;
  log();
  log("way                            images/s   x batch 1   padding   final loss");
  for (const r of result.runs) {
    log(
      `${LABELS[r.mode].padEnd(30)}${r.imagesPerSecond.toFixed(1).padStart(9)}${`${(result.speedup[r.mode] ?? 1).toFixed(2)}x`.padStart(12)}${pct(r.paddingWaste).padStart(10)}${r.finalLoss.toFixed(5).padStart(13)}`,
    );
  }
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "batching",
    backend: backendSummary(ctx),
    images: result.images,
    epochs: result.epochs,
    batchSize: options.batchSize,
    runs: result.runs,
    speedup: result.speedup,
    lossRatio: result.lossRatio,
    losses,
    report: reportPath,
    seconds,
  };
}
