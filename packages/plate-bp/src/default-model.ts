import { fileURLToPath } from "node:url";
import { PlateBpError } from "./errors.js";
import type { GrayImage, RasterImage } from "./image-types.js";
import { loadPlateModel } from "./model-file.js";
import {
  type Classification,
  classifyImageWith,
  type PlateClassifier,
} from "./plate-classifier.js";

/** The pretrained models shipped in the package's `models/` folder. */
export type DefaultModelName = "digits" | "digits-deskew" | "alphanumerics";

const FILES: Record<DefaultModelName, string> = {
  digits: "digits-grid5x5.safetensors",
  "digits-deskew": "digits-grid5x5-deskew.safetensors",
  alphanumerics: "alphanumerics-easypr120.safetensors",
};

/** Absolute path of a shipped model file. */
export function defaultModelPath(name: DefaultModelName = "digits"): string {
  const file = FILES[name];
  if (!file) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `no shipped model named ${JSON.stringify(name)}; use "digits", "digits-deskew" or "alphanumerics"`,
    );
  }
  return fileURLToPath(new URL(`../models/${file}`, import.meta.url));
}

const cache = new Map<DefaultModelName, PlateClassifier>();

/**
 * The shipped pretrained model: `"digits"` (25 grid features → 10 classes), `"digits-deskew"`
 * (the same 25 grid features after lighting flattening, smoothing and moment deskew → 10 classes;
 * for heavily distorted input) or `"alphanumerics"` (120 EasyPR features → the 34 plate
 * characters). Loaded once, then cached.
 */
export function loadDefaultModel(name: DefaultModelName = "digits"): PlateClassifier {
  let m = cache.get(name);
  if (!m) {
    m = loadPlateModel(defaultModelPath(name));
    cache.set(name, m);
  }
  return m;
}

/** Classify one character image; uses the shipped digit model unless `model` is given. */
export function classifyImage(
  image: RasterImage | GrayImage,
  model?: PlateClassifier,
): Classification {
  return classifyImageWith(model ?? loadDefaultModel("digits"), image);
}

/** Classify many character images with one model (the shipped digit model by default). */
export function classifyImages(
  images: readonly (RasterImage | GrayImage)[],
  model?: PlateClassifier,
): Classification[] {
  const m = model ?? loadDefaultModel("digits");
  return images.map((img) => classifyImageWith(m, img));
}
