import { stat } from "node:fs/promises";
import * as path from "node:path";
import type * as tfl from "@tensorflow/tfjs-layers";
import { explainCheckpoint, verifyCheckpoint } from "@trainkit/checkpoint";
import { loadWeights, saveWeights } from "@trainkit/checkpoint/tfjs";
import {
  classifyImageWith,
  type GlyphFont,
  type GrayImage,
  PlateBpError,
  type PlateClassifier,
  type RasterImage,
  randomPlateText,
  readPlate,
  renderCameraPlate,
  renderCharacter,
  renderPlate,
  savePlateModel,
} from "@trainkit/plate-bp";
import { createPlateMlp } from "@trainkit/plate-bp/tfjs";
import { predictRows } from "../plates/classifier.js";
import type { CharacterRows } from "../plates/dataset.js";
import { fontLabel } from "../plates/fonts.js";
import type { BpConfig } from "../plates/train-plates.js";
import { drawBox, drawPolygon, type RgbImage, toRgb } from "../report/overlay.js";
import { accuracyOf, confusionMatrix } from "../train.js";

export interface SizeRow {
  file: string;
  what: string;
  bytes: number;
  /** Bytes over the float32 weights-only file. */
  ratio: number;
}

/** A whole plate read with this run's model and with the shipped one. */
export interface PlateRead {
  truth: string;
  read: string;
  shipped: string;
  exact: boolean;
}

/**
 * A plate as a camera sees it (perspective, shadow, blur, JPEG), read with this run's model, and
 * the pictures that show why it was read so: where `readPlate` found the plate, the plate
 * rectified onto its 440 × 140 mm frame, and the binarised plate with the seven cuts.
 */
export interface CameraPlateRead {
  truth: string;
  /** This run's model's reading; "" when `readPlate` refused the image (see `refused`). */
  read: string;
  /** The shipped model's reading of the same image ("" when refused). */
  shipped: string;
  exact: boolean;
  /** The plate-level confidence of this run's reading, and whether it is under the threshold. */
  confidence: number;
  lowConfidence: boolean;
  /** readPlate's message when it found no plate to read. */
  refused?: string;
  /** The camera view, with the plate's outline as readPlate found it (red). */
  camera: RgbImage;
  /** The rectified gray plate with each character's box (blue); absent when refused. */
  rectified?: RgbImage;
  /** The binarised rectified plate (characters white) with the same boxes. */
  binary?: RgbImage;
}

/** What the trained model does on unseen fonts and whole plates, and what its files weigh. */
export interface DemoEvaluation {
  unseenFontAccuracy: number;
  unseenFontAccuracyFp16: number;
  perFont: { font: string; accuracy: number }[];
  /** Unseen-font rows: `confusion[t][p]` of true class t predicted as p. */
  confusion: number[][];
  plates: PlateRead[];
  plateImages: { image: RasterImage; plate: PlateRead }[];
  /** Camera-view plates in unseen fonts, read with this run's model. */
  cameraPlates: CameraPlateRead[];
  /** Characters in unseen fonts, what the model says and how sure it is. */
  samples: { image: GrayImage; char: string; label: string; confidence: number }[];
  sizes: SizeRow[];
  /** The last training checkpoint: its path, its bytes by part, explainCheckpoint's text. */
  checkpoint: string;
  checkpointParts: { group: string; bytes: number }[];
  checkpointText: string;
  /** The plate model written (`plate-model.safetensors`). */
  model: string;
}

interface EvaluationInput {
  charset: string;
  unseenFiles: readonly string[];
  unseenFonts: GlyphFont[];
  unseen: CharacterRows;
  config: BpConfig;
  checkpoint: string;
  dir: string;
  seed: number;
  quick: boolean;
}

/** Unseen fonts, the weights-only releases and the plate model, whole plates, sample glyphs. */
export async function evaluateDemoModel(
  model: tfl.LayersModel,
  classifier: PlateClassifier,
  input: EvaluationInput,
): Promise<DemoEvaluation> {
  const { unseen, unseenFiles } = input;
  const predicted = await predictRows(model, unseen.x, unseen.n, unseen.nf);
  const perFont = unseenFiles.map((file, i) => {
    const rows = [...unseen.font.keys()].filter((r) => unseen.font[r] === i);
    return {
      font: fontLabel(file),
      accuracy: accuracyOf(
        rows.map((r) => predicted[r] as number),
        rows.map((r) => unseen.y[r] as number),
      ),
    };
  });
  const release = await releaseFiles(model, classifier, input);
  const plateImages = readPlates(classifier, input);
  return {
    unseenFontAccuracy: accuracyOf(predicted, unseen.y),
    perFont,
    confusion: confusionMatrix(predicted, unseen.y, input.config.classes),
    ...release,
    plates: plateImages.map((p) => p.plate),
    plateImages,
    cameraPlates: readCameraPlates(classifier, input),
    samples: sampleCharacters(classifier, input),
  };
}

/** The weights-only float32 and float16 files, the plate model, and the sizes against them. */
async function releaseFiles(
  model: tfl.LayersModel,
  classifier: PlateClassifier,
  input: EvaluationInput,
) {
  const { checkpoint, dir, config, unseen } = input;
  const explained = await explainCheckpoint(checkpoint);
  await verifyCheckpoint(checkpoint);
  const fp32Path = path.resolve(dir, "weights-fp32.safetensors");
  const fp16Path = path.resolve(dir, "weights-fp16.safetensors");
  await saveWeights(fp32Path, model, { dtype: "float32" });
  await saveWeights(fp16Path, model, { dtype: "float16" });
  const modelPath = path.resolve(dir, "plate-model.safetensors");
  await savePlateModel(modelPath, classifier, {
    trained_by: "trainkit demo",
    seed: String(input.seed),
  });
  const fp32Bytes = (await stat(fp32Path)).size;
  const row = (file: string, what: string, bytes: number) => ({
    file,
    what,
    bytes,
    ratio: bytes / fp32Bytes,
  });
  const sizes: SizeRow[] = [
    row(
      path.basename(checkpoint),
      `training checkpoint: weights + Adam m and v + training state (${explained.multiplier.toFixed(3)}x the weights)`,
      explained.fileBytes,
    ),
    row("weights-fp32.safetensors", "weights only, float32", fp32Bytes),
    row("weights-fp16.safetensors", "weights only, float16", (await stat(fp16Path)).size),
  ];
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
  return {
    unseenFontAccuracyFp16,
    sizes,
    checkpoint,
    checkpointParts: explained.groups.map((g) => ({ group: g.group, bytes: g.bytes })),
    checkpointText: explained.text,
    model: modelPath,
  };
}

/** Plates rendered in unseen fonts, read with this model and with the shipped one. */
function readPlates(classifier: PlateClassifier, input: EvaluationInput) {
  const { seed, unseenFonts } = input;
  return Array.from({ length: input.quick ? 2 : 6 }, (_, i) => {
    const truth = randomPlateText(seed * 1000 + i);
    const font = unseenFonts[i % unseenFonts.length] as GlyphFont;
    const image = renderPlate(font, truth, { seed: seed * 1000 + i, augment: "mild" });
    const read = readPlate(image, { model: classifier }).text;
    const shipped = readPlate(image).text;
    return { image, plate: { truth, read, shipped, exact: read === truth } };
  });
}

const FOUND: readonly [number, number, number] = [220, 30, 30];
const CUT: readonly [number, number, number] = [40, 110, 230];

/** readPlate's text and confidence, or its refusal (a PlateBpError) as a message. */
function tryRead(image: RasterImage, model?: PlateClassifier) {
  try {
    return { reading: readPlate(image, model ? { model } : {}) };
  } catch (error) {
    if (error instanceof PlateBpError) return { refused: error.message };
    throw error;
  }
}

/** Plates rendered as a camera sees them in unseen fonts, read and drawn (see CameraPlateRead). */
function readCameraPlates(classifier: PlateClassifier, input: EvaluationInput): CameraPlateRead[] {
  const { seed, unseenFonts } = input;
  return Array.from({ length: input.quick ? 2 : 4 }, (_, i) => {
    const plateSeed = seed * 1000 + 500 + i;
    const truth = randomPlateText(plateSeed);
    const font = unseenFonts[(i + 1) % unseenFonts.length] as GlyphFont;
    const view = renderCameraPlate(font, truth, { seed: plateSeed });
    const camera = toRgb(view.image);
    const ours = tryRead(view.image, classifier);
    const shipped = tryRead(view.image).reading?.text ?? "";
    if (ours.reading === undefined) {
      return {
        truth,
        read: "",
        shipped,
        exact: false,
        confidence: 0,
        lowConfidence: true,
        refused: ours.refused,
        camera,
      };
    }
    const { reading } = ours;
    drawPolygon(camera, reading.plate.corners, FOUND);
    const rectified = toRgb(reading.rectified.image);
    const binary = toRgb(reading.rectified.binary, 255);
    for (const c of reading.characters) {
      drawBox(rectified, c.box, CUT);
      drawBox(binary, c.box, CUT);
    }
    return {
      truth,
      read: reading.text,
      shipped,
      exact: reading.text === truth,
      confidence: reading.confidence,
      lowConfidence: reading.lowConfidence,
      camera,
      rectified,
      binary,
    };
  });
}

function sampleCharacters(classifier: PlateClassifier, input: EvaluationInput) {
  const { seed, unseenFonts } = input;
  const chars = [...input.charset];
  return Array.from({ length: input.quick ? 8 : 24 }, (_, i) => {
    const char = chars[(i * 7 + seed) % input.config.classes] as string;
    const font = unseenFonts[i % unseenFonts.length] as GlyphFont;
    const image = renderCharacter(font, char, { augment: "mild", seed: seed * 7919 + i });
    const { label, confidence } = classifyImageWith(classifier, image);
    return { image, char, label, confidence };
  });
}
