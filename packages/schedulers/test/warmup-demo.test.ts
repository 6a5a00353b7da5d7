import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { constantLR, linearLR } from "../src/index.js";
import { LearningRateScheduler } from "../src/tfjs.js";
import { useCpu } from "./setup-tf.js";

beforeAll(useCpu);

/**
 * y = b * (a * x), both weights initialised at 3, fit to y = x with SGD. At the start the loss
 * surface is sharp (curvature about 2 (a^2 + b^2) = 36, stable only for lr < 2/36); near the
 * solution a = b = 1 it is flat (curvature 4, stable for lr < 0.5). lr = 0.3 therefore blows up
 * from the start, while the same 0.3 after a linear warm-up converges.
 */
async function train(schedule: (step: number) => number): Promise<number> {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 1,
        inputShape: [1],
        useBias: false,
        kernelInitializer: tfl.initializers.constant({ value: 3 }),
      }),
      tfl.layers.dense({
        units: 1,
        useBias: false,
        kernelInitializer: tfl.initializers.constant({ value: 3 }),
      }),
    ],
  });
  const optimizer = tf.train.sgd(0.3);
  model.compile({ optimizer, loss: "meanSquaredError" });
  const x = tf.ones([100, 1]);
  await model.fit(x, x, {
    epochs: 1,
    batchSize: 1,
    shuffle: false,
    verbose: 0,
    callbacks: [new LearningRateScheduler(schedule)],
  });
  const loss = model.evaluate(x, x) as tf.Scalar;
  const final = loss.dataSync()[0] as number;
  tf.dispose([loss, x]);
  model.dispose();
  optimizer.dispose();
  return final;
}

describe("warm-up vs divergence", () => {
  it("lr 0.3 diverges without warm-up and converges with a 50-step linear warm-up", async () => {
    const before = tf.memory().numTensors;
    const noWarmup = await train(constantLR({ lr: 0.3, factor: 1, totalIters: 0 }));
    const warmup = await train(linearLR({ lr: 0.3, startFactor: 0.01, totalIters: 50 }));
    expect(Number.isFinite(noWarmup) ? noWarmup : Number.POSITIVE_INFINITY).toBeGreaterThan(1e6);
    expect(warmup).toBeLessThan(1e-6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
