import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";

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
