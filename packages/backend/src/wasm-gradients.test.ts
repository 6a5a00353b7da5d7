import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import {
  type AvgPoolGeometry,
  avgPoolOutShape,
  avgPoolReference,
} from "../test/support/avg-pool-reference.js";
import {
  registerWasmGradients,
  WASM_FASTER_KERNELS,
  WASM_GRADIENT_KERNELS,
} from "./wasm-gradients.js";

type Pad = "valid" | "same" | number[][];
type Attrs = Record<string, unknown>;

/** Deterministic values in [-1, 1) (a small LCG: reproducible test data, not a library RNG). */
function values(n: number, seed: number): Float32Array {
  const out = new Float32Array(n);
  let s = seed >>> 0;
  for (let i = 0; i < n; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

async function runOn(
  backend: "cpu" | "wasm",
  kernel: string,
  inputs: Record<string, { shape: number[]; data: Float32Array }>,
  attrs: Attrs,
): Promise<{ shape: number[]; data: Float32Array; leakedDataIds: number; leakedTensors: number }> {
  await tf.setBackend(backend);
  const tensors = Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [k, tf.tensor(v.data, v.shape, "float32")]),
  );
  const idsBefore = tf.engine().backend.numDataIds();
  const tensorsBefore = tf.memory().numTensors;
  const out = tf.engine().runKernel(kernel, tensors, attrs as tf.NamedAttrMap) as tf.Tensor;
  const data = (await out.data()) as Float32Array;
  const shape = out.shape;
  out.dispose();
  const leakedDataIds = tf.engine().backend.numDataIds() - idsBefore;
  const leakedTensors = tf.memory().numTensors - tensorsBefore;
  for (const t of Object.values(tensors)) t.dispose();
  return { shape, data, leakedDataIds, leakedTensors };
}

/** Inserts (d - 1) zeros between filter taps: a dilated filter as a plain one, for the reference. */
function dilateFilter(
  data: Float32Array,
  shape: number[],
  [dh, dw]: [number, number],
): { data: Float32Array; shape: number[] } {
  const [kh, kw, a, b] = shape as [number, number, number, number];
  const eh = (kh - 1) * dh + 1;
  const ew = (kw - 1) * dw + 1;
  const out = new Float32Array(eh * ew * a * b);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < a * b; k++)
        out[(i * dh * ew + j * dw) * a * b + k] = data[(i * kw + j) * a * b + k] as number;
  return { data: out, shape: [eh, ew, a, b] };
}

function undilateFilter(
  data: Float32Array,
  shape: number[],
  [dh, dw]: [number, number],
): Float32Array {
  const [eh, ew, a, b] = shape as [number, number, number, number];
  const kh = (eh - 1) / dh + 1;
  const kw = (ew - 1) / dw + 1;
  const out = new Float32Array(kh * kw * a * b);
  for (let i = 0; i < kh; i++)
    for (let j = 0; j < kw; j++)
      for (let k = 0; k < a * b; k++)
        out[(i * kw + j) * a * b + k] = data[(i * dh * ew + j * dw) * a * b + k] as number;
  return out;
}

/** max |a - b| / max |b|: relative to the scale of the reference tensor. */
function relError(actual: Float32Array, expected: Float32Array): number {
  expect(actual.length).toBe(expected.length);
  let maxDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < expected.length; i++) {
    maxDiff = Math.max(maxDiff, Math.abs((actual[i] as number) - (expected[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(expected[i] as number));
  }
  return maxRef === 0 ? maxDiff : maxDiff / maxRef;
}

function outSize(inSize: number, k: number, s: number, d: number, pad: Pad, axis: 0 | 1): number {
  const ek = (k - 1) * d + 1;
  if (pad === "same") return Math.ceil(inSize / s);
  const [p0, p1] = pad === "valid" ? [0, 0] : (pad[axis + 1] as number[]);
  return Math.floor((inSize + (p0 as number) + (p1 as number) - ek) / s) + 1;
}

interface Case {
  batch: number;
  h: number;
  w: number;
  cin: number;
  k: [number, number];
  cout: number; // output channels for conv; channel multiplier for depthwise
  strides: [number, number];
  dilations: [number, number];
  pad: Pad;
}

const explicit: number[][] = [
  [0, 0],
  [1, 2],
  [0, 1],
  [0, 0],
];
const cases: Case[] = [];
for (const pad of ["valid", "same", explicit] as Pad[]) {
  for (const strides of [
    [1, 1],
    [2, 2],
    [3, 2],
  ] as [number, number][]) {
    cases.push({
      batch: 3,
      h: 9,
      w: 11,
      cin: 3,
      k: [3, 3],
      cout: 5,
      strides,
      dilations: [1, 1],
      pad,
    });
  }
  cases.push({
    batch: 2,
    h: 13,
    w: 8,
    cin: 5,
    k: [2, 4],
    cout: 2,
    strides: [1, 1],
    dilations: [2, 2],
    pad,
  });
  cases.push({
    batch: 1,
    h: 7,
    w: 7,
    cin: 1,
    k: [5, 3],
    cout: 1,
    strides: [2, 1],
    dilations: [1, 1],
    pad,
  });
  cases.push({
    batch: 4,
    h: 10,
    w: 12,
    cin: 2,
    k: [3, 3],
    cout: 3,
    strides: [1, 1],
    dilations: [3, 2],
    pad,
  });
}

const name = (c: Case) =>
  `x ${c.batch}x${c.h}x${c.w}x${c.cin}, k ${c.k.join("x")}, out ${c.cout}, ` +
  `strides ${c.strides}, dilations ${c.dilations}, pad ${JSON.stringify(c.pad)}`;

const TOLERANCE = 1e-4;

type Result = Awaited<ReturnType<typeof runOn>>;

/** Same shape, within tolerance of the reference, and no tensor or wasm buffer left behind. */
function expectMatch(actual: Result, expected: Float32Array, shape: number[]): void {
  expect(actual.shape).toEqual(shape);
  expect(relError(actual.data, expected)).toBeLessThan(TOLERANCE);
  expect(actual.leakedDataIds).toBe(0);
  expect(actual.leakedTensors).toBe(0);
}

beforeAll(async () => {
  registerWasmGradients();
  await tf.setBackend("wasm");
  await tf.ready();
});

describe("registerWasmGradients", () => {
  it("adds the kernels wasm lacks, replaces the slow or wrong ones, and is idempotent", () => {
    expect(WASM_GRADIENT_KERNELS).toEqual([
      "Conv2DBackpropFilter",
      "DepthwiseConv2dNativeBackpropFilter",
      "DepthwiseConv2dNativeBackpropInput",
    ]);
    expect(WASM_FASTER_KERNELS).toEqual(["Conv2DBackpropInput", "MaxPoolGrad", "AvgPoolGrad"]);
    for (const kernel of [...WASM_GRADIENT_KERNELS, ...WASM_FASTER_KERNELS]) {
      expect(tf.getKernel(kernel, "wasm")).toBeDefined();
    }
    expect(registerWasmGradients()).toEqual({ registered: [], replaced: [], alreadyPresent: [] });
  });
});

describe.each(cases)("gradient kernels match the cpu backend: %s", (c) => {
  const [dh, dw] = c.dilations;
  const oh = outSize(c.h, c.k[0], c.strides[0], dh, c.pad, 0);
  const ow = outSize(c.w, c.k[1], c.strides[1], dw, c.pad, 1);
  const xShape = [c.batch, c.h, c.w, c.cin];
  const x = { shape: xShape, data: values(size(xShape), 1 + c.h * c.w) };
  const dilated = dh > 1 || dw > 1;

  it(`Conv2DBackpropFilter (${name(c)})`, async () => {
    const filterShape = [c.k[0], c.k[1], c.cin, c.cout];
    const dyShape = [c.batch, oh, ow, c.cout];
    const dy = { shape: dyShape, data: values(size(dyShape), 7) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", filterShape };
    const actual = await runOn(
      "wasm",
      "Conv2DBackpropFilter",
      { x, dy },
      { ...attrs, dilations: c.dilations },
    );
    // cpu's kernel has no dilation: the reference uses the equivalent zero-filled plain filter.
    const refShape = dilateFilter(
      new Float32Array(size(filterShape)),
      filterShape,
      c.dilations,
    ).shape;
    const ref = await runOn(
      "cpu",
      "Conv2DBackpropFilter",
      { x, dy },
      { ...attrs, filterShape: refShape },
    );
    const expected = dilated ? undilateFilter(ref.data, refShape, c.dilations) : ref.data;
    expectMatch(actual, expected, filterShape);
  });

  it(`DepthwiseConv2dNativeBackpropFilter (${name(c)})`, async () => {
    const filterShape = [c.k[0], c.k[1], c.cin, c.cout];
    const dyShape = [c.batch, oh, ow, c.cin * c.cout];
    const dy = { shape: dyShape, data: values(size(dyShape), 11) };
    const attrs = { strides: c.strides, pad: c.pad, filterShape };
    const actual = await runOn(
      "wasm",
      "DepthwiseConv2dNativeBackpropFilter",
      { x, dy },
      {
        ...attrs,
        dilations: c.dilations,
      },
    );
    const refShape = dilateFilter(
      new Float32Array(size(filterShape)),
      filterShape,
      c.dilations,
    ).shape;
    const ref = await runOn(
      "cpu",
      "DepthwiseConv2dNativeBackpropFilter",
      { x, dy },
      {
        ...attrs,
        dilations: [1, 1],
        filterShape: refShape,
      },
    );
    const expected = dilated ? undilateFilter(ref.data, refShape, c.dilations) : ref.data;
    expectMatch(actual, expected, filterShape);
  });

  it(`Conv2DBackpropInput (${name(c)})`, async () => {
    const filterShape = [c.k[0], c.k[1], c.cin, c.cout];
    const filter = { shape: filterShape, data: values(size(filterShape), 3) };
    const dyShape = [c.batch, oh, ow, c.cout];
    const dy = { shape: dyShape, data: values(size(dyShape), 17) };
    const attrs = { strides: c.strides, pad: c.pad, dataFormat: "NHWC", inputShape: xShape };
    const actual = await runOn(
      "wasm",
      "Conv2DBackpropInput",
      { dy, filter },
      {
        ...attrs,
        dilations: c.dilations,
      },
    );
    const plain = dilateFilter(filter.data, filterShape, c.dilations);
    const ref = await runOn("cpu", "Conv2DBackpropInput", { dy, filter: plain }, attrs);
    expectMatch(actual, ref.data, xShape);
  });

  it(`DepthwiseConv2dNativeBackpropInput (${name(c)})`, async () => {
    const filterShape = [c.k[0], c.k[1], c.cin, c.cout];
    const filter = { shape: filterShape, data: values(size(filterShape), 5) };
    const dyShape = [c.batch, oh, ow, c.cin * c.cout];
    const dy = { shape: dyShape, data: values(size(dyShape), 13) };
    const attrs = { strides: c.strides, pad: c.pad, inputShape: xShape };
    const actual = await runOn(
      "wasm",
      "DepthwiseConv2dNativeBackpropInput",
      { dy, filter },
      {
        ...attrs,
        dilations: c.dilations,
      },
    );
    const plain = dilateFilter(filter.data, filterShape, c.dilations);
    const ref = await runOn(
      "cpu",
      "DepthwiseConv2dNativeBackpropInput",
      { dy, filter: plain },
      {
        ...attrs,
        dilations: [1, 1],
      },
    );
    expectMatch(actual, ref.data, xShape);
  });
});

interface PoolCase {
  shape: [number, number, number, number];
  filterSize: [number, number];
  strides: [number, number];
  pad: "valid" | "same" | number;
  data: "negative" | "ties" | "mixed" | "infinite";
}

const poolCases: PoolCase[] = [
  { shape: [2, 6, 6, 3], filterSize: [2, 2], strides: [2, 2], pad: "valid", data: "negative" },
  { shape: [2, 6, 6, 3], filterSize: [2, 2], strides: [2, 2], pad: "valid", data: "ties" },
  { shape: [3, 9, 7, 5], filterSize: [3, 3], strides: [2, 2], pad: "same", data: "mixed" },
  { shape: [1, 11, 8, 2], filterSize: [3, 2], strides: [1, 1], pad: "valid", data: "mixed" },
  { shape: [2, 7, 9, 4], filterSize: [2, 3], strides: [3, 2], pad: "same", data: "negative" },
  { shape: [2, 8, 8, 3], filterSize: [3, 3], strides: [2, 2], pad: 1, data: "ties" },
  // 2x2 at stride 2 (the fast path): odd sizes leave a row and a column no window reaches.
  { shape: [2, 7, 5, 3], filterSize: [2, 2], strides: [2, 2], pad: "valid", data: "mixed" },
  { shape: [1, 8, 6, 4], filterSize: [2, 2], strides: [2, 2], pad: "same", data: "negative" },
  // 'same' on odd sizes pads the bottom and right: partial windows, the general loop.
  { shape: [2, 7, 7, 2], filterSize: [2, 2], strides: [2, 2], pad: "same", data: "ties" },
  // Windows that are all -Infinity pass no gradient, on both paths.
  { shape: [2, 6, 4, 3], filterSize: [2, 2], strides: [2, 2], pad: "valid", data: "infinite" },
  { shape: [2, 6, 5, 3], filterSize: [3, 3], strides: [1, 1], pad: "valid", data: "infinite" },
];

function poolInput(c: PoolCase): Float32Array {
  const raw = values(size(c.shape), 23);
  if (c.data === "negative") return raw.map((v) => v - 2);
  // Half the values 0 (as after a ReLU), so many windows hold several equal maxima.
  if (c.data === "ties") return raw.map((v) => Math.max(0, v));
  // The first image all -Infinity, the rest as drawn.
  if (c.data === "infinite") {
    const first = c.shape[1] * c.shape[2] * c.shape[3];
    return raw.map((v, i) => (i < first ? Number.NEGATIVE_INFINITY : v));
  }
  return raw;
}

describe.each(poolCases)("MaxPoolGrad matches the cpu backend: %j", (c) => {
  it("sends each gradient to the first maximum of its window, negative and tied windows included", async () => {
    const x = { shape: c.shape, data: poolInput(c) };
    await tf.setBackend("cpu");
    const y = tf.tidy(() =>
      tf.maxPool(tf.tensor4d(x.data, c.shape), c.filterSize, c.strides, c.pad),
    );
    const yData = { shape: y.shape, data: (await y.data()) as Float32Array };
    y.dispose();
    const dy = { shape: yData.shape, data: values(size(yData.shape), 29) };
    const attrs = { filterSize: c.filterSize, strides: c.strides, pad: c.pad };
    const inputs = { dy, input: x, output: yData };
    const actual = await runOn("wasm", "MaxPoolGrad", inputs, attrs);
    const ref = await runOn("cpu", "MaxPoolGrad", inputs, attrs);
    expect(actual.shape).toEqual(c.shape);
    expect(relError(actual.data, ref.data)).toBeLessThan(TOLERANCE);
    expect(actual.leakedDataIds).toBe(0);
  });
});

const avgPoolCases: AvgPoolGeometry[] = [];
for (const pad of ["same", "valid"] as const) {
  for (const stride of [1, 2]) {
    for (const k of [2, 3]) {
      avgPoolCases.push({
        shape: [1, 7, 9, 2],
        filterSize: [k, k],
        strides: [stride, stride],
        pad,
      });
      avgPoolCases.push({
        shape: [3, 9, 5, 3],
        filterSize: [k, k],
        strides: [stride, stride],
        pad,
      });
    }
  }
}
avgPoolCases.push(
  // Non-square windows and strides, where 'same' cuts windows on one side only.
  { shape: [2, 8, 7, 4], filterSize: [3, 2], strides: [2, 1], pad: "same" },
  { shape: [2, 11, 6, 1], filterSize: [2, 3], strides: [3, 2], pad: "valid" },
  // A numeric pad cuts windows on every side.
  { shape: [3, 7, 8, 2], filterSize: [3, 3], strides: [2, 2], pad: 1 },
  // Windows wholly inside the padding cover no input cell and pass no gradient.
  { shape: [1, 5, 6, 2], filterSize: [2, 2], strides: [1, 1], pad: 2 },
);

describe.each(avgPoolCases)("AvgPoolGrad matches a float64 reference: %j", (g) => {
  const x = { shape: [...g.shape], data: values(size([...g.shape]), 31) };
  const outShape = avgPoolOutShape(g);
  const dy = { shape: outShape, data: values(size(outShape), 37) };
  const ref = avgPoolReference(g, x.data, dy.data);
  const attrs = { filterSize: g.filterSize, strides: g.strides, pad: g.pad };

  it("divides each window's gradient by its cells inside the input, as the forward does", async () => {
    const actual = await runOn("wasm", "AvgPoolGrad", { dy, input: x }, attrs);
    expectMatch(actual, Float32Array.from(ref.dx), [...g.shape]);
  });

  it("uses the divisor of wasm's forward AvgPool (the reference's forward matches it)", async () => {
    const y = await runOn("wasm", "AvgPool", { x }, attrs);
    // A window wholly in the padding averages no cell: 0/0 in the reference (and on cpu),
    // -Infinity on wasm. Only the others have a divisor to check.
    const empty = Array.from(ref.y, Number.isNaN);
    const maskEmpty = (a: ArrayLike<number>) => Float32Array.from(a, (v, i) => (empty[i] ? 0 : v));
    expectMatch({ ...y, data: maskEmpty(y.data) }, maskEmpty(ref.y), outShape);
  });
});

describe("AvgPoolGrad errors", () => {
  it("names the shapes when dy does not have the pooled input's shape", async () => {
    const x = { shape: [1, 5, 5, 2], data: values(50, 41) };
    const dy = { shape: [1, 4, 4, 2], data: values(32, 43) };
    await expect(
      runOn("wasm", "AvgPoolGrad", { dy, input: x }, { filterSize: 3, strides: 2, pad: "same" }),
    ).rejects.toThrow(/AvgPoolGrad: dy has shape \[1, 4, 4, 2\].*gives \[1, 3, 3, 2\]/);
  });
});
