import { describe, expect, it } from "vitest";
import { epochOrder } from "./train-bp.js";

describe("epochOrder (the seeded data order that makes resuming exact)", () => {
  it("is a permutation, the same for a seed and epoch, different across epochs and seeds", () => {
    const a = epochOrder(1000, 42, 3);
    expect([...a].sort((x, y) => x - y)).toEqual(Array.from({ length: 1000 }, (_, i) => i));
    expect(epochOrder(1000, 42, 3)).toEqual(a);
    expect(epochOrder(1000, 42, 4)).not.toEqual(a);
    expect(epochOrder(1000, 43, 3)).not.toEqual(a);
    expect(epochOrder(1, 0, 0)).toEqual(Int32Array.from([0]));
  });
});
