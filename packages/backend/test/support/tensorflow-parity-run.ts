// Child process of test/tensorflow-parity.test.ts: computes every case on the native
// `tensorflow` backend (@tensorflow/tfjs-node) and on the plain `cpu` backend, from the same
// arrays, in this one process, and prints one JSON line of errors.
//
// TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when its library loads, so the test starts this
// script once per oneDNN setting. Usage: node --conditions=@trainkit/source --import tsx
// test/support/tensorflow-parity-run.ts [substring of case names to keep]
import { createRequire } from "node:module";
import { restoreIsNullOrUndefined } from "../../src/internal/node-compat.js";
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { demoCnn, randomImages } from "../../bench/demo-cnn.js";
import { values } from "./seeded-values.js";

/** One tensor of a case compared between the backends. */
export interface TensorError {
  name: string;
  size: number;
  /** max |tensorflow - cpu| */
  maxAbs: number;
  /** max |cpu|: the scale the error is measured against */
  scale: number;
  /** maxAbs / scale (0 when both are all zeros) */
  rel: number;
  /** every element bit-identical */
  exact: boolean;
  /** every element of both results finite */
  finite: boolean;
  /** FNV-1a of the tensorflow result's bytes: equal digests in two runs mean equal bits */
  digest: string;
}

export interface CaseResult {
  name: string;
  group: string;
  tensors: TensorError[];
  /**
   * Where the case has an independent float64 reference (plain loops in this file): each
   * backend's errors against it.
   */
  reference?: { tensorflow: TensorError[]; cpu: TensorError[] };
  /** the message where the case threw on a backend (no comparison then) */
  error?: { tensorflow?: string; cpu?: string };
  /** tensors left behind by the case, per backend (must be 0) */
  leaked: { tensorflow: number; cpu: number };
  /** the backend each side really ran on */
  ranOn: { tensorflow: string; cpu: string };
  ms: { tensorflow: number; cpu: number };
}

export interface ParityReport {
  onednnEnv: string | null;
  tfjsCore: string;
  cases: CaseResult[];
  /** tensors alive at the end of the run beyond those alive before the first case */
  leakedOverall: number;
}

type Arrays = Record<string, Float32Array>;
type Reference = Record<string, ArrayLike<number>>;
interface Case {
  name: string;
  group: string;
  /** runs on the current backend; returns named results and disposes all it created */
  run: () => Promise<Arrays>;
  /** the exact results computed in float64 without tfjs, where the case has them */
  reference?: () => Reference;
}

const sizeOf = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

interface Input {
  name: string;
  shape: number[];
  /** defaults to uniform [-1, 1) from a seed derived from the name */
  data?: Float32Array;
  lo?: number;
  hi?: number;
}

function seedOf(text: string): number {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 16777619);
  return h >>> 0;
}

async function read(t: tf.Tensor): Promise<Float32Array> {
  return Float32Array.from((await t.data()) as Float32Array);
}

/**
 * A case whose output `y = f(inputs)` and the gradients of `sum(y * C)` with respect to every
 * input: C is a fixed array of y's shape, so the upstream gradient is arbitrary rather than ones.
 */
function gradCase(
  group: string,
  name: string,
  inputs: Input[],
  f: (...xs: tf.Tensor[]) => tf.Tensor,
  options: {
    grads?: boolean;
    /** float64 results from the inputs' data and the coefficients C of `sum(y * C)` */
    reference?: (data: Float32Array[], coefficients: (n: number) => Float32Array) => Reference;
  } = {},
): Case {
  const data = inputs.map(
    (i) => i.data ?? values(sizeOf(i.shape), seedOf(`${name}/${i.name}`), i.lo, i.hi),
  );
  const coefficients = (n: number) => values(n, seedOf(`${name}/C`));
  const reference = options.reference;
  return {
    name,
    group,
    ...(reference ? { reference: () => reference(data, coefficients) } : {}),
    run: async () => {
      const xs = inputs.map((inp, k) => tf.tensor(data[k] as Float32Array, inp.shape));
      const out: Arrays = {};
      try {
        if (options.grads === false) {
          const y = f(...xs);
          out.y = await read(y);
          y.dispose();
          return out;
        }
        let y: tf.Tensor | undefined;
        const { value, grads } = tf.valueAndGrads((...ts: tf.Tensor[]) => {
          y = tf.keep(f(...ts));
          const c = tf.tensor(coefficients(y.size), y.shape);
          return tf.sum(tf.mul(y, c));
        })(xs);
        out.y = await read(y as tf.Tensor);
        out.loss = await read(value);
        for (let k = 0; k < inputs.length; k++) {
          out[`d/${inputs[k]?.name}`] = await read(grads[k] as tf.Tensor);
        }
        tf.dispose([value, ...grads, y as tf.Tensor]);
        return out;
      } finally {
        // also when an op throws, so that a case that fails on one backend leaks nothing
        tf.dispose(xs);
      }
    },
  };
}

/**
 * Seeded start values for every weight of a layers model, by the weight's role: kernels uniform
 * within Glorot's limit, biases and shifts small, scales and variances near 1.
 */
function seededWeights(
  model: tfl.LayersModel,
  label: string,
): { data: Float32Array[]; shapes: number[][] } {
  const data: Float32Array[] = [];
  const shapes: number[][] = [];
  for (const [i, w] of model.weights.entries()) {
    const shape = w.shape as number[];
    const n = sizeOf(shape);
    const seed = seedOf(`${label}/${i}`);
    const role = w.originalName.replace(/.*\//, "");
    if (role.endsWith("kernel")) {
      const receptive = shape.length > 2 ? sizeOf(shape.slice(0, -2)) : 1;
      const fanIn = receptive * (shape[shape.length - 2] as number);
      const fanOut = receptive * (shape[shape.length - 1] as number);
      const limit = Math.sqrt(6 / (fanIn + fanOut));
      data.push(values(n, seed, -limit, limit));
    } else if (role === "gamma" || role === "moving_variance") {
      data.push(values(n, seed, 0.8, 1.2));
    } else {
      data.push(values(n, seed, -0.05, 0.05));
    }
    shapes.push(shape);
  }
  return { data, shapes };
}

type Pad = "same" | "valid";
const cases: Case[] = [];

// conv2d: x and filter gradients; batch 1 and 2; strides; 'same' (also asymmetric) and 'valid'.
const convs: [string, number[], number[], [number, number], Pad][] = [
  ["b1 3x3 s1 same", [1, 7, 7, 2], [3, 3, 2, 4], [1, 1], "same"],
  ["b1 3x3 s2 valid", [1, 9, 8, 3], [3, 3, 3, 4], [2, 2], "valid"],
  ["b2 3x3 s2 same odd", [2, 9, 7, 3], [3, 3, 3, 5], [2, 2], "same"],
  ["b1 2x3 s[1,2] same", [1, 6, 9, 2], [2, 3, 2, 3], [1, 2], "same"],
  ["b2 5x5 s1 valid", [2, 10, 10, 2], [5, 5, 2, 3], [1, 1], "valid"],
  ["b1 1x1 s1 valid", [1, 5, 5, 6], [1, 1, 6, 4], [1, 1], "valid"],
  ["b3 4x4 s3 same", [3, 10, 11, 2], [4, 4, 2, 3], [3, 3], "same"],
];
for (const [label, xShape, fShape, strides, pad] of convs) {
  cases.push(
    gradCase(
      "conv2d",
      `conv2d ${label}`,
      [
        { name: "x", shape: xShape },
        { name: "filter", shape: fShape },
      ],
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad),
    ),
  );
}
cases.push(
  gradCase(
    "conv2d",
    "fused conv2d +bias +relu b1 3x3 s2 same",
    [
      { name: "x", shape: [1, 8, 9, 3] },
      { name: "filter", shape: [3, 3, 3, 4] },
      { name: "bias", shape: [4] },
    ],
    (x, w, b) =>
      tf.fused.conv2d({
        x: x as tf.Tensor4D,
        filter: w as tf.Tensor4D,
        bias: b,
        strides: 2,
        pad: "same",
        activation: "relu",
      }),
  ),
);
// tfjs 4.22 refuses gradients of dilated convolutions on every backend (an assert in
// Conv2D_grad and DepthwiseConv2dNative_grad), so dilation is compared forward only.
const dilated: [string, number[], number[], [number, number], Pad][] = [
  ["b1 3x3 d2 same", [1, 9, 9, 2], [3, 3, 2, 3], [2, 2], "same"],
  ["b2 3x3 d[2,1] valid", [2, 9, 8, 3], [3, 3, 3, 4], [2, 1], "valid"],
  ["b1 2x2 d3 valid", [1, 8, 8, 1], [2, 2, 1, 2], [3, 3], "valid"],
];
for (const [label, xShape, fShape, dilations, pad] of dilated) {
  cases.push(
    gradCase(
      "conv2d",
      `conv2d ${label} (forward)`,
      [
        { name: "x", shape: xShape },
        { name: "filter", shape: fShape },
      ],
      (x, w) => tf.conv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, pad, "NHWC", dilations),
      { grads: false },
    ),
  );
}

// depthwiseConv2d: x and filter gradients, channel multiplier 1 and 2.
const depthwise: [string, number[], number[], [number, number], Pad][] = [
  ["b1 3x3 s1 same m1", [1, 7, 7, 3], [3, 3, 3, 1], [1, 1], "same"],
  ["b2 3x3 s2 valid m2", [2, 9, 9, 3], [3, 3, 3, 2], [2, 2], "valid"],
  ["b1 3x3 s2 same m2 odd", [1, 9, 7, 2], [3, 3, 2, 2], [2, 2], "same"],
  ["b2 5x5 s1 same m1", [2, 8, 8, 2], [5, 5, 2, 1], [1, 1], "same"],
];
for (const [label, xShape, fShape, strides, pad] of depthwise) {
  cases.push(
    gradCase(
      "depthwiseConv2d",
      `depthwiseConv2d ${label}`,
      [
        { name: "x", shape: xShape },
        { name: "filter", shape: fShape },
      ],
      (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, strides, pad),
    ),
  );
}
cases.push(
  gradCase(
    "depthwiseConv2d",
    "depthwiseConv2d b1 3x3 d2 same m2 (forward)",
    [
      { name: "x", shape: [1, 9, 9, 2] },
      { name: "filter", shape: [3, 3, 2, 2] },
    ],
    (x, w) => tf.depthwiseConv2d(x as tf.Tensor4D, w as tf.Tensor4D, 1, "same", "NHWC", 2),
    { grads: false },
  ),
);

// Pooling. Inputs are continuous random values, so no window holds a tie (where the choice of
// the max is the implementation's own and may differ between backends).
/**
 * Max or average pooling (NHWC, TensorFlow's 'same'/'valid' padding; the average counts only the
 * elements inside the input) and the gradient of sum(y * C) with respect to x, in float64.
 */
function poolReference(
  kind: "max" | "avg",
  shape: number[],
  size: [number, number],
  strides: [number, number],
  pad: Pad,
): (data: Float32Array[], coefficients: (n: number) => Float32Array) => Reference {
  return ([x], coefficients) => {
    const [n, h, w, c] = shape as [number, number, number, number];
    const [kh, kw] = size;
    const [sh, sw] = strides;
    const outH = pad === "same" ? Math.ceil(h / sh) : Math.ceil((h - kh + 1) / sh);
    const outW = pad === "same" ? Math.ceil(w / sw) : Math.ceil((w - kw + 1) / sw);
    const top = pad === "same" ? Math.floor(Math.max((outH - 1) * sh + kh - h, 0) / 2) : 0;
    const left = pad === "same" ? Math.floor(Math.max((outW - 1) * sw + kw - w, 0) / 2) : 0;
    const at = (b: number, i: number, j: number, d: number) => ((b * h + i) * w + j) * c + d;
    const y = new Float64Array(n * outH * outW * c);
    const dx = new Float64Array(n * h * w * c);
    const coeff = coefficients(y.length);
    let loss = 0;
    let o = 0;
    for (let b = 0; b < n; b++) {
      for (let oi = 0; oi < outH; oi++) {
        for (let oj = 0; oj < outW; oj++) {
          for (let d = 0; d < c; d++, o++) {
            const window: number[] = [];
            for (let i = oi * sh - top; i < oi * sh - top + kh; i++) {
              for (let j = oj * sw - left; j < oj * sw - left + kw; j++) {
                if (i >= 0 && i < h && j >= 0 && j < w) window.push(at(b, i, j, d));
              }
            }
            const v = (k: number) => (x as Float32Array)[k] as number;
            const g = coeff[o] as number;
            if (kind === "max") {
              let best = window[0] as number;
              for (const k of window) if (v(k) > v(best)) best = k;
              y[o] = v(best);
              dx[best] = (dx[best] as number) + g;
            } else {
              y[o] = window.reduce((sum, k) => sum + v(k), 0) / window.length;
              for (const k of window) dx[k] = (dx[k] as number) + g / window.length;
            }
            loss += (y[o] as number) * g;
          }
        }
      }
    }
    return { y, loss: [loss], "d/x": dx };
  };
}

const pools: [string, "max" | "avg", number[], [number, number], [number, number], Pad][] = [
  ["b1 2x2 s2 valid", "max", [1, 8, 8, 3], [2, 2], [2, 2], "valid"],
  ["b2 3x3 s2 same odd", "max", [2, 9, 7, 2], [3, 3], [2, 2], "same"],
  ["b1 3x3 s1 same", "max", [1, 6, 6, 2], [3, 3], [1, 1], "same"],
  ["b1 2x2 s2 valid", "avg", [1, 8, 8, 3], [2, 2], [2, 2], "valid"],
  ["b2 3x3 s2 same odd", "avg", [2, 9, 7, 2], [3, 3], [2, 2], "same"],
  ["b1 3x3 s1 same", "avg", [1, 6, 6, 2], [3, 3], [1, 1], "same"],
  ["b2 2x3 s[1,2] valid", "avg", [2, 7, 9, 2], [2, 3], [1, 2], "valid"],
];
for (const [label, kind, xShape, size, strides, pad] of pools) {
  cases.push(
    gradCase(
      kind === "max" ? "maxPool" : "avgPool",
      `${kind}Pool ${label}`,
      [{ name: "x", shape: xShape }],
      (x) =>
        kind === "max"
          ? tf.maxPool(x as tf.Tensor4D, size, strides, pad)
          : tf.avgPool(x as tf.Tensor4D, size, strides, pad),
      { reference: poolReference(kind, xShape, size, strides, pad) },
    ),
  );
}

// tf.batchNorm: gradients with respect to x, mean, variance, offset and scale.
for (const [label, xShape] of [
  ["b2 4D", [2, 4, 4, 3]],
  ["b1 4D", [1, 5, 5, 3]],
  ["2D", [6, 5]],
] as [string, number[]][]) {
  const c = xShape[xShape.length - 1] as number;
  cases.push(
    gradCase(
      "batchNorm",
      `tf.batchNorm ${label}`,
      [
        { name: "x", shape: xShape },
        { name: "mean", shape: [c] },
        { name: "variance", shape: [c], lo: 0.5, hi: 1.5 },
        { name: "offset", shape: [c] },
        { name: "scale", shape: [c], lo: 0.5, hi: 1.5 },
      ],
      (x, m, v, o, s) =>
        tf.batchNorm(
          x as tf.Tensor,
          m as tf.Tensor1D,
          v as tf.Tensor1D,
          o as tf.Tensor1D,
          s as tf.Tensor1D,
          1e-3,
        ),
    ),
  );
}

/** tfjs-layers BatchNormalization called in training mode: batch statistics and moving stats. */
function layersBatchNormCase(label: string, xShape: number[]): Case {
  const name = `layers.batchNormalization training ${label}`;
  const c = xShape[xShape.length - 1] as number;
  const xData = values(sizeOf(xShape), seedOf(`${name}/x`), -2, 3);
  const init = [
    values(c, seedOf(`${name}/gamma`), 0.5, 1.5),
    values(c, seedOf(`${name}/beta`)),
    values(c, seedOf(`${name}/movingMean`)),
    values(c, seedOf(`${name}/movingVariance`), 0.5, 1.5),
  ];
  return {
    name,
    group: "batchNorm",
    run: async () => {
      const layer = tfl.layers.batchNormalization({ momentum: 0.9, epsilon: 1e-3 });
      layer.build(xShape);
      // setWeights and tf.variable keep the given tensor alive beside the variable: tidy it away
      tf.tidy(() => layer.setWeights(init.map((d) => tf.tensor1d(d))));
      const x = tf.tidy(() => tf.variable(tf.tensor(xData, xShape), true));
      const gamma = layer.trainableWeights[0]?.read() as tf.Variable;
      const beta = layer.trainableWeights[1]?.read() as tf.Variable;
      let y: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        y = tf.keep(layer.apply(x, { training: true }) as tf.Tensor);
        const coeff = tf.tensor(values(y.size, seedOf(`${name}/C`)), y.shape);
        return tf.sum(tf.mul(y, coeff));
      }, [x, gamma, beta]);
      const out: Arrays = {
        y: await read(y as tf.Tensor),
        loss: await read(value),
        "d/x": await read(grads[x.name] as tf.Tensor),
        "d/gamma": await read(grads[gamma.name] as tf.Tensor),
        "d/beta": await read(grads[beta.name] as tf.Tensor),
      };
      const weights = layer.getWeights();
      out.movingMean = await read(weights[2] as tf.Tensor);
      out.movingVariance = await read(weights[3] as tf.Tensor);
      tf.dispose([value, ...Object.values(grads), y as tf.Tensor, x]);
      // a layer applied to concrete tensors only is not "used" for layer.dispose()
      for (const w of layer.weights) w.dispose();
      return out;
    },
  };
}
cases.push(layersBatchNormCase("b4 5x5x3", [4, 5, 5, 3]));
cases.push(layersBatchNormCase("b2 6x5x2", [2, 6, 5, 2]));
cases.push(layersBatchNormCase("dense b8x6", [8, 6]));

// dense / matMul
const matMuls: [string, number[], number[], boolean, boolean][] = [
  ["5x7 @ 7x3", [5, 7], [7, 3], false, false],
  ["transposeA transposeB", [7, 5], [3, 7], true, true],
  ["long K 8x300 @ 300x20", [8, 300], [300, 20], false, false],
  ["batched 2x4x6 @ 2x6x3", [2, 4, 6], [2, 6, 3], false, false],
  ["1x16 @ 16x10", [1, 16], [16, 10], false, false],
];
for (const [label, aShape, bShape, ta, tb] of matMuls) {
  cases.push(
    gradCase(
      "matMul",
      `matMul ${label}`,
      [
        { name: "a", shape: aShape },
        { name: "b", shape: bShape },
      ],
      (a, b) => tf.matMul(a as tf.Tensor, b as tf.Tensor, ta, tb),
    ),
  );
}
cases.push(
  gradCase(
    "matMul",
    "dense: fused matMul +bias +relu 6x40 @ 40x8",
    [
      { name: "x", shape: [6, 40] },
      { name: "kernel", shape: [40, 8] },
      { name: "bias", shape: [8] },
    ],
    (x, w, b) =>
      tf.fused.matMul({ a: x as tf.Tensor2D, b: w as tf.Tensor2D, bias: b, activation: "relu" }),
  ),
);
cases.push(
  gradCase(
    "matMul",
    "dense: tanh(x @ W + b) 4x12 @ 12x5",
    [
      { name: "x", shape: [4, 12] },
      { name: "kernel", shape: [12, 5] },
      { name: "bias", shape: [5] },
    ],
    (x, w, b) => tf.tanh(tf.add(tf.matMul(x as tf.Tensor, w as tf.Tensor), b as tf.Tensor)),
  ),
);

// Losses: the gradient with respect to the logits (or predictions).
const N = 6;
const K = 5;
const labels = Int32Array.from({ length: N }, (_, i) => (i * 3 + 1) % K);
const oneHot = Float32Array.from({ length: N * K }, (_, i) =>
  (labels[Math.floor(i / K)] as number) === i % K ? 1 : 0,
);
const binary = Float32Array.from({ length: N * K }, (_, i) => ((i * 7) % 3 === 0 ? 1 : 0));
const logitsInput: Input = { name: "logits", shape: [N, K], lo: -3, hi: 3 };
cases.push(
  gradCase("loss", "categoricalCrossentropy (layers) on softmax", [logitsInput], (logits) =>
    tf.mean(tfl.metrics.categoricalCrossentropy(tf.tensor2d(oneHot, [N, K]), tf.softmax(logits))),
  ),
  gradCase("loss", "sparse categorical via oneHot (layers) on softmax", [logitsInput], (logits) =>
    tf.mean(
      tfl.metrics.categoricalCrossentropy(
        tf.cast(tf.oneHot(tf.tensor1d(labels, "int32"), K), "float32"),
        tf.softmax(logits),
      ),
    ),
  ),
  gradCase("loss", "softmaxCrossEntropy (core) with oneHot labels", [logitsInput], (logits) =>
    tf.losses.softmaxCrossEntropy(tf.oneHot(tf.tensor1d(labels, "int32"), K), logits),
  ),
  gradCase(
    "loss",
    "meanSquaredError (core and layers)",
    [{ name: "pred", shape: [N, K] }],
    (pred) => {
      const target = tf.tensor2d(values(N * K, 99), [N, K]);
      return tf.stack([
        tf.losses.meanSquaredError(target, pred),
        tf.mean(tfl.metrics.meanSquaredError(target, pred)),
      ]);
    },
  ),
  gradCase("loss", "sigmoidCrossEntropy (core)", [logitsInput], (logits) =>
    tf.losses.sigmoidCrossEntropy(tf.tensor2d(binary, [N, K]), logits),
  ),
  gradCase("loss", "binaryCrossentropy (layers) on sigmoid", [logitsInput], (logits) =>
    tf.mean(tfl.metrics.binaryCrossentropy(tf.tensor2d(binary, [N, K]), tf.sigmoid(logits))),
  ),
);

// Optimizers: a few steps from the same initial variables on the same data.
const optimizers: [string, () => tf.Optimizer][] = [
  ["sgd 0.1", () => tf.train.sgd(0.1)],
  ["momentum 0.05/0.9", () => tf.train.momentum(0.05, 0.9)],
  ["momentum nesterov 0.05/0.9", () => tf.train.momentum(0.05, 0.9, true)],
  ["adam 0.01", () => tf.train.adam(0.01)],
  ["rmsprop 0.01", () => tf.train.rmsprop(0.01)],
  // tfjs 4.22's centered RMSprop takes sqrt(ms - mg^2 - epsilon) (TensorFlow adds epsilon), which
  // is NaN on every backend once a weight's gradient variance falls below epsilon: a tiny epsilon
  // keeps this comparison about the backends.
  ["rmsprop centered momentum 0.01/0.9", () => tf.train.rmsprop(0.01, 0.9, 0.9, 1e-12, true)],
];
const STEPS = 5;
for (const [label, make] of optimizers) {
  const name = `optimizer ${label} x${STEPS} steps`;
  const w0 = values(6 * 4, seedOf(`${name}/W`), -0.8, 0.8);
  const b0 = values(4, seedOf(`${name}/b`), -0.2, 0.2);
  const xData = values(8 * 6, seedOf(`${name}/x`));
  const yData = values(8 * 4, seedOf(`${name}/y`), -0.9, 0.9);
  cases.push({
    name,
    group: "optimizer",
    run: async () => {
      const w = tf.tidy(() => tf.variable(tf.tensor2d(w0, [6, 4])));
      const b = tf.tidy(() => tf.variable(tf.tensor1d(b0)));
      const x = tf.tensor2d(xData, [8, 6]);
      const y = tf.tensor2d(yData, [8, 4]);
      const optimizer = make();
      const losses = new Float32Array(STEPS);
      for (let s = 0; s < STEPS; s++) {
        const loss = optimizer.minimize(
          () => tf.losses.meanSquaredError(y, tf.tanh(tf.add(tf.matMul(x, w), b))),
          true,
          [w, b],
        ) as tf.Scalar;
        losses[s] = (await loss.data())[0] as number;
        loss.dispose();
      }
      const wEnd = await read(w);
      const bEnd = await read(b);
      const out: Arrays = {
        losses,
        W: wEnd,
        b: bEnd,
        // the updates themselves, so that the error is measured against what the optimizer moved
        "W - W0": wEnd.map((v, i) => v - (w0[i] as number)),
        "b - b0": bEnd.map((v, i) => v - (b0[i] as number)),
      };
      const slots = await optimizer.getWeights();
      // slot names carry the variables' generated names, which differ between the two runs
      for (const [i, slot] of slots.entries()) {
        out[`slot ${i} ${slot.name.replace(/.*\//, "")}`] = await read(slot.tensor);
      }
      // the slots are the optimizer's own variables; only the iteration count is a new tensor
      tf.dispose(slots.filter((s) => !(s.tensor instanceof tf.Variable)).map((s) => s.tensor));
      optimizer.dispose();
      if (optimizer.getClassName() === "Momentum") {
        // tfjs-core 4.22: MomentumOptimizer.dispose() leaves the learning-rate scalar it inherits
        // from SGDOptimizer (`c`) alive, on every backend; dispose it so leaks here are ours.
        (optimizer as unknown as { c: tf.Tensor }).c.dispose();
      }
      tf.dispose([w, b, x, y]);
      return out;
    },
  });
}

// The demo CNN (conv16-pool-conv32-pool-dense10) on its first batch: 64 images of 28x28x1.
{
  const BATCH = 64;
  let fixed: { weights: Float32Array[]; shapes: number[][]; x: Float32Array; y: Float32Array };
  const prepare = async () => {
    // made once on the cpu backend; both backends then start from these arrays
    const previous = tf.getBackend();
    await tf.setBackend("cpu");
    const model = demoCnn();
    // randomImages is seeded (tfjs's own generator, run here on cpu only)
    const { x, y } = randomImages(BATCH);
    const start = seededWeights(model, "demo CNN");
    fixed = { weights: start.data, shapes: start.shapes, x: await read(x), y: await read(y) };
    tf.dispose([x, y]);
    model.optimizer?.dispose();
    model.dispose();
    await tf.setBackend(previous);
  };
  cases.push({
    name: "demo CNN first batch (64x28x28x1) gradients",
    group: "demoCnn",
    run: async () => {
      if (fixed === undefined) await prepare();
      const model = demoCnn();
      tf.tidy(() => model.setWeights(fixed.weights.map((d, i) => tf.tensor(d, fixed.shapes[i]))));
      const x = tf.tensor4d(fixed.x, [BATCH, 28, 28, 1]);
      const y = tf.tensor2d(fixed.y, [BATCH, 10]);
      const vars = model.trainableWeights.map((w) => w.read() as tf.Variable);
      let probs: tf.Tensor | undefined;
      const { value, grads } = tf.variableGrads(() => {
        probs = tf.keep(model.apply(x, { training: true }) as tf.Tensor);
        return tf.mean(tfl.metrics.categoricalCrossentropy(y, probs)) as tf.Scalar;
      }, vars);
      const out: Arrays = { loss: await read(value), predictions: await read(probs as tf.Tensor) };
      for (const [i, w] of model.trainableWeights.entries()) {
        out[`d/${i}:${w.originalName.replace(/\d+\//, "/")}`] = await read(
          grads[(vars[i] as tf.Variable).name] as tf.Tensor,
        );
      }
      tf.dispose([value, probs as tf.Tensor, x, y, ...Object.values(grads)]);
      model.optimizer?.dispose();
      model.dispose();
      return out;
    },
  });
}

// A small layers model trained end to end with Adam (trainOnBatch) on both backends.
{
  const name = "layers conv-bn-pool-dense, adam, trainOnBatch x3 (b1 then b4)";
  const build = () =>
    tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [8, 8, 2],
          filters: 4,
          kernelSize: 3,
          strides: 1,
          padding: "same",
          activation: "relu",
        }),
        tfl.layers.batchNormalization(),
        tfl.layers.maxPooling2d({ poolSize: 2 }),
        tfl.layers.depthwiseConv2d({ kernelSize: 3, padding: "valid" }),
        tfl.layers.averagePooling2d({ poolSize: 2 }),
        tfl.layers.flatten(),
        tfl.layers.dense({ units: 3, activation: "softmax" }),
      ],
    });
  let init: { data: Float32Array[]; shapes: number[][] } | undefined;
  const xs = [1, 4, 4].map((n, s) => ({
    n,
    x: values(n * 8 * 8 * 2, seedOf(`${name}/x${s}`)),
    y: Float32Array.from({ length: n * 3 }, (_, i) =>
      i % 3 === (s + Math.floor(i / 3)) % 3 ? 1 : 0,
    ),
  }));
  cases.push({
    name,
    group: "optimizer",
    run: async () => {
      const model = build();
      init ??= seededWeights(model, name);
      const start = init;
      tf.tidy(() => model.setWeights(start.data.map((d, i) => tf.tensor(d, start.shapes[i]))));
      const optimizer = tf.train.adam(0.01);
      model.compile({ optimizer, loss: "categoricalCrossentropy" });
      const losses = new Float32Array(xs.length);
      for (const [s, batch] of xs.entries()) {
        const x = tf.tensor4d(batch.x, [batch.n, 8, 8, 2]);
        const y = tf.tensor2d(batch.y, [batch.n, 3]);
        losses[s] = (await model.trainOnBatch(x, y)) as number;
        tf.dispose([x, y]);
      }
      const out: Arrays = { losses };
      for (const [i, w] of model.getWeights().entries()) {
        const end = await read(w);
        out[`weight ${i} - start`] = end.map(
          (v, j) => v - ((start.data[i] as Float32Array)[j] as number),
        );
      }
      optimizer.dispose();
      model.dispose();
      return out;
    },
  });
}

function compare(
  name: string,
  actual: ArrayLike<number>,
  expected: ArrayLike<number>,
): TensorError {
  if (actual === undefined || actual.length !== expected.length) {
    throw new Error(`${name}: ${actual?.length} values, expected ${expected.length}`);
  }
  let maxAbs = 0;
  let scale = 0;
  let exact = true;
  let finite = true;
  for (let i = 0; i < expected.length; i++) {
    const a = actual[i] as number;
    const e = expected[i] as number;
    if (!Number.isFinite(a) || !Number.isFinite(e)) finite = false;
    if (!Object.is(a, e)) exact = false;
    maxAbs = Math.max(maxAbs, Math.abs(a - e));
    scale = Math.max(scale, Math.abs(e));
  }
  const rel = maxAbs === 0 ? 0 : scale === 0 ? Number.POSITIVE_INFINITY : maxAbs / scale;
  return { name, size: expected.length, maxAbs, scale, rel, exact, finite, digest: digest(actual) };
}

function digest(values: ArrayLike<number>): string {
  const bytes = new Uint8Array(Float32Array.from(values).buffer);
  let h = 2166136261;
  for (const byte of bytes) h = Math.imul(h ^ byte, 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

async function onBackend(
  backend: string,
  run: () => Promise<Arrays>,
): Promise<{ out: Arrays; error?: string; leaked: number; ranOn: string; ms: number }> {
  if (!(await tf.setBackend(backend))) throw new Error(`backend ${backend} did not initialize`);
  const ranOn = tf.getBackend();
  const t0 = performance.now();
  const before = tf.memory().numTensors;
  let out: Arrays = {};
  let error: string | undefined;
  try {
    out = await run();
  } catch (e) {
    error = e instanceof Error ? e.message : String(e);
  }
  const leaked = tf.memory().numTensors - before;
  const ms = Math.round(performance.now() - t0);
  return { out, ...(error === undefined ? {} : { error }), leaked, ranOn, ms };
}

async function main(): Promise<void> {
  // Registers the 'tensorflow' backend with the shared tfjs-core (never tfjs-node-gpu here).
  restoreIsNullOrUndefined(); // tfjs-node 4.22 on Node 23+
  createRequire(import.meta.url)("@tensorflow/tfjs-node");
  const only = process.argv[2];
  await tf.setBackend("tensorflow");
  const startTensors = tf.memory().numTensors;
  const results: CaseResult[] = [];
  for (const c of cases) {
    if (only !== undefined && !c.name.includes(only)) continue;
    const cpu = await onBackend("cpu", c.run);
    const tensorflow = await onBackend("tensorflow", c.run);
    const failed = tensorflow.error !== undefined || cpu.error !== undefined;
    const tensors = failed
      ? []
      : Object.keys(cpu.out).map((n) =>
          compare(n, tensorflow.out[n] as Float32Array, cpu.out[n] as Float32Array),
        );
    const exact = failed ? undefined : c.reference?.();
    const against = (out: Arrays) =>
      Object.entries(exact ?? {}).map(([n, e]) => compare(n, out[n] as Float32Array, e));
    results.push({
      name: c.name,
      group: c.group,
      tensors,
      ...(exact
        ? { reference: { tensorflow: against(tensorflow.out), cpu: against(cpu.out) } }
        : {}),
      ...(failed ? { error: { tensorflow: tensorflow.error, cpu: cpu.error } } : {}),
      leaked: { tensorflow: tensorflow.leaked, cpu: cpu.leaked },
      ranOn: { tensorflow: tensorflow.ranOn, cpu: cpu.ranOn },
      ms: { tensorflow: tensorflow.ms, cpu: cpu.ms },
    });
  }
  const report: ParityReport = {
    onednnEnv: process.env.TF_ENABLE_ONEDNN_OPTS ?? null,
    tfjsCore: tf.version_core,
    cases: results,
    leakedOverall: tf.memory().numTensors - startTensors,
  };
  process.stdout.write(`${JSON.stringify(report)}\n`);
}

await main();
