import * as path from "node:path";
import type { DemoData } from "../experiments/demo.js";
import {
  accuracyPerEpochChart,
  epochLineChart,
  learningRateChart,
  newReport,
  pct,
  percentBarChart,
  type RunInfo,
  unseenConfusionChart,
} from "./blocks.js";
import { barChart } from "./charts.js";
import { imageDataUri } from "./png.js";
import type { Report } from "./report.js";

/** 1.5 KiB, 2.00 MiB, 100 B. */
export function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} B`;
}

/**
 * The `demo` report: training, the resume check, unseen fonts, whole plates, plates as a camera
 * sees them, sizes.
 */
export function demoReport(data: DemoData, run: RunInfo): Report {
  const { config } = data;
  const report = newReport(
    "trainkit demo: licence-plate characters with a BP network",
    run,
    `${config.classes} characters, ${data.rows.train} training rows from ${data.trainFonts.length} fonts, ${data.rows.unseen} rows from ${data.unseenFonts.length} unseen fonts; ${config.epochs} epochs`,
  );
  trainingSection(report, data);
  resumeSection(report, data, run);
  unseenSection(report, data);
  platesSection(report, data);
  cameraSection(report, data);
  sizeSection(report, data);
  return report;
}

function trainingSection(report: Report, data: DemoData): void {
  const { config, straight, resumed } = data;
  report
    .section("Training")
    .text(
      `Each character is rendered from a real font with mild distortion, binarised, cropped to its box and reduced to EasyPR's 120 features; a ${config.nf} → ${config.hiddenUnits} → ${config.classes} network learns them. The split is paired, stratified by class and seeded (splitTogether of @trainkit/data-split).`,
    )
    .chart(
      epochLineChart({
        id: "loss",
        title: "Training loss per epoch",
        data: [
          ...straight.history.map((e) => ({ run: "straight", epoch: e.epoch, loss: e.loss })),
          ...resumed.history.map((e) => ({ run: "resumed", epoch: e.epoch, loss: e.loss })),
        ],
        y: { field: "loss", log: true },
        color: { field: "run" },
        caption: "The resumed run's epochs lie on the straight run's.",
      }),
    )
    .chart(
      accuracyPerEpochChart(straight.history, {
        training: "training (running)",
        validation: "validation (training fonts)",
      }),
    )
    .chart(
      learningRateChart({
        title: "Learning rate per update: linear warm-up, then cosine decay",
        data: [
          ...straight.learningRates.map((l) => ({ run: "straight", step: l.step, lr: l.lr })),
          ...resumed.learningRates.map((l) => ({ run: "resumed", step: l.step, lr: l.lr })),
        ],
        color: { field: "run" },
        caption: `cosineScheduleWithWarmup of @trainkit/schedulers, applied before every update; the resumed run picks up at update ${resumed.fromStep}.`,
      }),
    );
}

function resumeSection(report: Report, data: DemoData, run: RunInfo): void {
  const { resume } = data;
  report
    .section("Interrupt and resume")
    .text(
      `A second run crashed in epoch ${resume.crashedInEpoch} after update ${resume.crashedAtUpdate}. A fresh model and optimizer were restored from the latest checkpoint (weights, Adam's slots by name, the step) and training went on with the same seeded data order.`,
    )
    .table(
      ["check", "result"],
      [
        [
          "resumed from",
          resume.resumedFrom
            ? path.basename(resume.resumedFrom)
            : "(no checkpoint yet: from scratch)",
        ],
        ["epochs redone", data.resumed.history.map((e) => e.epoch).join(", ")],
        ["weight tensors compared", resume.tensors],
        ["bit-identical to the straight run", resume.bitIdentical ? "yes" : "NO"],
        ["max |difference|", resume.maxAbsDiff],
        ["epoch losses equal", resume.lossesEqual ? "yes" : "no"],
        ["backend", run.backend],
      ],
    );
}

function unseenSection(report: Report, data: DemoData): void {
  report
    .section("Unseen fonts")
    .text(
      `Accuracy on ${data.rows.unseen} characters in ${data.unseenFonts.length} font families never used in training: ${pct(data.unseenFontAccuracy)} (validation on the training fonts: ${pct(data.validationAccuracy)}; the float16 release: ${pct(data.unseenFontAccuracyFp16)}).`,
    )
    .chart(
      percentBarChart({
        id: "per-font-accuracy",
        title: "Accuracy per unseen font",
        data: data.perFont,
        category: { field: "font" },
        value: { field: "accuracy" },
      }),
    )
    .chart(unseenConfusionChart(data))
    .images(
      data.samples.map((s) => ({
        src: imageDataUri(s.image),
        caption: `${s.char} → ${s.label} ${(s.confidence * 100).toFixed(0)}%`,
        ok: s.label === s.char,
        width: s.image.width * 2,
      })),
      "Characters in unseen fonts: true → predicted (confidence).",
    );
}

function platesSection(report: Report, data: DemoData): void {
  report
    .section("Whole plates")
    .text(
      "Rendered plates in unseen fonts, segmented by column projections and read character by character with this run's model (and, for comparison, the model shipped with @trainkit/plate-bp).",
    )
    .images(
      data.plateImages.map(({ image, plate }) => ({
        src: imageDataUri(image),
        caption: `${plate.truth} → ${plate.read}`,
        ok: plate.exact,
        width: image.width,
      })),
    )
    .table(
      ["plate", "read by this model", "read by the shipped model", "exact"],
      data.plates.map((p) => [p.truth, p.read, p.shipped, p.exact ? "yes" : "no"]),
    );
}

function cameraSection(report: Report, data: DemoData): void {
  const section = report
    .section("Plates as a camera sees them")
    .text(
      "Plates in unseen fonts as a camera sees them: in perspective, rotated, small, blurred, noisy, under a shadow and saved as JPEG. readPlate finds the plate's outline (red), warps it onto the 440 × 140 mm frame, binarises it against the local background so that the shadow does not become ink, and cuts seven cells where the plate's layout puts them, moved to the emptiest columns (blue boxes). Read with this run's model; a plate-level confidence under 0.7 flags a doubtful reading.",
    );
  for (const p of data.cameraPlates) {
    const verdict = p.refused
      ? `refused: ${p.refused}`
      : `${p.read} (confidence ${p.confidence.toFixed(2)}${p.lowConfidence ? ", flagged" : ""})`;
    section.images(
      [
        { src: imageDataUri(p.camera), caption: "camera view", width: p.camera.width },
        ...(p.rectified && p.binary
          ? [
              {
                src: imageDataUri(p.rectified),
                caption: "rectified, cut",
                width: p.rectified.width * 1.5,
              },
              {
                src: imageDataUri(p.binary),
                caption: "binarised",
                ok: p.exact,
                width: p.binary.width * 1.5,
              },
            ]
          : []),
      ],
      `${p.truth} → ${verdict}`,
    );
  }
  section.table(
    ["plate", "read by this model", "confidence", "read by the shipped model", "exact"],
    data.cameraPlates.map((p) => [
      p.truth,
      p.refused ? "(no plate found)" : p.read,
      p.refused ? "" : `${p.confidence.toFixed(2)}${p.lowConfidence ? " (flagged)" : ""}`,
      p.shipped || "(no plate found)",
      p.exact ? "yes" : "no",
    ]),
  );
}

function sizeSection(report: Report, data: DemoData): void {
  report
    .section("Checkpoint size")
    .text(
      "A training checkpoint holds what resuming needs: Adam keeps two slots (m, v) per weight, so it is about three times the weights. A release needs the weights only, and float16 halves them.",
    )
    .chart(
      barChart({
        id: "checkpoint-size",
        title: "Where the bytes go",
        data: [
          ...data.checkpointParts.map((g) => ({
            file: "training checkpoint",
            part: g.group,
            bytes: g.bytes,
          })),
          ...data.sizes.slice(1).map((s) => ({ file: s.what, part: "file", bytes: s.bytes })),
        ],
        category: { field: "file" },
        value: { field: "bytes", title: "bytes" },
        color: { field: "part" },
        stacked: true,
      }),
    )
    .table(
      ["file", "what", "size", "x weights (float32)"],
      data.sizes.map((s) => [s.file, s.what, formatBytes(s.bytes), `${s.ratio.toFixed(2)}x`]),
    )
    .pre(data.checkpointText);
}
