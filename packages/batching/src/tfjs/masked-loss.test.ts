import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchingError } from "../errors.js";
import {
  maskedBinaryCrossentropy,
  maskedMean,
  maskedMeanSquaredError,
  maskedPixelAccuracy,
} from "./masked-loss.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

// Two 2x2 images: the first has 2 real pixels (top row), the second 3.
const values = () => tf.tensor4d([1, 2, 3, 4, 10, 20, 30, 40], [2, 2, 2, 1]);
const mask = () => tf.tensor4d([1, 1, 0, 0, 1, 1, 1, 0], [2, 2, 2, 1]);

describe("maskedMean", () => {
  it('"image" reduction is the mean of per-image means: (1.5 + 20) / 2', () => {
    const [v, m] = [values(), mask()];
    const r = maskedMean(v, m);
    expect(r.dataSync()[0]).toBeCloseTo(10.75, 6);
    tf.dispose([v, m, r]);
  });

  it('"pixel" reduction is one mean over all real pixels: 63 / 5', () => {
    const [v, m] = [values(), mask()];
    const r = maskedMean(v, m, { reduction: "pixel" });
    expect(r.dataSync()[0]).toBeCloseTo(12.6, 6);
    tf.dispose([v, m, r]);
  });

  it("rejects a mask of the wrong shape and an unknown reduction", () => {
    const [v, m] = [values(), tf.ones([2, 2, 2])];
    expect(() => maskedMean(v, m)).toThrow(/mask \[2,2,2\].*Use the mask returned by padBatch/);
    expect(() => maskedMean(v, v, { reduction: "sum" as never })).toThrow(BatchingError);
    try {
      maskedMean(v, m);
      expect.unreachable();
    } catch (e) {
      expect((e as BatchingError).code).toBe("SHAPE_MISMATCH");
    }
    tf.dispose([v, m]);
  });
});

describe("masked losses and metrics", () => {
  it("MSE ignores padded pixels however wrong the prediction is there", () => {
    const yTrue = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const yPred = tf.tensor4d([0, 1, 99, -99], [1, 2, 2, 1]);
    const m = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const r = maskedMeanSquaredError(yTrue, yPred, m);
    expect(r.dataSync()[0]).toBeCloseTo(0.5, 6);
    tf.dispose([yTrue, yPred, m, r]);
  });

  it("binary cross-entropy: p = 0.5 and logit 0 both cost ln 2; padding costs nothing", () => {
    const yTrue = tf.tensor4d([1, 0, 1, 1], [1, 2, 2, 1]);
    const p = tf.tensor4d([0.5, 0.5, 0.001, 0.001], [1, 2, 2, 1]);
    const z = tf.zeros([1, 2, 2, 1]);
    const m = tf.tensor4d([1, 1, 0, 0], [1, 2, 2, 1]);
    const fromP = maskedBinaryCrossentropy(yTrue, p, m);
    const fromZ = maskedBinaryCrossentropy(yTrue, z, m, { fromLogits: true });
    expect(fromP.dataSync()[0]).toBeCloseTo(Math.LN2, 5);
    expect(fromZ.dataSync()[0]).toBeCloseTo(Math.LN2, 6);
    // a logit of 2 for a positive: log(1 + e^-2) = 0.126928
    const z2 = tf.fill([1, 2, 2, 1], 2);
    const pos = tf.ones([1, 2, 2, 1]);
    const r = maskedBinaryCrossentropy(pos, z2, m, { fromLogits: true });
    expect(r.dataSync()[0]).toBeCloseTo(Math.log1p(Math.exp(-2)), 6);
    tf.dispose([yTrue, p, z, m, fromP, fromZ, z2, pos, r]);
  });

  it("pixel accuracy counts real pixels only", () => {
    const yTrue = tf.tensor4d([1, 0, 1, 0], [1, 2, 2, 1]);
    const yPred = tf.tensor4d([0.9, 0.8, 0, 0], [1, 2, 2, 1]);
    const m = tf.tensor4d([1, 1, 1, 0], [1, 2, 2, 1]);
    const r = maskedPixelAccuracy(yTrue, yPred, m);
    expect(r.dataSync()[0]).toBeCloseTo(1 / 3, 6);
    tf.dispose([yTrue, yPred, m, r]);
  });
});
