// Child process of test/tensorflow-adam.test.ts: tensorflowAdam on the native `tensorflow`
// backend. One mode per process, so that TensorFlow's oneDNN setting (TF_ENABLE_ONEDNN_OPTS, read
// once when its library loads) is the parent's choice and a resume happens in a NEW process.
// Prints one JSON line; the parent judges the numbers.
//
//   parity                              tensorflowAdam against tf.train.adam (minimize, fit, a
//                                       learning-rate schedule, getWeights), leaks, errors
//   train <native|tfjs> <total> <k> <file>   train `total` steps, saving a checkpoint after k
//   resume <native|tfjs> <file> <total>      load the checkpoint, train on to `total` steps
import { createRequire } from "node:module";
import { restoreIsNullOrUndefined } from "../../src/internal/node-compat.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import {
  OptimizerError,
  type OptimizerErrorCode,
  TensorflowAdamOptimizer,
  tensorflowAdam,
} from "@trainkit/backend";
import { loadCheckpoint, saveCheckpoint } from "@trainkit/checkpoint/tfjs";
import { uniform } from "./seeded-values.js";
import {
  BATCH,
  buildSmallModel,
  CLASSES,
  hex,
  N,
  STEPS_PER_EPOCH,
  trainStep,
  xData,
  yData,
} from "./small-training.js";

type Kind = "native" | "tfjs";
const LEARNING_RATE = 0.01;
const K2 = Math.fround(1 - 0.999) / (1 - Math.fround(0.999));
const makeOptimizer = (kind: Kind) =>
  kind === "native" ? tensorflowAdam(LEARNING_RATE) : tf.train.adam(LEARNING_RATE);

/** Every weight of the model (BatchNormalization's moving statistics too) as float32 bytes. */
async function weightBytes(model: tfl.LayersModel): Promise<string[]> {
  const out: string[] = [];
  for (const w of model.weights) out.push(hex((await w.read().data()) as Float32Array));
  return out;
}

/** getWeights() as "name-after-the-weight:dtype:shape:hex", the iteration scalar first. */
async function slotBytes(optimizer: tf.Optimizer): Promise<string[]> {
  const named = await optimizer.getWeights();
  const out: string[] = [];
  for (const { name, tensor } of named) {
    const data = Float32Array.from((await tensor.data()) as ArrayLike<number>);
    out.push(`${name.replace(/.*\//, "")}:${tensor.dtype}:${tensor.shape}:${hex(data)}`);
  }
  // the iteration scalar is new; the moments belong to the optimizer
  named[0]?.tensor.dispose();
  return out;
}

const nativeBackend = () =>
  tf.backend() as unknown as {
    binding: {
      [key: string]: unknown;
      getNumOfTensors(): number;
      executeOp(name: string, attrs: unknown[], inputs: number[], outputs: number): unknown;
    };
  };

async function useTensorflow(): Promise<void> {
  // registers 'tensorflow' with the shared tfjs-core; never tfjs-node-gpu here
  restoreIsNullOrUndefined(); // tfjs-node 4.22 on Node 23+
  createRequire(import.meta.url)("@tensorflow/tfjs-node");
  if (!(await tf.setBackend("tensorflow"))) throw new Error("tensorflow did not initialize");
  await tf.ready();
}

/** max |a - b| over max |b|, over several arrays together. */
function relError(actual: ArrayLike<number>[], expected: ArrayLike<number>[]): number {
  let maxAbs = 0;
  let scale = 0;
  if (actual.length !== expected.length) throw new Error("different number of tensors");
  for (const [k, e] of expected.entries()) {
    const a = actual[k] as ArrayLike<number>;
    if (a.length !== e.length) throw new Error("different sizes");
    for (let i = 0; i < e.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((a[i] as number) - (e[i] as number)));
      scale = Math.max(scale, Math.abs(e[i] as number));
    }
  }
  return maxAbs / scale;
}

/** max over elements of |a - b| / |b| (elements where b is 0 must be 0 in a too). */
function elementwiseRelError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    worst = Math.max(
      worst,
      e === 0 ? (a === 0 ? 0 : Number.POSITIVE_INFINITY) : Math.abs(a - e) / Math.abs(e),
    );
  }
  return worst;
}

const floats = (model: tfl.LayersModel, which: "weights" | "trainableWeights" = "weights") =>
  model[which].map((w) => w.read().dataSync() as Float32Array);

/**
 * minimize on a least-squares problem with gradients over six orders of magnitude: the update
 * (weights from 0, so the weights after one step are the update itself) and the weights after
 * `steps` steps.
 */
function minimizeRun(kind: Kind, steps: number, fromZero: boolean): Float32Array {
  const n = 4096;
  const start = fromZero ? new Float32Array(n) : uniform(n, 11).map((v) => 2 * v - 1);
  const target = tf.tensor1d(uniform(n, 12).map((v) => 2 * v - 1));
  const scale = tf.tensor1d(uniform(n, 13).map((v) => 10 ** (6 * v - 3)));
  const w = tf.variable(tf.tensor1d(start));
  const optimizer = makeOptimizer(kind);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.sum(tf.mul(scale, tf.square(tf.sub(w, target)))) as tf.Scalar);
  }
  const out = w.dataSync() as Float32Array;
  optimizer.dispose();
  tf.dispose([w, target, scale]);
  return out;
}

async function fitRun(kind: Kind, epochs: number, batchSize: number, samples: number) {
  const optimizer = makeOptimizer(kind);
  const model = buildSmallModel(optimizer);
  const x = tf.tensor4d(xData.subarray(0, samples * 64), [samples, 8, 8, 1]);
  const y = tf.tensor2d(yData.subarray(0, samples * CLASSES), [samples, CLASSES]);
  const history = await model.fit(x, y, { epochs, batchSize, shuffle: false, verbose: 0 });
  const weights = floats(model);
  const named = await optimizer.getWeights();
  const slots = named.slice(1).map((s) => ({
    name: s.name,
    shape: s.tensor.shape,
    dtype: s.tensor.dtype,
    data: s.tensor.dataSync() as Float32Array,
  }));
  const result = {
    className: optimizer.getClassName(),
    iterations: optimizer.iterations,
    iterationSlot: {
      name: named[0]?.name,
      dtype: named[0]?.tensor.dtype,
      value: named[0]?.tensor.dataSync()[0],
    },
    /** the names getWeights should give: `<trainable weight>/m` for each, then `/v` */
    expectedNames: [
      ...model.trainableWeights.map((w) => `${w.name}/m`),
      ...model.trainableWeights.map((w) => `${w.name}/v`),
    ],
    weights,
    slots,
    losses: history.history.loss as number[],
  };
  named[0]?.tensor.dispose();
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/**
 * fit with the learning rate written to the optimizer before every batch, as
 * @trainkit/schedulers' learningRateScheduler does it; trainable weights after every batch.
 */
async function scheduledRun(kind: Kind, rates: number[]) {
  const optimizer = makeOptimizer(kind);
  const model = buildSmallModel(optimizer);
  const x = tf.tensor4d(xData, [N, 8, 8, 1]);
  const y = tf.tensor2d(yData, [N, CLASSES]);
  const afterBatch: Float32Array[][] = [];
  const applied: number[] = [];
  await model.fit(x, y, {
    epochs: rates.length / STEPS_PER_EPOCH,
    batchSize: BATCH,
    shuffle: false,
    verbose: 0,
    callbacks: [
      new tfl.CustomCallback({
        onBatchBegin: async () => {
          const lr = rates[applied.length] as number;
          (optimizer as unknown as { learningRate: number }).learningRate = lr;
          applied.push(lr);
        },
        onBatchEnd: async () => {
          afterBatch.push(floats(model, "trainableWeights"));
        },
      }),
    ],
  });
  const result = {
    applied,
    configRate: optimizer.getConfig().learningRate,
    afterBatch,
  };
  tf.dispose([x, y]);
  optimizer.dispose();
  model.dispose();
  return result;
}

/** The code and message of what `f` throws (or of nothing). */
async function thrown(
  f: () => unknown,
): Promise<{ code?: OptimizerErrorCode; message: string; isOptimizerError: boolean }> {
  try {
    await f();
    return { message: "(nothing thrown)", isOptimizerError: false };
  } catch (error) {
    return {
      code: (error as OptimizerError).code,
      message: (error as Error).message,
      isOptimizerError: error instanceof OptimizerError,
    };
  }
}

/**
 * Everything the optimizer allocates is released by dispose(): tfjs tensors, TensorFlow tensor
 * handles, and the resource variables themselves (a new handle with one of their names finds
 * nothing afterwards).
 */
async function leakCheck() {
  // Watch the resource variables made: wrap the binding (its own methods are read-only).
  const backend = nativeBackend();
  const binding = backend.binding;
  const resourceNames: string[] = [];
  const watched: Record<string, unknown> = {};
  for (const key of Object.getOwnPropertyNames(binding)) {
    const value = binding[key];
    watched[key] = typeof value === "function" ? value.bind(binding) : value;
  }
  watched.executeOp = (
    name: string,
    attrs: { name: string; value: unknown }[],
    ...rest: [number[], number]
  ) => {
    if (name === "VarHandleOp") {
      resourceNames.push(String(attrs.find((a) => a.name === "shared_name")?.value));
    }
    return binding.executeOp(name, attrs, ...rest);
  };
  backend.binding = watched as typeof binding;
  const before = { tensors: tf.memory().numTensors, handles: binding.getNumOfTensors() };
  const optimizer = tensorflowAdam(LEARNING_RATE) as TensorflowAdamOptimizer;
  const model = buildSmallModel(optimizer);
  const perStep: number[] = [];
  for (let step = 0; step < 6; step++) {
    await trainStep(model, step);
    perStep.push(tf.memory().numTensors, binding.getNumOfTensors());
  }
  // everything else that allocates: exported moments (twice), the beta powers, a restore
  const weights = await optimizer.getWeights();
  weights[0]?.tensor.dispose();
  const again = await optimizer.getWeights();
  const copies = again.map((w) => ({ name: w.name, tensor: w.tensor.clone() }));
  again[0]?.tensor.dispose();
  void optimizer.accBeta1;
  void optimizer.accBeta2;
  await optimizer.setWeights(copies);
  tf.dispose(copies.map((c) => c.tensor));
  await trainStep(model, 6);
  optimizer.dispose();
  optimizer.dispose(); // twice is harmless
  model.dispose();
  backend.binding = binding;
  const after = { tensors: tf.memory().numTensors, handles: binding.getNumOfTensors() };
  const b = binding as unknown as {
    TF_FLOAT: number;
    TF_ATTR_TYPE: number;
    TF_ATTR_SHAPE: number;
    TF_ATTR_STRING: number;
    deleteTensor(id: number): void;
    executeOp(name: string, attrs: unknown[], inputs: number[], outputs: number): { id: number }[];
  };
  const stillThere: string[] = [];
  for (const name of resourceNames) {
    const [handle] = b.executeOp(
      "VarHandleOp",
      [
        { name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT },
        { name: "shape", type: b.TF_ATTR_SHAPE, value: [] },
        { name: "container", type: b.TF_ATTR_STRING, value: "" },
        { name: "shared_name", type: b.TF_ATTR_STRING, value: name },
      ],
      [],
      1,
    );
    try {
      const [read] = b.executeOp(
        "ReadVariableOp",
        [{ name: "dtype", type: b.TF_ATTR_TYPE, value: b.TF_FLOAT }],
        [handle?.id as number],
        1,
      );
      stillThere.push(name);
      b.deleteTensor(read?.id as number);
    } catch (error) {
      if (!/Could not find variable/.test(String(error))) throw error;
    }
    b.deleteTensor(handle?.id as number);
  }
  return {
    before,
    after,
    perStep,
    resourcesMade: resourceNames.length,
    resourcesLeft: stillThere.length,
    uniqueNames: new Set(resourceNames).size,
  };
}

async function errorChecks() {
  const v = tf.variable(tf.zeros([3]), true, "errorCheckVariable");
  const made: tf.Tensor[] = [];
  const keep = <T extends tf.Tensor>(t: T) => {
    made.push(t);
    return t;
  };
  const gradient = () => ({ errorCheckVariable: keep(tf.ones([3])) });
  const results: Record<string, Awaited<ReturnType<typeof thrown>>> = {};

  const changed = tensorflowAdam(0.1) as TensorflowAdamOptimizer;
  changed.learningRate = -0.5;
  results.negativeRateLater = await thrown(() => changed.applyGradients(gradient()));
  changed.learningRate = Number.NaN;
  results.nanRateLater = await thrown(() => changed.applyGradients(gradient()));
  changed.dispose();

  const misuse = tensorflowAdam(0.1) as TensorflowAdamOptimizer;
  results.unknownVariable = await thrown(() =>
    misuse.applyGradients({ noSuchVariable: keep(tf.ones([3])) }),
  );
  results.wrongGradientShape = await thrown(() =>
    misuse.applyGradients({ errorCheckVariable: keep(tf.ones([4])) }),
  );
  results.oddSetWeights = await thrown(() =>
    misuse.setWeights([
      { name: "iter", tensor: keep(tf.scalar(1, "int32")) },
      { name: "a/m", tensor: keep(tf.zeros([3])) },
    ]),
  );
  results.missingIterations = await thrown(() =>
    misuse.setWeights([
      { name: "a/m", tensor: keep(tf.zeros([3])) },
      { name: "a/v", tensor: keep(tf.zeros([3])) },
    ]),
  );
  await tf.setBackend("cpu");
  results.backendChanged = await thrown(() => misuse.applyGradients(gradient()));
  results.constructedOnCpu = await thrown(() => new TensorflowAdamOptimizer(0.1));
  const onCpu = tensorflowAdam(0.1);
  const delegated = {
    isTfAdam: Object.getPrototypeOf(onCpu) === tf.AdamOptimizer.prototype,
    isNative: onCpu instanceof TensorflowAdamOptimizer,
  };
  onCpu.dispose();
  await tf.setBackend("tensorflow");
  misuse.applyGradients(gradient()); // fine again on tensorflow
  misuse.dispose();
  results.afterDispose = await thrown(() => misuse.applyGradients(gradient()));
  results.getWeightsAfterDispose = await thrown(() => misuse.getWeights());
  tf.dispose([v, ...made]);
  return { results, delegated };
}

const [mode, a1, a2, a3, a4] = process.argv.slice(2);
let result: Record<string, unknown>;
if (mode === "parity") {
  await useTensorflow();
  const onNative = tensorflowAdam(LEARNING_RATE);
  const reference = tf.train.adam(LEARNING_RATE);
  const made = {
    isNative: onNative instanceof TensorflowAdamOptimizer,
    className: onNative.getClassName(),
    config: onNative.getConfig(),
    referenceConfig: reference.getConfig(),
  };
  onNative.dispose();
  reference.dispose();

  const update = (kind: Kind) => minimizeRun(kind, 1, true);
  const minimize = {
    updateRelError: elementwiseRelError(update("native"), update("tfjs")),
    oneStep: relError([minimizeRun("native", 1, false)], [minimizeRun("tfjs", 1, false)]),
    twentySteps: relError([minimizeRun("native", 20, false)], [minimizeRun("tfjs", 20, false)]),
  };

  const fit1 = {
    native: await fitRun("native", 1, BATCH, BATCH),
    tfjs: await fitRun("tfjs", 1, BATCH, BATCH),
  };
  const fit20 = {
    native: await fitRun("native", 5, BATCH, N),
    tfjs: await fitRun("tfjs", 5, BATCH, N),
  };
  // the noise floor of float32 training: the same 20 steps of tf.train.adam on the cpu backend
  await tf.setBackend("cpu");
  const cpu20 = await fitRun("tfjs", 5, BATCH, N);
  await tf.setBackend("tensorflow");
  const slotErrors = fit20.native.slots.map((s, i) => {
    const r = fit20.tfjs.slots[i];
    return {
      name: s.name,
      sameLayout:
        r !== undefined &&
        r.dtype === s.dtype &&
        `${r.shape}` === `${s.shape}` &&
        s.name === fit20.native.expectedNames[i] &&
        r.name === fit20.tfjs.expectedNames[i],
      relError: r === undefined ? Number.POSITIVE_INFINITY : relError([s.data], [r.data]),
      // TensorFlow's v is tfjs's over k2 = fround(1 - beta2) / (1 - fround(beta2)) (the README)
      relErrorScaled:
        r === undefined
          ? Number.POSITIVE_INFINITY
          : relError([s.data.map((x) => (s.name.endsWith("/v") ? x * K2 : x))], [r.data]),
    };
  });
  const fit = {
    oneStep: relError(fit1.native.weights, fit1.tfjs.weights),
    oneStepLoss: [fit1.native.losses[0], fit1.tfjs.losses[0]],
    twentySteps: relError(fit20.native.weights, fit20.tfjs.weights),
    twentyStepsCpuVsTensorflow: relError(cpu20.weights, fit20.tfjs.weights),
    losses: { native: fit20.native.losses, tfjs: fit20.tfjs.losses },
    classNames: [fit20.native.className, fit20.tfjs.className],
    iterations: [fit20.native.iterations, fit20.tfjs.iterations],
    iterationSlots: [fit20.native.iterationSlot, fit20.tfjs.iterationSlot],
    slotCounts: [
      fit20.native.slots.length,
      fit20.tfjs.slots.length,
      fit20.native.expectedNames.length,
    ],
    slotErrors,
  };

  // rate 0 at steps 2 and 3 and 6: no change there; doubled later
  const rates = [0.01, 0.01, 0, 0, 0.02, 0.005, 0, 0.01];
  const scheduledNative = await scheduledRun("native", rates);
  const scheduledTfjs = await scheduledRun("tfjs", rates);
  const unchangedAt = (run: typeof scheduledNative, step: number) =>
    (run.afterBatch[step] as Float32Array[]).every(
      (w, i) => hex(w) === hex((run.afterBatch[step - 1] as Float32Array[])[i] as Float32Array),
    );
  const schedule = {
    applied: scheduledNative.applied,
    configRate: scheduledNative.configRate,
    unchangedWhereZero: [2, 3, 6].map((s) => unchangedAt(scheduledNative, s)),
    changedElsewhere: [1, 4, 5, 7].map((s) => !unchangedAt(scheduledNative, s)),
    relErrorPerStep: scheduledNative.afterBatch.map((w, i) =>
      relError(w, scheduledTfjs.afterBatch[i] as Float32Array[]),
    ),
  };

  const leaks = await leakCheck();
  const errors = await errorChecks();
  result = {
    backend: tf.getBackend(),
    made,
    minimize,
    fit,
    schedule,
    leaks,
    errors,
  };
} else if (mode === "train" || mode === "resume") {
  await useTensorflow();
  const kind = a1 as Kind;
  const optimizer = makeOptimizer(kind);
  const model = buildSmallModel(optimizer);
  let step = 0;
  let total: number;
  let saveAt = -1;
  let file = "";
  if (mode === "resume") {
    const loaded = await loadCheckpoint(a2 as string, { model });
    step = loaded.state.step;
    total = Number(a3);
  } else {
    total = Number(a2);
    saveAt = Number(a3);
    file = a4 as string;
  }
  const losses: number[] = [];
  while (step < total) {
    losses.push(await trainStep(model, step++));
    if (step === saveAt) {
      await saveCheckpoint(file, { model, step, epoch: Math.floor(step / STEPS_PER_EPOCH) });
    }
  }
  result = {
    backend: tf.getBackend(),
    native: optimizer instanceof TensorflowAdamOptimizer,
    step,
    losses,
    weights: await weightBytes(model),
    slots: await slotBytes(optimizer),
  };
} else {
  throw new Error(`unknown mode ${JSON.stringify(mode)}`);
}
process.stdout.write(`${JSON.stringify(result)}\n`);
