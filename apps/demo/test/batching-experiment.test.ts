import * as tf from "@tensorflow/tfjs-core";
import { maskedMeanSquaredError, padBatch } from "@trainkit/batching/tfjs";
import { beforeAll, describe, expect, it } from "vitest";
import { batchingExperiment } from "../src/experiments/batching.js";
import { createMaskedFcn } from "../src/experiments/masked-fcn.js";
import { syntheticShapes } from "../src/synthetic.js";
import { useCpuBackend, withoutLeaks } from "./helpers/backends.js";

beforeAll(useCpuBackend);

describe("the batching experiment (cpu backend, tiny sizes)", () => {
  it("trains three ways on the same data; padded runs reach batch size 1's loss; no leaks", async () => {
    const { value: r, leaked } = await withoutLeaks(() =>
      batchingExperiment({
        count: 8,
        minSide: 6,
        maxSide: 10,
        batchSize: 4,
        sizeDivisible: 4,
        epochs: 8,
        learningRate: 0.01,
        groupFactor: 1,
        channels: 4,
        seed: 1,
      }),
    );
    expect(leaked).toBe(0);
    expect(r.runs.map((x) => [x.mode, x.batchSize])).toEqual([
      ["batch-size-1", 1],
      ["random-padded", 4],
      ["grouped-padded", 4],
    ]);
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
    expect(grouped.paddingWaste).toBeLessThan(random.paddingWaste);
    for (const run of r.runs) {
      expect(run.finalLoss).toBeLessThan(0.6 * run.initialLoss);
      expect(run.imagesPerSecond).toBeGreaterThan(0);
    }
    // seeded and deterministic on cpu: grouped 1.042, random 1.138 (fewer, noisier-padded steps)
    expect(r.lossRatio["random-padded"]).toBeCloseTo(1.138, 2);
    expect(r.lossRatio["grouped-padded"]).toBeCloseTo(1.042, 2);
    expect(r.losses).toHaveLength(3 * 8);
    expect(r.losses.filter((l) => l.mode === "grouped-padded").map((l) => l.epoch)).toEqual([
      1, 2, 3, 4, 5, 6, 7, 8,
    ]);
  });

  it("draws a random and a grouped batch of four, padding black, and plans one epoch's padding", async () => {
    const r = await batchingExperiment({
      count: 24,
      minSide: 12,
      maxSide: 14,
      batchSize: 8,
      sizeDivisible: 4,
      epochs: 1,
      learningRate: 0.003,
      groupFactor: 3,
      channels: 2,
      seed: 42,
    });
    for (const canvases of [r.randomBatch, r.groupedBatch]) {
      expect(canvases).toHaveLength(4);
      for (const c of canvases) {
        const [h, w] = c.imageSize;
        expect(c.width % 4).toBe(0);
        expect(c.height % 4).toBe(0);
        // Real pixels are 90..255; the padding right of and below the image is 0.
        expect(c.pixels[(h - 1) * c.width + (w - 1)]).toBeGreaterThanOrEqual(90);
        if (w < c.width) expect(c.pixels[w]).toBe(0);
        if (h < c.height) expect(c.pixels[h * c.width]).toBe(0);
      }
    }
    const waste = (canvases: typeof r.randomBatch) =>
      1 -
      canvases.reduce((s, c) => s + c.imageSize[0] * c.imageSize[1], 0) /
        canvases.reduce((s, c) => s + c.width * c.height, 0);
    expect(waste(r.groupedBatch)).toBeLessThan(waste(r.randomBatch));
    expect(r.plannedWaste["grouped-padded"]).toBeLessThan(r.plannedWaste["random-padded"]);
    expect(r.plannedWaste["batch-size-1"]).toBeLessThan(r.plannedWaste["grouped-padded"]);
  });
});

describe("the masked FCN", () => {
  it("computes on a padded batch exactly what it computes at batch size 1 (loss and gradients)", () => {
    const data = syntheticShapes({ count: 3, minSide: 5, maxSide: 9, seed: 1 });
    // sizes differ in both dimensions, so the batch really pads
    expect(new Set(data.sizes.map((s) => s.join("x"))).size).toBe(3);
    const model = createMaskedFcn({ channels: 4, seed: 3 });
    const before = tf.memory().numTensors;
    /** The masked loss of the images at `indices`, then every gradient, as one flat array. */
    const lossThenGradients = (indices: number[], sizeDivisible: number): number[] => {
      const pick = (images: typeof data.inputs) =>
        indices.map((i) => images[i] as (typeof images)[0]);
      const x = padBatch(pick(data.inputs), { sizeDivisible });
      const y = padBatch(pick(data.targets), { sizeDivisible });
      const { value, grads } = tf.variableGrads(
        () => maskedMeanSquaredError(y.batch, model.predict(x.batch, x.mask), x.mask),
        model.variables,
      );
      const flat = [
        ...value.dataSync(),
        ...model.variables.flatMap((v) => [...(grads[v.name] as tf.Tensor).dataSync()]),
      ];
      tf.dispose([value, ...Object.values(grads), x.batch, x.mask, y.batch, y.mask]);
      return flat;
    };
    // Reference: batch size 1, each image at its own size, no padding at all.
    const singles = [0, 1, 2].map((i) => lossThenGradients([i], 1));
    const padded = lossThenGradients([0, 1, 2], 8);
    padded.forEach((value, k) => {
      const mean = singles.reduce((a, s) => a + (s[k] as number), 0) / 3;
      expect(value).toBeCloseTo(mean, k === 0 ? 6 : 5);
    });
    expect(tf.memory().numTensors).toBe(before);
    model.dispose();
  });
});

describe("syntheticShapes", () => {
  it("makes seeded variable-size pairs whose input is the target plus noise", () => {
    const a = syntheticShapes({ count: 20, minSide: 10, maxSide: 12, noise: 0.2, seed: 4 });
    const b = syntheticShapes({ count: 20, minSide: 10, maxSide: 12, noise: 0.2, seed: 4 });
    expect(a.sizes).toEqual(b.sizes);
    expect(Array.from(a.inputs[3]?.data ?? [])).toEqual(Array.from(b.inputs[3]?.data ?? []));
    expect(new Set(a.sizes.map(([h, w]) => Math.sign(w - h))).size).toBeGreaterThan(1);
    let sq = 0;
    let count = 0;
    a.inputs.forEach((input, i) => {
      const target = a.targets[i];
      expect([input.height, input.width]).toEqual(a.sizes[i]);
      expect(Math.min(input.height, input.width)).toBeGreaterThanOrEqual(10);
      expect(Math.min(input.height, input.width)).toBeLessThanOrEqual(12);
      input.data.forEach((v, k) => {
        sq += (v - (target?.data[k] as number)) ** 2;
        count++;
      });
    });
    // noise variance 0.2^2 = 0.04
    expect(sq / count).toBeGreaterThan(0.035);
    expect(sq / count).toBeLessThan(0.045);
  });

  it("refuses a side range it cannot draw from, naming it", () => {
    expect(() => syntheticShapes({ count: 1, minSide: 10, maxSide: 8, seed: 0 })).toThrow(
      "syntheticShapes: maxSide 8 is below minSide 10.",
    );
    expect(() => syntheticShapes({ count: 1, minSide: 2, maxSide: 8, seed: 0 })).toThrow(
      /sides 2\.\.8; give whole numbers >= 4/,
    );
  });
});
