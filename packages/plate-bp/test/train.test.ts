import * as tf from "@tensorflow/tfjs-core";
import "@tensorflow/tfjs-backend-cpu";
import { beforeAll, describe, expect, it } from "vitest";
import {
  DIGITS,
  generateCharacterDataset,
  PlateBpError,
  predictProbabilities,
} from "../src/index.js";
import { createPlateMlp, modelFromClassifier, trainPlateModel } from "../src/tfjs.js";
import { dejavu, roboto } from "./fonts.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("createPlateMlp", () => {
  it("is 25 -> hidden (tanh) -> 10 softmax by default", () => {
    const before = tf.memory().numTensors;
    const m = createPlateMlp({ hiddenUnits: 16 });
    expect(m.inputs[0]?.shape).toEqual([null, 25]);
    expect(m.outputs[0]?.shape).toEqual([null, 10]);
    expect(m.countParams()).toBe(25 * 16 + 16 + 16 * 10 + 10);
    const p = tf.tidy(() => tf.sum(m.predict(tf.ones([2, 25])) as tf.Tensor, 1).dataSync());
    expect(p[0]).toBeCloseTo(1, 5);
    m.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("names bad sizes and activations", () => {
    expect(() => createPlateMlp({ hiddenUnits: 0 })).toThrow(
      /hiddenUnits must be a positive integer, got 0/,
    );
    expect(() => createPlateMlp({ activation: "gelu" as never })).toThrow(PlateBpError);
  });
});

describe("trainPlateModel", () => {
  const train = generateCharacterDataset({
    fonts: [roboto, dejavu],
    charset: DIGITS,
    samplesPerClass: 40,
    seed: 1,
  });
  const test = generateCharacterDataset({
    fonts: [roboto, dejavu],
    charset: DIGITS,
    samplesPerClass: 10,
    seed: 2,
  });

  it("learns the digits of its fonts, leaks no tensors and is reproducible", async () => {
    const before = tf.memory().numTensors;
    const opts = {
      x: train.x,
      y: train.y,
      labels: DIGITS,
      hiddenUnits: 16,
      epochs: 15,
      batchSize: 32,
      seed: 3,
      validation: test,
    };
    const a = await trainPlateModel(opts);
    expect(tf.memory().numTensors).toBe(before);
    const last = a.history.at(-1);
    expect(last?.validationAccuracy).toBeGreaterThanOrEqual(0.95);
    expect(a.history.length).toBe(15);
    const b = await trainPlateModel(opts);
    expect(Array.from(b.classifier.w1)).toEqual(Array.from(a.classifier.w1));
    // the learning rate warms up linearly over epoch 1, then decays on a cosine to 0
    expect(a.history[0]?.learningRate).toBe(0);
    expect(a.history[1]?.learningRate).toBeCloseTo(0.01, 6);
    expect(a.history[14]?.learningRate).toBeLessThan(0.0005);
    // the plain forward pass agrees with tfjs on the same weights
    const model = modelFromClassifier(a.classifier);
    const tfp = tf.tidy(() =>
      (model.predict(tf.tensor2d(test.x.subarray(0, 25), [1, 25])) as tf.Tensor).dataSync(),
    );
    const ours = predictProbabilities(a.classifier, test.x.subarray(0, 25));
    for (let c = 0; c < 10; c++) expect(ours[c]).toBeCloseTo(tfp[c] as number, 5);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("holds out a stratified validation split with validationSplit", async () => {
    const r = await trainPlateModel({
      x: train.x,
      y: train.y,
      labels: DIGITS,
      hiddenUnits: 8,
      epochs: 2,
      validationSplit: 0.25,
    });
    expect(r.history[1]?.validationAccuracy).toBeGreaterThan(0);
  });

  it("makes its Adam with `adam`: other betas train to other weights; not an Adam is refused", async () => {
    const before = tf.memory().numTensors;
    const opts = { x: train.x, y: train.y, labels: DIGITS, hiddenUnits: 8, epochs: 2, seed: 4 };
    const plain = await trainPlateModel(opts);
    const rates: number[] = [];
    const same = await trainPlateModel({
      ...opts,
      learningRate: 0.02,
      adam: (lr) => {
        rates.push(lr);
        return tf.train.adam(lr);
      },
    });
    expect(rates).toEqual([0.02]);
    const sameDefault = await trainPlateModel({ ...opts, learningRate: 0.02 });
    expect(Array.from(same.classifier.w1)).toEqual(Array.from(sameDefault.classifier.w1));
    const otherBeta = await trainPlateModel({ ...opts, adam: (lr) => tf.train.adam(lr, 0.5) });
    expect(Array.from(otherBeta.classifier.w1)).not.toEqual(Array.from(plain.classifier.w1));
    expect(tf.memory().numTensors).toBe(before);

    const bad = (adam: unknown) => trainPlateModel({ ...opts, adam: adam as never });
    await expect(bad(3)).rejects.toThrow(/adam must be a function that makes an Adam optimizer/);
    await expect(bad((lr: number) => tf.train.sgd(lr))).rejects.toThrow(
      /adam must return an Adam optimizer .* got a SGD optimizer/,
    );
    await expect(bad(() => null)).rejects.toMatchObject({ code: "INVALID_OPTION" });
    expect(tf.memory().numTensors).toBe(before);
  });

  it("rejects mismatched rows, bad labels and bad options, naming them", async () => {
    const bad = (o: object) => trainPlateModel({ x: train.x, y: train.y, labels: DIGITS, ...o });
    await expect(bad({ x: new Float32Array(7) })).rejects.toThrow(
      /x has 7 values, expected 400 rows x 25 features = 10000/,
    );
    await expect(bad({ y: new Int32Array(400).fill(12) })).rejects.toMatchObject({
      code: "INVALID_LABEL",
    });
    await expect(bad({ epochs: 0 })).rejects.toThrow(/epochs must be a positive integer, got 0/);
    await expect(bad({ validationSplit: 1.5 })).rejects.toThrow(
      /validationSplit must be a fraction in \(0, 1\), got 1.5/,
    );
    await expect(bad({ labels: "0" })).rejects.toThrow(PlateBpError);
  });
});
