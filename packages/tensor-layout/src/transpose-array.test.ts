import * as tf from "@tensorflow/tfjs-core";
import { describe, expect, it } from "vitest";
import { LayoutError } from "./errors.js";
import { transposeArray } from "./transpose-array.js";

/** Element-by-element transpose from the definition out[j] = in[i] with out index = perm(in index). */
function naiveTranspose(data: ArrayLike<number>, shape: number[], perm: number[]): number[] {
  const outShape = perm.map((p) => shape[p] as number);
  const size = shape.reduce((a, b) => a * b, 1);
  const out = new Array<number>(size);
  const inIdx = new Array<number>(shape.length).fill(0);
  for (let flat = 0; flat < size; flat++) {
    let rem = flat;
    for (let d = shape.length - 1; d >= 0; d--) {
      inIdx[d] = rem % (shape[d] as number);
      rem = Math.floor(rem / (shape[d] as number));
    }
    let o = 0;
    for (let d = 0; d < perm.length; d++)
      o = o * (outShape[d] as number) + (inIdx[perm[d] as number] as number);
    out[o] = data[flat] as number;
  }
  return out;
}

function permutationsOf(n: number): number[][] {
  if (n === 0) return [[]];
  return permutationsOf(n - 1).flatMap((p) =>
    Array.from({ length: n }, (_, i) => [...p.slice(0, i), n - 1, ...p.slice(i)]),
  );
}

describe("transposeArray", () => {
  it("turns a 2×3 matrix into its transpose", () => {
    const x = new Float32Array([1, 2, 3, 4, 5, 6]);
    expect(Array.from(transposeArray(x, [2, 3], [1, 0]))).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("turns a 2×2 RGB image from HWC into CHW", () => {
    // pixels (r,g,b): (1,2,3) (4,5,6) / (7,8,9) (10,11,12)
    const hwc = new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12]);
    const chw = transposeArray(hwc, [2, 2, 3], [2, 0, 1]);
    expect(chw).toBeInstanceOf(Uint8Array);
    expect(Array.from(chw)).toEqual([1, 4, 7, 10, 2, 5, 8, 11, 3, 6, 9, 12]);
  });

  const shapes: number[][] = [
    [5],
    [3, 7],
    [2, 3, 4],
    [1, 3, 1, 5],
    [2, 33, 3, 40],
    [3, 9, 1, 70],
    [2, 2, 3, 2, 3],
  ];
  for (const shape of shapes) {
    for (const perm of permutationsOf(shape.length)) {
      it(`matches the definition for shape [${shape}] perm [${perm}]`, () => {
        const n = shape.reduce((a, b) => a * b, 1);
        const x = Float32Array.from({ length: n }, (_, i) => i * 0.5 - 7);
        expect(Array.from(transposeArray(x, shape, perm))).toEqual(naiveTranspose(x, shape, perm));
      });
    }
  }

  it("matches the definition for 1- and 2-byte images with few channels, both directions", () => {
    for (const Ctor of [Uint8Array, Int16Array]) {
      for (const channels of [1, 2, 3, 4, 5, 7, 12]) {
        const nchw = [2, channels, 13, 11];
        const n = nchw.reduce((a, b) => a * b, 1);
        const x = new Ctor(n);
        for (let i = 0; i < n; i++) x[i] = (i * 37) % 251;
        const toNhwc = transposeArray(x, nchw, [0, 2, 3, 1]);
        expect(Array.from(toNhwc)).toEqual(naiveTranspose(x, nchw, [0, 2, 3, 1]));
        const nhwc = [2, 13, 11, channels];
        expect(Array.from(transposeArray(x, nhwc, [0, 3, 1, 2]))).toEqual(
          naiveTranspose(x, nhwc, [0, 3, 1, 2]),
        );
      }
    }
  });

  it("agrees with tf.transpose on an NCHW batch with odd sizes", () => {
    const shape = [3, 13, 17, 9];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = Float32Array.from({ length: n }, (_, i) => Math.sin(i));
    const t = tf.tensor(x, shape);
    const ref = tf.transpose(t, [0, 2, 3, 1]);
    expect(Array.from(transposeArray(x, shape, [0, 2, 3, 1]))).toEqual(Array.from(ref.dataSync()));
    tf.dispose([t, ref]);
  });

  it.each([
    ["Int8Array", Int8Array],
    ["Uint8ClampedArray", Uint8ClampedArray],
    ["Int16Array", Int16Array],
    ["Uint16Array", Uint16Array],
    ["Int32Array", Int32Array],
    ["Uint32Array", Uint32Array],
    ["Float64Array", Float64Array],
  ] as const)("keeps values and type for %s", (_name, Ctor) => {
    const shape = [2, 5, 3, 4];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = new Ctor(n);
    for (let i = 0; i < n; i++) x[i] = (i * 37) % 120;
    const y = transposeArray(x, shape, [0, 2, 3, 1]);
    expect(y).toBeInstanceOf(Ctor);
    expect(Array.from(y as ArrayLike<number>)).toEqual(naiveTranspose(x, shape, [0, 2, 3, 1]));
  });

  it("moves 64-bit integers exactly, including bit patterns that look like NaN", () => {
    const shape = [2, 3, 5];
    const n = shape.reduce((a, b) => a * b, 1);
    const x = BigInt64Array.from(
      { length: n },
      (_, i) => 0x7ff0_0000_0000_0001n + BigInt(i) * 0x1_0000_0001n,
    );
    const y = transposeArray(x, shape, [2, 0, 1]);
    expect(y).toBeInstanceOf(BigInt64Array);
    const idx = naiveTranspose(
      Array.from({ length: n }, (_, i) => i),
      shape,
      [2, 0, 1],
    );
    expect(Array.from(y)).toEqual(idx.map((i) => x[i]));
  });

  it("keeps NaN payloads of float32 data", () => {
    const bits = Uint32Array.from([0x7fc00001, 0xffc00123, 0x7f800001, 1, 2, 3]);
    const x = new Float32Array(bits.buffer);
    const y = transposeArray(x, [2, 3], [1, 0]);
    expect(Array.from(new Uint32Array(y.buffer))).toEqual([
      0x7fc00001, 1, 0xffc00123, 2, 0x7f800001, 3,
    ]);
  });

  it("writes into a given output array and works on subarray views", () => {
    const backing = new Float32Array(10);
    backing.set([1, 2, 3, 4, 5, 6], 2);
    const view = backing.subarray(2, 8);
    const out = new Float32Array(6);
    const y = transposeArray(view, [3, 2], [1, 0], out);
    expect(y).toBe(out);
    expect(Array.from(out)).toEqual([1, 3, 5, 2, 4, 6]);
  });

  it("handles empty arrays", () => {
    expect(transposeArray(new Float32Array(0), [0, 3], [1, 0]).length).toBe(0);
  });

  it("rejects a shape that does not match the data length", () => {
    let error: unknown;
    try {
      transposeArray(new Float32Array(10), [2, 3], [1, 0]);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LayoutError);
    expect((error as LayoutError).code).toBe("DATA_SIZE_MISMATCH");
    expect((error as LayoutError).message).toContain(
      "Shape [2, 3] holds 6 elements but the array has 10",
    );
  });

  it("rejects a bad dimension, a bad permutation and a wrong output array", () => {
    expect(() => transposeArray(new Float32Array(6), [2, -3], [1, 0])).toThrow(
      /non-negative integer, got -3/,
    );
    expect(() => transposeArray(new Float32Array(6), [2, 3], [0, 0])).toThrow(LayoutError);
    expect(() => transposeArray(new Float32Array(6), [2, 3], [0, 0])).toThrow(
      /Invalid permutation \[0, 0\]/,
    );
    expect(() => transposeArray(new Float32Array(6), [2, 3], [1, 0], new Float32Array(5))).toThrow(
      /Output array is a Float32Array of length 5; expected a Float32Array of length 6/,
    );
    expect(() =>
      transposeArray(
        new Float32Array(6),
        [2, 3],
        [1, 0],
        new Int32Array(6) as unknown as Float32Array,
      ),
    ).toThrow(/Output array is a Int32Array/);
  });
});
