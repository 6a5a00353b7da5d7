/** Backends for the tests that run an experiment in this process. */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { initBackend } from "@trainkit/backend";

/** The experiments' tests run in this process on tfjs's plain-JS cpu backend (deterministic). */
export async function useCpuBackend(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/**
 * The wasm backend with trainkit's gradient kernels, as `--backend wasm` starts it (single
 * threaded, deterministic): for the experiments that train convolutions.
 */
export async function useWasmBackend(): Promise<void> {
  await initBackend({ prefer: "wasm" });
}

/** Runs `f` and checks that it leaves no tensor behind. */
export async function withoutLeaks<T>(f: () => Promise<T>): Promise<{ value: T; leaked: number }> {
  const before = tf.memory().numTensors;
  const value = await f();
  return { value, leaked: tf.memory().numTensors - before };
}
