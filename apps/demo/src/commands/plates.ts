import * as path from "node:path";
import {
  classifyImageWith,
  loadDefaultModel,
  loadPlateModel,
  PLATE_CONFIDENCE_THRESHOLD,
  PlateBpError,
  type PlateClassifier,
  type RasterImage,
  readImageFile,
  readPlate,
} from "@trainkit/plate-bp";
import { InputFileError, unreadableImage } from "../cli-error.js";
import type { Context, GlobalFlags } from "../context.js";
import {
  type PlateKind,
  type PlatesTrainData,
  platesTrainExperiment,
} from "../experiments/plates.js";
import { platesReport } from "../report/plates-report.js";
import { type CommandResult, finishCommand, pct, pick } from "./common.js";

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
    throw unreadableImage(file, reason);
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
  /** The plate's characters; "" when no plate was found. */
  text: string;
  /** False when the image holds no readable plate (`reason` says why). */
  found: boolean;
  /** Plate-level confidence, 0..1 (0 when no plate was found). */
  confidence: number;
  /** True when `confidence` is under the reading threshold: check this reading. */
  lowConfidence: boolean;
  characters: { label: string; confidence: number }[];
  reason?: string;
}

const pct1 = (v: number) => `${(v * 100).toFixed(1)}%`;

async function read(ctx: Context): Promise<PlateRead[]> {
  const model = loadModel(ctx.flags, "alphanumerics");
  const out: PlateRead[] = [];
  for (const file of ctx.flags.args.slice(1)) {
    const image = await readImage(file);
    let reading: ReturnType<typeof readPlate>;
    try {
      reading = readPlate(image, { model });
    } catch (error) {
      const noPlate =
        error instanceof PlateBpError &&
        (error.code === "SEGMENTATION_FAILED" || error.code === "INVALID_IMAGE");
      if (noPlate) {
        // no plate in this image (or one too small to read): say so and go on with the others
        const reason = error.message.replace(/^readPlate: /, "");
        out.push({
          file,
          text: "",
          found: false,
          confidence: 0,
          lowConfidence: true,
          characters: [],
          reason,
        });
        ctx.log(
          `${file}: ${reason.startsWith("no plate found") ? reason : `no plate read: ${reason}`}`,
        );
        continue;
      }
      if (error instanceof PlateBpError) {
        throw new InputFileError(file, `cannot read a plate in '${file}': ${error.message}`);
      }
      throw error;
    }
    out.push({
      file,
      text: reading.text,
      found: true,
      confidence: reading.confidence,
      lowConfidence: reading.lowConfidence,
      characters: reading.characters.map((c) => ({ label: c.label, confidence: c.confidence })),
    });
    const lowest = Math.min(...reading.characters.map((c) => c.confidence));
    const flag = reading.lowConfidence
      ? ` LOW CONFIDENCE (under ${pct1(PLATE_CONFIDENCE_THRESHOLD)}): check this reading`
      : "";
    ctx.log(
      `${file}: ${reading.text} (plate confidence ${pct1(reading.confidence)}, lowest character ${pct1(lowest)})${flag}`,
    );
  }
  return out;
}

const FIELDS = [
  "config",
  "epochs",
  "resumedFrom",
  "validationAccuracy",
  "unseenFontAccuracy",
  "model",
  "checkpoints",
] as const;

export type PlatesTrainResult = CommandResult<
  "plates train",
  { kind: PlateKind } & Pick<PlatesTrainData, (typeof FIELDS)[number]>
>;

/** The command line that continues this run, for the Ctrl-C message. */
function resumeHint(flags: GlobalFlags, kind: PlateKind): string {
  return [
    "trainkit plates train",
    kind,
    `--out ${flags.out}`,
    `--seed ${flags.seed}`,
    ...(flags.epochs !== undefined ? [`--epochs ${flags.epochs}`] : []),
    ...(flags.quick ? ["--quick"] : []),
    ...(flags.backend !== "auto" ? [`--backend ${flags.backend}`] : []),
    "--resume",
  ].join(" ");
}

async function train(ctx: Context): Promise<PlatesTrainResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const kind = (flags.args[1] ?? "digits") as PlateKind;
  const data = await platesTrainExperiment({
    kind,
    quick: flags.quick,
    seed: flags.seed,
    ...(flags.epochs !== undefined ? { epochs: flags.epochs } : {}),
    dir: flags.out,
    resume: flags.resume,
    resumeHint: resumeHint(flags, kind),
    interruptible: true,
    progress: ctx,
  });
  return finishCommand(ctx, started, data, {
    command: "plates train",
    report: platesReport,
    summary: (d) => {
      log();
      log(
        `accuracy: ${pct(d.unseenFontAccuracy)} on ${d.unseenRows} characters in unseen fonts (validation ${pct(d.validationAccuracy)})`,
      );
      log(
        `model: ${d.model} (use it with: trainkit plates classify --model ${d.model} <image...>)`,
      );
    },
    fields: (d) => ({ kind, ...pick(d, FIELDS) }),
  });
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
