import type * as tfl from "@tensorflow/tfjs-layers";
import type { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import {
  type FeatureKind,
  PlateBpError,
  type PlateClassifier,
  TrainingAbortedError,
} from "@trainkit/plate-bp";
import {
  type EpochLog,
  modelFromClassifier,
  type TrainPlateModelOptions,
  trainPlateModel,
  type UpdateLog,
} from "@trainkit/plate-bp/tfjs";
import { cosineScheduleWithWarmup, describeSchedule } from "@trainkit/schedulers";
import { InterruptedError, UsageError } from "../cli-error.js";
import type { Interrupt } from "../interrupt.js";
import { type Output, ProgressBar } from "../progress.js";

/**
 * The demos' BP network, trained by `trainPlateModel` of @trainkit/plate-bp: Adam with a linear
 * warm-up (from 5% of the rate) then cosine decay, a checkpoint at the end of every epoch
 * through the CheckpointManager given, an exact resume, and Ctrl-C as an abort signal. This file
 * adds only what the CLI shows: a progress bar per epoch, and Ctrl-C and resume errors in its
 * words.
 */
export interface BpConfig {
  /** Features per row. */
  nf: number;
  classes: number;
  hiddenUnits: number;
  epochs: number;
  batchSize: number;
  learningRate: number;
  warmupEpochs: number;
  seed: number;
  /** Training rows. */
  n: number;
}

export interface BpTrainOptions {
  config: BpConfig;
  /** One character per class, and the feature kind of `x` (kept in the classifier). */
  labels: string;
  features: FeatureKind;
  x: Float32Array;
  y: Int32Array;
  validation?: { x: Float32Array; y: Int32Array };
  manager: CheckpointManager;
  out: Output;
  label?: string;
  interrupt?: Interrupt;
  /** Start from the manager's latest valid checkpoint, if there is one. */
  resume?: boolean;
  /** How to resume, for the Ctrl-C message. */
  resumeHint?: string;
}

export interface BpEpoch {
  /** From 1. */
  epoch: number;
  loss: number;
  trainAccuracy: number;
  valAccuracy?: number;
  /** The rate of the epoch's last update. */
  learningRate: number;
  samplesPerSecond: number;
  checkpoint: string;
}

export interface BpTrainResult {
  /** The trained network (the caller disposes it). */
  model: tfl.Sequential;
  classifier: PlateClassifier;
  history: BpEpoch[];
  /** The learning rate of every update this call ran. */
  learningRates: { step: number; lr: number }[];
  /** Global update count reached. */
  step: number;
  resumedFrom?: { path: string; step: number; epoch: number; batch: number };
}

export function bpSchedule(config: BpConfig) {
  const stepsPerEpoch = Math.ceil(config.n / config.batchSize);
  return cosineScheduleWithWarmup({
    lr: config.learningRate,
    numWarmupSteps: Math.round(config.warmupEpochs * stepsPerEpoch),
    numTrainingSteps: config.epochs * stepsPerEpoch,
    warmupStartFactor: 0.05,
  });
}

/** Warnings about the schedule for this configuration (e.g. a warm-up longer than the run). */
export function scheduleWarnings(config: BpConfig): string[] {
  const stepsPerEpoch = Math.ceil(config.n / config.batchSize);
  return describeSchedule(bpSchedule(config), config.epochs * stepsPerEpoch).warnings.map(
    (w) => w.message,
  );
}

/** A progress bar per epoch, and each epoch's line for the JSON output and the report. */
class EpochProgress {
  private bar: ProgressBar | null = null;
  private seen = 0;
  /** When the current epoch began (the bar appears with its first update). */
  private since = performance.now();
  readonly history: BpEpoch[] = [];
  readonly learningRates: { step: number; lr: number }[] = [];

  constructor(
    private readonly out: Output,
    private readonly prefix: string,
    private readonly epochs: number,
  ) {}

  update(u: UpdateLog): void {
    if (this.bar === null) {
      const label = `${this.prefix}epoch ${u.epoch + 1}/${this.epochs}`;
      this.bar = new ProgressBar(this.out, label, u.batchesPerEpoch);
      this.seen = 0;
    }
    this.seen += u.rows;
    this.learningRates.push({ step: u.update, lr: u.learningRate });
    this.bar.update(u.batch + 1, [
      { label: "loss", value: u.loss.toFixed(4) },
      { label: "lr", value: u.learningRate.toExponential(2) },
      { label: "samples/s", value: (this.seen / this.seconds()).toFixed(0) },
    ]);
  }

  private seconds(): number {
    return (performance.now() - this.since) / 1000 || 1;
  }

  epochEnd(log: EpochLog): void {
    const e: BpEpoch = {
      epoch: log.epoch + 1,
      loss: log.loss,
      trainAccuracy: log.trainAccuracy,
      learningRate: this.learningRates.at(-1)?.lr ?? Number.NaN,
      samplesPerSecond: this.seen / this.seconds(),
      checkpoint: log.checkpoint ?? "",
    };
    if (log.validationAccuracy !== undefined) e.valAccuracy = log.validationAccuracy;
    this.history.push(e);
    this.bar?.finish([
      { label: "loss", value: e.loss.toFixed(4) },
      { label: "acc", value: e.trainAccuracy.toFixed(3) },
      ...(e.valAccuracy !== undefined
        ? [{ label: "val_acc", value: e.valAccuracy.toFixed(3) }]
        : []),
      { label: "lr", value: e.learningRate.toExponential(2) },
      { label: "samples/s", value: e.samplesPerSecond.toFixed(0) },
    ]);
    this.bar = null;
    this.since = performance.now();
  }
}

/** An AbortSignal that Ctrl-C aborts (Interrupt prints the messages and handles a second one). */
function abortOnInterrupt(interrupt: Interrupt | undefined): {
  signal?: AbortSignal;
  dispose(): void;
} {
  if (interrupt === undefined) return { dispose: () => {} };
  const stop = new AbortController();
  const onSignal = () => stop.abort();
  if (interrupt.requested) stop.abort();
  process.on("SIGINT", onSignal);
  return { signal: stop.signal, dispose: () => process.off("SIGINT", onSignal) };
}

function libraryOptions(o: BpTrainOptions): TrainPlateModelOptions {
  const { config } = o;
  return {
    x: o.x,
    y: o.y,
    labels: o.labels,
    features: o.features,
    hiddenUnits: config.hiddenUnits,
    activation: "tanh",
    epochs: config.epochs,
    batchSize: config.batchSize,
    schedule: bpSchedule(config),
    seed: config.seed,
    ...(o.validation ? { validation: o.validation } : {}),
    checkpoint: { manager: o.manager, resume: o.resume ?? false },
  };
}

/** The library's Ctrl-C and resume errors in the CLI's words (exit codes 130 and 2). */
function cliError(error: unknown, resumeHint: string | undefined): unknown {
  if (error instanceof TrainingAbortedError) {
    const hint = resumeHint ? `; resume with: ${resumeHint}` : "";
    return new InterruptedError(
      error.checkpoint ?? "",
      `interrupted in epoch ${error.epoch + 1}, after update ${error.updates}: checkpoint saved at ${error.checkpoint}${hint}`,
    );
  }
  if (error instanceof PlateBpError && error.code === "CHECKPOINT_MISMATCH") {
    // the library's reason, with the CLI's advice instead of the library's
    const reason = error.message.replace(/^trainPlateModel: /, "").replace(/ Resume with .*$/s, "");
    return new UsageError(
      `${reason} Resume with the flags of the run that wrote it, or use another --out.`,
    );
  }
  return error;
}

/** Trains the network; see {@link BpTrainOptions}. */
export async function trainBp(options: BpTrainOptions): Promise<BpTrainResult> {
  const progress = new EpochProgress(
    options.out,
    options.label ? `${options.label}: ` : "",
    options.config.epochs,
  );
  const stop = abortOnInterrupt(options.interrupt);
  try {
    const result = await trainPlateModel({
      ...libraryOptions(options),
      ...(stop.signal ? { signal: stop.signal } : {}),
      onUpdate: (u) => progress.update(u),
      onEpochEnd: (log) => progress.epochEnd(log),
    });
    const from = result.resumedFrom;
    return {
      model: modelFromClassifier(result.classifier),
      classifier: result.classifier,
      history: progress.history,
      learningRates: progress.learningRates,
      step: result.updates,
      ...(from ? { resumedFrom: { ...from, step: from.updates } } : {}),
    };
  } catch (error) {
    throw cliError(error, options.resumeHint);
  } finally {
    stop.dispose();
  }
}

class Crash extends Error {}

/**
 * Runs {@link trainBp}'s training and stops it as a crash would, before batch `at.batch` of
 * epoch `at.epoch` (both from 0): nothing is saved there and nothing is kept in memory; only the
 * checkpoints written before it remain. Returns the update count reached.
 */
export async function trainUntilCrash(
  options: Omit<BpTrainOptions, "interrupt" | "resume" | "resumeHint">,
  at: { epoch: number; batch: number },
): Promise<{ step: number }> {
  const progress = new EpochProgress(
    options.out,
    options.label ? `${options.label}: ` : "",
    options.config.epochs,
  );
  const crashAfter = at.epoch * Math.ceil(options.config.n / options.config.batchSize) + at.batch;
  if (crashAfter === 0) return { step: 0 };
  try {
    const done = await trainPlateModel({
      ...libraryOptions(options),
      onUpdate: (u) => {
        progress.update(u);
        if (u.update + 1 === crashAfter && at.batch > 0) throw new Crash();
      },
      onEpochEnd: (log) => {
        progress.epochEnd(log);
        if (at.batch === 0 && log.epoch + 1 === at.epoch) throw new Crash();
      },
    });
    return { step: done.updates }; // the crash point lies past the end of the run
  } catch (error) {
    if (error instanceof Crash) return { step: crashAfter };
    throw error;
  }
}
