import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { beforeAll, describe, expect, it } from "vitest";
import { BatchingError } from "../src/index.js";
import { runBatchingDemo } from "../src/tfjs.js";

beforeAll(async () => {
  await tf.setBackend("cpu");
});

describe("runBatchingDemo (cpu backend, tiny sizes)", () => {
  it("trains three ways on the same data; padded runs reach batch size 1's loss; no leaks", async () => {
    const before = tf.memory().numTensors;
    const r = await runBatchingDemo({
      count: 8,
      minSide: 6,
      maxSide: 10,
      batchSize: 4,
      sizeDivisible: 4,
      epochs: 8,
      learningRate: 0.01,
      channels: 4,
      seed: 1,
    });
    expect(tf.memory().numTensors).toBe(before);
    expect(r.backend).toBe("cpu");
    expect(r.runs.map((x) => x.mode)).toEqual(["batch-size-1", "random-padded", "grouped-padded"]);
    const [one, random, grouped] = r.runs as [
      (typeof r.runs)[0],
      (typeof r.runs)[0],
      (typeof r.runs)[0],
    ];
    // same data, same initial weights: identical starting loss
    expect(random.initialLoss).toBeCloseTo(one.initialLoss, 10);
    expect(grouped.initialLoss).toBeCloseTo(one.initialLoss, 10);
    expect(one.steps).toBe(8 * 8);
    expect(random.steps).toBe(2 * 8);
    // grouped batches pad less than random ones
    expect(grouped.paddingWaste).toBeLessThan(random.paddingWaste);
    for (const run of r.runs) {
      expect(run.finalLoss).toBeLessThan(0.6 * run.initialLoss);
      expect(run.imagesPerSecond).toBeGreaterThan(0);
    }
    // seeded and deterministic on cpu: grouped 1.042, random 1.138 (fewer, noisier-padded steps)
    expect(r.lossRatio["random-padded"]).toBeLessThan(1.2);
    expect(r.lossRatio["grouped-padded"]).toBeLessThan(1.05);
  });

  it("rejects unknown modes and bad learning rates", async () => {
    await expect(runBatchingDemo({ modes: ["huge" as never] })).rejects.toThrow(BatchingError);
    await expect(runBatchingDemo({ modes: ["huge" as never] })).rejects.toThrow(
      /"huge"; valid modes are/,
    );
    await expect(runBatchingDemo({ learningRate: 0 })).rejects.toThrow(
      /learningRate must be a finite number > 0, got 0/,
    );
    await expect(runBatchingDemo({ lrScaling: "cubic" as never })).rejects.toThrow(/lrScaling/);
  });
});
