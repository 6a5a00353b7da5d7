import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { syntheticShapes } from "../src/index.js";
import { createMaskedFcn, maskedMeanSquaredError, padBatch } from "../src/tfjs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

function lossAndGrads(f: () => tf.Scalar, vars: tf.Variable[]) {
  const { value, grads } = tf.variableGrads(f, vars);
  const out = {
    loss: value.dataSync()[0] as number,
    grads: vars.map((v) => Array.from((grads[v.name] as tf.Tensor).dataSync())),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe("a masked padded batch computes what batch size 1 computes", () => {
  it("loss and gradients equal the mean over images trained one at a time", () => {
    const data = syntheticShapes({ count: 3, minSide: 5, maxSide: 9, seed: 1 });
    // sizes differ in both dimensions, so the batch really pads
    expect(new Set(data.sizes.map((s) => s.join("x"))).size).toBe(3);
    const model = createMaskedFcn({ channels: 4, seed: 3 });
    const before = tf.memory().numTensors;

    // Reference: batch size 1, each image at its own size, no padding at all.
    const singles = data.inputs.map((input, i) => {
      const x = padBatch([input], { sizeDivisible: 1 });
      const y = padBatch([data.targets[i] as typeof input], { sizeDivisible: 1 });
      const r = lossAndGrads(
        () => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
        model.variables,
      );
      tf.dispose([x.batch, x.mask, y.batch, y.mask]);
      return r;
    });
    const meanLoss = singles.reduce((a, r) => a + r.loss, 0) / 3;
    const meanGrads = model.variables.map((_, v) =>
      ((singles[0] as (typeof singles)[0]).grads[v] as number[]).map(
        (_, k) => singles.reduce((a, r) => a + (r.grads[v]?.[k] as number), 0) / 3,
      ),
    );

    const x = padBatch(data.inputs, { sizeDivisible: 8 });
    const y = padBatch(data.targets, { sizeDivisible: 8 });
    const padded = lossAndGrads(
      () => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
      model.variables,
    );
    expect(padded.loss).toBeCloseTo(meanLoss, 6);
    padded.grads.forEach((g, v) => {
      g.forEach((value, k) => {
        expect(value).toBeCloseTo(meanGrads[v]?.[k] as number, 5);
      });
    });

    // Without the mask the padding is averaged in and the loss is a different number.
    const plain = tf.tidy(() =>
      tf.mean(tf.squaredDifference(y.batch, model.predict(x.batch, tf.onesLike(x.mask)))),
    );
    expect(Math.abs((plain.dataSync()[0] as number) - meanLoss) / meanLoss).toBeGreaterThan(0.05);
    tf.dispose([plain, x.batch, x.mask, y.batch, y.mask]);
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe("masked loss with a tfjs-layers model in a custom loop", () => {
  it("trains on padded batches through model.apply and leaks nothing", () => {
    const data = syntheticShapes({ count: 4, minSide: 6, maxSide: 8, seed: 2 });
    const before = tf.memory().numTensors;
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [null, null, 1],
          filters: 4,
          kernelSize: 3,
          padding: "same",
          activation: "relu",
        }),
        tfl.layers.conv2d({ filters: 1, kernelSize: 3, padding: "same" }),
      ],
    });
    const optimizer = tf.train.adam(0.01);
    const x = padBatch(data.inputs, { sizeDivisible: 4 });
    const y = padBatch(data.targets, { sizeDivisible: 4 });
    const losses: number[] = [];
    for (let step = 0; step < 5; step++) {
      const loss = optimizer.minimize(
        () =>
          maskedMeanSquaredError(
            y.batch,
            model.apply(x.batch, { training: true }) as tf.Tensor4D,
            y.mask,
          ),
        true,
      ) as tf.Scalar;
      losses.push(loss.dataSync()[0] as number);
      loss.dispose();
    }
    expect(losses[4]).toBeLessThan(losses[0] as number);
    tf.dispose([x.batch, x.mask, y.batch, y.mask]);
    optimizer.dispose();
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
