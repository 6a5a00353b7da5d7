import { beforeAll, describe, expect, it } from "vitest";
import { warmupExperiment, warmupOptions } from "../src/experiments/warmup.js";
import { useWasmBackend, withoutLeaks } from "./helpers/backends.js";

beforeAll(useWasmBackend);

describe("the warmup experiment (wasm backend, 64 images)", () => {
  it("runs the five ways with their schedules from the options it is given", async () => {
    const options = {
      ...warmupOptions({ quick: true, seed: 42 }),
      trainSize: 64,
      testSize: 32,
      epochs: 2,
      batchSize: 16,
      warmupSteps: 3,
    };
    const { value: data, leaked } = await withoutLeaks(() => warmupExperiment(options));
    expect(leaked).toBe(0);
    expect(data).toMatchObject({ trainSize: 64, testSize: 32, peakLearningRate: 0.1 });
    expect(data.runs.map((r) => r.kind)).toEqual([
      "none",
      "learning-rate",
      "batch-size",
      "layers",
      "loss",
    ]);
    const [none, lr, batch, , loss] = data.runs;
    for (const r of data.runs) {
      expect(r.epochs.map((e) => e.epoch)).toEqual([1, 2]);
      expect(r.firstEpochLoss).toBe(r.epochs[0]?.loss);
      expect(r.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(r.testAccuracy).toBeLessThanOrEqual(1);
    }
    // 64 images in batches of 16: 4 updates an epoch, 8 in all.
    expect(none?.batches.map((b) => b.lr)).toEqual(new Array(8).fill(0.1));
    // constantScheduleWithWarmup from 5%: 0.1 * (0.05 + 0.95 * step / 3) for steps 0, 1, 2.
    const warm = lr?.batches.map((b) => b.lr) ?? [];
    for (const [i, expected] of [0.005, 0.036667, 0.068333, 0.1, 0.1].entries()) {
      expect(warm[i]).toBeCloseTo(expected, 6);
    }
    // batchSizeRamp from 4 to 16 over the first 64 images, multiples of 4; then 16s.
    const sizes = batch?.batches.map((b) => b.size) ?? [];
    expect(sizes.reduce((a, b) => a + b, 0)).toBe(128);
    expect(sizes[0]).toBe(4);
    expect(sizes.slice(-4)).toEqual([16, 16, 16, 16]);
    // The penalty weight ramps linearly from 0 to 0.2 over 3 updates, then stays.
    expect(data.lossWeights.map((w) => w.value)).toEqual([
      0,
      0.2 / 3,
      0.4 / 3,
      0.2,
      0.2,
      0.2,
      0.2,
      0.2,
    ]);
    expect(loss?.batches).toHaveLength(8);
  });
});
