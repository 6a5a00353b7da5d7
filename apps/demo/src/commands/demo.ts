import { rm, stat } from "node:fs/promises";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { explainCheckpoint, verifyCheckpoint } from "@trainkit/checkpoint";
import { CheckpointManager, loadWeights, saveWeights } from "@trainkit/checkpoint/tfjs";
import { assertDisjoint, splitTogether } from "@trainkit/data-split";
import {
  classifyImageWith,
  PLATE_ALPHANUMERICS,
  type PlateClassifier,
  randomPlateText,
  readPlate,
  renderCharacter,
  renderPlate,
  savePlateModel,
} from "@trainkit/plate-bp";
import { classifierFromModel, createPlateMlp } from "@trainkit/plate-bp/tfjs";
import type { Context } from "../context.js";
import { listenForInterrupt } from "../interrupt.js";
import { predictRows } from "../plates/classifier.js";
import { generateCharacters } from "../plates/dataset.js";
import { fontLabel, loadFonts, TRAIN_FONT_FILES, UNSEEN_FONT_FILES } from "../plates/fonts.js";
import { type BpConfig, type BpEpoch, scheduleWarnings, trainBp } from "../plates/train-bp.js";
import { barChart, confusionMatrixChart, lineChart } from "../report/charts.js";
import { imageDataUri } from "../report/png.js";
import { Report, type ReportImage } from "../report/report.js";
import { accuracyOf, confusionMatrix } from "../train.js";
import {
  type BackendSummary,
  backendLabel,
  backendSummary,
  pct,
  reportSubtitle,
} from "./common.js";

export interface ResumeCheck {
  /** The straight run's epochs; the other run crashed in `crashedInEpoch` (1-based). */
  epochs: number;
  crashedInEpoch: number;
  crashedAtUpdate: number;
  /** The checkpoint the second run resumed from (none: it restarted from scratch). */
  resumedFrom: string | null;
  resumedFromEpoch: number;
  tensors: number;
  /** Every weight equal bit for bit. */
  bitIdentical: boolean;
  maxAbsDiff: number;
  /** Per-epoch training losses of the resumed epochs equal to the straight run's. */
  lossesEqual: boolean;
}

export interface SizeRow {
  file: string;
  what: string;
  bytes: number;
  /** Bytes over the float32 weights-only file. */
  ratio: number;
}

export interface DemoResult {
  command: "demo";
  backend: BackendSummary;
  charset: string;
  trainFonts: string[];
  unseenFonts: string[];
  rows: { train: number; validation: number; unseen: number };
  config: BpConfig;
  epochs: BpEpoch[];
  validationAccuracy: number;
  unseenFontAccuracy: number;
  unseenFontAccuracyFp16: number;
  perFont: { font: string; accuracy: number }[];
  resume: ResumeCheck;
  plates: { truth: string; read: string; shipped: string; exact: boolean }[];
  sizes: SizeRow[];
  checkpoint: string;
  model: string;
  report: string;
  seconds: number;
}

function formatBytes(bytes: number): string {
  return bytes >= 1024 * 1024
    ? `${(bytes / 1024 / 1024).toFixed(2)} MiB`
    : bytes >= 1024
      ? `${(bytes / 1024).toFixed(1)} KiB`
      : `${bytes} B`;
}

/** Relative to the working directory when inside it, else absolute. */
function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

async function compareWeights(a: tfl.LayersModel, b: tfl.LayersModel) {
  const wa = a.getWeights();
  const wb = b.getWeights();
  let bitIdentical = wa.length === wb.length;
  let maxAbsDiff = 0;
  for (const [i, t] of wa.entries()) {
    const u = (await t.data()) as Float32Array;
    const v = (await (wb[i] as tf.Tensor).data()) as Float32Array;
    const bu = new Uint32Array(u.buffer, u.byteOffset, u.length);
    const bv = new Uint32Array(v.buffer, v.byteOffset, v.length);
    if (bu.length !== bv.length) bitIdentical = false;
    for (let k = 0; k < bu.length; k++) {
      if (bu[k] !== bv[k]) bitIdentical = false;
      maxAbsDiff = Math.max(maxAbsDiff, Math.abs((u[k] as number) - (v[k] as number)));
    }
  }
  return { tensors: wa.length, bitIdentical, maxAbsDiff };
}

/**
 * The main demo: licence-plate characters from real fonts (plate-bp), a paired, stratified,
 * seeded split (data-split), the BP network with linear warm-up and cosine decay (schedulers),
 * a checkpoint per epoch and an exact resume (checkpoint), unseen fonts, whole plates, the
 * checkpoint's size, and the HTML report.
 */
export async function runDemo(ctx: Context): Promise<DemoResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const quick = flags.quick;
  const seed = flags.seed;
  const charset = PLATE_ALPHANUMERICS;
  const trainFiles = quick ? TRAIN_FONT_FILES.slice(0, 3) : TRAIN_FONT_FILES;
  const unseenFiles = quick ? UNSEEN_FONT_FILES.slice(0, 2) : UNSEEN_FONT_FILES;
  const features = "easypr120" as const;

  log();
  log(
    `Plate characters: ${[...charset].length} classes (${charset}), ${trainFiles.length} training fonts, ${unseenFiles.length} unseen fonts`,
  );
  const trainFonts = loadFonts(trainFiles);
  const unseenFonts = loadFonts(unseenFiles);
  const all = generateCharacters(ctx.out, "render training glyphs", trainFonts, {
    charset,
    samplesPerClass: quick ? 3 : 16,
    augment: "mild",
    seed,
    features,
  });
  const unseen = generateCharacters(ctx.out, "render unseen-font glyphs", unseenFonts, {
    charset,
    samplesPerClass: quick ? 2 : 8,
    augment: "mild",
    seed: seed + 7,
    features,
  });

  // Paired (x, y and font together), stratified by class, seeded.
  const split = splitTogether(
    { x: { data: all.x, shape: [all.n, all.nf] }, y: all.y, font: all.font },
    { testSize: 0.2, seed, stratify: "y" },
  );
  assertDisjoint(split.indices.train, split.indices.test);
  const train = { x: split.train.x.data as Float32Array, y: split.train.y as Int32Array };
  const validation = { x: split.test.x.data as Float32Array, y: split.test.y as Int32Array };
  log(
    `split: ${train.y.length} train / ${validation.y.length} validation rows, stratified by class, seed ${seed} (splitTogether keeps x, y and font paired)`,
  );

  const config: BpConfig = {
    nf: all.nf,
    classes: [...charset].length,
    hiddenUnits: 96,
    epochs: flags.epochs ?? (quick ? 3 : 20),
    batchSize: 64,
    learningRate: 0.01,
    warmupEpochs: 1,
    seed,
    n: train.y.length,
  };
  if (config.warmupEpochs >= config.epochs) config.warmupEpochs = 0;
  const stepsPerEpoch = Math.ceil(config.n / config.batchSize);
  for (const w of scheduleWarnings(config)) log(`  schedule: ${w}`);
  log(
    `BP network ${config.nf} → ${config.hiddenUnits} (tanh) → ${config.classes} (softmax), Adam ${config.learningRate} with ${config.warmupEpochs} epoch(s) of linear warm-up then cosine decay, ${config.epochs} epochs of ${stepsPerEpoch} updates`,
  );

  const ckptRoot = path.resolve(flags.out, "checkpoints");
  await rm(path.join(ckptRoot, "straight"), { recursive: true, force: true });
  await rm(path.join(ckptRoot, "resumed"), { recursive: true, force: true });
  const manager = (dir: string) =>
    new CheckpointManager({
      dir: path.join(ckptRoot, dir),
      maxToKeep: 3,
      monitor: "val_accuracy",
      mode: "max",
      keepBest: 1,
    });
  const interrupt = listenForInterrupt((line) => log(line));
  const straightManager = manager("straight");
  let straight: Awaited<ReturnType<typeof trainBp>>;
  let resumed: Awaited<ReturnType<typeof trainBp>>;
  const crashEpoch = Math.floor(config.epochs / 2);
  const crashBatch = Math.floor(stepsPerEpoch / 2);
  try {
    log();
    log("1. straight run, a checkpoint after every epoch:");
    straight = await trainBp({
      config,
      ...train,
      validation,
      manager: straightManager,
      out: ctx.out,
      label: "straight",
      interrupt,
    });
    log();
    log(
      `2. the same run, crashing in epoch ${crashEpoch + 1} (before update ${crashBatch + 1} of ${stepsPerEpoch}), then resumed in a fresh model from the latest checkpoint:`,
    );
    const resumedManager = manager("resumed");
    const crashed = await trainBp({
      config,
      ...train,
      validation,
      manager: resumedManager,
      out: ctx.out,
      label: "crashing",
      interrupt,
      crashAt: { epoch: crashEpoch, batch: crashBatch },
    });
    const crashedAt = crashed.step;
    crashed.model.dispose();
    crashed.optimizer.dispose();
    log(`   crashed after update ${crashedAt}; the model and optimizer are gone`);
    resumed = await trainBp({
      config,
      ...train,
      validation,
      manager: resumedManager,
      out: ctx.out,
      label: "resumed",
      interrupt,
      resume: true,
    });
    (resumed as { crashedAt?: number }).crashedAt = crashedAt;
  } finally {
    interrupt.dispose();
  }
  const crashedAt = (resumed as { crashedAt?: number }).crashedAt ?? 0;
  const cmp = await compareWeights(straight.model, resumed.model);
  const resumedEpochs = resumed.history.map((e) => e.epoch);
  const lossesEqual = resumed.history.every((e) => straight.history[e.epoch - 1]?.loss === e.loss);
  const resume: ResumeCheck = {
    epochs: config.epochs,
    crashedInEpoch: crashEpoch + 1,
    crashedAtUpdate: crashedAt,
    resumedFrom: resumed.resumedFrom?.path ?? null,
    resumedFromEpoch: resumed.resumedFrom?.epoch ?? 0,
    ...cmp,
    lossesEqual,
  };
  const resumeLine = `resume check: ${resume.resumedFrom ? `resumed from ${shortPath(resume.resumedFrom)} (end of epoch ${resume.resumedFromEpoch})` : "no checkpoint before the crash: restarted from scratch"}; final weights ${cmp.bitIdentical ? `bit-identical to the straight run (${cmp.tensors} tensors)` : `DIFFER from the straight run (max |diff| ${cmp.maxAbsDiff.toExponential(2)})`} on ${ctx.backend.candidate}; epoch losses ${lossesEqual ? "equal" : "differ"}`;
  resumed.model.dispose();
  resumed.optimizer.dispose();

  // Evaluation.
  const model = straight.model;
  const classifier: PlateClassifier = await classifierFromModel(model, {
    labels: charset,
    features,
  });
  const validationAccuracy = straight.history.at(-1)?.valAccuracy ?? Number.NaN;
  const unseenPredicted = await predictRows(model, unseen.x, unseen.n, unseen.nf);
  const unseenFontAccuracy = accuracyOf(unseenPredicted, unseen.y);
  const perFont = unseenFiles.map((file, i) => {
    const rows = [...unseen.font.keys()].filter((r) => unseen.font[r] === i);
    return {
      font: fontLabel(file),
      accuracy: accuracyOf(
        rows.map((r) => unseenPredicted[r] as number),
        rows.map((r) => unseen.y[r] as number),
      ),
    };
  });
  const matrix = confusionMatrix(unseenPredicted, unseen.y, config.classes);

  // Sizes: the training checkpoint vs weights-only releases.
  const checkpointPath = straight.history.at(-1)?.checkpoint ?? "";
  const explained = await explainCheckpoint(checkpointPath);
  await verifyCheckpoint(checkpointPath);
  const fp32Path = path.resolve(flags.out, "weights-fp32.safetensors");
  const fp16Path = path.resolve(flags.out, "weights-fp16.safetensors");
  await saveWeights(fp32Path, model, { dtype: "float32" });
  await saveWeights(fp16Path, model, { dtype: "float16" });
  const modelPath = path.resolve(flags.out, "plate-model.safetensors");
  await savePlateModel(modelPath, classifier, { trained_by: "trainkit demo", seed: String(seed) });
  const fp32Bytes = (await stat(fp32Path)).size;
  const sizes: SizeRow[] = [
    {
      file: path.basename(checkpointPath),
      what: `training checkpoint: weights + Adam m and v + training state (${explained.multiplier.toFixed(3)}x the weights)`,
      bytes: explained.fileBytes,
      ratio: 0,
    },
    { file: "weights-fp32.safetensors", what: "weights only, float32", bytes: fp32Bytes, ratio: 0 },
    {
      file: "weights-fp16.safetensors",
      what: "weights only, float16",
      bytes: (await stat(fp16Path)).size,
      ratio: 0,
    },
  ];
  for (const s of sizes) s.ratio = s.bytes / fp32Bytes;
  // The float16 release, loaded back: does it classify as well?
  const fp16Model = createPlateMlp({
    inputSize: config.nf,
    hiddenUnits: config.hiddenUnits,
    numClasses: config.classes,
    activation: "tanh",
  });
  await loadWeights(fp16Path, fp16Model);
  const unseenFontAccuracyFp16 = accuracyOf(
    await predictRows(fp16Model, unseen.x, unseen.n, unseen.nf),
    unseen.y,
  );
  fp16Model.dispose();

  // Whole plates in unseen fonts.
  const plateCount = quick ? 2 : 6;
  const plates: DemoResult["plates"] = [];
  const plateImages: ReportImage[] = [];
  for (let i = 0; i < plateCount; i++) {
    const truth = randomPlateText(seed * 1000 + i);
    const font = unseenFonts[i % unseenFonts.length] as (typeof unseenFonts)[number];
    const image = renderPlate(font, truth, { seed: seed * 1000 + i, augment: "mild" });
    const read = readPlate(image, { model: classifier }).text;
    const shipped = readPlate(image).text;
    plates.push({ truth, read, shipped, exact: read === truth });
    plateImages.push({
      src: imageDataUri(image),
      caption: `${truth} → ${read}`,
      ok: read === truth,
      width: image.width,
    });
  }
  const sampleImages: ReportImage[] = [];
  for (let i = 0; i < (quick ? 8 : 24); i++) {
    const char = [...charset][(i * 7 + seed) % config.classes] as string;
    const fi = i % unseenFonts.length;
    const img = renderCharacter(unseenFonts[fi] as (typeof unseenFonts)[number], char, {
      augment: "mild",
      seed: seed * 7919 + i,
    });
    const c = classifyImageWith(classifier, img);
    sampleImages.push({
      src: imageDataUri(img),
      caption: `${char} → ${c.label} ${(c.confidence * 100).toFixed(0)}%`,
      ok: c.label === char,
      width: img.width * 2,
    });
  }
  model.dispose();
  straight.optimizer.dispose();

  // The report.
  const report = new Report("trainkit demo: licence-plate characters with a BP network", [
    ...reportSubtitle(ctx),
    `${config.classes} characters, ${train.y.length} training rows from ${trainFiles.length} fonts, ${unseen.n} rows from ${unseenFiles.length} unseen fonts; ${config.epochs} epochs`,
  ]);
  const history = straight.history;
  report
    .section("Training")
    .text(
      `Each character is rendered from a real font with mild distortion, binarised, cropped to its box and reduced to EasyPR's 120 features; a ${config.nf} → ${config.hiddenUnits} → ${config.classes} network learns them. The split is paired, stratified by class and seeded (splitTogether of @trainkit/data-split).`,
    )
    .chart(
      lineChart({
        id: "loss",
        title: "Training loss per epoch",
        data: [
          ...history.map((e) => ({ run: "straight", epoch: e.epoch, loss: e.loss })),
          ...resumed.history.map((e) => ({ run: "resumed", epoch: e.epoch, loss: e.loss })),
        ],
        x: { field: "epoch", integer: true },
        y: { field: "loss", log: true },
        color: { field: "run" },
        points: true,
        caption: "The resumed run's epochs lie on the straight run's.",
      }),
    )
    .chart(
      lineChart({
        id: "accuracy",
        title: "Accuracy per epoch",
        data: history.flatMap((e) => [
          { set: "training (running)", epoch: e.epoch, accuracy: e.trainAccuracy },
          { set: "validation (training fonts)", epoch: e.epoch, accuracy: e.valAccuracy ?? null },
        ]),
        x: { field: "epoch", integer: true },
        y: { field: "accuracy", format: ".0%" },
        color: { field: "set" },
        points: true,
      }),
    )
    .chart(
      lineChart({
        id: "learning-rate",
        title: "Learning rate per update: linear warm-up, then cosine decay",
        data: [
          ...straight.learningRates.map((l) => ({ run: "straight", step: l.step, lr: l.lr })),
          ...resumed.learningRates.map((l) => ({ run: "resumed", step: l.step, lr: l.lr })),
        ],
        x: { field: "step", title: "update" },
        y: { field: "lr", title: "learning rate" },
        color: { field: "run" },
        caption: `cosineScheduleWithWarmup of @trainkit/schedulers, applied before every update; the resumed run picks up at update ${resumed.resumedFrom?.step ?? 0}.`,
      }),
    );
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
        ["epochs redone", resumedEpochs.join(", ")],
        ["weight tensors compared", resume.tensors],
        ["bit-identical to the straight run", resume.bitIdentical ? "yes" : "NO"],
        ["max |difference|", resume.maxAbsDiff],
        ["epoch losses equal", resume.lossesEqual ? "yes" : "no"],
        ["backend", backendLabel(ctx)],
      ],
    );
  report
    .section("Unseen fonts")
    .text(
      `Accuracy on ${unseen.n} characters in ${unseenFiles.length} font families never used in training: ${pct(unseenFontAccuracy)} (validation on the training fonts: ${pct(validationAccuracy)}; the float16 release: ${pct(unseenFontAccuracyFp16)}).`,
    )
    .chart(
      barChart({
        id: "per-font-accuracy",
        title: "Accuracy per unseen font",
        data: perFont.map((f) => ({ font: f.font, accuracy: f.accuracy, text: pct(f.accuracy) })),
        category: { field: "font" },
        value: { field: "accuracy", format: ".0%" },
        label: "text",
      }),
    )
    .chart(
      confusionMatrixChart({
        id: "confusion",
        title: "Confusion matrix, unseen fonts",
        labels: [...charset],
        matrix,
      }),
    )
    .images(sampleImages, "Characters in unseen fonts: true → predicted (confidence).");
  report
    .section("Whole plates")
    .text(
      "Rendered plates in unseen fonts, segmented by column projections and read character by character with this run's model (and, for comparison, the model shipped with @trainkit/plate-bp).",
    )
    .images(plateImages)
    .table(
      ["plate", "read by this model", "read by the shipped model", "exact"],
      plates.map((p) => [p.truth, p.read, p.shipped, p.exact ? "yes" : "no"]),
    );
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
          ...explained.groups.map((g) => ({
            file: "training checkpoint",
            part: g.group,
            bytes: g.bytes,
          })),
          ...sizes.slice(1).map((s) => ({ file: s.what, part: "file", bytes: s.bytes })),
        ],
        category: { field: "file" },
        value: { field: "bytes", title: "bytes" },
        color: { field: "part" },
        stacked: true,
      }),
    )
    .table(
      ["file", "what", "size", "x weights (float32)"],
      sizes.map((s) => [s.file, s.what, formatBytes(s.bytes), `${s.ratio.toFixed(2)}x`]),
    )
    .pre(explained.text);
  const reportPath = await report.write(flags.out);

  const seconds = (performance.now() - started) / 1000;
  log();
  log(
    `accuracy: ${pct(unseenFontAccuracy)} on ${unseen.n} characters in unseen fonts (validation ${pct(validationAccuracy)}, float16 release ${pct(unseenFontAccuracyFp16)})`,
  );
  log(
    `plates: ${plates.filter((p) => p.exact).length}/${plates.length} read exactly: ${plates.map((p) => `${p.truth}→${p.read}`).join(" ")}`,
  );
  log(resumeLine);
  log("checkpoint size:");
  for (const s of sizes) {
    log(`  ${s.what.padEnd(96)} ${formatBytes(s.bytes).padStart(10)}  ${s.ratio.toFixed(2)}x`);
  }
  log(`model: ${shortPath(modelPath)}`);
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "demo",
    backend: backendSummary(ctx),
    charset,
    trainFonts: trainFiles.map(fontLabel),
    unseenFonts: unseenFiles.map(fontLabel),
    rows: { train: train.y.length, validation: validation.y.length, unseen: unseen.n },
    config,
    epochs: history,
    validationAccuracy,
    unseenFontAccuracy,
    unseenFontAccuracyFp16,
    perFont,
    resume,
    plates,
    sizes,
    checkpoint: checkpointPath,
    model: modelPath,
    report: reportPath,
    seconds,
  };
}
