import { readFileSync } from "node:fs";
import {
  parseSafetensors,
  SafetensorsError,
  serializeSafetensors,
  writeSafetensors,
} from "@trainkit/checkpoint";
import { PlateBpError } from "./errors.js";
import type { FeatureKind } from "./extract-features.js";
import {
  type HiddenActivation,
  type PlateClassifier,
  validateClassifier,
} from "./plate-classifier.js";

/** `__metadata__.format` of plate model files. */
export const PLATE_MODEL_FORMAT = "trainkit-plate-bp/1";

/**
 * Safetensors bytes of a classifier: tensors `dense_1.kernel [in, hidden]`, `dense_1.bias`,
 * `dense_2.kernel [hidden, classes]`, `dense_2.bias` (F32), and the labels, feature kind and
 * activation in the metadata.
 */
export function serializePlateModel(
  model: PlateClassifier,
  extraMetadata: Record<string, string> = {},
): Uint8Array {
  validateClassifier(model);
  const k = model.b2.length;
  return serializeSafetensors(tensorsOf(model, k), metadataOf(model, extraMetadata));
}

function tensorsOf(m: PlateClassifier, k: number) {
  return {
    "dense_1.kernel": { dtype: "F32" as const, shape: [m.inputSize, m.hiddenSize], data: m.w1 },
    "dense_1.bias": { dtype: "F32" as const, shape: [m.hiddenSize], data: m.b1 },
    "dense_2.kernel": { dtype: "F32" as const, shape: [m.hiddenSize, k], data: m.w2 },
    "dense_2.bias": { dtype: "F32" as const, shape: [k], data: m.b2 },
  };
}

function metadataOf(m: PlateClassifier, extra: Record<string, string>): Record<string, string> {
  return {
    ...extra,
    format: PLATE_MODEL_FORMAT,
    labels: m.labels,
    features: m.features,
    activation: m.activation,
  };
}

/** Write a classifier to a `.safetensors` file (atomically). */
export async function savePlateModel(
  path: string,
  model: PlateClassifier,
  extraMetadata: Record<string, string> = {},
): Promise<void> {
  validateClassifier(model);
  await writeSafetensors(path, tensorsOf(model, model.b2.length), metadataOf(model, extraMetadata));
}

/** Read a classifier from safetensors bytes written by {@link serializePlateModel}. */
export function parsePlateModel(bytes: Uint8Array, name = "model"): PlateClassifier {
  let parsed: ReturnType<typeof parseSafetensors>;
  try {
    parsed = parseSafetensors(bytes, { copy: true });
  } catch (e) {
    if (e instanceof SafetensorsError) {
      throw new PlateBpError(
        "INVALID_MODEL",
        `${name}: not a valid safetensors file (${e.message}); pass a file written by savePlateModel`,
      );
    }
    throw e;
  }
  const md = parsed.metadata;
  if (md.format !== PLATE_MODEL_FORMAT) {
    throw new PlateBpError(
      "INVALID_MODEL",
      `${name}: metadata format is ${JSON.stringify(md.format)}, expected "${PLATE_MODEL_FORMAT}"; pass a file written by savePlateModel`,
    );
  }
  const get = (key: string): Float32Array => {
    const t = parsed.tensors[key];
    if (t?.dtype !== "F32") {
      throw new PlateBpError(
        "INVALID_MODEL",
        `${name}: tensor "${key}" (F32) is missing; the file is not a complete plate model`,
      );
    }
    return t.data as Float32Array;
  };
  const k1 = parsed.tensors["dense_1.kernel"];
  return validateClassifier({
    labels: md.labels ?? "",
    features: md.features as FeatureKind,
    activation: md.activation as HiddenActivation,
    inputSize: k1?.shape[0] ?? 0,
    hiddenSize: k1?.shape[1] ?? 0,
    w1: get("dense_1.kernel"),
    b1: get("dense_1.bias"),
    w2: get("dense_2.kernel"),
    b2: get("dense_2.bias"),
  });
}

/** Read a classifier from a `.safetensors` file. */
export function loadPlateModel(path: string): PlateClassifier {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new PlateBpError(
      "INVALID_MODEL",
      `cannot read model file ${path} (${(e as Error).message}); check the --model path`,
    );
  }
  return parsePlateModel(bytes, path);
}
