import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { PlateBpError } from "../errors.js";
import type { FeatureKind } from "../extract-features.js";
import {
  HIDDEN_ACTIVATIONS,
  type HiddenActivation,
  type PlateClassifier,
  validateClassifier,
} from "../plate-classifier.js";

export interface PlateMlpOptions {
  /** Features per sample (default 25). */
  inputSize?: number;
  /** Hidden units (default 32). */
  hiddenUnits?: number;
  /** Output classes (default 10). */
  numClasses?: number;
  /** Hidden activation (default "tanh"). */
  activation?: HiddenActivation;
  /** Seed of the Glorot-uniform initial weights (default 0). */
  seed?: number;
}

function positive(what: string, v: number): number {
  if (!Number.isInteger(v) || v < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `createPlateMlp: ${what} must be a positive integer, got ${String(v)}`,
    );
  }
  return v;
}

/** `input → hidden (activation) → classes (softmax)`: the classic BP network as a tfjs-layers model. */
export function createPlateMlp(options: PlateMlpOptions = {}): tfl.Sequential {
  const inputSize = positive("inputSize", options.inputSize ?? 25);
  const hidden = positive("hiddenUnits", options.hiddenUnits ?? 32);
  const classes = positive("numClasses", options.numClasses ?? 10);
  const activation = options.activation ?? "tanh";
  if (!HIDDEN_ACTIVATIONS.includes(activation)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `createPlateMlp: activation must be "tanh", "relu" or "sigmoid", got ${JSON.stringify(activation)}`,
    );
  }
  const seed = options.seed ?? 0;
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      inputShape: [inputSize],
      units: hidden,
      activation,
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      name: "dense_1",
    }),
  );
  model.add(
    tfl.layers.dense({
      units: classes,
      activation: "softmax",
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
      name: "dense_2",
    }),
  );
  return model;
}

/**
 * Copy a trained tfjs model's weights into a plain {@link PlateClassifier}. Reads the weights with
 * `await data()`, which every backend has (webgpu in Node has no `dataSync()`).
 */
export async function classifierFromModel(
  model: tfl.LayersModel,
  info: { labels: string; features: FeatureKind; activation?: HiddenActivation },
): Promise<PlateClassifier> {
  const w = model.getWeights();
  if (w.length !== 4) {
    throw new PlateBpError(
      "INVALID_MODEL",
      `classifierFromModel: expected 2 dense layers (4 weight tensors), got ${w.length}; build the model with createPlateMlp`,
    );
  }
  const k1 = w[0] as tf.Tensor;
  const [w1, b1, w2, b2] = (await Promise.all(w.map((t) => t.data()))).map((d) =>
    Float32Array.from(d),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array];
  return validateClassifier({
    labels: info.labels,
    features: info.features,
    activation: info.activation ?? "tanh",
    inputSize: k1.shape[0] as number,
    hiddenSize: k1.shape[1] as number,
    w1,
    b1,
    w2,
    b2,
  });
}

/** Build a tfjs model holding a classifier's weights (for further training or batched predict). */
export function modelFromClassifier(c: PlateClassifier): tfl.Sequential {
  validateClassifier(c);
  const model = createPlateMlp({
    inputSize: c.inputSize,
    hiddenUnits: c.hiddenSize,
    numClasses: c.b2.length,
    activation: c.activation,
  });
  const ws = [
    tf.tensor2d(c.w1, [c.inputSize, c.hiddenSize]),
    tf.tensor1d(c.b1),
    tf.tensor2d(c.w2, [c.hiddenSize, c.b2.length]),
    tf.tensor1d(c.b2),
  ];
  model.setWeights(ws);
  tf.dispose(ws);
  return model;
}
