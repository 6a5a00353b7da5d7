import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";

/** Selects the plain-JS cpu backend once (small tensors, deterministic). */
export async function useCpu(): Promise<typeof tf> {
  if (tf.getBackend() !== "cpu") await tf.setBackend("cpu");
  await tf.ready();
  return tf;
}
