import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { batchInsteadOfDecay, batchSizeRamp, linearRamp, planEpochBatches } from "../src/index.js";
import { growingBatchDataset, ScheduledValue } from "../src/tfjs.js";
import { useCpu } from "./setup-tf.js";

beforeAll(useCpu);

describe("batch-size warm-up", () => {
  it("plans a linear ramp by samples seen (hand-computed floor(2 + 6 t / 20))", () => {
    const ramp = batchSizeRamp({ start: 2, end: 8, rampLength: 20 });
    expect(planEpochBatches(ramp, 24)).toEqual([2, 2, 3, 4, 5, 6, 2]);
    expect(planEpochBatches(ramp, 24, { epoch: 1, samplesSeen: 24 })).toEqual([8, 8, 8]);
  });

  it("raising the batch instead of decaying keeps lr / batchSize of the step decay", () => {
    const { batchSize, lr } = batchInsteadOfDecay({
      lr: 0.1,
      batchSize: 32,
      milestones: [10, 20, 30],
      gamma: 0.2,
      maxBatchSize: 1000,
    });
    expect([0, 10, 20, 30].map(batchSize)).toEqual([32, 160, 800, 1000]);
    [0, 10, 20, 30].forEach((t, i) => {
      expect(lr(t) / batchSize(t)).toBeCloseTo((0.1 * 0.2 ** i) / 32, 15);
    });
    expect(lr(20)).toBeCloseTo(0.1, 15);
    expect(lr(30)).toBeCloseTo(0.1 * 0.2 ** 3 * (1000 / 32), 15);
  });

  it("fitDataset really trains on the growing batches asked for", async () => {
    const before = tf.memory().numTensors;
    const xs = tf.tidy(() => tf.randomNormal([24, 3], 0, 1, "float32", 5));
    const ys = tf.tidy(() => tf.randomNormal([24, 1], 0, 1, "float32", 6));
    const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [3] })] });
    const optimizer = tf.train.sgd(0.01);
    model.compile({ optimizer, loss: "meanSquaredError" });
    const sizes: number[] = [];
    const dataset = growingBatchDataset({
      xs,
      ys,
      schedule: batchSizeRamp({ start: 2, end: 8, rampLength: 20 }),
    });
    await model.fitDataset(dataset, {
      epochs: 2,
      verbose: 0,
      callbacks: { onBatchEnd: async (_b, logs) => void sizes.push(logs?.size as number) },
    });
    expect(sizes).toEqual([2, 2, 3, 4, 5, 6, 2, 8, 8, 8]);
    expect(dataset.served).toEqual(sizes);
    expect(optimizer.iterations).toBe(10);
    model.dispose();
    optimizer.dispose();
    tf.dispose([xs, ys]);
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("loss warm-up", () => {
  it("compile({ lossWeights }) is accepted and ignored by tfjs-layers", async () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "ones", useBias: false }),
      ],
    });
    model.compile({
      optimizer: "sgd",
      loss: "meanSquaredError",
      lossWeights: [0],
    } as tfl.ModelCompileArgs);
    const x = tf.ones([2, 1]);
    const y = tf.zeros([2, 1]);
    const loss = model.evaluate(x, y) as tf.Scalar;
    expect(loss.dataSync()[0]).toBeCloseTo(1, 6); // (1 - 0)^2, not 0 * that
    tf.dispose([loss, x, y]);
    model.dispose();
  });

  it("a ScheduledValue read inside the loss ramps the term's weight per update", async () => {
    const before = tf.memory().numTensors;
    const beta = new ScheduledValue(linearRamp({ steps: 4 }));
    const model = tfl.sequential({
      layers: [
        tfl.layers.dense({ units: 1, inputShape: [1], kernelInitializer: "ones", useBias: false }),
      ],
    });
    // loss = main term (0 here) + beta * auxiliary term (exactly 2 here)
    const optimizer = tf.train.sgd(0);
    model.compile({
      optimizer,
      loss: (y: tf.Tensor, p: tf.Tensor) =>
        tf.tidy(() =>
          tf.add(tf.mean(tf.mul(tf.sub(p, y), 0)), tf.mul(beta.value, tf.mean(tf.mul(p, 2)))),
        ),
    });
    const x = tf.ones([6, 1]);
    const losses: number[] = [];
    await model.fit(x, x, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: [
        beta,
        new tfl.CustomCallback({
          onBatchEnd: async (_b, logs) => void losses.push(logs?.loss as number),
        }),
      ],
    });
    [0, 0.5, 1, 1.5, 2, 2].forEach((v, k) => {
      expect(losses[k]).toBeCloseTo(v, 6);
    });
    expect(beta.applied.map((a) => a.step)).toEqual([0, 1, 2, 3, 4, 5]);
    model.dispose();
    optimizer.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
