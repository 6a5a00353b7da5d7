import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { RandomBatchSampler } from "./random-batch-sampler.js";

describe("RandomBatchSampler", () => {
  it("covers every index once; the last batch is smaller unless dropLast", () => {
    const s = new RandomBatchSampler(10, { batchSize: 4, seed: 5 });
    const batches = s.batches(0);
    expect(batches.map((b) => b.length)).toEqual([4, 4, 2]);
    expect(batches.flat().sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(s.length).toBe(3);
    const d = new RandomBatchSampler(10, { batchSize: 4, seed: 5, dropLast: true });
    expect(d.batches(0)).toEqual(batches.slice(0, 2));
    expect(d.length).toBe(2);
  });

  it("without shuffle is 0..n-1 in order", () => {
    expect(new RandomBatchSampler(5, { batchSize: 2, shuffle: false }).batches()).toEqual([
      [0, 1],
      [2, 3],
      [4],
    ]);
  });

  it("rejects missing options and bad sizes", () => {
    expect(() => new RandomBatchSampler(5, undefined as never)).toThrow(BatchingError);
    expect(() => new RandomBatchSampler(-1, { batchSize: 2 })).toThrow(
      /size must be an integer >= 0, got -1/,
    );
  });
});
