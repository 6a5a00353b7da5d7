/**
 * The GPU check: trains the demo CNN on tfjs's webgpu backend (Dawn, through @trainkit/backend)
 * and on wasm on the same machine, compares the first batch's gradients on webgpu with the cpu
 * backend, and trains the plate-style MLP a few steps on webgpu.
 *
 * Built into one file by build.sh and run by run.sh. Exit codes: 0 all stages passed, 1 a stage
 * failed, 3 no GPU adapter (the CPU stages still ran), 124 the watchdog fired.
 *
 * Options (environment): GPU_CHECK_SAMPLES (default 2048), GPU_CHECK_BATCH (64),
 * GPU_CHECK_WATCHDOG_S (450), GPU_CHECK_SKIP_WASM=1.
 */
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import {
  type BackendChoice,
  BackendError,
  describeAdapter,
  describeBackend,
  initBackend,
} from "@trainkit/backend";
import { demoCnn } from "../../packages/backend/bench/demo-cnn.js";

const started = performance.now();
/** Settings come from the environment (run.sh passes them through). */
const setting = (name: string): string | undefined => process.env[name];
const SAMPLES = Number(setting("GPU_CHECK_SAMPLES") ?? 2048);
const BATCH = Number(setting("GPU_CHECK_BATCH") ?? 64);
const WATCHDOG_S = Number(setting("GPU_CHECK_WATCHDOG_S") ?? 450);
/** Gradients on webgpu must match cpu to this, relative to each tensor's largest |value|. */
const GRADIENT_TOLERANCE = 1e-3;

function log(line: string): void {
  const t = ((performance.now() - started) / 1000).toFixed(1).padStart(6);
  process.stdout.write(`[gpu-check ${t}s] ${line}\n`);
}

/** The packages of this bundle, imported lazily so Dawn is set up before tfjs-backend-webgpu. */
const bundled: Record<string, () => Promise<unknown>> = {
  webgpu: () => import("webgpu"),
  "@tensorflow/tfjs-backend-webgpu": () => import("@tensorflow/tfjs-backend-webgpu"),
  "@tensorflow/tfjs-backend-wasm": () => import("@tensorflow/tfjs-backend-wasm"),
  "@tensorflow/tfjs-backend-cpu": () => import("@tensorflow/tfjs-backend-cpu"),
};
function importPackage(name: string): Promise<unknown> {
  const load = bundled[name];
  if (load) return load();
  return Promise.reject(
    Object.assign(new Error(`Cannot find package '${name}' (not in the gpu-check bundle)`), {
      code: "ERR_MODULE_NOT_FOUND",
    }),
  );
}

interface StageResult {
  name: string;
  ok: boolean;
  detail: string;
}
const results: StageResult[] = [];

function summarizeAndExit(code: number): never {
  log("=== summary");
  for (const r of results) log(`${r.ok ? "PASS" : "FAIL"} ${r.name}: ${r.detail}`);
  log(`done in ${((performance.now() - started) / 1000).toFixed(1)} s, exit ${code}`);
  // Exit explicitly: Dawn may keep the event loop alive.
  process.exit(code);
}

// A whole-run watchdog, and one per stage: a hung GPU queue must not eat the time limit.
setTimeout(() => {
  log(`FAIL watchdog: the check is still running after ${WATCHDOG_S} s`);
  summarizeAndExit(124);
}, WATCHDOG_S * 1000).unref();

async function runStage<T>(
  name: string,
  limitS: number,
  body: () => Promise<T>,
): Promise<T | undefined> {
  log(`--- ${name}`);
  const before = tf.memory().numTensors;
  const timer = setTimeout(() => {
    results.push({ name, ok: false, detail: `did not finish within ${limitS} s` });
    log(`FAIL ${name}: did not finish within ${limitS} s; stopping here`);
    summarizeAndExit(124);
  }, limitS * 1000);
  try {
    const value = await body();
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) log(`  note: ${leaked} tensors more than before this stage`);
    return value;
  } catch (error) {
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    log(`FAIL ${name}: ${message}`);
    results.push({ name, ok: false, detail: message.split("\n")[0] ?? message });
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}

function pass(name: string, detail: string): void {
  results.push({ name, ok: true, detail });
  log(`ok ${name}: ${detail}`);
}
function fail(name: string, detail: string): void {
  results.push({ name, ok: false, detail });
  log(`FAIL ${name}: ${detail}`);
}

// --- the models ---------------------------------------------------------------------------

/** The plate-style MLP: 25 features → 64 sigmoid → 10 softmax. */
function plateMlp(): tfl.Sequential {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ inputShape: [25], units: 64, activation: "sigmoid" }),
      tfl.layers.dense({ units: 10, activation: "softmax" }),
    ],
  });
  model.compile({ optimizer: tf.train.adam(1e-2), loss: "categoricalCrossentropy" });
  return model;
}

/** Gives `model` the weights held in `weights` (same order as getWeights). */
function setWeights(model: tfl.Sequential, weights: Float32Array[]): void {
  const tensors = model.getWeights().map((v, i) => tf.tensor(weights[i] ?? [], v.shape));
  model.setWeights(tensors);
  tf.dispose(tensors);
}

/** Disposes a model and its optimizer's slots (Adam's moments). */
function disposeModel(model: tfl.Sequential): void {
  model.optimizer?.dispose();
  model.dispose();
}

/** Random data held as plain arrays, so each backend makes its own tensors from the same values. */
interface HostData {
  x: Float32Array;
  xShape: number[];
  y: Float32Array;
  classes: number;
}

function hostData(n: number, featureShape: number[], seed: number): HostData {
  return tf.tidy(() => {
    const x = tf.randomUniform([n, ...featureShape], 0, 1, "float32", seed);
    const labels = tf.randomUniform([n], 0, 10, "int32", seed + 1);
    const y = tf.cast(tf.oneHot(labels, 10), "float32");
    return {
      x: x.dataSync() as Float32Array,
      xShape: [n, ...featureShape],
      y: y.dataSync() as Float32Array,
      classes: 10,
    };
  });
}

function toTensors(data: HostData, count?: number): { x: tf.Tensor; y: tf.Tensor } {
  const n = count ?? data.xShape[0] ?? 0;
  const per = data.x.length / (data.xShape[0] ?? 1);
  return {
    x: tf.tensor(data.x.subarray(0, n * per), [n, ...data.xShape.slice(1)]),
    y: tf.tensor2d(data.y.subarray(0, n * data.classes), [n, data.classes]),
  };
}

async function use(backend: "webgpu" | "wasm" | "cpu"): Promise<BackendChoice> {
  const choice = await initBackend({ prefer: backend, importPackage });
  if (tf.getBackend() !== backend) throw new Error(`expected ${backend}, got ${tf.getBackend()}`);
  return choice;
}

/** Seconds for one epoch, after a warm-up epoch (shader and kernel compilation). */
async function epochSeconds(
  backend: "webgpu" | "wasm",
  data: HostData,
  weights: Float32Array[],
): Promise<{ seconds: number; warmup: number; loss: number }> {
  await use(backend);
  const model = demoCnn();
  setWeights(model, weights);
  const { x, y } = toTensors(data);
  const oneEpoch = async () => {
    const t0 = performance.now();
    const history = await model.fit(x, y, {
      epochs: 1,
      batchSize: BATCH,
      shuffle: false,
      verbose: 0,
    });
    return { seconds: (performance.now() - t0) / 1000, loss: Number(history.history.loss?.[0]) };
  };
  const warm = await oneEpoch();
  log(`  ${backend}: warm-up epoch ${warm.seconds.toFixed(2)} s, loss ${warm.loss.toFixed(4)}`);
  const timed = await oneEpoch();
  log(`  ${backend}: timed epoch ${timed.seconds.toFixed(2)} s, loss ${timed.loss.toFixed(4)}`);
  tf.dispose([x, y]);
  disposeModel(model);
  if (!Number.isFinite(timed.loss)) throw new Error(`loss on ${backend} is ${timed.loss}`);
  return { seconds: timed.seconds, warmup: warm.seconds, loss: timed.loss };
}

/** The gradients of the loss on the first batch with respect to every weight, read back. */
async function firstBatchGradients(
  backend: "webgpu" | "wasm" | "cpu",
  data: HostData,
  weights: Float32Array[],
): Promise<{ names: string[]; grads: Float32Array[]; loss: number }> {
  await use(backend);
  const model = demoCnn();
  setWeights(model, weights);
  const { x, y } = toTensors(data, BATCH);
  const variables = model.trainableWeights.map((w) => w.read() as tf.Variable);
  const { value, grads } = tf.variableGrads(
    () =>
      tf.mean(
        tfl.metrics.categoricalCrossentropy(y, model.apply(x, { training: true }) as tf.Tensor),
      ) as tf.Scalar,
    variables,
  );
  const out: Float32Array[] = [];
  for (const v of variables) {
    const g = grads[v.name];
    if (!g) throw new Error(`no gradient for ${v.name} on ${backend}`);
    out.push((await g.data()) as Float32Array);
  }
  const loss = (await value.data())[0] ?? Number.NaN;
  tf.dispose([value, ...Object.values(grads), x, y]);
  const names = model.trainableWeights.map((w) => w.originalName);
  disposeModel(model);
  return { names, grads: out, loss };
}

/** max |a - b| / max |b|, the error relative to the reference tensor's scale. */
function relativeError(a: Float32Array, b: Float32Array): number {
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    diff = Math.max(diff, Math.abs((a[i] ?? Number.NaN) - (b[i] ?? 0)));
    scale = Math.max(scale, Math.abs(b[i] ?? 0));
  }
  if (Number.isNaN(diff)) return Number.POSITIVE_INFINITY;
  return scale === 0 ? diff : diff / scale;
}

/** Kernels the CNN and MLP training runs (recorded on cpu) that webgpu does not register. */
async function kernelsMissingOnWebgpu(cnnData: HostData, mlpData: HostData): Promise<string[]> {
  await use("cpu");
  const names = new Set<string>();
  for (const [make, data] of [
    [demoCnn, cnnData],
    [plateMlp, mlpData],
  ] as const) {
    const model = make();
    const { x, y } = toTensors(data, 8);
    const info = await tf.profile(async () => {
      await model.trainOnBatch(x, y);
    });
    for (const k of info.kernelNames) names.add(k);
    tf.dispose([x, y]);
    disposeModel(model);
  }
  await import("@tensorflow/tfjs-backend-webgpu");
  // The profile also names composite ops (say fusedMatMul__op); only kernels count.
  const kernels = [...names].filter((k) => tf.getKernel(k, "cpu") !== undefined);
  log(`  training runs ${kernels.length} kernels: ${kernels.sort().join(", ")}`);
  return kernels.filter((k) => tf.getKernel(k, "webgpu") === undefined);
}

// --- the run -------------------------------------------------------------------------------

log(
  `node ${process.version} ${process.platform}-${process.arch}; samples ${SAMPLES}, batch ${BATCH}`,
);
for (const name of ["LD_LIBRARY_PATH", "VK_DRIVER_FILES", "VK_ICD_FILENAMES"]) {
  log(`  ${name}=${process.env[name] ?? ""}`);
}
const probeOnly = process.argv.includes("--probe");

await use("cpu");

// 1. Is there a GPU?
let gpu: BackendChoice | undefined;
await runStage("webgpu: Dawn adapter and device", 90, async () => {
  const t0 = performance.now();
  try {
    gpu = await use("webgpu");
  } catch (error) {
    const why = error instanceof BackendError ? `${error.code}: ${error.message}` : String(error);
    fail("webgpu adapter", why.replace(/\n\s*/g, " "));
    return;
  }
  const ms = performance.now() - t0;
  log(describeBackend(gpu));
  const a = gpu.adapter;
  if (a) {
    log(
      `  adapter: vendor '${a.vendor}', architecture '${a.architecture}', device '${a.device}', description '${a.description}', fallback ${a.isFallbackAdapter}`,
    );
  }
  pass(
    "webgpu adapter",
    `${a ? describeAdapter(a) : "(no adapter info)"} (${ms.toFixed(0)} ms to start)`,
  );
});
if (probeOnly) summarizeAndExit(gpu ? 0 : 3);

const cnnData = hostData(SAMPLES, [28, 28, 1], 42);
const mlpData = hostData(320, [25], 7);
const initialWeights = tf.tidy(() =>
  demoCnn()
    .getWeights()
    .map((w) => w.dataSync() as Float32Array),
);
tf.disposeVariables();

// 2. Kernel coverage (cpu records what training runs; webgpu's registry is checked).
const missing = await runStage("kernels the training needs, registered on webgpu", 60, () =>
  kernelsMissingOnWebgpu(cnnData, mlpData),
);
if (missing !== undefined) {
  if (missing.length === 0) pass("webgpu kernels", "every kernel of CNN and MLP training exists");
  else fail("webgpu kernels", `missing: ${missing.join(", ")}`);
}

// 3. Numerics: the first batch's gradients against the cpu backend, from the same weights.
const reference = await runStage("gradients on cpu (the reference), first batch", 150, () =>
  firstBatchGradients("cpu", cnnData, initialWeights),
);
async function compareGradients(backend: "webgpu" | "wasm"): Promise<void> {
  if (!reference) return;
  await runStage(`gradients: ${backend} vs cpu, first batch`, 90, async () => {
    const other = await firstBatchGradients(backend, cnnData, initialWeights);
    let worst = 0;
    reference.grads.forEach((ref, i) => {
      const err = relativeError(other.grads[i] ?? new Float32Array(), ref);
      worst = Math.max(worst, err);
      log(`  ${reference.names[i]}: max relative error ${err.toExponential(2)}`);
    });
    log(`  loss: cpu ${reference.loss.toFixed(6)}, ${backend} ${other.loss.toFixed(6)}`);
    const detail = `max relative error ${worst.toExponential(2)} over ${reference.grads.length} weight tensors (tolerance ${GRADIENT_TOLERANCE})`;
    if (worst <= GRADIENT_TOLERANCE) pass(`gradients ${backend} vs cpu`, detail);
    else fail(`gradients ${backend} vs cpu`, detail);
  });
}

// 4. wasm first (quick, and its figure is kept if a GPU stage hangs), then webgpu.
let wasmEpoch: number | undefined;
if (setting("GPU_CHECK_SKIP_WASM") !== "1") {
  await compareGradients("wasm");
  const timed = await runStage("demo CNN epoch on wasm", 150, () =>
    epochSeconds("wasm", cnnData, initialWeights),
  );
  if (timed) {
    wasmEpoch = timed.seconds;
    pass(
      "wasm epoch",
      `${timed.seconds.toFixed(2)} s per epoch (warm-up ${timed.warmup.toFixed(2)} s)`,
    );
  }
}

if (gpu) {
  await compareGradients("webgpu");
  const timed = await runStage("demo CNN epoch on webgpu", 150, () =>
    epochSeconds("webgpu", cnnData, initialWeights),
  );
  if (timed) {
    pass(
      "webgpu epoch",
      `${timed.seconds.toFixed(2)} s per epoch (warm-up ${timed.warmup.toFixed(2)} s)`,
    );
    if (wasmEpoch !== undefined) {
      log(
        `RESULT demo CNN, ${SAMPLES} images, batch ${BATCH}: webgpu ${timed.seconds.toFixed(2)} s/epoch, wasm ${wasmEpoch.toFixed(2)} s/epoch: webgpu is ${(wasmEpoch / timed.seconds).toFixed(2)}x as fast as wasm`,
      );
    }
  }

  // 5. The plate-style MLP trains on webgpu.
  await runStage("plate MLP on webgpu", 60, async () => {
    await use("webgpu");
    const model = plateMlp();
    const { x, y } = toTensors(mlpData);
    const history = await model.fit(x, y, { epochs: 5, batchSize: 32, verbose: 0 });
    const losses = (history.history.loss ?? []).map(Number);
    tf.dispose([x, y]);
    disposeModel(model);
    log(`  losses: ${losses.map((l) => l.toFixed(4)).join(", ")}`);
    const first = losses[0] ?? Number.NaN;
    const last = losses.at(-1) ?? Number.NaN;
    if (Number.isFinite(last) && last < first) {
      pass(
        "plate MLP on webgpu",
        `loss ${first.toFixed(4)} -> ${last.toFixed(4)} in 5 epochs of 320 samples`,
      );
    } else {
      fail("plate MLP on webgpu", `loss did not fall: ${losses.join(", ")}`);
    }
  });
}

// 6. Information: does dataSync() work on webgpu in Node? (tfjs-backend-webgpu 4.22 reads
// synchronously through an OffscreenCanvas, which Node lacks.) Not a pass/fail stage.
if (gpu) {
  await runStage("information: dataSync() of a GPU-computed tensor on webgpu", 30, async () => {
    await use("webgpu");
    const t = tf.tidy(() => tf.matMul(tf.ones([4, 4]), tf.ones([4, 4])));
    try {
      log(`  INFO dataSync on webgpu works: ${Array.from(t.dataSync()).slice(0, 2).join(", ")}`);
    } catch (error) {
      log(
        `  INFO dataSync on webgpu throws: ${error instanceof Error ? error.message : String(error)}`,
      );
    } finally {
      t.dispose();
    }
  });
}

const failedOther = results.some((r) => !r.ok && r.name !== "webgpu adapter");
if (!gpu) log("NO GPU ADAPTER: the webgpu stages did not run (the reason is above)");
summarizeAndExit(failedOther ? 1 : gpu ? 0 : 3);
