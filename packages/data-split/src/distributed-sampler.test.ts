import { describe, expect, it } from "vitest";
import { expectThrowCode, list, range } from "../test/helpers.js";
import { DistributedSampler } from "./distributed-sampler.js";
import { SplitError } from "./errors.js";

const shards = (size: number, numReplicas: number, extra: object = {}) =>
  range(numReplicas).map((rank) =>
    list(new DistributedSampler({ size, numReplicas, rank, shuffle: false, ...extra }).indices()),
  );

describe("DistributedSampler (PyTorch's padding and slicing)", () => {
  it("pads by wrapping to the start: N=10, 3 replicas", () => {
    expect(shards(10, 3)).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7, 0],
      [2, 5, 8, 1],
    ]);
  });

  it("drops the tail with dropLast", () => {
    expect(shards(10, 3, { dropLast: true })).toEqual([
      [0, 3, 6],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it("repeats the list when there are more replicas than samples: N=2, 4 replicas", () => {
    expect(shards(2, 4)).toEqual([[0], [1], [0], [1]]);
  });

  it("gives uneven shards with every sample exactly once without padding (evaluation)", () => {
    const s = shards(10, 3, { pad: false });
    expect(s).toEqual([
      [0, 3, 6, 9],
      [1, 4, 7],
      [2, 5, 8],
    ]);
  });

  it("shuffles the same way on every rank, and each epoch differently after setEpoch", () => {
    const make = (rank: number) =>
      new DistributedSampler({ size: 100, numReplicas: 4, rank, seed: 3 });
    const ranks = range(4).map(make);
    const epoch0 = ranks.map((r) => list(r.indices()));
    expect(epoch0.flat().sort((a, b) => a - b)).toEqual(range(100));
    expect(list((ranks[0] as DistributedSampler).indices())).toEqual(epoch0[0]);
    for (const r of ranks) r.setEpoch(1);
    const epoch1 = ranks.map((r) => list(r.indices()));
    expect(epoch1.flat().sort((a, b) => a - b)).toEqual(range(100));
    expect(epoch1[0]).not.toEqual(epoch0[0]);
    expect(make(0).numSamples).toBe(25);
  });

  it("rejects a rank outside [0, numReplicas - 1] and contradictory tails", () => {
    expectThrowCode(
      () => new DistributedSampler({ size: 10, numReplicas: 2, rank: 2 }),
      SplitError,
      "INVALID_RANK",
      "Invalid rank 2, rank should be in the interval [0, 1]",
    );
    expectThrowCode(
      () =>
        new DistributedSampler({ size: 10, numReplicas: 2, rank: 0, dropLast: true, pad: false }),
      SplitError,
      "INVALID_OPTION",
      "dropLast",
    );
    expectThrowCode(
      () => new DistributedSampler({ size: 10, numReplicas: 0, rank: 0 }),
      SplitError,
      "INVALID_OPTION",
      "numReplicas",
    );
  });
});
