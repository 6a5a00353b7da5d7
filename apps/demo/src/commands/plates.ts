import { readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { splitTogether } from "@trainkit/data-split";
import {
  classifyImageWith,
  DIGITS,
  type FeatureKind,
  loadDefaultModel,
  loadPlateModel,
  PLATE_ALPHANUMERICS,
  PlateBpError,
  type PlateClassifier,
  type RasterImage,
  readImageFile,
  readPlate,
  savePlateModel,
} from "@trainkit/plate-bp";
import { classifierFromModel } from "@trainkit/plate-bp/tfjs";
import { InputFileError } from "../cli-error.js";
import type { Context, GlobalFlags } from "../context.js";
import { listenForInterrupt } from "../interrupt.js";
import { predictRows } from "../plates/classifier.js";
import { generateCharacters } from "../plates/dataset.js";
import { loadFonts, TRAIN_FONT_FILES, UNSEEN_FONT_FILES } from "../plates/fonts.js";
import { type BpConfig, type BpEpoch, scheduleWarnings, trainBp } from "../plates/train-bp.js";
import { confusionMatrixChart, lineChart } from "../report/charts.js";
import { Report } from "../report/report.js";
import { accuracyOf, confusionMatrix } from "../train.js";
import { type BackendSummary, backendSummary, pct, reportSubtitle } from "./common.js";

const KINDS = {
  digits: { charset: DIGITS, features: "grid5x5" as FeatureKind, hidden: 64, perClass: 40 },
  alphanumerics: {
    charset: PLATE_ALPHANUMERICS,
    features: "easypr120" as FeatureKind,
    hidden: 96,
    perClass: 16,
  },
};
type Kind = keyof typeof KINDS;

function loadModel(flags: GlobalFlags, fallback: "digits" | "alphanumerics"): PlateClassifier {
  if (flags.model === undefined) return loadDefaultModel(fallback);
  try {
    return loadPlateModel(path.resolve(flags.model));
  } catch (error) {
    if (error instanceof PlateBpError) {
      throw new InputFileError(
        flags.model,
        `cannot use --model '${flags.model}': ${error.message}. Give a model file written by 'trainkit plates train'.`,
      );
    }
    throw error;
  }
}

async function readImage(file: string): Promise<RasterImage> {
  try {
    return await readImageFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const reason =
      code === "ENOENT"
        ? "no such file"
        : code === "EISDIR"
          ? "it is a directory"
          : code === "EACCES"
            ? "permission denied"
            : (error as Error).message;
    throw new InputFileError(
      file,
      `cannot read image '${file}': ${reason}. Give PNG or JPEG files.`,
    );
  }
}

export interface Classified {
  file: string;
  label: string;
  confidence: number;
}

async function classify(ctx: Context): Promise<Classified[]> {
  const model = loadModel(ctx.flags, "digits");
  const out: Classified[] = [];
  for (const file of ctx.flags.args.slice(1)) {
    const c = classifyImageWith(model, await readImage(file));
    out.push({ file, label: c.label, confidence: c.confidence });
    ctx.log(`${file}: ${c.label} (${(c.confidence * 100).toFixed(1)}%)`);
  }
  return out;
}

export interface PlateRead {
  file: string;
  text: string;
  characters: { label: string; confidence: number }[];
}

async function read(ctx: Context): Promise<PlateRead[]> {
  const model = loadModel(ctx.flags, "alphanumerics");
  const out: PlateRead[] = [];
  for (const file of ctx.flags.args.slice(1)) {
    const image = await readImage(file);
    let reading: ReturnType<typeof readPlate>;
    try {
      reading = readPlate(image, { model });
    } catch (error) {
      if (error instanceof PlateBpError) {
        throw new InputFileError(file, `cannot read a plate in '${file}': ${error.message}`);
      }
      throw error;
    }
    out.push({
      file,
      text: reading.text,
      characters: reading.characters.map((c) => ({ label: c.label, confidence: c.confidence })),
    });
    const lowest = Math.min(...reading.characters.map((c) => c.confidence));
    ctx.log(`${file}: ${reading.text} (lowest character confidence ${(lowest * 100).toFixed(1)}%)`);
  }
  return out;
}

export interface PlatesTrainResult {
  command: "plates train";
  backend: BackendSummary;
  kind: Kind;
  config: BpConfig;
  epochs: BpEpoch[];
  resumedFrom: string | null;
  validationAccuracy: number;
  unseenFontAccuracy: number;
  model: string;
  checkpoints: string;
  report: string;
  seconds: number;
}

async function train(ctx: Context): Promise<PlatesTrainResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const kind = (flags.args[1] ?? "digits") as Kind;
  const spec = KINDS[kind];
  const trainFiles = flags.quick ? TRAIN_FONT_FILES.slice(0, 3) : TRAIN_FONT_FILES;
  const unseenFiles = flags.quick ? UNSEEN_FONT_FILES.slice(0, 2) : UNSEEN_FONT_FILES;
  log();
  log(`plates train ${kind}: ${[...spec.charset].length} classes, ${spec.features} features`);
  const data = generateCharacters(ctx.out, "render training glyphs", loadFonts(trainFiles), {
    charset: spec.charset,
    samplesPerClass: flags.quick ? 4 : spec.perClass,
    augment: "mild",
    seed: flags.seed,
    features: spec.features,
  });
  const unseen = generateCharacters(ctx.out, "render unseen-font glyphs", loadFonts(unseenFiles), {
    charset: spec.charset,
    samplesPerClass: flags.quick ? 2 : Math.ceil(spec.perClass / 2),
    augment: "mild",
    seed: flags.seed + 7,
    features: spec.features,
  });
  const split = splitTogether(
    { x: { data: data.x, shape: [data.n, data.nf] }, y: data.y },
    { testSize: 0.2, seed: flags.seed, stratify: "y" },
  );
  const config: BpConfig = {
    nf: data.nf,
    classes: [...spec.charset].length,
    hiddenUnits: spec.hidden,
    epochs: flags.epochs ?? (flags.quick ? 3 : 20),
    batchSize: 64,
    learningRate: 0.01,
    warmupEpochs: 1,
    seed: flags.seed,
    n: split.train.y.length,
  };
  if (config.warmupEpochs >= config.epochs) config.warmupEpochs = 0;
  for (const w of scheduleWarnings(config)) log(`  schedule: ${w}`);

  const dir = path.resolve(flags.out, "checkpoints");
  const manager = new CheckpointManager({ dir, maxToKeep: 3 });
  if (!flags.resume) {
    const old = await readdir(dir).catch(() => [] as string[]);
    if (old.length > 0) {
      log(
        `starting over: removing ${old.length} file(s) of an earlier run in ${dir} (--resume continues it)`,
      );
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    const latest = await manager.latest();
    log(
      latest
        ? `resuming from ${latest.path} (epoch ${latest.state.epoch + 1}, after update ${latest.state.step})`
        : `no checkpoint in ${dir}: starting from scratch`,
    );
  }
  const hint = [
    "trainkit plates train",
    kind,
    `--out ${flags.out}`,
    `--seed ${flags.seed}`,
    ...(flags.epochs !== undefined ? [`--epochs ${flags.epochs}`] : []),
    ...(flags.quick ? ["--quick"] : []),
    ...(flags.backend !== "auto" ? [`--backend ${flags.backend}`] : []),
    "--resume",
  ].join(" ");
  const interrupt = listenForInterrupt((line) => log(line));
  let result: Awaited<ReturnType<typeof trainBp>>;
  try {
    result = await trainBp({
      config,
      x: split.train.x.data as Float32Array,
      y: split.train.y as Int32Array,
      validation: { x: split.test.x.data as Float32Array, y: split.test.y as Int32Array },
      manager,
      out: ctx.out,
      interrupt,
      resume: flags.resume,
      resumeHint: hint,
    });
  } finally {
    interrupt.dispose();
  }
  const classifier = await classifierFromModel(result.model, {
    labels: spec.charset,
    features: spec.features,
  });
  const predicted = await predictRows(result.model, unseen.x, unseen.n, unseen.nf);
  result.model.dispose();
  result.optimizer.dispose();
  const unseenFontAccuracy = accuracyOf(predicted, unseen.y);
  const modelPath = path.resolve(flags.out, "plate-model.safetensors");
  await savePlateModel(modelPath, classifier, { trained_by: "trainkit plates train", kind });
  const validationAccuracy = result.history.at(-1)?.valAccuracy ?? Number.NaN;

  const report = new Report(`trainkit plates train ${kind}`, [
    ...reportSubtitle(ctx),
    `${config.n} training rows from ${trainFiles.length} fonts; ${config.epochs} epochs`,
  ]);
  report
    .section("Training")
    .chart(
      lineChart({
        id: "loss",
        title: "Training loss per epoch",
        data: result.history.map((e) => ({ epoch: e.epoch, loss: e.loss })),
        x: { field: "epoch", integer: true },
        y: { field: "loss", log: true },
        points: true,
        caption: result.resumedFrom
          ? "This run resumed from a checkpoint: earlier epochs are not shown."
          : "",
      }),
    )
    .chart(
      lineChart({
        id: "accuracy",
        title: "Accuracy per epoch",
        data: result.history.flatMap((e) => [
          { set: "training", epoch: e.epoch, accuracy: e.trainAccuracy },
          { set: "validation", epoch: e.epoch, accuracy: e.valAccuracy ?? null },
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
        title: "Learning rate per update",
        data: result.learningRates.map((l) => ({ step: l.step, lr: l.lr })),
        x: { field: "step", title: "update" },
        y: { field: "lr", title: "learning rate" },
      }),
    );
  report
    .section("Unseen fonts")
    .text(
      `Accuracy on ${unseen.n} characters in fonts never used in training: ${pct(unseenFontAccuracy)}.`,
    )
    .chart(
      confusionMatrixChart({
        id: "confusion",
        title: "Confusion matrix, unseen fonts",
        labels: [...spec.charset],
        matrix: confusionMatrix(predicted, unseen.y, config.classes),
      }),
    );
  const reportPath = await report.write(flags.out);
  const seconds = (performance.now() - started) / 1000;
  log();
  log(
    `accuracy: ${pct(unseenFontAccuracy)} on ${unseen.n} characters in unseen fonts (validation ${pct(validationAccuracy)})`,
  );
  log(
    `model: ${modelPath} (use it with: trainkit plates classify --model ${modelPath} <image...>)`,
  );
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "plates train",
    backend: backendSummary(ctx),
    kind,
    config,
    epochs: result.history,
    resumedFrom: result.resumedFrom?.path ?? null,
    validationAccuracy,
    unseenFontAccuracy,
    model: modelPath,
    checkpoints: dir,
    report: reportPath,
    seconds,
  };
}

/** `plates train|classify|read`: the plate-character model from the command line. */
export async function runPlates(
  ctx: Context,
): Promise<PlatesTrainResult | Classified[] | PlateRead[]> {
  const sub = ctx.flags.args[0];
  if (sub === "classify") return classify(ctx);
  if (sub === "read") return read(ctx);
  return train(ctx);
}
