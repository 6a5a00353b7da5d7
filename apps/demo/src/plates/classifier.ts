import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import type { FeatureKind, PlateClassifier } from "@trainkit/plate-bp";

/**
 * The plain-array classifier of a trained `createPlateMlp` model, like plate-bp's
 * `classifierFromModel` but read with `await data()`, which every backend has (webgpu in Node has
 * no `dataSync()`).
 */
export async function classifierOf(
  model: tfl.LayersModel,
  info: { labels: string; features: FeatureKind },
): Promise<PlateClassifier> {
  const weights = model.getWeights() as [tf.Tensor, tf.Tensor, tf.Tensor, tf.Tensor];
  const [w1, b1, w2, b2] = (await Promise.all(weights.map((w) => w.data()))).map((d) =>
    Float32Array.from(d),
  ) as [Float32Array, Float32Array, Float32Array, Float32Array];
  return {
    labels: info.labels,
    features: info.features,
    activation: "tanh",
    inputSize: weights[0].shape[0] as number,
    hiddenSize: weights[0].shape[1] as number,
    w1,
    b1,
    w2,
    b2,
  };
}

/** Arg-max class of each row of `x` (`n x nf` features). */
export async function predictRows(
  model: tfl.LayersModel,
  x: Float32Array,
  n: number,
  nf: number,
): Promise<Int32Array> {
  const classes = tf.tidy(() => tf.argMax(model.predict(tf.tensor2d(x, [n, nf])) as tf.Tensor, -1));
  try {
    return (await classes.data()) as Int32Array;
  } finally {
    classes.dispose();
  }
}
