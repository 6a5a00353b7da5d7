// Child process of test/tensorflow-kernels.test.ts. Computes every case three ways from the same
// arrays, in this one process: on the `cpu` backend, on the native `tensorflow` backend with
// tfjs-node's own kernels, and on `tensorflow` after registerTensorflowKernels(); prints one JSON
// line with the differences, leaks and which kernel paths ran.
//
// TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when its library loads, so the test starts this
// script once per oneDNN setting. Usage: node --conditions=@trainkit/source --import tsx
// test/support/tensorflow-kernels-run.ts parity|missing-ops
import { createRequire } from "node:module";
import { restoreIsNullOrUndefined } from "../../src/internal/node-compat.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import { demoCnn, randomImages } from "../../bench/demo-cnn.js";
import {
  type BackendChoice,
  initBackend,
  type RegisterTensorflowKernelsResult,
  registerTensorflowKernels,
  TENSORFLOW_FASTER_KERNELS,
} from "../../src/index.js";
import { oneDnnPoolingUnavailable } from "../../src/internal/onednn-max-pool.js";
import { keptPoolingWorkspaces } from "../../src/internal/pooling-workspaces.js";
import { isTrainkitKernel } from "../../src/internal/tensorflow-binding.js";
import {
  snapshotTensorflowKernelCounts,
  type TensorflowKernelCounts,
} from "../../src/internal/tensorflow-kernel-counts.js";
import { values } from "./seeded-values.js";

/** One tensor of a case compared between two ways of computing it. */
export interface TensorDiff {
  name: string;
  /** max |a - b| */
  maxAbs: number;
  /** max |b|: the reference's scale */
  scale: number;
  /** maxAbs / scale (0 when equal) */
  rel: number;
  /** every element bit-identical (NaN equal to NaN) */
  exact: boolean;
}

export interface Side {
  /** the message where the case threw */
  error?: string;
  /** tfjs tensors left behind by the case */
  leaked: number;
  /** TensorFlow handles left behind by the case (tensorflow sides only) */
  leakedHandles?: number;
  /** trainkit kernel counters that moved during the case */
  counts: Partial<TensorflowKernelCounts>;
  ms: number;
}

export interface KernelCase {
  name: string;
  group: "relu" | "maxPool" | "matMul" | "demoCnn" | "fallback";
  /** max pooling whose windows overlap (stride below the window) */
  overlapping?: boolean;
  cpu: Side;
  own: Side;
  ours: Side;
  /** the cpu backend again, after registration (relu cases) */
  cpuAfter?: Side;
  /** ours against tfjs-node's own kernels */
  vsOwn: TensorDiff[];
  /** ours against the cpu backend */
  vsCpu: TensorDiff[];
  /** the cpu backend after registration against before */
  cpuAfterVsCpu?: TensorDiff[];
}

export interface WorkspaceLifecycle {
  /** workspaces kept while a gradient is recorded, right after the pooling */
  duringGradient: number;
  /** after the gradient and every tensor of it are disposed */
  afterGradient: number;
  /** right after a pooling outside any gradient */
  outsideGradient: number;
}

export interface RuntimeFailure {
  /** why max pooling stopped using oneDNN */
  unavailable?: string;
  /** oneDNN ops tried after they started failing */
  attemptsAfterFailure: number;
  /** gradient and later forward against tfjs-node's own kernels */
  vsOwn: TensorDiff[];
  counts: Partial<TensorflowKernelCounts>;
  leaked: number;
  keptWorkspaces: number;
  /** registerTensorflowKernels() after the failure */
  registration: RegisterTensorflowKernelsResult;
}

export interface KernelsReport {
  mode: "parity" | "missing-ops";
  onednnEnv: string | null;
  /** initBackend with `tensorflowKernels: false` */
  withoutKernels?: Pick<BackendChoice, "name" | "tensorflowKernels"> & {
    reason: string;
    /** tfjs-node's own kernels still in place */
    ownKernels: boolean;
  };
  /** registerTensorflowKernels(), then again */
  registration?: RegisterTensorflowKernelsResult;
  registrationAgain?: RegisterTensorflowKernelsResult;
  /** the registry held the same kernel objects after the second call */
  sameKernelsAfterAgain?: boolean;
  /** initBackend (default options) once the kernels are registered, or in missing-ops mode */
  withKernels?: Pick<BackendChoice, "name" | "tensorflowKernels"> & { reason: string };
  /** which kernels of TENSORFLOW_FASTER_KERNELS are trainkit's in the registry now */
  trainkitKernels?: string[];
  /** the BatchMatMul kernel for 'tensorflow' is tfjs-node's own, after registration */
  ownBatchMatMul?: boolean;
  cases: KernelCase[];
  workspaces?: WorkspaceLifecycle;
  runtimeFailure?: RuntimeFailure;
  /** oneDNN ops tried while they fail (missing-ops mode) */
  oneDnnAttempts?: number;
  /** workspaces kept at the end, with every tensor disposed */
  keptWorkspacesAtEnd: number;
  /** tfjs tensors alive at the end beyond those alive at the start */
  leakedOverall: number;
}

type Arrays = Record<string, Float32Array | Int32Array>;
interface Case {
  name: string;
  group: KernelCase["group"];
  overlapping?: boolean;
  /** runs on the current backend; returns named results and disposes all it created */
  run: () => Promise<Arrays>;
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

const sizeOf = (shape: readonly number[]) => shape.reduce((a, b) => a * b, 1);

async function read(t: tf.Tensor): Promise<Float32Array | Int32Array> {
  const data = await t.data();
  return data instanceof Int32Array
    ? Int32Array.from(data)
    : Float32Array.from(data as Float32Array);
}

/** Data kinds for pooling: distinct values, integers (ties), and ReLU'd integers (zero windows). */
type PoolData = "uniform" | "integers" | "relu integers";

function poolInput(kind: PoolData, n: number, seed: number): Float32Array {
  const u = values(n, seed, -3, 3);
  if (kind === "uniform") return u;
  const ints = u.map((v) => Math.round(v));
  return kind === "integers" ? ints : ints.map((v) => Math.max(0, v));
}

/** y = f(x), the gradient of sum(y * C) by the kernel's gradient, and named extra results. */
async function gradResults(
  name: string,
  xs: tf.Tensor[],
  f: (...ts: tf.Tensor[]) => tf.Tensor,
): Promise<Arrays> {
  let y: tf.Tensor | undefined;
  const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => {
    y = tf.keep(f(...ts));
    const c = tf.tensor(values(y.size, seedOf(`${name}/C`)), y.shape);
    return tf.sum(tf.mul(y, c));
  })(xs);
  const out: Arrays = { y: await read(y as tf.Tensor) };
  for (const [k, g] of grads.entries()) out[`d/${k}`] = await read(g);
  tf.dispose([value, ...grads, y as tf.Tensor]);
  return out;
}

const cases: Case[] = [];

// Relu's gradient: normal values with exact zeros and negative zeros among them.
for (const [label, shape] of [
  ["4x13x13x16", [4, 13, 13, 16]],
  ["dense 8x40", [8, 40]],
] as const) {
  const name = `relu ${label}`;
  const data = values(sizeOf(shape), seedOf(name));
  for (let i = 0; i < data.length; i += 7) data[i] = i % 2 === 0 ? 0 : -0;
  cases.push({
    name,
    group: "relu",
    run: async () => {
      const x = tf.tensor(data, [...shape]);
      try {
        return await gradResults(name, [x], (t) => tf.relu(t));
      } finally {
        x.dispose();
      }
    },
  });
}
// Where x is NaN, TensorFlow's ReluGrad gives 0 and tfjs's gradient NaN (the test expects this).
cases.push({
  name: "relu NaN",
  group: "relu",
  run: async () => {
    const x = tf.tensor1d([Number.NaN, -1, 0, 2]);
    try {
      return await gradResults("relu NaN", [x], (t) => tf.relu(t));
    } finally {
      x.dispose();
    }
  },
});

// Max pooling: forward, gradient (kept workspace), and the gradient kernel on an output pooled
// outside a gradient (workspace recomputed).
type Pad = "valid" | "same";
const pools: [string, number[], [number, number], [number, number], Pad][] = [
  ["b2 9x9x3 2x2 s2 valid", [2, 9, 9, 3], [2, 2], [2, 2], "valid"],
  ["b2 9x9x3 2x2 s2 same", [2, 9, 9, 3], [2, 2], [2, 2], "same"],
  ["b1 8x8x4 2x2 s2 valid", [1, 8, 8, 4], [2, 2], [2, 2], "valid"],
  ["b1 7x7x2 2x2 s2 same", [1, 7, 7, 2], [2, 2], [2, 2], "same"],
  ["b2 6x6x130 3x3 s3 valid", [2, 6, 6, 130], [3, 3], [3, 3], "valid"],
  ["b1 5x7x2 2x3 s[2,3] same", [1, 5, 7, 2], [2, 3], [2, 3], "same"],
  ["b1 5x5x1 1x1 s1 valid", [1, 5, 5, 1], [1, 1], [1, 1], "valid"],
  ["b2 7x7x3 3x3 s1 valid", [2, 7, 7, 3], [3, 3], [1, 1], "valid"],
  ["b2 7x7x3 3x3 s1 same", [2, 7, 7, 3], [3, 3], [1, 1], "same"],
  ["b1 9x8x5 3x3 s2 same", [1, 9, 8, 5], [3, 3], [2, 2], "same"],
  ["b1 9x8x5 3x3 s2 valid", [1, 9, 8, 5], [3, 3], [2, 2], "valid"],
];
for (const [label, shape, window, strides, pad] of pools) {
  for (const kind of ["uniform", "integers", "relu integers"] as PoolData[]) {
    const name = `maxPool ${label} ${kind}`;
    const data = poolInput(kind, sizeOf(shape), seedOf(name));
    cases.push({
      name,
      group: "maxPool",
      overlapping: strides[0] < window[0] || strides[1] < window[1],
      run: async () => {
        const x = tf.tensor4d(data, shape as [number, number, number, number]);
        try {
          const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, window, strides, pad);
          const out = await gradResults(name, [x], pool);
          const y = pool(x);
          const dy = tf.tensor(values(y.size, seedOf(`${name}/C`)), y.shape);
          const direct = tf.engine().runKernel("MaxPoolGrad", { dy, input: x, output: y }, {
            filterSize: window,
            strides,
            pad,
          } as unknown as tf.NamedAttrMap) as tf.Tensor;
          out["direct d/x"] = await read(direct);
          tf.dispose([y, dy, direct]);
          return out;
        } finally {
          x.dispose();
        }
      },
    });
  }
}

// Matrix products (tfjs makes them rank 3 with a batch of one), with every transpose, and their
// gradients (products with transposes again): registration leaves them to tfjs-node's
// BatchMatMulV2 (trainkit's MatMul kernel was removed: it corrupted the heap on a signal).
const products: [string, number[], number[], boolean, boolean][] = [
  ["64x300 @ 300x10", [64, 300], [300, 10], false, false],
  ["transposeA 300x64 @ 300x10", [300, 64], [300, 10], true, false],
  ["transposeB 64x300 @ 10x300", [64, 300], [10, 300], false, true],
  ["both 300x64 @ 10x300", [300, 64], [10, 300], true, true],
  ["1x16 @ 16x10", [1, 16], [16, 10], false, false],
  ["rank 3 batch 1: 1x64x300 @ 1x300x10", [1, 64, 300], [1, 300, 10], false, false],
  ["rank 3 batch 1 both: 1x300x64 @ 1x10x300", [1, 300, 64], [1, 10, 300], true, true],
];
for (const [label, aShape, bShape, ta, tb] of products) {
  const name = `matMul ${label}`;
  const a = values(sizeOf(aShape), seedOf(`${name}/a`));
  const b = values(sizeOf(bShape), seedOf(`${name}/b`));
  cases.push({
    name,
    group: "matMul",
    run: async () => {
      const xs = [tf.tensor(a, aShape), tf.tensor(b, bShape)];
      try {
        return await gradResults(name, xs, (p, q) =>
          tf.matMul(p as tf.Tensor, q as tf.Tensor, ta, tb),
        );
      } finally {
        tf.dispose(xs);
      }
    },
  });
}
{
  const name = "matMul dense relu(x @ W + b) 8x12 @ 12x5";
  const data = [values(96, seedOf(`${name}/x`)), values(60, seedOf(`${name}/W`)), values(5, 3)];
  cases.push({
    name,
    group: "matMul",
    run: async () => {
      const xs = [
        tf.tensor2d(data[0] as Float32Array, [8, 12]),
        tf.tensor2d(data[1] as Float32Array, [12, 5]),
        tf.tensor1d(data[2] as Float32Array),
      ];
      try {
        return await gradResults(name, xs, (x, w, bias) =>
          tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias, activation: "relu" }),
        );
      } finally {
        tf.dispose(xs);
      }
    },
  });
}

// What stays with tfjs-node's own kernels.
cases.push(
  {
    name: "fallback maxPool int32",
    group: "fallback",
    run: async () => {
      const x = tf.tensor4d(Int32Array.from(poolInput("integers", 50, 5)), [1, 5, 5, 2], "int32");
      const y = tf.maxPool(x, 2, 2, "same");
      const out = { y: await read(y) };
      tf.dispose([x, y]);
      return out;
    },
  },
  {
    name: "fallback maxPool explicit pad 1",
    group: "fallback",
    run: async () => {
      const x = tf.tensor4d(values(50, 6), [1, 5, 5, 2]);
      try {
        return await gradResults("pad 1", [x], (t) => tf.maxPool(t as tf.Tensor4D, 3, 1, 1));
      } finally {
        x.dispose();
      }
    },
  },
  {
    // a pad of 0 is 'valid' to tfjs: oneDNN's, not a fallback
    name: "maxPool explicit pad 0",
    group: "maxPool",
    run: async () => {
      const x = tf.tensor4d(values(50, 7), [1, 5, 5, 2]);
      try {
        return await gradResults("pad 0", [x], (t) => tf.maxPool(t as tf.Tensor4D, 2, 2, 0));
      } finally {
        x.dispose();
      }
    },
  },
);

/** Seeded start weights for a layers model: kernels within Glorot's limit, biases small. */
function seededWeights(model: tfl.LayersModel, label: string): Float32Array[] {
  return model.weights.map((w, i) => {
    const shape = w.shape as number[];
    if (!w.originalName.endsWith("kernel"))
      return values(sizeOf(shape), seedOf(`${label}/${i}`), -0.05, 0.05);
    const receptive = shape.length > 2 ? sizeOf(shape.slice(0, -2)) : 1;
    const limit = Math.sqrt(
      6 / (receptive * ((shape.at(-2) as number) + (shape.at(-1) as number))),
    );
    return values(sizeOf(shape), seedOf(`${label}/${i}`), -limit, limit);
  });
}

// The demo CNN (conv16-pool-conv32-pool-dense10, Adam 1e-3) trained with model.fit: two steps of
// 32 images from the same weights.
{
  const name = "demo CNN model.fit 2 steps of 32";
  let fixed: { weights: Float32Array[]; x: Float32Array; y: Float32Array } | undefined;
  cases.push({
    name,
    group: "demoCnn",
    run: async () => {
      const model = demoCnn();
      if (fixed === undefined) {
        // randomImages is seeded; made once (on whatever backend runs first) and reused
        const { x, y } = randomImages(64);
        fixed = {
          weights: seededWeights(model, name),
          x: (await read(x)) as Float32Array,
          y: (await read(y)) as Float32Array,
        };
        tf.dispose([x, y]);
      }
      const start = fixed;
      tf.tidy(() =>
        model.setWeights(
          start.weights.map((d, i) => tf.tensor(d, model.weights[i]?.shape as number[])),
        ),
      );
      const x = tf.tensor4d(start.x, [64, 28, 28, 1]);
      const y = tf.tensor2d(start.y, [64, 10]);
      const history = await model.fit(x, y, {
        epochs: 1,
        batchSize: 32,
        shuffle: false,
        verbose: 0,
      });
      const out: Arrays = { loss: Float32Array.from(history.history.loss as number[]) };
      for (const [i, w] of model.getWeights().entries()) out[`weight ${i}`] = await read(w);
      tf.dispose([x, y]);
      model.optimizer.dispose();
      model.dispose();
      return out;
    },
  });
}

function compare(
  name: string,
  actual: ArrayLike<number> | undefined,
  expected: ArrayLike<number>,
): TensorDiff {
  if (actual === undefined || actual.length !== expected.length) {
    return {
      name,
      maxAbs: Number.POSITIVE_INFINITY,
      scale: 0,
      rel: Number.POSITIVE_INFINITY,
      exact: false,
    };
  }
  let maxAbs = 0;
  let scale = 0;
  let exact = true;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!Object.is(a, e)) exact = false;
    const d = Number.isNaN(a) && Number.isNaN(e) ? 0 : Math.abs(a - e);
    maxAbs = Math.max(maxAbs, Number.isNaN(d) ? Number.POSITIVE_INFINITY : d);
    if (Number.isFinite(e)) scale = Math.max(scale, Math.abs(e));
  }
  const rel = maxAbs === 0 ? 0 : scale === 0 ? Number.POSITIVE_INFINITY : maxAbs / scale;
  return { name, maxAbs, scale, rel, exact };
}

function compareAll(actual: Arrays, expected: Arrays): TensorDiff[] {
  return Object.keys(expected).map((n) => compare(n, actual[n], expected[n] as ArrayLike<number>));
}

/** TensorFlow handles alive now, tracked through the binding (see trackHandles). */
const liveHandles = new Set<number>();
/** Makes every oneDNN op throw while set, as a TensorFlow library without them does. */
const failOneDnn = { on: false, attempts: 0 };

/**
 * Puts a wrapper in place of tfjs-node's binding (on the backend instance) that tracks which
 * handles are alive, and can make the oneDNN ops throw.
 */
function instrumentBinding(): void {
  const backend = tf.findBackend("tensorflow") as unknown as { binding: Record<string, unknown> };
  const binding = backend.binding;
  const executeOp = binding.executeOp as (...a: unknown[]) => { id: number }[];
  const createTensor = binding.createTensor as (...a: unknown[]) => number;
  const deleteTensor = binding.deleteTensor as (id: number) => void;
  const wrapped: Record<string, unknown> = {
    executeOp: (name: string, ...rest: unknown[]) => {
      if (name.startsWith("_Mkl") && failOneDnn.on) {
        failOneDnn.attempts++;
        throw new Error(
          `Invalid TF_Status: 5\nMessage: '${name}' is neither a type of a primitive operation nor a name of a function registered in binary running on this machine.`,
        );
      }
      const out = executeOp.call(binding, name, ...rest);
      for (const o of out) liveHandles.add(o.id);
      return out;
    },
    createTensor: (...args: unknown[]) => {
      const id = createTensor.apply(binding, args);
      liveHandles.add(id);
      return id;
    },
    deleteTensor: (id: number) => {
      liveHandles.delete(id);
      deleteTensor.call(binding, id);
    },
  };
  // the binding's own properties are read-only: a new object that inherits them, not a Proxy
  backend.binding = Object.create(
    binding,
    Object.fromEntries(Object.entries(wrapped).map(([k, value]) => [k, { value }])),
  ) as Record<string, unknown>;
}

function countsSince(before: TensorflowKernelCounts): Partial<TensorflowKernelCounts> {
  const now = snapshotTensorflowKernelCounts();
  const moved: Partial<TensorflowKernelCounts> = {};
  for (const key of Object.keys(now) as (keyof TensorflowKernelCounts)[]) {
    if (now[key] !== before[key]) moved[key] = now[key] - before[key];
  }
  return moved;
}

async function onBackend(backend: string, c: Case): Promise<{ out: Arrays; side: Side }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  const tensors = tf.memory().numTensors;
  const handles = liveHandles.size;
  const counts = snapshotTensorflowKernelCounts();
  const t0 = performance.now();
  let out: Arrays = {};
  let error: string | undefined;
  try {
    out = await c.run();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const side: Side = {
    ...(error === undefined ? {} : { error }),
    leaked: tf.memory().numTensors - tensors,
    ...(backend === "tensorflow" ? { leakedHandles: liveHandles.size - handles } : {}),
    counts: countsSince(counts),
    ms: Math.round(performance.now() - t0),
  };
  return { out, side };
}

function choiceSummary(choice: BackendChoice) {
  return {
    name: choice.name,
    reason: choice.tried.at(-1)?.reason ?? "",
    ...(choice.tensorflowKernels !== undefined
      ? { tensorflowKernels: choice.tensorflowKernels }
      : {}),
  };
}

function ownBatchMatMul(): boolean {
  const kernel = tf.getKernel("BatchMatMul", "tensorflow") as tf.KernelConfig | undefined;
  return kernel !== undefined && !isTrainkitKernel(kernel);
}

function trainkitKernels(): string[] {
  return TENSORFLOW_FASTER_KERNELS.filter((k) =>
    isTrainkitKernel(tf.getKernel(k, "tensorflow") as tf.KernelConfig | undefined),
  );
}

/** Workspaces kept during a gradient, after it, and outside one. */
function workspaceLifecycle(): WorkspaceLifecycle {
  const base = keptPoolingWorkspaces();
  const x = tf.tensor4d(values(2 * 8 * 8 * 3, 12), [2, 8, 8, 3]);
  let duringGradient = 0;
  const g = tf.grad((t: tf.Tensor) => {
    const y = tf.maxPool(t as tf.Tensor4D, 2, 2, "valid");
    duringGradient = keptPoolingWorkspaces() - base;
    return tf.sum(y);
  })(x);
  g.dispose();
  const afterGradient = keptPoolingWorkspaces() - base;
  const y = tf.maxPool(x, 2, 2, "valid");
  const outsideGradient = keptPoolingWorkspaces() - base;
  tf.dispose([x, y]);
  return { duringGradient, afterGradient, outsideGradient };
}

/** oneDNN's ops start failing between a forward pooling and its gradient. */
async function runtimeFailure(
  ownOf: (name: string) => Arrays | undefined,
): Promise<RuntimeFailure> {
  await tf.setBackend("tensorflow");
  const name = "maxPool b2 7x7x3 3x3 s1 same integers";
  const c = cases.find((k) => k.name === name) as Case;
  const tensors = tf.memory().numTensors;
  const counts = snapshotTensorflowKernelCounts();
  const x = tf.tensor4d(poolInput("integers", 2 * 7 * 7 * 3, seedOf(name)), [2, 7, 7, 3]);
  const pool = (t: tf.Tensor) => tf.maxPool(t as tf.Tensor4D, [3, 3], [1, 1], "same");
  // the forward runs oneDNN's pooling and keeps its workspace; then its ops start failing
  const out = await gradResults(name, [x], (t) => {
    const y = pool(t);
    failOneDnn.on = true;
    return y;
  });
  x.dispose();
  // and the forward too, from now on (c's own run also pools outside a gradient)
  const again = await c.run();
  const own = ownOf(name) ?? {};
  return {
    ...(oneDnnPoolingUnavailable() !== undefined
      ? { unavailable: oneDnnPoolingUnavailable() }
      : {}),
    attemptsAfterFailure: failOneDnn.attempts,
    vsOwn: [
      ...compareAll(out, { y: own.y as Float32Array, "d/0": own["d/0"] as Float32Array }),
      ...compareAll(again, own).map((d) => ({ ...d, name: `again ${d.name}` })),
    ],
    counts: countsSince(counts),
    leaked: tf.memory().numTensors - tensors,
    keptWorkspaces: keptPoolingWorkspaces(),
    registration: registerTensorflowKernels(),
  };
}

async function parity(): Promise<KernelsReport> {
  const without = await initBackend({ prefer: "tensorflow-cpu", tensorflowKernels: false });
  instrumentBinding();
  const report: KernelsReport = {
    mode: "parity",
    onednnEnv: process.env.TF_ENABLE_ONEDNN_OPTS ?? null,
    withoutKernels: { ...choiceSummary(without), ownKernels: trainkitKernels().length === 0 },
    cases: [],
    keptWorkspacesAtEnd: 0,
    leakedOverall: 0,
  };
  const startTensors = tf.memory().numTensors;
  const cpu = new Map<string, { out: Arrays; side: Side }>();
  const own = new Map<string, { out: Arrays; side: Side }>();
  for (const c of cases) cpu.set(c.name, await onBackend("cpu", c));
  for (const c of cases) own.set(c.name, await onBackend("tensorflow", c));

  report.registration = registerTensorflowKernels();
  const kernels = TENSORFLOW_FASTER_KERNELS.map((k) => tf.getKernel(k, "tensorflow"));
  report.registrationAgain = registerTensorflowKernels();
  report.sameKernelsAfterAgain = TENSORFLOW_FASTER_KERNELS.every(
    (k, i) => tf.getKernel(k, "tensorflow") === kernels[i],
  );
  report.withKernels = choiceSummary(await initBackend({ prefer: "tensorflow-cpu" }));
  report.trainkitKernels = trainkitKernels();
  report.ownBatchMatMul = ownBatchMatMul();

  for (const c of cases) {
    const ours = await onBackend("tensorflow", c);
    const before = cpu.get(c.name) as { out: Arrays; side: Side };
    const reference = own.get(c.name) as { out: Arrays; side: Side };
    const result: KernelCase = {
      name: c.name,
      group: c.group,
      ...(c.overlapping !== undefined ? { overlapping: c.overlapping } : {}),
      cpu: before.side,
      own: reference.side,
      ours: ours.side,
      vsOwn: compareAll(ours.out, reference.out),
      vsCpu: compareAll(ours.out, before.out),
    };
    if (c.group === "relu") {
      const after = await onBackend("cpu", c);
      result.cpuAfter = after.side;
      result.cpuAfterVsCpu = compareAll(after.out, before.out);
    }
    report.cases.push(result);
  }
  await tf.setBackend("tensorflow");
  report.workspaces = workspaceLifecycle();
  report.runtimeFailure = await runtimeFailure((name) => own.get(name)?.out);
  report.keptWorkspacesAtEnd = keptPoolingWorkspaces();
  report.leakedOverall = tf.memory().numTensors - startTensors;
  return report;
}

/** A TensorFlow library without oneDNN's pooling ops: initBackend registers the rest. */
async function missingOps(): Promise<KernelsReport> {
  restoreIsNullOrUndefined(); // tfjs-node 4.22 on Node 23+
  createRequire(import.meta.url)("@tensorflow/tfjs-node");
  await tf.setBackend("tensorflow");
  instrumentBinding();
  failOneDnn.on = true;
  const choice = await initBackend({ prefer: "tensorflow-cpu" });
  const report: KernelsReport = {
    mode: "missing-ops",
    onednnEnv: process.env.TF_ENABLE_ONEDNN_OPTS ?? null,
    withKernels: choiceSummary(choice),
    registration: registerTensorflowKernels(),
    trainkitKernels: trainkitKernels(),
    cases: [],
    keptWorkspacesAtEnd: 0,
    leakedOverall: 0,
  };
  const startTensors = tf.memory().numTensors;
  for (const c of cases.filter((k) => k.name.startsWith("maxPool b2 7x7x3 3x3 s1 same"))) {
    const cpu = await onBackend("cpu", c);
    const ours = await onBackend("tensorflow", c);
    // tfjs-node's own max pooling runs here: "own" and "ours" are the same run
    report.cases.push({
      name: c.name,
      group: c.group,
      cpu: cpu.side,
      own: ours.side,
      ours: ours.side,
      vsOwn: [],
      vsCpu: compareAll(ours.out, cpu.out),
    });
  }
  report.registrationAgain = registerTensorflowKernels();
  report.oneDnnAttempts = failOneDnn.attempts;
  report.keptWorkspacesAtEnd = keptPoolingWorkspaces();
  report.leakedOverall = tf.memory().numTensors - startTensors;
  return report;
}

const mode = process.argv[2] === "missing-ops" ? "missing-ops" : "parity";
const report = mode === "parity" ? await parity() : await missingOps();
process.stdout.write(`${JSON.stringify(report)}\n`);
