// The plate-reading evaluation of issue #21:
//   npm run evaluate -w @trainkit/plate-bp [-- --plates 200] [-- --out results.json]
//     [-- --levels clean,mild,camera] [-- --threshold 0.9] [-- --fonts eval|measure]
//     [-- --reader <module exporting readPlate>]
// Renders plates in fonts that no training set of this repository uses (EVAL_FONT_FILES below),
// with seeds of its own, at three levels, reads each with readPlate and its default models, and
// prints a markdown table (and writes JSON with --out): exact plates, characters, the most
// common confusions, reading time per plate, and how plate confidence separates misreads.
// Deterministic except for the timings (fixed seeds; the reading itself needs no tfjs).
//
// Levels: clean = renderPlate augment "none"; mild = renderPlate augment "mild"; camera =
// renderCameraPlate with CAMERA_VIEW_PRESET (perspective, rotation, 0.35–0.6 px/mm, blur, noise,
// shadow band, JPEG 35–75).
import { createHash } from "node:crypto";
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join, resolve } from "node:path";
import { pathToFileURL } from "node:url";
import * as lib from "../src/index.js";
import {
  defaultModelPath,
  type GlyphFont,
  loadDefaultModel,
  loadFont,
  PlateBpError,
  type PlateCorners,
  type RasterImage,
  randomPlateText,
  renderCameraPlate,
  renderPlate,
} from "../src/index.js";
import * as readPlateModule from "../src/read-plate.js";
import { TEST_FONT_FILES, TRAIN_FONT_FILES } from "./fonts.js";

const require = createRequire(import.meta.url);
const dirOf = (pkg: string) => dirname(require.resolve(`${pkg}/package.json`));
const expo = (family: string, pkgName: string, weights: string[]) =>
  weights.map((w) => join(dirOf(`@expo-google-fonts/${pkgName}`), w, `${family}_${w}.ttf`));

/**
 * Evaluation-only fonts: families that neither the training scripts (scripts/fonts.ts
 * TRAIN_FONT_FILES), nor the accuracy measurements (TEST_FONT_FILES), nor the demo app use:
 * Arimo (metric-compatible with Arial), Noto Sans and Rajdhani (square, plate-like).
 */
export const EVAL_FONT_FILES = [
  ...expo("Arimo", "arimo", ["400Regular", "700Bold"]),
  ...expo("NotoSans", "noto-sans", ["400Regular", "600SemiBold"]),
  ...expo("Rajdhani", "rajdhani", ["500Medium", "600SemiBold"]),
];

const LEVELS = ["clean", "mild", "camera"] as const;
type Level = (typeof LEVELS)[number];
/** Seeds of the evaluation, disjoint from those of training (1–12), measuring (101–103, 5000+) and tests. */
const LEVEL_SEED: Record<Level, number> = { clean: 710_000, mild: 720_000, camera: 730_000 };

// ------------------------------------------------------------------------------------ arguments
function usage(problem: string): never {
  console.error(
    `evaluate-plates: ${problem}\nusage: npm run evaluate -w @trainkit/plate-bp -- [--plates N] [--out file.json] [--levels clean,mild,camera] [--threshold T] [--fonts eval|measure] [--reader module.ts]`,
  );
  process.exit(2);
}
const argv = process.argv.slice(2);
const KNOWN = ["--plates", "--out", "--levels", "--threshold", "--fonts", "--reader"];
const args = new Map<string, string>();
for (let i = 0; i < argv.length; i += 2) {
  const k = argv[i] as string;
  const v = argv[i + 1];
  if (!KNOWN.includes(k)) usage(`unknown option ${JSON.stringify(k)}`);
  if (v === undefined) usage(`${k} needs a value`);
  args.set(k, v);
}
const plates = Number(args.get("--plates") ?? 200);
if (!Number.isInteger(plates) || plates < 1) {
  usage(`--plates must be a positive integer, got ${JSON.stringify(args.get("--plates"))}`);
}
const levels = (args.get("--levels") ?? LEVELS.join(",")).split(",") as Level[];
for (const l of levels) {
  if (!LEVELS.includes(l))
    usage(`--levels takes clean, mild and/or camera, got ${JSON.stringify(l)}`);
}
const fontSet = args.get("--fonts") ?? "eval";
if (fontSet !== "eval" && fontSet !== "measure") {
  usage(`--fonts takes "eval" or "measure", got ${JSON.stringify(fontSet)}`);
}
const thresholdArg = args.get("--threshold");
if (thresholdArg !== undefined && !(Number(thresholdArg) >= 0 && Number(thresholdArg) <= 1)) {
  usage(`--threshold must be a number in [0, 1], got ${JSON.stringify(thresholdArg)}`);
}

// the fonts: never one of a training family
const fontFiles = fontSet === "eval" ? EVAL_FONT_FILES : TEST_FONT_FILES;
const familyOf = (file: string) => (file.split(/[\\/]/).pop() as string).split(/[_-]/)[0] as string;
const trainFamilies = new Set(TRAIN_FONT_FILES.map(familyOf));
for (const f of fontFiles) {
  if (trainFamilies.has(familyOf(f)))
    throw new Error(`${f} is a training family; fix EVAL_FONT_FILES`);
}
const fonts: GlyphFont[] = fontFiles.map((f) => loadFont(f));

// the reader: this package's readPlate, or another module's (to compare readers)
type AnyReading = {
  text: string;
  characters: readonly { label: string; confidence: number }[];
  confidence?: unknown;
  lowConfidence?: unknown;
  plate?: { corners?: unknown };
  quad?: unknown;
};
type Reader = (image: RasterImage) => AnyReading;
const readerPath = args.get("--reader");
const readPlate: Reader = readerPath
  ? ((await import(pathToFileURL(resolve(readerPath)).href)) as { readPlate: Reader }).readPlate
  : (lib.readPlate as unknown as Reader);
if (typeof readPlate !== "function") usage(`${readerPath} exports no readPlate function`);

// HOOK (issue #21): the plate-level confidence. readPlate's result carries `confidence` (0..1) and
// `lowConfidence` (confidence under readPlate's default threshold). A plate counts as "below" when
// `confidence` < --threshold if that is given, else when the reading says `lowConfidence`, else
// when `confidence` is under the package's exported default (or 0.9, marked "assumed").
const exported = [
  ...Object.entries(lib as Record<string, unknown>),
  ...Object.entries(readPlateModule as Record<string, unknown>),
].find(([k, v]) => /PLATE_CONFIDENCE/.test(k) && typeof v === "number");
const threshold =
  thresholdArg !== undefined ? Number(thresholdArg) : exported ? (exported[1] as number) : 0.9;
const thresholdSource =
  thresholdArg !== undefined
    ? "--threshold"
    : exported
      ? `${exported[0]}, readPlate's default`
      : "assumed (no default exported)";
function isBelow(reading: AnyReading | null): boolean | null {
  if (reading === null) return true; // a reader error claims no reading
  if (typeof reading.confidence !== "number") return null;
  if (thresholdArg === undefined && typeof reading.lowConfidence === "boolean") {
    return reading.lowConfidence;
  }
  return reading.confidence < threshold;
}

// ------------------------------------------------------------------------------------ one level
interface LevelResult {
  level: Level;
  plates: number;
  exact: number;
  characters: number;
  /** Plates where readPlate threw a PlateBpError (counted as misread, every character wrong). */
  errors: Record<string, number>;
  /** Misread plates by how many of their 7 characters are wrong. */
  wrongCharacters: Record<string, number>;
  confusions: [string, number][];
  cpuMsPerPlate: number;
  meanWallMs: number;
  medianWallMs: number;
  /** Plate-level confidence (readPlate's `confidence`), when the reader gives one. */
  plateConfidence: null | {
    threshold: number;
    misread: number;
    misreadBelow: number;
    correct: number;
    correctBelow: number;
  };
  /** Fallback: the lowest character confidence below 0.9 as the signal. */
  minCharacterBelow09: {
    misread: number;
    misreadBelow: number;
    correct: number;
    correctBelow: number;
  };
  /** Every misread plate: its seed, font, text, what was read (or the error code) and confidence. */
  misreads: { seed: number; font: string; text: string; read: string; confidence: number | null }[];
  /** Corner error of the reader's plate quadrilateral (when it reports `quad`), camera level only. */
  quadError: null | { plates: number; meanPx: number; maxPx: number };
}

function render(level: Level, font: GlyphFont, text: string, seed: number) {
  if (level === "camera") return renderCameraPlate(font, text, { seed });
  return { image: renderPlate(font, text, { seed, augment: level === "clean" ? "none" : "mild" }) };
}

function asQuad(q: unknown): PlateCorners | null {
  if (!Array.isArray(q) || q.length !== 4) return null;
  for (const p of q)
    if (!Array.isArray(p) || p.length !== 2 || !p.every(Number.isFinite)) return null;
  return q as unknown as PlateCorners;
}

function evaluate(level: Level): LevelResult {
  let exact = 0;
  let chars = 0;
  const errors: Record<string, number> = {};
  const wrong: Record<string, number> = {};
  const confusions = new Map<string, number>();
  const walls: number[] = [];
  let cpuMicros = 0;
  const pc = { threshold, misread: 0, misreadBelow: 0, correct: 0, correctBelow: 0 };
  let plateConfidenceSeen = false;
  const mc = { misread: 0, misreadBelow: 0, correct: 0, correctBelow: 0 };
  const quadErrors: number[] = [];
  // render every plate first, then time the reading alone (one CPU-time delta over all reads)
  const texts: string[] = [];
  const shots: ReturnType<typeof render>[] = [];
  for (let i = 0; i < plates; i++) {
    const seed = LEVEL_SEED[level] + i;
    texts.push(randomPlateText(seed));
    shots.push(render(level, fonts[i % fonts.length] as GlyphFont, texts[i] as string, seed));
  }
  const readings: (AnyReading | null)[] = [];
  const errorCodes: (string | null)[] = [];
  const misreads: LevelResult["misreads"] = [];
  const cpu0 = process.cpuUsage();
  for (const shot of shots) {
    const t0 = performance.now();
    try {
      readings.push(readPlate(shot.image));
      errorCodes.push(null);
    } catch (e) {
      // a PlateBpError (by its code: a --reader module may load its own copy of the class)
      const code = (e as { code?: unknown }).code;
      if (!(e instanceof PlateBpError) && !(e instanceof Error && typeof code === "string"))
        throw e;
      errors[code as string] = (errors[code as string] ?? 0) + 1;
      readings.push(null);
      errorCodes.push(code as string);
    }
    walls.push(performance.now() - t0);
  }
  const cpu1 = process.cpuUsage(cpu0);
  cpuMicros = cpu1.user + cpu1.system;
  for (let i = 0; i < plates; i++) {
    const text = texts[i] as string;
    const shot = shots[i] as ReturnType<typeof render>;
    const reading = readings[i] as AnyReading | null;
    const got = reading ? reading.text : "";
    const ok = got === text;
    if (ok) exact++;
    let nWrong = 0;
    for (let k = 0; k < 7; k++) {
      if (got[k] === text[k]) chars++;
      else {
        nWrong++;
        const key = `${text[k]}→${got[k] ?? "∅"}`;
        confusions.set(key, (confusions.get(key) ?? 0) + 1);
      }
    }
    if (!ok) {
      wrong[String(nWrong)] = (wrong[String(nWrong)] ?? 0) + 1;
      misreads.push({
        seed: LEVEL_SEED[level] + i,
        font: (fonts[i % fonts.length] as GlyphFont).name,
        text,
        read: reading ? got : `(${errorCodes[i]})`,
        confidence: reading && typeof reading.confidence === "number" ? reading.confidence : null,
      });
    }
    // plate-level confidence (HOOK above); a reader error counts as "below"
    const verdict = isBelow(reading);
    if (verdict !== null && reading !== null) plateConfidenceSeen = true;
    const below = verdict === true;
    if (ok) {
      pc.correct++;
      if (below) pc.correctBelow++;
    } else {
      pc.misread++;
      if (below) pc.misreadBelow++;
    }
    const minChar = reading
      ? Math.min(...reading.characters.map((c) => c.confidence))
      : Number.NEGATIVE_INFINITY;
    if (ok) {
      mc.correct++;
      if (minChar < 0.9) mc.correctBelow++;
    } else {
      mc.misread++;
      if (minChar < 0.9) mc.misreadBelow++;
    }
    // HOOK: the reader's plate corners against the rendered ground truth
    const truth = "quad" in shot ? shot.quad : null;
    const found = reading ? (asQuad(reading.plate?.corners) ?? asQuad(reading.quad)) : null;
    if (truth && found) {
      let worst = 0;
      for (let k = 0; k < 4; k++) {
        const [tx, ty] = truth[k] as readonly [number, number];
        const [fx, fy] = found[k] as readonly [number, number];
        worst = Math.max(worst, Math.hypot(tx - fx, ty - fy));
      }
      quadErrors.push(worst);
    }
  }
  walls.sort((a, b) => a - b);
  return {
    level,
    plates,
    exact,
    characters: chars,
    errors,
    wrongCharacters: wrong,
    confusions: [...confusions].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    cpuMsPerPlate: cpuMicros / 1000 / plates,
    meanWallMs: walls.reduce((a, b) => a + b, 0) / walls.length,
    medianWallMs: walls[Math.floor(walls.length / 2)] as number,
    plateConfidence: plateConfidenceSeen ? pc : null,
    misreads,
    minCharacterBelow09: mc,
    quadError:
      quadErrors.length > 0
        ? {
            plates: quadErrors.length,
            meanPx: quadErrors.reduce((a, b) => a + b, 0) / quadErrors.length,
            maxPx: Math.max(...quadErrors),
          }
        : null,
  };
}

// ------------------------------------------------------------------------------------ run
// warm up (model load, JIT) on plates outside the evaluation seeds
loadDefaultModel("alphanumerics");
for (let i = 0; i < 5; i++) {
  try {
    readPlate(
      renderPlate(fonts[0] as GlyphFont, randomPlateText(990_000 + i), { seed: 990_000 + i }),
    );
  } catch {
    // warm-up only
  }
}
const results = levels.map(evaluate);

const pct = (a: number, b: number) => (b === 0 ? "–" : `${((100 * a) / b).toFixed(1)}%`);
const modelFile = defaultModelPath("alphanumerics");
const modelSha = createHash("sha256").update(readFileSync(modelFile)).digest("hex");
const lines: string[] = [];
lines.push(
  `Fonts (${fontSet === "eval" ? "evaluation-only" : "the measure script's unseen set"}): ${fonts.map((f) => f.name).join(", ")}`,
);
lines.push(
  `Reader: ${readerPath ?? "readPlate of this package"}; alphanumeric model sha256 ${modelSha.slice(0, 16)}…`,
);
lines.push("");
lines.push(
  "| Level | Plates | Exact plates | Characters | Reader errors | Misread plates by wrong characters (1 / 2 / 3+) | ms / plate (CPU, one core) | ms / plate (wall: mean / median) | Most common confusions |",
);
lines.push("|---|---|---|---|---|---|---|---|---|");
for (const r of results) {
  const w = r.wrongCharacters;
  const three = Object.entries(w)
    .filter(([k]) => Number(k) >= 3)
    .reduce((a, [, v]) => a + v, 0);
  const errs = Object.entries(r.errors)
    .map(([k, v]) => `${k} ×${v}`)
    .join(", ");
  lines.push(
    `| ${r.level} | ${r.plates} | ${pct(r.exact, r.plates)} | ${pct(r.characters, 7 * r.plates)} | ${errs || "0"} | ${w["1"] ?? 0} / ${w["2"] ?? 0} / ${three} | ${r.cpuMsPerPlate.toFixed(2)} | ${r.meanWallMs.toFixed(2)} / ${r.medianWallMs.toFixed(2)} | ${
      r.confusions
        .slice(0, 8)
        .map(([k, v]) => `${k} ×${v}`)
        .join(", ") || "none"
    } |`,
  );
}
lines.push("");
lines.push(
  `Plate confidence (threshold ${threshold}, ${thresholdSource}): how many misread and correct plates fall below it.`,
);
lines.push("");
lines.push(
  "| Level | Misread plates below threshold | Correct plates below threshold | Fallback: misread with a character < 0.9 | Fallback: correct with a character < 0.9 | Reader's quad corner error (worst corner, px) |",
);
lines.push("|---|---|---|---|---|---|");
for (const r of results) {
  const p = r.plateConfidence;
  const m = r.minCharacterBelow09;
  lines.push(
    `| ${r.level} | ${p ? `${p.misreadBelow} of ${p.misread} (${pct(p.misreadBelow, p.misread)})` : "no plate confidence yet"} | ${p ? `${p.correctBelow} of ${p.correct} (${pct(p.correctBelow, p.correct)})` : "–"} | ${m.misreadBelow} of ${m.misread} (${pct(m.misreadBelow, m.misread)}) | ${m.correctBelow} of ${m.correct} (${pct(m.correctBelow, m.correct)}) | ${r.quadError ? `mean ${r.quadError.meanPx.toFixed(2)}, max ${r.quadError.maxPx.toFixed(2)} (${r.quadError.plates} plates)` : "–"} |`,
  );
}
console.log(lines.join("\n"));

const out = args.get("--out");
if (out !== undefined) {
  writeFileSync(
    resolve(out),
    `${JSON.stringify(
      {
        command: `npm run evaluate -w @trainkit/plate-bp -- ${argv.join(" ")}`.trim(),
        node: process.version,
        fonts: fonts.map((f) => f.name),
        fontFiles: fontFiles.map((f) => f.split(/[\\/]/).slice(-2).join("/")),
        seeds: Object.fromEntries(
          levels.map((l) => [l, [LEVEL_SEED[l], LEVEL_SEED[l] + plates - 1]]),
        ),
        model: { file: modelFile.split(/[\\/]/).pop(), sha256: modelSha },
        reader: readerPath ?? "readPlate",
        threshold: { value: threshold, source: thresholdSource },
        levels: results,
      },
      null,
      2,
    )}\n`,
  );
  console.log(`\nwrote ${resolve(out)}`);
}
