import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { LengthGroupedSampler, lengthGroupedIndices } from "./length-grouped-sampler.js";

const lengths = Array.from({ length: 100 }, (_, i) => ((i * 37) % 101) + 1);

describe("lengthGroupedIndices (Hugging Face group_by_length)", () => {
  it("returns a permutation with the globally longest item first", () => {
    const order = lengthGroupedIndices(lengths, { batchSize: 4, seed: 2 });
    expect([...order].sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(lengths[order[0] as number]).toBe(Math.max(...lengths));
  });

  it("sorts each mega-batch longest first (default mult = min(n / 4B, 50) = 6)", () => {
    const order = lengthGroupedIndices(lengths, { batchSize: 4, seed: 2 });
    const mega = 6 * 4;
    for (let start = 0; start < 100; start += mega) {
      const chunk = order.slice(start, start + mega).map((i) => lengths[i] as number);
      // The first mega-batch may have had its head swapped with the global maximum; the rest of it
      // stays sorted, and every other chunk (except possibly at its head) is sorted descending.
      const tail = chunk.slice(1);
      expect(tail).toEqual([...tail].sort((a, b) => b - a));
    }
  });

  it("megaBatchMult 1 with batchSize = n is a full sort, longest first", () => {
    const order = lengthGroupedIndices([3, 9, 1, 9, 5], { batchSize: 5, megaBatchMult: 1 });
    expect(order.map((i) => [3, 9, 1, 9, 5][i])).toEqual([9, 9, 5, 3, 1]);
  });

  it("rejects negative lengths and bad multipliers", () => {
    expect(() => lengthGroupedIndices([1, -2], { batchSize: 1 })).toThrow(BatchingError);
    expect(() => lengthGroupedIndices([1, -2], { batchSize: 1 })).toThrow(/\[1,-2\]/);
    expect(() => lengthGroupedIndices([1], { batchSize: 1, megaBatchMult: 0 })).toThrow(
      /megaBatchMult must be an integer >= 1, got 0/,
    );
  });
});

describe("LengthGroupedSampler", () => {
  it("chunks the grouped order; each index once; padding far below random batching", () => {
    const s = new LengthGroupedSampler(lengths, { batchSize: 4, seed: 2 });
    const batches = s.batches(0);
    expect(batches.flat().sort((a, b) => a - b)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const padded = (bs: number[][]) =>
      bs.reduce((acc, b) => acc + b.length * Math.max(...b.map((i) => lengths[i] as number)), 0);
    const total = lengths.reduce((a, b) => a + b, 0);
    const naive: number[][] = [];
    for (let i = 0; i < 100; i += 4) naive.push(Array.from({ length: 4 }, (_, k) => i + k));
    expect(1 - total / padded(batches)).toBeLessThan(0.5 * (1 - total / padded(naive)));
    expect(s.batches(1)).not.toEqual(batches);
  });
});
