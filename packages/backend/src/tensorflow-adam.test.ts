import "@tensorflow/tfjs-backend-cpu";
import "@tensorflow/tfjs-core/dist/register_all_gradients";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { OptimizerError } from "./errors.js";
import { TensorflowAdamOptimizer, tensorflowAdam } from "./tensorflow-adam.js";

// The native path needs tfjs-node: test/tensorflow-adam.test.ts. Here, on `cpu`, what holds
// everywhere: delegation to tf.train.adam and the argument checks.

beforeAll(async () => {
  await tf.setBackend("cpu");
});

/** Weights after `steps` minimize steps of a least-squares problem. */
function train(optimizer: tf.Optimizer, steps: number): Float32Array {
  const start = tf.linspace(-1, 1, 50);
  const w = tf.variable(start);
  const target = tf.linspace(2, -3, 50);
  for (let i = 0; i < steps; i++) {
    optimizer.minimize(() => tf.sum(tf.square(tf.sub(w, target))) as tf.Scalar);
  }
  const out = w.dataSync() as Float32Array;
  tf.dispose([start, w, target]);
  optimizer.dispose();
  return out;
}

describe("tensorflowAdam off the tensorflow backend", () => {
  it("is tf.train.adam itself: same class, config and bit-identical updates", () => {
    const before = tf.memory().numTensors;
    for (const args of [[], [0.05], [0.02, 0.8, 0.99, 1e-4]] as const) {
      const ours = tensorflowAdam(...args);
      const theirs = tf.train.adam(...args);
      expect(Object.getPrototypeOf(ours)).toBe(tf.AdamOptimizer.prototype);
      expect(ours instanceof TensorflowAdamOptimizer).toBe(false);
      expect(ours.getClassName()).toBe("Adam");
      expect(ours.getConfig()).toEqual(theirs.getConfig());
      expect(Array.from(train(ours, 20))).toEqual(Array.from(train(theirs, 20)));
    }
    expect(tf.memory().numTensors).toBe(before);
  });

  it("refuses to build the native optimizer and names tensorflowAdam() as the way", () => {
    const error = (() => {
      try {
        new TensorflowAdamOptimizer(0.01);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(OptimizerError);
    expect((error as OptimizerError).code).toBe("WRONG_BACKEND");
    expect((error as Error).message).toMatch(/active backend is "cpu"\. Use tensorflowAdam\(\)/);
  });
});

describe("tensorflowAdam's arguments", () => {
  it.each([
    [
      "a negative learning rate",
      [-0.001],
      /learningRate must be a finite number >= 0, got -0\.001/,
    ],
    ["a NaN learning rate", [Number.NaN], /learningRate .* got NaN/],
    ["an infinite learning rate", [Number.POSITIVE_INFINITY], /learningRate .* got Infinity/],
    ["a learning rate given as a string", ["0.01"], /learningRate .* got string "0\.01"/],
    ["beta1 = 1", [0.001, 1], /beta1 must be a number in \[0, 1\), got 1\b/],
    ["a negative beta1", [0.001, -0.1], /beta1 must be a number in \[0, 1\), got -0\.1/],
    ["a NaN beta2", [0.001, 0.9, Number.NaN], /beta2 must be a number in \[0, 1\), got NaN/],
    [
      "a beta2 that is 1 in float32",
      [0.001, 0.9, 0.99999999],
      /beta2 = 0\.99999999 is 1 in float32.*divide by 0\. Use at most 0\.99999994/,
    ],
    [
      "a negative epsilon",
      [0.001, 0.9, 0.999, -1e-8],
      /epsilon must be a finite number >= 0 .* got -1e-8/,
    ],
    ["a NaN epsilon", [0.001, 0.9, 0.999, Number.NaN], /epsilon .* got NaN/],
  ] as const)("rejects %s with an OptimizerError that names it", (_what, args, message) => {
    const attempt = () => (tensorflowAdam as (...a: unknown[]) => tf.Optimizer)(...args);
    expect(attempt).toThrow(OptimizerError);
    expect(attempt).toThrow(message);
    try {
      attempt();
    } catch (error) {
      expect((error as OptimizerError).code).toBe("INVALID_ARGUMENT");
      expect((error as Error).name).toBe("OptimizerError");
    }
  });

  it("accepts the edges: rate 0, betas 0, epsilon 0, and epsilon left out", () => {
    for (const args of [[0], [0.01, 0, 0], [0.01, 0.9, 0.999, 0], [0.01, 0.9, 0.999, undefined]]) {
      const optimizer = tensorflowAdam(...(args as [number]));
      optimizer.dispose();
    }
  });
});
