import * as path from "node:path";
import type { Context } from "../context.js";
import { type DemoData, demoExperiment, type ResumeCheck } from "../experiments/demo.js";
import type { CameraPlateRead, SizeRow } from "../experiments/demo-evaluation.js";
import { listenForInterrupt } from "../interrupt.js";
import type { BpEpoch } from "../plates/train-plates.js";
import { demoReport, formatBytes } from "../report/demo-report.js";
import { type CommandResult, finishCommand, pct, pick } from "./common.js";

export type { ResumeCheck, SizeRow };

/** The result's fields from the data, before and after the straight run's epochs. */
const BEFORE = ["charset", "trainFonts", "unseenFonts", "rows", "config"] as const;
const AFTER = [
  "validationAccuracy",
  "unseenFontAccuracy",
  "unseenFontAccuracyFp16",
  "perFont",
  "resume",
  "plates",
  "sizes",
  "checkpoint",
  "model",
] as const;

export type DemoResult = CommandResult<
  "demo",
  Pick<DemoData, (typeof BEFORE)[number] | (typeof AFTER)[number]> & {
    epochs: BpEpoch[];
    /** The camera-view plates' readings, without their pictures. */
    cameraPlates: Omit<CameraPlateRead, "camera" | "rectified" | "binary">[];
  }
>;

/** Relative to the working directory when inside it, else absolute. */
function shortPath(file: string): string {
  const rel = path.relative(process.cwd(), file);
  return rel.startsWith("..") || path.isAbsolute(rel) ? file : rel;
}

/**
 * `trainkit demo`: plate characters end to end (split, warm-up + cosine, checkpoints, exact
 * resume, unseen fonts, whole plates, checkpoint size); Ctrl-C writes a checkpoint.
 */
export async function runDemo(ctx: Context): Promise<DemoResult> {
  const started = performance.now();
  const { flags } = ctx;
  const interrupt = listenForInterrupt((line) => ctx.log(line));
  let data: DemoData;
  try {
    data = await demoExperiment({
      quick: flags.quick,
      seed: flags.seed,
      epochs: flags.epochs,
      dir: flags.out,
      progress: ctx,
      interrupt,
    });
  } finally {
    interrupt.dispose();
  }
  return finishCommand(ctx, started, data, {
    command: "demo",
    report: demoReport,
    summary: (d) => logSummary(ctx, d),
    fields: (d) => ({
      ...pick(d, BEFORE),
      epochs: d.straight.history,
      ...pick(d, AFTER),
      cameraPlates: d.cameraPlates.map(({ camera, rectified, binary, ...reading }) => reading),
    }),
  });
}

function logSummary(ctx: Context, data: DemoData): void {
  const { log } = ctx;
  const { resume, plates } = data;
  log();
  log(
    `accuracy: ${pct(data.unseenFontAccuracy)} on ${data.rows.unseen} characters in unseen fonts (validation ${pct(data.validationAccuracy)}, float16 release ${pct(data.unseenFontAccuracyFp16)})`,
  );
  log(
    `plates: ${plates.filter((p) => p.exact).length}/${plates.length} read exactly: ${plates.map((p) => `${p.truth}→${p.read}`).join(" ")}`,
  );
  const camera = data.cameraPlates;
  log(
    `camera-view plates: ${camera.filter((p) => p.exact).length}/${camera.length} read exactly: ${camera.map((p) => `${p.truth}→${p.refused ? "(no plate found)" : `${p.read} (${p.confidence.toFixed(2)})`}`).join(" ")}`,
  );
  const from = resume.resumedFrom
    ? `resumed from ${shortPath(resume.resumedFrom)} (end of epoch ${resume.resumedFromEpoch})`
    : "no checkpoint before the crash: restarted from scratch";
  const weights = resume.bitIdentical
    ? `bit-identical to the straight run (${resume.tensors} tensors)`
    : `DIFFER from the straight run (max |diff| ${resume.maxAbsDiff.toExponential(2)})`;
  log(
    `resume check: ${from}; final weights ${weights} on ${ctx.backend.candidate}; epoch losses ${resume.lossesEqual ? "equal" : "differ"}`,
  );
  log("checkpoint size:");
  for (const s of data.sizes) {
    log(`  ${s.what.padEnd(96)} ${formatBytes(s.bytes).padStart(10)}  ${s.ratio.toFixed(2)}x`);
  }
  log(`model: ${shortPath(data.model)}`);
}
