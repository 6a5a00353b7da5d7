/**
 * One tfjs path of `native-vs-torch.bench.ts`, in its own process: trains a benchmark CNN for a
 * warm-up epoch and then `--epochs` timed epochs, and prints one line `RESULT {json}`.
 *
 *   npx tsx --conditions=@trainkit/source bench/native-vs-torch-child.ts \
 *     --backend=tensorflow --model=demo --loop=minimize-logits --trainkit=1 --epochs=5
 *
 * Options: --backend=tensorflow|wasm, --model=demo|wide, --loop=fit|trainOnBatch|minimize|
 * minimize-logits, --trainkit=0|1 (tensorflow only: 1 keeps the faster kernels initBackend
 * registers and trains with tensorflowAdam; 0 runs tfjs-node's own kernels and tf.train.adam),
 * --epochs=N (5), --samples=N (2048), --batch=N (64), --tf-threads=N (tensorflow only:
 * initBackend's tensorflowThreads, TensorFlow's intra-op threads; default TensorFlow's own).
 * The tensorflow backend reads TF_ENABLE_ONEDNN_OPTS (0 = oneDNN off) once, when it loads:
 * set it in this process's environment.
 *
 * Loops (all Adam 1e-3, 2048 random 28x28x1 images, batch 64, no shuffling):
 *  - fit: `model.fit(x, y, { batchSize, epochs: 1 })` per epoch on the whole data set (tfjs
 *    gathers every batch out of it).
 *  - trainOnBatch: the data set split into batch tensors once; `await model.trainOnBatch(xb, yb)`.
 *  - minimize: the batch tensors; `optimizer.minimize(loss, false, variables)` with the loss
 *    `fit` uses (mean categorical cross-entropy of the softmax output).
 *  - minimize-logits: the same, but the model ends in logits and the loss is
 *    `tf.losses.softmaxCrossEntropy` (what PyTorch's CrossEntropyLoss computes).
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { initBackend, tensorflowAdam } from "../src/index.js";
import { type CnnKind, cnn, randomImages } from "./demo-cnn.js";

export type Loop = "fit" | "trainOnBatch" | "minimize" | "minimize-logits";
export const LOOPS: readonly Loop[] = ["fit", "trainOnBatch", "minimize", "minimize-logits"];

export interface ChildResult {
  backend: string;
  model: CnnKind;
  loop: Loop;
  /** Seconds of each timed epoch, in order. */
  epochs: number[];
  /** Loss of the last batch (a sanity check that it trains). */
  loss: number;
  /** Tensors alive after the last epoch minus before the first timed one (0: no leak). */
  leakedTensors: number;
  /** Kernels dispatched by one training step (counted with tf.profile after the epochs). */
  kernelsPerStep: number;
  /** trainkit's kernels and tensorflowAdam (tensorflow), or tfjs-node's own and tf.train.adam. */
  trainkit: boolean;
  /** The kernels initBackend registered. */
  kernels: string[];
  onednn: string;
  /** TensorFlow's intra-op threads (tensorflow). */
  tfThreads?: number;
}

function option(name: string, fallback: string): string {
  const arg = process.argv.find((a) => a.startsWith(`--${name}=`));
  return arg ? arg.slice(name.length + 3) : fallback;
}

const backendArg = option("backend", "tensorflow");
const model = option("model", "demo") as CnnKind;
const loop = option("loop", "minimize") as Loop;
const EPOCHS = Number(option("epochs", "5"));
const N = Number(option("samples", "2048"));
const BATCH = Number(option("batch", "64"));
const TRAINKIT = option("trainkit", "0") === "1";
const TF_THREADS = option("tf-threads", "");
if (!LOOPS.includes(loop)) throw new Error(`--loop=${loop}: use one of ${LOOPS.join(", ")}`);
if (model !== "demo" && model !== "wide") throw new Error(`--model=${model}: use demo or wide`);
if (backendArg !== "tensorflow" && backendArg !== "wasm") {
  throw new Error(`--backend=${backendArg}: use tensorflow or wasm`);
}

if (TRAINKIT && backendArg !== "tensorflow")
  throw new Error("--trainkit=1 needs --backend=tensorflow");
// 'tensorflow-cpu' loads @tensorflow/tfjs-node only (never the GPU package).
const choice = await initBackend({
  prefer: backendArg === "wasm" ? "wasm" : "tensorflow-cpu",
  tensorflowKernels: TRAINKIT,
  ...(TF_THREADS !== "" ? { tensorflowThreads: Number(TF_THREADS) } : {}),
});
const optimizer: tf.Optimizer = TRAINKIT ? tensorflowAdam(1e-3) : tf.train.adam(1e-3);
const net = cnn(model, { logits: loop === "minimize-logits", compile: false });
if (loop !== "minimize-logits") net.compile({ optimizer, loss: "categoricalCrossentropy" });
const variables = net.trainableWeights.map((w) => w.read() as tf.Variable);
const { x, y } = randomImages(N);
const xs = tf.split(x, N / BATCH) as tf.Tensor4D[];
const ys = tf.split(y, N / BATCH) as tf.Tensor2D[];

function lossOf(xb: tf.Tensor4D, yb: tf.Tensor2D): tf.Scalar {
  const out = net.apply(xb, { training: true }) as tf.Tensor2D;
  return loop === "minimize-logits"
    ? tf.losses.softmaxCrossEntropy(yb, out)
    : tf.mean(tfl.metrics.categoricalCrossentropy(yb, out));
}

/** One training step on batch i (returns nothing; no read-back). */
async function step(i: number): Promise<void> {
  if (loop === "trainOnBatch") {
    await net.trainOnBatch(xs[i] as tf.Tensor, ys[i] as tf.Tensor);
  } else {
    optimizer.minimize(() => lossOf(xs[i] as tf.Tensor4D, ys[i] as tf.Tensor2D), false, variables);
  }
}

async function epoch(): Promise<void> {
  if (loop === "fit") {
    await net.fit(x, y, { epochs: 1, batchSize: BATCH, shuffle: false, verbose: 0 });
    return;
  }
  for (let i = 0; i < xs.length; i++) await step(i);
}

await epoch(); // warm-up
const tensorsBefore = tf.memory().numTensors;
const times: number[] = [];
for (let e = 0; e < EPOCHS; e++) {
  const t0 = performance.now();
  await epoch();
  times.push((performance.now() - t0) / 1000);
}
const leakedTensors = tf.memory().numTensors - tensorsBefore;

const loss = tf.tidy(() => lossOf(xs[0] as tf.Tensor4D, ys[0] as tf.Tensor2D).dataSync()[0] ?? NaN);
// One step: for fit, a fit over one batch (it still gathers the batch out of its input).
const profile = await tf.profile(async () => {
  if (loop === "fit") {
    await net.fit(xs[0] as tf.Tensor, ys[0] as tf.Tensor, {
      epochs: 1,
      batchSize: BATCH,
      shuffle: false,
      verbose: 0,
    });
  } else {
    await step(0);
  }
});
const kernelsPerStep = profile.kernels.length;

const result: ChildResult = {
  backend: choice.name,
  model,
  loop,
  epochs: times,
  loss,
  leakedTensors,
  kernelsPerStep,
  trainkit: TRAINKIT,
  kernels: choice.tensorflowKernels ?? [],
  onednn: process.env.TF_ENABLE_ONEDNN_OPTS ?? "unset",
  ...(choice.tensorflowThreads !== undefined ? { tfThreads: choice.tensorflowThreads } : {}),
};
console.log(`RESULT ${JSON.stringify(result)}`);
