import {
  BATCHING_LABELS,
  BATCHING_MODES,
  type BatchingData,
  type BatchingMode,
  type PaddedCanvas,
} from "../experiments/batching.js";
import { epochLineChart, newReport, pct, percentBarChart, type RunInfo } from "./blocks.js";
import { barChart, type Row } from "./charts.js";
import { grayPngDataUri } from "./png.js";
import type { Report, ReportImage } from "./report.js";

/** The `batching` report: throughput and loss of the three ways, and what padding costs. */
export function batchingReport(data: BatchingData, run: RunInfo): Report {
  const report = newReport(
    "trainkit batching: variable-size images in batches",
    run,
    `${data.images} images, ${data.epochs} epochs per way, batch ${data.batchSize}, canvases padded to a multiple of ${data.sizeDivisible}`,
  );
  throughputSection(report, data);
  paddingSection(report, data);
  return report;
}

/** A row per item, its way's label first. */
function byWay<T extends { mode: BatchingMode }>(
  items: readonly T[],
  fields: (item: T) => Row,
): Row[] {
  return items.map((item) => ({ way: BATCHING_LABELS[item.mode], ...fields(item) }));
}

function throughputSection(report: Report, data: BatchingData): void {
  const speedup = (r: BatchingData["runs"][number]) => data.speedup[r.mode] ?? 1;
  report
    .section("Throughput")
    .text(
      "Batch size 1 needs no padding but runs one small step per image. Padding images to the largest in the batch lets many run at once; a per-pixel mask keeps padding out of the loss. Grouping images of similar aspect ratio keeps the padding small.",
    )
    .chart(
      barChart({
        id: "images-per-second",
        title: "Training throughput (images per second)",
        data: byWay(data.runs, (r) => ({
          imagesPerSecond: r.imagesPerSecond,
          text: `${r.imagesPerSecond.toFixed(0)} (${speedup(r).toFixed(2)}x)`,
        })),
        category: { field: "way" },
        value: { field: "imagesPerSecond", title: "images/s" },
        label: "text",
      }),
    )
    .chart(
      epochLineChart({
        id: "batching-loss",
        title: "Training loss per epoch (masked MSE)",
        data: byWay(data.losses, (l) => ({ epoch: l.epoch, loss: l.loss })),
        y: { field: "loss", log: true },
        color: { field: "way" },
        points: data.epochs <= 10,
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
      data.runs.map((r) => [
        BATCHING_LABELS[r.mode],
        r.batchSize,
        r.steps,
        r.imagesPerSecond.toFixed(1),
        `${speedup(r).toFixed(2)}x`,
        pct(r.paddingWaste),
        r.finalLoss.toFixed(5),
        (data.lossRatio[r.mode] ?? 1).toFixed(3),
      ]),
    );
}

function paddingSection(report: Report, data: BatchingData): void {
  report
    .section("Padding waste")
    .chart(
      percentBarChart({
        id: "padding-waste",
        title: "Share of computed pixels that are padding",
        data: [
          ...byWay(data.runs, (r) => ({ source: "measured in training", waste: r.paddingWaste })),
          ...byWay(
            BATCHING_MODES.map((mode) => ({ mode })),
            ({ mode }) => ({
              source: "planned for one epoch (epochPaddingReport)",
              waste: data.plannedWaste[mode],
            }),
          ),
        ],
        category: { field: "way" },
        value: { field: "waste", title: "padding" },
        color: { field: "source" },
        caption: `Batch size 1 still pads each image up to a multiple of ${data.sizeDivisible}.`,
      }),
    )
    .images(
      canvasImages(data.randomBatch, "random"),
      "A random batch of 4: every image is padded (black) to the largest height and width in the batch.",
    )
    .images(
      canvasImages(data.groupedBatch, "grouped"),
      "A batch from one aspect-ratio group: similar shapes, little padding.",
    );
}

function canvasImages(canvases: PaddedCanvas[], label: string): ReportImage[] {
  return canvases.map((c, i) => ({
    src: grayPngDataUri(c.pixels, c.width, c.height),
    caption: `${label} #${i + 1}: ${c.imageSize[1]}x${c.imageSize[0]} in ${c.width}x${c.height} (w x h)`,
    width: c.width * 4,
  }));
}
