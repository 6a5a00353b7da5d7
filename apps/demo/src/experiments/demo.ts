import { rm } from "node:fs/promises";
import * as path from "node:path";
import type * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { assertDisjoint, splitTogether } from "@trainkit/data-split";
import { type GlyphFont, PLATE_ALPHANUMERICS } from "@trainkit/plate-bp";
import type { Interrupt } from "../interrupt.js";
import { type CharacterRows, generateCharacters } from "../plates/dataset.js";
import { fontLabel, loadFonts, TRAIN_FONT_FILES, UNSEEN_FONT_FILES } from "../plates/fonts.js";
import {
  type BpConfig,
  scheduleWarnings,
  trainBp,
  trainUntilCrash,
} from "../plates/train-plates.js";
import { type ExperimentFlags, type Progress, SILENT } from "./common.js";
import { type DemoEvaluation, evaluateDemoModel } from "./demo-evaluation.js";

export interface DemoOptions extends ExperimentFlags {
  /** Where checkpoints, weights and the plate model go. */
  dir: string;
  progress?: Progress;
  /** Ctrl-C: the training stops after the current update and writes a checkpoint. */
  interrupt?: Interrupt;
}

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

type TrainResult = Awaited<ReturnType<typeof trainBp>>;

/** What a training run recorded, for the report. */
export interface DemoRunLog {
  history: TrainResult["history"];
  learningRates: TrainResult["learningRates"];
}

export interface DemoData extends DemoEvaluation {
  charset: string;
  trainFonts: string[];
  unseenFonts: string[];
  rows: { train: number; validation: number; unseen: number };
  config: BpConfig;
  straight: DemoRunLog;
  /** The resumed run: its epochs and updates, from the update it resumed at. */
  resumed: DemoRunLog & { fromStep: number };
  resume: ResumeCheck;
  validationAccuracy: number;
}

const FEATURES = "easypr120" as const;

interface Rows {
  x: Float32Array;
  y: Int32Array;
}

/** The characters: rendered, split paired and stratified, and the network's configuration. */
interface DemoSet {
  charset: string;
  trainFiles: readonly string[];
  unseenFiles: readonly string[];
  unseenFonts: GlyphFont[];
  train: Rows;
  validation: Rows;
  unseen: CharacterRows;
  config: BpConfig;
}

/**
 * The main demo: licence-plate characters from real fonts (plate-bp), a paired, stratified,
 * seeded split (data-split), the BP network with linear warm-up and cosine decay (schedulers),
 * a checkpoint per epoch and an exact resume (checkpoint), unseen fonts, whole plates and the
 * checkpoint's size. Every tensor it makes is disposed.
 */
export async function demoExperiment(options: DemoOptions): Promise<DemoData> {
  const progress = options.progress ?? SILENT;
  const set = characterSet(options, progress);
  const { straight, resumed, crashedAt } = await trainWithCrash(set, options, progress);
  const resume = {
    epochs: set.config.epochs,
    crashedInEpoch: crashEpoch(set.config) + 1,
    crashedAtUpdate: crashedAt,
    resumedFrom: resumed.resumedFrom?.path ?? null,
    resumedFromEpoch: resumed.resumedFrom?.epoch ?? 0,
    ...(await compareWeights(straight.model, resumed.model)),
    lossesEqual: resumed.history.every((e) => straight.history[e.epoch - 1]?.loss === e.loss),
  };
  resumed.model.dispose();
  try {
    const evaluation = await evaluateDemoModel(straight.model, straight.classifier, {
      ...set,
      checkpoint: straight.history.at(-1)?.checkpoint ?? "",
      dir: options.dir,
      seed: options.seed,
      quick: options.quick,
    });
    return {
      charset: set.charset,
      trainFonts: set.trainFiles.map(fontLabel),
      unseenFonts: set.unseenFiles.map(fontLabel),
      rows: {
        train: set.train.y.length,
        validation: set.validation.y.length,
        unseen: set.unseen.n,
      },
      config: set.config,
      straight: { history: straight.history, learningRates: straight.learningRates },
      resumed: {
        history: resumed.history,
        learningRates: resumed.learningRates,
        fromStep: resumed.resumedFrom?.step ?? 0,
      },
      resume,
      validationAccuracy: straight.history.at(-1)?.valAccuracy ?? Number.NaN,
      ...evaluation,
    };
  } finally {
    straight.model.dispose();
  }
}

function characterSet(options: DemoOptions, progress: Progress): DemoSet {
  const { quick, seed } = options;
  const charset = PLATE_ALPHANUMERICS;
  const trainFiles = quick ? TRAIN_FONT_FILES.slice(0, 3) : TRAIN_FONT_FILES;
  const unseenFiles = quick ? UNSEEN_FONT_FILES.slice(0, 2) : UNSEEN_FONT_FILES;
  progress.log();
  progress.log(
    `Plate characters: ${[...charset].length} classes (${charset}), ${trainFiles.length} training fonts, ${unseenFiles.length} unseen fonts`,
  );
  const unseenFonts = loadFonts(unseenFiles);
  const glyphs = { charset, augment: "mild" as const, features: FEATURES };
  const all = generateCharacters(progress.out, "render training glyphs", loadFonts(trainFiles), {
    ...glyphs,
    samplesPerClass: quick ? 3 : 16,
    seed,
  });
  const unseen = generateCharacters(progress.out, "render unseen-font glyphs", unseenFonts, {
    ...glyphs,
    samplesPerClass: quick ? 2 : 8,
    seed: seed + 7,
  });
  // Paired (x, y and font together), stratified by class, seeded.
  const split = splitTogether(
    { x: { data: all.x, shape: [all.n, all.nf] }, y: all.y, font: all.font },
    { testSize: 0.2, seed, stratify: "y" },
  );
  assertDisjoint(split.indices.train, split.indices.test);
  const train = { x: split.train.x.data as Float32Array, y: split.train.y as Int32Array };
  const validation = { x: split.test.x.data as Float32Array, y: split.test.y as Int32Array };
  progress.log(
    `split: ${train.y.length} train / ${validation.y.length} validation rows, stratified by class, seed ${seed} (splitTogether keeps x, y and font paired)`,
  );
  const config = bpConfig(options, all.nf, [...charset].length, train.y.length);
  for (const w of scheduleWarnings(config)) progress.log(`  schedule: ${w}`);
  progress.log(
    `BP network ${config.nf} → ${config.hiddenUnits} (tanh) → ${config.classes} (softmax), Adam ${config.learningRate} with ${config.warmupEpochs} epoch(s) of linear warm-up then cosine decay, ${config.epochs} epochs of ${stepsPerEpoch(config)} updates`,
  );
  return { charset, trainFiles, unseenFiles, unseenFonts, train, validation, unseen, config };
}

function bpConfig(options: DemoOptions, nf: number, classes: number, n: number): BpConfig {
  const epochs = options.epochs ?? (options.quick ? 3 : 20);
  return {
    nf,
    classes,
    hiddenUnits: 96,
    epochs,
    batchSize: 64,
    learningRate: 0.01,
    warmupEpochs: epochs > 1 ? 1 : 0,
    seed: options.seed,
    n,
  };
}

function stepsPerEpoch(config: BpConfig): number {
  return Math.ceil(config.n / config.batchSize);
}

/** The crash comes in the middle epoch (0-based), before its middle update. */
function crashEpoch(config: BpConfig): number {
  return Math.floor(config.epochs / 2);
}

/**
 * Trains straight through with a checkpoint per epoch; then again, crashing mid-run, and
 * resumed in a fresh model and optimizer from the latest checkpoint.
 */
async function trainWithCrash(set: DemoSet, options: DemoOptions, progress: Progress) {
  const { config } = set;
  const root = path.resolve(options.dir, "checkpoints");
  await rm(path.join(root, "straight"), { recursive: true, force: true });
  await rm(path.join(root, "resumed"), { recursive: true, force: true });
  const manager = (dir: string) =>
    new CheckpointManager({
      dir: path.join(root, dir),
      maxToKeep: 3,
      monitor: "val_accuracy",
      mode: "max",
      keepBest: 1,
    });
  const common = {
    config,
    labels: set.charset,
    features: FEATURES,
    ...set.train,
    validation: set.validation,
    out: progress.out,
  };
  const interrupt = options.interrupt ? { interrupt: options.interrupt } : {};
  progress.log();
  progress.log("1. straight run, a checkpoint after every epoch:");
  const straight = await trainBp({
    ...common,
    ...interrupt,
    manager: manager("straight"),
    label: "straight",
  });
  const crashBatch = Math.floor(stepsPerEpoch(config) / 2);
  progress.log();
  progress.log(
    `2. the same run, crashing in epoch ${crashEpoch(config) + 1} (before update ${crashBatch + 1} of ${stepsPerEpoch(config)}), then resumed in a fresh model from the latest checkpoint:`,
  );
  const resumedManager = manager("resumed");
  const crashed = await trainUntilCrash(
    { ...common, manager: resumedManager, label: "crashing" },
    { epoch: crashEpoch(config), batch: crashBatch },
  );
  progress.log(`   crashed after update ${crashed.step}; the model and optimizer are gone`);
  const resumed = await trainBp({
    ...common,
    ...interrupt,
    manager: resumedManager,
    label: "resumed",
    resume: true,
  });
  return { straight, resumed, crashedAt: crashed.step };
}

/** Bit-for-bit comparison of two models' weights, and the largest difference. */
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
