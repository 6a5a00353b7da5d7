import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-backend-wasm";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { SplitError } from "../errors.js";
import { trainTestSplit as trainTestSplitArrays } from "../train-test-split.js";
import { trainTestSplit } from "./train-test-split.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
  await tf.ready();
});

describe("trainTestSplit of the tfjs entry", () => {
  it("returns tensors of the same dtype and trailing shape, rows paired, without leaking", () => {
    const before = tf.memory().numTensors;
    const xs = tf.tensor3d(
      Array.from({ length: 40 }, (_, i) => i),
      [10, 2, 2],
    );
    const ys = tf.tensor1d(
      Array.from({ length: 10 }, (_, i) => i),
      "int32",
    );
    const [xTr, xTe, yTr, yTe] = trainTestSplit([xs, ys], { testSize: 0.3, seed: 4 });
    expect(xTr.shape).toEqual([7, 2, 2]);
    expect(xTe.shape).toEqual([3, 2, 2]);
    expect(xTr.dtype).toBe("float32");
    expect(yTe.dtype).toBe("int32");
    const x = xTr.arraySync() as number[][][];
    (yTr.arraySync() as number[]).forEach((label, k) => {
      expect(x[k]).toEqual([
        [label * 4, label * 4 + 1],
        [label * 4 + 2, label * 4 + 3],
      ]);
    });
    expect(
      [...(yTr.dataSync() as Int32Array), ...(yTe.dataSync() as Int32Array)].sort((a, b) => a - b),
    ).toEqual(Array.from({ length: 10 }, (_, i) => i));
    tf.dispose([xTr, xTe, yTr, yTe, xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("splits tensors and plain arrays with the same rows as the array API for one seed", () => {
    const before = tf.memory().numTensors;
    const labels = Array.from({ length: 30 }, (_, i) => i % 3);
    const ys = tf.tensor1d(labels, "int32");
    const ids = Array.from({ length: 30 }, (_, i) => `row${i}`);
    const [yTr, yTe, idTr, idTe] = trainTestSplit([ys, ids], {
      seed: 8,
      stratify: ys,
      testSize: 6,
    });
    const [refTr, refTe] = trainTestSplitArrays([ids], { seed: 8, stratify: labels, testSize: 6 });
    expect(idTr).toEqual(refTr);
    expect(idTe).toEqual(refTe);
    expect(Array.from(yTe.dataSync())).toEqual(refTe.map((s) => Number(s.slice(3)) % 3));
    tf.dispose([yTr, yTe, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it("keeps the first rows as train without shuffling", () => {
    const xs = tf.tensor2d([1, 2, 3, 4, 5, 6, 7, 8], [4, 2]);
    const [tr, te] = trainTestSplit([xs], { shuffle: false, testSize: 1 });
    expect(tr.arraySync()).toEqual([
      [1, 2],
      [3, 4],
      [5, 6],
    ]);
    expect(te.arraySync()).toEqual([[7, 8]]);
    tf.dispose([xs, tr, te]);
  });

  it("gives the same split on wasm (tf.gather) as on cpu (typed arrays) for one seed", async () => {
    const rows = Array.from({ length: 60 }, (_, i) => i * 0.5);
    const labels = Array.from({ length: 20 }, (_, i) => i % 4);
    const split = (): number[][] => {
      const before = tf.memory().numTensors;
      const xs = tf.tensor2d(rows, [20, 3]);
      const ys = tf.tensor1d(labels, "int32");
      const parts = trainTestSplit([xs, ys], { seed: 11, testSize: 5, stratify: ys });
      const values = parts.map((t) => Array.from(t.dataSync()));
      tf.dispose([...parts, xs, ys]);
      expect(tf.memory().numTensors).toBe(before);
      return values;
    };
    const onCpu = split();
    await tf.setBackend("wasm");
    try {
      expect(tf.getBackend()).toBe("wasm");
      expect(split()).toEqual(onCpu);
    } finally {
      await tf.setBackend("cpu");
    }
  });

  it("explains misaligned tensors and rejects scalars", () => {
    const xs = tf.zeros([5, 2]);
    const ys = tf.zeros([4]);
    const s = tf.scalar(1);
    try {
      trainTestSplit([xs, ys]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SplitError);
      expect((e as SplitError).code).toBe("INCONSISTENT_LENGTH");
      expect((e as SplitError).message).toContain("[5, 4]");
      expect((e as SplitError).message).toContain("trainTestSplit([X, y]");
    }
    expect(() => trainTestSplit([s])).toThrow(/scalar tensor/);
    expect(() => trainTestSplit([])).toThrow(SplitError);
    tf.dispose([xs, ys, s]);
  });
});
