import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { createImage, type ImageArray } from "../src/index.js";
import { maskedMeanSquaredError, padBatch } from "../src/tfjs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Inputs and targets of the given `[height, width]` sizes, with deterministic pixels. */
function imagePairs(sizes: [number, number][]) {
  const inputs: ImageArray<Float32Array>[] = [];
  const targets: ImageArray<Float32Array>[] = [];
  sizes.forEach(([h, w], n) => {
    const x = Float32Array.from({ length: h * w }, (_, i) => Math.sin(n * 7 + i * 0.37));
    inputs.push(createImage(x, h, w));
    targets.push(
      createImage(
        x.map((v, i) => 0.5 * v + 0.1 * Math.cos(i)),
        h,
        w,
      ),
    );
  });
  return { inputs, targets };
}

function lossAndGrads(f: () => tf.Scalar, vars: tf.Variable[]) {
  const { value, grads } = tf.variableGrads(f, vars);
  const out = {
    loss: value.dataSync()[0] as number,
    grads: vars.map((v) => (grads[v.name] as tf.Tensor).dataSync()[0] as number),
  };
  tf.dispose([value, ...Object.values(grads)]);
  return out;
}

describe("a masked padded batch computes what batch size 1 computes", () => {
  it("loss and gradients of a per-pixel model equal the mean over images one at a time", () => {
    const data = imagePairs([
      [5, 7],
      [9, 5],
      [6, 6],
    ]);
    const w = tf.variable(tf.scalar(0.3));
    const b = tf.variable(tf.scalar(-0.2));
    const predict = (x: tf.Tensor4D) => tf.add(tf.mul(x, w), b) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const lossOf = (inputs: typeof data.inputs, targets: typeof data.targets, size: number) => {
      const x = padBatch(inputs, { sizeDivisible: size });
      const y = padBatch(targets, { sizeDivisible: size });
      const r = lossAndGrads(
        () => maskedMeanSquaredError(y.batch, predict(x.batch), x.mask),
        [w, b],
      );
      tf.dispose([x.batch, x.mask, y.batch, y.mask]);
      return r;
    };
    // Reference: batch size 1, each image at its own size, no padding at all.
    const singles = data.inputs.map((input, i) =>
      lossOf([input], [data.targets[i] as typeof input], 1),
    );
    const padded = lossOf(data.inputs, data.targets, 8);
    const mean = (f: (r: (typeof singles)[0]) => number) =>
      singles.reduce((a, r) => a + f(r), 0) / singles.length;
    expect(padded.loss).toBeCloseTo(
      mean((r) => r.loss),
      6,
    );
    expect(padded.grads[0]).toBeCloseTo(
      mean((r) => r.grads[0] as number),
      6,
    );
    expect(padded.grads[1]).toBeCloseTo(
      mean((r) => r.grads[1] as number),
      6,
    );

    // Without the mask the padding is averaged in and the loss is a different number.
    const x = padBatch(data.inputs, { sizeDivisible: 8 });
    const y = padBatch(data.targets, { sizeDivisible: 8 });
    const plain = tf.tidy(() => tf.mean(tf.squaredDifference(y.batch, predict(x.batch))));
    const relative = Math.abs((plain.dataSync()[0] as number) - padded.loss) / padded.loss;
    expect(relative).toBeGreaterThan(0.05);
    tf.dispose([plain, x.batch, x.mask, y.batch, y.mask]);
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([w, b]);
  });
});

describe("masked loss with a tfjs-layers model in a custom loop", () => {
  it("trains on padded batches through model.apply and leaks nothing", () => {
    const data = imagePairs([
      [6, 8],
      [8, 6],
      [7, 7],
      [6, 6],
    ]);
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
