import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { TorchPortError } from "./errors.js";
import {
  batchNormConfigFromTorch,
  convertBatchNorm2d,
  convertConv2dWeight,
  convertConvTranspose2dWeight,
  convertDepthwiseConv2dWeight,
  convertFlattenedLinearWeight,
  convertLinearWeight,
} from "./torch-weights.js";

/** A raw row-major tensor whose value at each index is a unique number built from the index. */
function indexed(shape: number[]): { dtype: string; shape: number[]; data: Float32Array } {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: "F32", shape, data: Float32Array.from({ length: n }, (_, i) => i) };
}

function flatIndex(shape: number[], idx: number[]): number {
  return idx.reduce((acc, v, d) => acc * (shape[d] as number) + v, 0);
}

function catchPortError(fn: () => unknown): TorchPortError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TorchPortError);
    return e as TorchPortError;
  }
  throw new Error("expected a TorchPortError");
}

describe("weight converters put every PyTorch value where tfjs reads it", () => {
  it("conv2d: [O,I,kh,kw][o,i,h,w] lands at [kh,kw,I,O][h,w,i,o]", () => {
    const src = [4, 3, 2, 5];
    const k = convertConv2dWeight(indexed(src));
    expect(k.shape).toEqual([2, 5, 3, 4]);
    const a = k.arraySync() as number[][][][];
    for (let o = 0; o < 4; o++)
      for (let i = 0; i < 3; i++)
        for (let h = 0; h < 2; h++)
          for (let w = 0; w < 5; w++)
            expect(a[h]?.[w]?.[i]?.[o]).toBe(flatIndex(src, [o, i, h, w]));
    k.dispose();
  });

  it("depthwise: [C·M,1,kh,kw][c·M+m,0,h,w] lands at [kh,kw,C,M][h,w,c,m]", () => {
    const [C, M] = [3, 2];
    const src = [C * M, 1, 3, 2];
    const k = convertDepthwiseConv2dWeight(indexed(src), M);
    expect(k.shape).toEqual([3, 2, C, M]);
    const a = k.arraySync() as number[][][][];
    for (let c = 0; c < C; c++)
      for (let m = 0; m < M; m++)
        for (let h = 0; h < 3; h++)
          for (let w = 0; w < 2; w++)
            expect(a[h]?.[w]?.[c]?.[m]).toBe(flatIndex(src, [c * M + m, 0, h, w]));
    k.dispose();
  });

  it("conv-transpose: [I,O,kh,kw][i,o,h,w] lands at [kh,kw,O,I][h,w,o,i]", () => {
    const src = [3, 4, 2, 2];
    const k = convertConvTranspose2dWeight(indexed(src));
    expect(k.shape).toEqual([2, 2, 4, 3]);
    const a = k.arraySync() as number[][][][];
    for (let i = 0; i < 3; i++)
      for (let o = 0; o < 4; o++)
        for (let h = 0; h < 2; h++)
          for (let w = 0; w < 2; w++)
            expect(a[h]?.[w]?.[o]?.[i]).toBe(flatIndex(src, [i, o, h, w]));
    k.dispose();
  });

  it("linear: [out,in] becomes [in,out]", () => {
    const k = convertLinearWeight(
      tf.tensor2d([
        [1, 2, 3],
        [4, 5, 6],
      ]),
    );
    expect(k.shape).toEqual([3, 2]);
    expect(k.arraySync()).toEqual([
      [1, 4],
      [2, 5],
      [3, 6],
    ]);
    k.dispose();
  });

  it("linear after an NCHW flatten: row (h·W+w)·C+c of the kernel is PyTorch column (c·H+h)·W+w", () => {
    const [O, C, H, W] = [2, 3, 4, 5];
    const src = [O, C * H * W];
    const k = convertFlattenedLinearWeight(indexed(src), [C, H, W]);
    expect(k.shape).toEqual([H * W * C, O]);
    const a = k.arraySync() as number[][];
    for (let o = 0; o < O; o++)
      for (let c = 0; c < C; c++)
        for (let h = 0; h < H; h++)
          for (let w = 0; w < W; w++) {
            expect(a[(h * W + w) * C + c]?.[o]).toBe(o * C * H * W + (c * H + h) * W + w);
          }
    k.dispose();
  });

  it("gives the same dense output as PyTorch's flatten-then-linear, computed by hand", () => {
    // PyTorch: y = W · flatten_chw(x); tfjs: y = flatten_hwc(x) · K
    const [C, H, W] = [2, 2, 3];
    const x = Array.from({ length: C * H * W }, (_, i) => Math.cos(i));
    const weight = Array.from({ length: 2 * C * H * W }, (_, i) => Math.sin(i));
    const torchY = [0, 1].map((o) =>
      x.reduce((s, v, j) => s + (weight[o * C * H * W + j] as number) * v, 0),
    );
    const k = convertFlattenedLinearWeight(tf.tensor2d(weight, [2, C * H * W]), [C, H, W]);
    const xNhwc = tf.reshape(tf.transpose(tf.tensor3d(x, [C, H, W]), [1, 2, 0]), [1, C * H * W]);
    const y = tf.matMul(xNhwc, k);
    const got = Array.from(y.dataSync());
    got.forEach((v, i) => {
      expect(v).toBeCloseTo(torchY[i] as number, 5);
    });
    tf.dispose([k, xNhwc, y]);
  });

  it("decodes float16 and bfloat16 raw words and int64 data", () => {
    // 1.0, -2.0, 0.5 in float16 and bfloat16
    const f16 = convertLinearWeight({
      dtype: "F16",
      shape: [1, 3],
      data: new Uint16Array([0x3c00, 0xc000, 0x3800]),
    });
    const bf16 = convertLinearWeight({
      dtype: "BF16",
      shape: [1, 3],
      data: new Uint16Array([0x3f80, 0xc000, 0x3f00]),
    });
    const i64 = convertLinearWeight({
      dtype: "I64",
      shape: [1, 3],
      data: new BigInt64Array([1n, -2n, 3n]),
    });
    expect(Array.from(f16.dataSync())).toEqual([1, -2, 0.5]);
    expect(Array.from(bf16.dataSync())).toEqual([1, -2, 0.5]);
    expect(Array.from(i64.dataSync())).toEqual([1, -2, 3]);
    expect(f16.dtype).toBe("float32");
    tf.dispose([f16, bf16, i64]);
  });

  it("leaves no intermediate tensors and does not dispose a tfjs input", () => {
    const w = tf.ones([4, 3, 3, 3]);
    const before = tf.memory().numTensors;
    const k = convertConv2dWeight(w);
    expect(tf.memory().numTensors).toBe(before + 1);
    expect(w.isDisposed).toBe(false);
    tf.dispose([w, k]);
  });
});

describe("batch norm", () => {
  it("maps weight/bias/running stats to gamma/beta/moving stats", () => {
    const bn = convertBatchNorm2d({
      weight: tf.tensor1d([1, 2]),
      bias: tf.tensor1d([3, 4]),
      running_mean: tf.tensor1d([5, 6]),
      running_var: tf.tensor1d([7, 8]),
    });
    expect(Array.from(bn.gamma?.dataSync() ?? [])).toEqual([1, 2]);
    expect(Array.from(bn.beta?.dataSync() ?? [])).toEqual([3, 4]);
    expect(Array.from(bn.movingMean.dataSync())).toEqual([5, 6]);
    expect(Array.from(bn.movingVariance.dataSync())).toEqual([7, 8]);
    tf.dispose([bn.gamma, bn.beta, bn.movingMean, bn.movingVariance] as tf.Tensor[]);
  });

  it("translates PyTorch eps and momentum into tfjs arguments", () => {
    expect(batchNormConfigFromTorch()).toEqual({ epsilon: 1e-5, momentum: 0.9, axis: -1 });
    expect(batchNormConfigFromTorch({ eps: 1e-3, momentum: 0.01 })).toEqual({
      epsilon: 1e-3,
      momentum: 0.99,
      axis: -1,
    });
  });

  it("rejects out-of-range eps/momentum and mismatched lengths", () => {
    const e = catchPortError(() => batchNormConfigFromTorch({ momentum: 1.5 }));
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("momentum 1.5");
    const m = catchPortError(() =>
      convertBatchNorm2d({ running_mean: tf.zeros([3]), running_var: tf.zeros([4]) }, "bn1"),
    );
    expect(m.code).toBe("SHAPE_MISMATCH");
    expect(m.message).toContain("bn1.running_var has shape [4]");
    expect(m.message).toContain("length C = 3");
  });
});

describe("converter errors", () => {
  it("names the tensor and the layout expected on a wrong rank", () => {
    const e = catchPortError(() => convertConv2dWeight(indexed([4, 3, 3]), "features.0.weight"));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("features.0.weight has shape [4, 3, 3]");
    expect(e.message).toContain("4-D [out, in, kh, kw]");
    expect(() => convertLinearWeight(indexed([3]))).toThrow(/2-D \[out, in\]/);
    expect(() => convertConvTranspose2dWeight(indexed([3, 4]))).toThrow(/4-D \[in, out, kh, kw\]/);
  });

  it("rejects a grouped conv that is not depthwise, and a multiplier that does not divide", () => {
    const e = catchPortError(() =>
      convertDepthwiseConv2dWeight(indexed([8, 2, 3, 3]), 1, "dw.weight"),
    );
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("dw.weight has shape [8, 2, 3, 3]: dimension 1 is 2");
    const m = catchPortError(() =>
      convertDepthwiseConv2dWeight(indexed([8, 1, 3, 3]), 3, "dw.weight"),
    );
    expect(m.code).toBe("INVALID_ARGUMENT");
    expect(m.message).toContain("Depth multiplier 3 does not divide the 8 output channels");
  });

  it("rejects an activation shape that does not multiply to the Linear's inputs", () => {
    const e = catchPortError(() =>
      convertFlattenedLinearWeight(indexed([2, 12]), [3, 2, 3], "fc.weight"),
    );
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("fc.weight has 12 inputs, but the flattened activation [3, 2, 3]");
  });

  it("rejects raw data of the wrong length and half floats not given as raw words", () => {
    const e = catchPortError(() =>
      convertLinearWeight({ dtype: "F32", shape: [2, 2], data: new Float32Array(3) }, "fc.weight"),
    );
    expect(e.code).toBe("INVALID_ARGUMENT");
    expect(e.message).toContain("fc.weight has shape [2, 2] (4 values) but 3 values");
    const h = catchPortError(() =>
      convertLinearWeight({ dtype: "F16", shape: [1, 1], data: new Float32Array(1) }, "fc.weight"),
    );
    expect(h.code).toBe("UNSUPPORTED_DTYPE");
    expect(h.message).toContain("not a Uint16Array");
  });
});
