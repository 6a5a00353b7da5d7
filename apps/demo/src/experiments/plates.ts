import { readdir, rm } from "node:fs/promises";
import * as path from "node:path";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { splitTogether } from "@trainkit/data-split";
import { DIGITS, type FeatureKind, PLATE_ALPHANUMERICS, savePlateModel } from "@trainkit/plate-bp";
import { listenForInterrupt } from "../interrupt.js";
import { predictRows } from "../plates/classifier.js";
import { type CharacterRows, generateCharacters } from "../plates/dataset.js";
import { loadFonts, TRAIN_FONT_FILES, UNSEEN_FONT_FILES } from "../plates/fonts.js";
import {
  type BpConfig,
  type BpEpoch,
  type BpTrainResult,
  scheduleWarnings,
  trainBp,
} from "../plates/train-plates.js";
import { accuracyOf, confusionMatrix } from "../train.js";
import { type ExperimentFlags, type Progress, SILENT } from "./common.js";

/** The two models `plates train` makes: charset, features, hidden units, glyphs per class. */
export const PLATE_KINDS = {
  digits: { charset: DIGITS, features: "grid5x5" as FeatureKind, hidden: 64, perClass: 40 },
  alphanumerics: {
    charset: PLATE_ALPHANUMERICS,
    features: "easypr120" as FeatureKind,
    hidden: 96,
    perClass: 16,
  },
};
export type PlateKind = keyof typeof PLATE_KINDS;

export interface PlatesTrainOptions extends ExperimentFlags {
  kind: PlateKind;
  /** Where the checkpoints (`checkpoints/`) and the model file go. */
  dir: string;
  /** Continue from the latest checkpoint in `<dir>/checkpoints`; else an earlier run's are removed. */
  resume: boolean;
  /** How to resume, for the Ctrl-C message. */
  resumeHint?: string;
  /** Ctrl-C during training stops it after the current update and writes a checkpoint. */
  interruptible?: boolean;
  progress?: Progress;
}

export interface PlatesTrainData {
  kind: PlateKind;
  charset: string;
  /** Fonts the training glyphs come from. */
  trainFonts: number;
  config: BpConfig;
  epochs: BpEpoch[];
  /** The rate of every update this run made. */
  learningRates: { step: number; lr: number }[];
  resumedFrom: string | null;
  validationAccuracy: number;
  unseenFontAccuracy: number;
  /** Characters in the unseen fonts. */
  unseenRows: number;
  /** Unseen fonts: rows are true classes, columns predicted. */
  confusion: number[][];
  model: string;
  checkpoints: string;
}

interface PlateRows {
  train: { x: Float32Array; y: Int32Array };
  validation: { x: Float32Array; y: Int32Array };
  unseen: CharacterRows;
  nf: number;
  trainFonts: number;
}

/** Glyphs of the training fonts (split 80/20, stratified, seeded) and of the unseen fonts. */
function plateRows(options: PlatesTrainOptions, progress: Progress): PlateRows {
  const { quick, seed } = options;
  const spec = PLATE_KINDS[options.kind];
  const trainFiles = quick ? TRAIN_FONT_FILES.slice(0, 3) : TRAIN_FONT_FILES;
  const unseenFiles = quick ? UNSEEN_FONT_FILES.slice(0, 2) : UNSEEN_FONT_FILES;
  const glyphs = { charset: spec.charset, augment: "mild" as const, features: spec.features };
  const data = generateCharacters(progress.out, "render training glyphs", loadFonts(trainFiles), {
    ...glyphs,
    samplesPerClass: quick ? 4 : spec.perClass,
    seed,
  });
  const unseen = generateCharacters(
    progress.out,
    "render unseen-font glyphs",
    loadFonts(unseenFiles),
    { ...glyphs, samplesPerClass: quick ? 2 : Math.ceil(spec.perClass / 2), seed: seed + 7 },
  );
  const split = splitTogether(
    { x: { data: data.x, shape: [data.n, data.nf] }, y: data.y },
    { testSize: 0.2, seed, stratify: "y" },
  );
  return {
    train: { x: split.train.x.data as Float32Array, y: split.train.y as Int32Array },
    validation: { x: split.test.x.data as Float32Array, y: split.test.y as Int32Array },
    unseen,
    nf: data.nf,
    trainFonts: trainFiles.length,
  };
}

function plateConfig(options: PlatesTrainOptions, rows: PlateRows): BpConfig {
  const spec = PLATE_KINDS[options.kind];
  const config: BpConfig = {
    nf: rows.nf,
    classes: [...spec.charset].length,
    hiddenUnits: spec.hidden,
    epochs: options.epochs ?? (options.quick ? 3 : 20),
    batchSize: 64,
    learningRate: 0.01,
    warmupEpochs: 1,
    seed: options.seed,
    n: rows.train.y.length,
  };
  if (config.warmupEpochs >= config.epochs) config.warmupEpochs = 0;
  return config;
}

/** The run's checkpoint directory: an earlier run's files removed, unless resuming. */
async function checkpointManager(
  dir: string,
  resume: boolean,
  progress: Progress,
): Promise<CheckpointManager> {
  const manager = new CheckpointManager({ dir, maxToKeep: 3 });
  if (!resume) {
    const old = await readdir(dir).catch(() => [] as string[]);
    if (old.length > 0) {
      progress.log(
        `starting over: removing ${old.length} file(s) of an earlier run in ${dir} (--resume continues it)`,
      );
      await rm(dir, { recursive: true, force: true });
    }
  } else {
    const latest = await manager.latest();
    progress.log(
      latest
        ? `resuming from ${latest.path} (epoch ${latest.state.epoch + 1}, after update ${latest.state.step})`
        : `no checkpoint in ${dir}: starting from scratch`,
    );
  }
  return manager;
}

/** Trains the network, with Ctrl-C as a checkpoint-and-stop when `interruptible`. */
async function trainNetwork(
  options: PlatesTrainOptions,
  rows: PlateRows,
  config: BpConfig,
  manager: CheckpointManager,
  progress: Progress,
): Promise<BpTrainResult> {
  const spec = PLATE_KINDS[options.kind];
  const interrupt = options.interruptible ? listenForInterrupt(progress.log) : undefined;
  try {
    return await trainBp({
      config,
      labels: spec.charset,
      features: spec.features,
      ...rows.train,
      validation: rows.validation,
      manager,
      out: progress.out,
      resume: options.resume,
      ...(interrupt ? { interrupt } : {}),
      ...(options.resumeHint ? { resumeHint: options.resumeHint } : {}),
    });
  } finally {
    interrupt?.dispose();
  }
}

/**
 * `plates train`: renders glyphs of the training fonts, trains the BP network with checkpoints
 * (resumable), measures it on fonts never seen in training and writes the model file.
 */
export async function platesTrainExperiment(options: PlatesTrainOptions): Promise<PlatesTrainData> {
  const progress = options.progress ?? SILENT;
  const spec = PLATE_KINDS[options.kind];
  progress.log();
  progress.log(
    `plates train ${options.kind}: ${[...spec.charset].length} classes, ${spec.features} features`,
  );
  const rows = plateRows(options, progress);
  const config = plateConfig(options, rows);
  for (const w of scheduleWarnings(config)) progress.log(`  schedule: ${w}`);
  const checkpoints = path.resolve(options.dir, "checkpoints");
  const manager = await checkpointManager(checkpoints, options.resume, progress);
  const result = await trainNetwork(options, rows, config, manager, progress);
  const { unseen } = rows;
  let predicted: Int32Array;
  try {
    predicted = await predictRows(result.model, unseen.x, unseen.n, unseen.nf);
  } finally {
    result.model.dispose();
  }
  const model = path.resolve(options.dir, "plate-model.safetensors");
  await savePlateModel(model, result.classifier, {
    trained_by: "trainkit plates train",
    kind: options.kind,
  });
  return {
    kind: options.kind,
    charset: spec.charset,
    trainFonts: rows.trainFonts,
    config,
    epochs: result.history,
    learningRates: result.learningRates,
    resumedFrom: result.resumedFrom?.path ?? null,
    validationAccuracy: result.history.at(-1)?.valAccuracy ?? Number.NaN,
    unseenFontAccuracy: accuracyOf(predicted, unseen.y),
    unseenRows: unseen.n,
    confusion: confusionMatrix(predicted, unseen.y, config.classes),
    model,
    checkpoints,
  };
}
