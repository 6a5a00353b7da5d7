import { describe, expect, it } from "vitest";
import { AspectRatioGroupedSampler } from "./aspect-ratio-grouped-sampler.js";
import { aspectRatioGroups } from "./aspect-ratio-groups.js";
import { BatchingError } from "./errors.js";
import { GroupedBatchSampler } from "./grouped-batch-sampler.js";
import type { ImageSize } from "./image.js";
import { TwoBucketSampler } from "./two-bucket-sampler.js";

// Hand-traced with torchvision's GroupedBatchSampler over SequentialSampler, batch size 3:
// 0,1 -> g0 [0,1]; 2,3 -> g1 [2,3]; 4,5 -> g2 [4,5]; 6 -> g0 [0,1,6] yields.
// len = floor(7 / 3) = 2, so one more batch: the largest leftover (g1, first among equals)
// topped up with the group's first sample: [2, 3, 2].
const groups = [0, 0, 1, 1, 2, 2, 0];

describe("GroupedBatchSampler tails (sequential order)", () => {
  it('"fill" matches torchvision: floor(n / B) full batches, topped up from the same group', () => {
    const s = new GroupedBatchSampler(groups, { batchSize: 3, shuffle: false, tail: "fill" });
    expect(s.batches()).toEqual([
      [0, 1, 6],
      [2, 3, 2],
    ]);
    expect(s.length).toBe(2);
  });

  it('"partial" (default) yields leftovers largest first: every index exactly once', () => {
    const s = new GroupedBatchSampler(groups, { batchSize: 3, shuffle: false });
    expect(s.batches()).toEqual([
      [0, 1, 6],
      [2, 3],
      [4, 5],
    ]);
    expect(s.length).toBe(3);
  });

  it('"drop" keeps only full batches', () => {
    const s = new GroupedBatchSampler(groups, { batchSize: 3, shuffle: false, tail: "drop" });
    expect(s.batches()).toEqual([[0, 1, 6]]);
  });

  it("rejects bad group ids, batch sizes and tails, naming the value", () => {
    expect(() => new GroupedBatchSampler([0, 1.5], { batchSize: 2 })).toThrow(BatchingError);
    expect(() => new GroupedBatchSampler([0, 1], { batchSize: 0 })).toThrow(
      /batchSize must be an integer >= 1, got 0/,
    );
    expect(
      () => new GroupedBatchSampler([0, 1], { batchSize: 2, tail: "repeat" as never }),
    ).toThrow(/tail must be "partial", "drop" or "fill", got "repeat"/);
    const s = new GroupedBatchSampler([0, 1], { batchSize: 2 });
    expect(() => s.setEpoch(-1)).toThrow(/epoch must be an integer >= 0, got -1/);
  });
});

function mixedSizes(n: number): ImageSize[] {
  const shapes: ImageSize[] = [
    [480, 640],
    [640, 480],
    [600, 600],
    [360, 640],
    [800, 400],
    [500, 750],
  ];
  return Array.from(
    { length: n },
    (_, i) => shapes[(i * 7 + (i >> 2)) % shapes.length] as ImageSize,
  );
}

describe("AspectRatioGroupedSampler (seeded, shuffled)", () => {
  const sizes = mixedSizes(53);
  const ids = aspectRatioGroups(sizes, 3);

  it("yields each index exactly once per epoch and never mixes groups", () => {
    const s = new AspectRatioGroupedSampler(sizes, { batchSize: 4, seed: 7 });
    for (const epoch of [0, 1, 2]) {
      const batches = s.batches(epoch);
      const flat = batches.flat().sort((x, y) => x - y);
      expect(flat).toEqual(Array.from({ length: 53 }, (_, i) => i));
      for (const batch of batches) {
        expect(batch.length).toBeGreaterThan(0);
        expect(batch.length).toBeLessThanOrEqual(4);
        expect(new Set(batch.map((i) => ids[i])).size).toBe(1);
      }
      // At most one partial batch per group, and they come last.
      const partial = batches.filter((b) => b.length < 4);
      expect(partial.length).toBeLessThanOrEqual(new Set(ids).size);
      expect(batches.slice(batches.length - partial.length).every((b) => b.length < 4)).toBe(true);
    }
  });

  it("is reproducible per (seed, epoch) and differs across epochs and seeds", () => {
    const s = new AspectRatioGroupedSampler(sizes, { batchSize: 4, seed: 7 });
    const again = new AspectRatioGroupedSampler(sizes, { batchSize: 4, seed: 7 });
    expect(again.batches(3)).toEqual(s.batches(3));
    expect(s.batches(0)).not.toEqual(s.batches(1));
    expect(new AspectRatioGroupedSampler(sizes, { batchSize: 4, seed: 8 }).batches(0)).not.toEqual(
      s.batches(0),
    );
    s.setEpoch(2);
    expect([...s]).toEqual(s.batches(2));
  });

  it('with tail "fill" gives floor(n / B) full single-group batches', () => {
    const s = new AspectRatioGroupedSampler(sizes, { batchSize: 4, seed: 1, tail: "fill" });
    const batches = s.batches(0);
    expect(batches).toHaveLength(Math.floor(53 / 4));
    for (const batch of batches) {
      expect(batch).toHaveLength(4);
      expect(new Set(batch.map((i) => ids[i])).size).toBe(1);
    }
  });

  it('with tail "drop" every index appears at most once and batches are full', () => {
    const batches = new AspectRatioGroupedSampler(sizes, {
      batchSize: 4,
      seed: 3,
      tail: "drop",
    }).batches(0);
    const flat = batches.flat();
    expect(new Set(flat).size).toBe(flat.length);
    expect(batches.every((b) => b.length === 4)).toBe(true);
    expect(53 - flat.length).toBeLessThan(new Set(ids).size * 4);
  });
});

describe("TwoBucketSampler (detectron2)", () => {
  it("batches landscapes with landscapes and the rest together; each index once", () => {
    const sizes = mixedSizes(30);
    const batches = new TwoBucketSampler(sizes, { batchSize: 3, seed: 11 }).batches(0);
    expect(
      batches
        .flat()
        .sort((a, b) => a - b)
        .join(","),
    ).toBe(Array.from({ length: 30 }, (_, i) => i).join(","));
    for (const batch of batches) {
      const kinds = new Set(
        batch.map((i) => ((sizes[i] as ImageSize)[1] > (sizes[i] as ImageSize)[0] ? "L" : "P")),
      );
      expect(kinds.size).toBe(1);
    }
  });
});
