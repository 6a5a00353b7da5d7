// Child process of test/tensorflow-threads.test.ts: loads the tensorflow rung with the thread
// count given (TensorFlow reads it once, when its library loads, so one count per process),
// counts the process's OS threads after a convolution large enough for TensorFlow to share out,
// trains the small model on tensorflow and then on the plain cpu backend from the same seeded
// start, and asks initBackend again with the same and with another count. Prints one JSON line.
//
//   node --conditions=@trainkit/source --import tsx test/support/tensorflow-threads-run.ts <n|default>
import { readdirSync } from "node:fs";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { BackendError, describeBackend, initBackend } from "../../src/index.js";
import { buildSmallModel, hex, trainStep } from "./small-training.js";

export interface ThreadsReport {
  tensorflowThreads: number | undefined;
  description: string;
  variable: string | null;
  /** OS threads of this process after the convolution (null off Linux) */
  osThreads: number | null;
  /** the small model's weights after 8 steps, per backend */
  weights: { tensorflow: number[][]; cpu: number[][] };
  /** digest of tensorflow's weights, to compare runs bit for bit */
  digest: string;
  /** initBackend again: the same count (null: accepted), another count (the error) */
  again: { same: string | null; other: { code: string; message: string } | null };
}

const arg = process.argv[2] ?? "default";
const requested = arg === "default" ? undefined : Number(arg);
const choice = await initBackend({
  prefer: "tensorflow-cpu",
  ...(requested !== undefined ? { tensorflowThreads: requested } : {}),
});

tf.tidy(() =>
  tf
    .conv2d(
      tf.ones([8, 64, 64, 16]) as tf.Tensor4D,
      tf.ones([3, 3, 16, 16]) as tf.Tensor4D,
      1,
      "same",
    )
    .dataSync(),
);
let osThreads: number | null = null;
try {
  osThreads = readdirSync("/proc/self/task").length;
} catch {}

async function train(): Promise<number[][]> {
  const model = buildSmallModel();
  for (let step = 0; step < 8; step++) await trainStep(model, step);
  const weights = model.getWeights().map((w) => Array.from(w.dataSync()));
  model.dispose();
  return weights;
}
const onTensorflow = await train();
const digest = hex(Float32Array.from(onTensorflow.flat()));
await tf.setBackend("cpu");
const onCpu = await train();

async function initAgain(threads: number): Promise<{ code: string; message: string } | null> {
  try {
    await initBackend({ prefer: "tensorflow-cpu", tensorflowThreads: threads });
    return null;
  } catch (error) {
    if (!(error instanceof BackendError)) throw error;
    return { code: error.code, message: error.message };
  }
}
const current = choice.tensorflowThreads ?? 1;
const same = await initAgain(current);
const other = await initAgain(current + 1);

const report: ThreadsReport = {
  tensorflowThreads: choice.tensorflowThreads,
  description: describeBackend(choice),
  variable: process.env.TF_NUM_INTRAOP_THREADS ?? null,
  osThreads,
  weights: { tensorflow: onTensorflow, cpu: onCpu },
  digest,
  again: { same: same === null ? null : same.message, other },
};
console.log(JSON.stringify(report));
