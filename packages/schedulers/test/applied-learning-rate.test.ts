import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it } from "vitest";
import { cosineAnnealingLR, linearLR, ReduceLROnPlateau, sequentialLR } from "../src/index.js";
import {
  applySchedule,
  getLearningRate,
  LearningRateScheduler,
  ReduceLROnPlateauCallback,
} from "../src/tfjs.js";
import { useCpu } from "./setup-tf.js";

beforeAll(useCpu);

// A schedule that changes at every one of the 9 updates: warm-up then cosine.
const schedule = sequentialLR({
  schedulers: [
    linearLR({ lr: 0.05, startFactor: 0.2, totalIters: 3 }),
    cosineAnnealingLR({ lr: 0.05, tMax: 8, etaMin: 0.005 }),
  ],
  milestones: [3],
});

/**
 * A one-weight model y = w * x, x = 1, with the loss mean(y): the gradient of every update is
 * exactly 1, so each optimizer's documented update rule gives the applied rate from the weight
 * change alone. `stepFactor(k)` is what the update of step k multiplies the rate by (for g = 1).
 */
const optimizers: [string, () => tf.Optimizer, (k: number) => number][] = [
  ["sgd", () => tf.train.sgd(1), () => 1],
  // v_k = sum_{i<=k} 0.9^i
  ["momentum", () => tf.train.momentum(1, 0.9), (k) => (1 - 0.9 ** (k + 1)) / (1 - 0.9)],
  // bias-corrected moments of a constant gradient are exactly 1: step = lr / (1 + eps)
  ["adam", () => tf.train.adam(1), () => 1 / (1 + 1e-8)],
  // mean square after k+1 updates = 1 - 0.9^(k+1); step = lr / sqrt(ms + 1e-7)
  ["rmsprop", () => tf.train.rmsprop(1, 0.9), (k) => 1 / Math.sqrt(1 - 0.9 ** (k + 1) + 1e-7)],
  // accumulator = 0.1 + (k+1); step = lr / sqrt(acc + 1e-7)
  ["adagrad", () => tf.train.adagrad(1), (k) => 1 / Math.sqrt(0.1 + k + 1 + 1e-7)],
];

function oneWeightModel(optimizer: tf.Optimizer) {
  const model = tfl.sequential({
    layers: [
      tfl.layers.dense({ units: 1, inputShape: [1], useBias: false, kernelInitializer: "zeros" }),
    ],
  });
  model.compile({ optimizer, loss: (_y: tf.Tensor, p: tf.Tensor) => tf.mean(p) });
  return model;
}

describe("LearningRateScheduler in model.fit: the rate each update really applies", () => {
  it.each(optimizers)(
    "%s applies schedule(optimizer.iterations) at every update",
    async (_name, make, factor) => {
      const before = tf.memory().numTensors;
      const optimizer = make();
      const model = oneWeightModel(optimizer);
      const x = tf.ones([6, 1]);
      const y = tf.zeros([6, 1]);
      const weights: number[] = [0];
      const recorder = new tfl.CustomCallback({
        onBatchEnd: async () => {
          weights.push(model.layers[0]?.getWeights()[0]?.dataSync()[0] as number);
        },
      });
      const scheduler = new LearningRateScheduler(schedule);
      const history = await model.fit(x, y, {
        epochs: 3,
        batchSize: 2,
        shuffle: false,
        verbose: 0,
        callbacks: [scheduler, recorder],
      });

      // 3 batches per epoch, 3 epochs: global steps 0..8, not the batch index 0,1,2,0,1,2,...
      expect(scheduler.applied.map((a) => a.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8]);
      const appliedFromWeights = weights
        .slice(1)
        .map((w, k) => ((weights[k] as number) - w) / factor(k));
      appliedFromWeights.forEach((lr, k) => {
        expect(Math.abs(lr - schedule(k)) / schedule(k)).toBeLessThan(2e-5);
      });
      // the History holds the rate of each epoch's last update
      expect(history.history.lr).toEqual([schedule(2), schedule(5), schedule(8)]);
      expect(getLearningRate(optimizer)).toBe(schedule(8));

      model.dispose();
      optimizer.dispose();
      if (optimizer instanceof tf.MomentumOptimizer) {
        // tfjs 4.22's MomentumOptimizer.dispose() leaves its cached -lr scalar behind (a bare
        // tf.train.momentum(...).dispose() leaks it too); dispose it to see our own balance.
        tf.dispose((optimizer as unknown as { c: tf.Tensor }).c);
      }
      x.dispose();
      y.dispose();
      expect(tf.memory().numTensors).toBe(before);
    },
  );

  it("the trap: writing learningRate on sgd does nothing, setLearningRate does", async () => {
    const w = tf.tidy(() => tf.variable(tf.scalar(0)));
    const opt = tf.train.sgd(0.1);
    (opt as unknown as { learningRate: number }).learningRate = 0.01;
    opt.minimize(() => tf.mul(w, 1) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(-0.1, 6); // still 0.1
    applySchedule(opt, () => 0.01, 0);
    opt.minimize(() => tf.mul(w, 1) as tf.Scalar);
    expect(w.dataSync()[0]).toBeCloseTo(-0.11, 6);
    w.dispose();
    opt.dispose();
  });
});

describe("custom training loops and resuming", () => {
  it("applySchedule before each minimize follows the schedule, and a restored optimizer resumes it", async () => {
    const before = tf.memory().numTensors;
    const w = tf.tidy(() => tf.variable(tf.scalar(0)));
    const seen: number[] = [0];
    let opt = tf.train.sgd(1);
    for (let k = 0; k < 5; k++) {
      applySchedule(opt, schedule);
      opt.minimize(() => tf.mul(w, 1) as tf.Scalar); // gradient 1: w decreases by the applied rate
      seen.push(w.dataSync()[0] as number);
    }
    const saved = await opt.getWeights(); // [iterations]
    opt.dispose();
    opt = tf.train.sgd(123); // a fresh optimizer, as after loading a checkpoint
    await opt.setWeights(saved);
    tf.dispose(saved.map((s) => s.tensor));
    expect(opt.iterations).toBe(5);
    for (let k = 5; k < 9; k++) {
      expect(applySchedule(opt, schedule)).toBe(schedule(k));
      opt.minimize(() => tf.mul(w, 1) as tf.Scalar);
      seen.push(w.dataSync()[0] as number);
    }
    seen.slice(1).forEach((v, k) => {
      expect((seen[k] as number) - v).toBeCloseTo(schedule(k), 6);
    });
    w.dispose();
    opt.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it("model.fit with a restored Adam continues the schedule from its iterations", async () => {
    const before = tf.memory().numTensors;
    const x = tf.ones([4, 1]);
    const y = tf.zeros([4, 1]);
    const first = tf.train.adam(1);
    const modelA = oneWeightModel(first);
    await modelA.fit(x, y, {
      epochs: 2,
      batchSize: 2,
      verbose: 0,
      callbacks: [new LearningRateScheduler(schedule)],
    });
    const saved = await first.getWeights();
    const restored = tf.train.adam(1);
    const modelB = oneWeightModel(restored);
    modelB.setWeights(modelA.getWeights());
    await restored.setWeights(saved); // iterations and Adam's moments (copied)
    saved[0]?.tensor.dispose(); // "iter" is a fresh scalar; the rest are first's live slots
    const scheduler = new LearningRateScheduler(schedule);
    await modelB.fit(x, y, { epochs: 1, batchSize: 2, verbose: 0, callbacks: [scheduler] });
    expect(scheduler.applied).toEqual([
      { step: 4, lr: schedule(4) },
      { step: 5, lr: schedule(5) },
    ]);
    for (const t of [modelA, modelB, first, restored, x, y]) t.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe("ReduceLROnPlateauCallback", () => {
  it("halves the rate after `patience` epochs without improvement, as PyTorch counts", async () => {
    const before = tf.memory().numTensors;
    const optimizer = tf.train.sgd(0.1);
    const model = tfl.sequential({
      layers: [tfl.layers.dense({ units: 1, inputShape: [1], useBias: false })],
    });
    // a loss that never improves: constant 1
    model.compile({
      optimizer,
      loss: (_y: tf.Tensor, p: tf.Tensor) => tf.add(tf.mul(tf.mean(p), 0), 1),
    });
    const x = tf.ones([2, 1]);
    const plateau = new ReduceLROnPlateau({ lr: 0.1, factor: 0.5, patience: 1 });
    const h = await model.fit(x, x, {
      epochs: 6,
      batchSize: 2,
      verbose: 0,
      callbacks: [new ReduceLROnPlateauCallback(plateau, { monitor: "loss" })],
    });
    // epoch 0 sets best; bad epochs 1, 2 -> reduce after epoch 2; cooldown 0; again after epoch 4
    expect(h.history.lr).toEqual([0.1, 0.1, 0.05, 0.05, 0.025, 0.025]);
    expect(getLearningRate(optimizer)).toBe(0.025);
    model.dispose();
    optimizer.dispose();
    x.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
