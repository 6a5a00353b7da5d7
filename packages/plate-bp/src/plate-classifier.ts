import { PlateBpError } from "./errors.js";
import {
  extractFeatures,
  FEATURE_KINDS,
  type FeatureKind,
  featureLength,
} from "./extract-features.js";
import type { GrayImage, RasterImage } from "./image-types.js";

/** Hidden-layer activation of the MLP. */
export type HiddenActivation = "tanh" | "relu" | "sigmoid";
export const HIDDEN_ACTIVATIONS: readonly HiddenActivation[] = ["tanh", "relu", "sigmoid"];

/**
 * A trained `input → hidden → classes` MLP as plain typed arrays (softmax output).
 * Kernels are row-major `[in, out]`, the layout of a tfjs dense layer's kernel.
 */
export interface PlateClassifier {
  /** One character per class, in output order. */
  readonly labels: string;
  readonly features: FeatureKind;
  readonly activation: HiddenActivation;
  readonly inputSize: number;
  readonly hiddenSize: number;
  readonly w1: Float32Array;
  readonly b1: Float32Array;
  readonly w2: Float32Array;
  readonly b2: Float32Array;
}

/** The predicted character and the softmax probability the network gives it. */
export interface Classification {
  readonly label: string;
  readonly index: number;
  readonly confidence: number;
}

/** @internal Check that every array has the size its shape implies. */
export function validateClassifier(m: PlateClassifier): PlateClassifier {
  const fail = (what: string) => {
    throw new PlateBpError("INVALID_MODEL", `plate model: ${what}`);
  };
  const labels = [...(m.labels ?? "")];
  if (labels.length < 2)
    fail(`labels must hold at least 2 characters, got ${JSON.stringify(m.labels)}`);
  if (!FEATURE_KINDS.includes(m.features))
    fail(
      `features must be one of ${FEATURE_KINDS.map((k) => `"${k}"`).join(", ")}, got ${JSON.stringify(m.features)}`,
    );
  if (!HIDDEN_ACTIVATIONS.includes(m.activation))
    fail(`activation must be tanh, relu or sigmoid, got ${JSON.stringify(m.activation)}`);
  if (m.inputSize !== featureLength(m.features))
    fail(
      `inputSize ${m.inputSize} does not match features "${m.features}" (${featureLength(m.features)})`,
    );
  const k = labels.length;
  const h = m.hiddenSize;
  const want: [string, Float32Array, number][] = [
    ["w1", m.w1, m.inputSize * h],
    ["b1", m.b1, h],
    ["w2", m.w2, h * k],
    ["b2", m.b2, k],
  ];
  for (const [name, arr, n] of want) {
    if (!(arr instanceof Float32Array) || arr.length !== n) {
      fail(
        `${name} must be a Float32Array of ${n} values for ${m.inputSize} → ${h} → ${k}, got ${arr?.length ?? "none"}`,
      );
    }
  }
  return m;
}

/** Softmax probabilities for one feature vector (pure TypeScript forward pass). */
export function predictProbabilities(
  model: PlateClassifier,
  features: ArrayLike<number>,
): Float32Array {
  const { inputSize: n, hiddenSize: h, w1, b1, w2, b2 } = model;
  if (features.length !== n) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `predictProbabilities: the model takes ${n} features ("${model.features}"), got ${features.length}`,
    );
  }
  const k = b2.length;
  const hid = new Float64Array(h);
  for (let j = 0; j < h; j++) hid[j] = b1[j] as number;
  for (let i = 0; i < n; i++) {
    const v = features[i] as number;
    if (v === 0) continue;
    const row = i * h;
    for (let j = 0; j < h; j++) hid[j] = (hid[j] as number) + v * (w1[row + j] as number);
  }
  for (let j = 0; j < h; j++) {
    const z = hid[j] as number;
    hid[j] =
      model.activation === "tanh"
        ? Math.tanh(z)
        : model.activation === "relu"
          ? Math.max(0, z)
          : 1 / (1 + Math.exp(-z));
  }
  const out = new Float64Array(k);
  for (let c = 0; c < k; c++) out[c] = b2[c] as number;
  for (let j = 0; j < h; j++) {
    const v = hid[j] as number;
    const row = j * k;
    for (let c = 0; c < k; c++) out[c] = (out[c] as number) + v * (w2[row + c] as number);
  }
  let max = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < k; c++) if ((out[c] as number) > max) max = out[c] as number;
  let sum = 0;
  for (let c = 0; c < k; c++) {
    out[c] = Math.exp((out[c] as number) - max);
    sum += out[c] as number;
  }
  return Float32Array.from(out, (v) => v / sum);
}

/** Classify one feature vector. */
export function classifyFeatures(
  model: PlateClassifier,
  features: ArrayLike<number>,
): Classification {
  const p = predictProbabilities(model, features);
  let best = 0;
  for (let c = 1; c < p.length; c++) if ((p[c] as number) > (p[best] as number)) best = c;
  return { label: model.labels[best] as string, index: best, confidence: p[best] as number };
}

/** Classify one character image (any polarity) with the model's own feature pipeline. */
export function classifyImageWith(
  model: PlateClassifier,
  image: RasterImage | GrayImage,
): Classification {
  return classifyFeatures(model, extractFeatures(image, { features: model.features }));
}
