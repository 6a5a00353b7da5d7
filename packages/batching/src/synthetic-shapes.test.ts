import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { syntheticShapes } from "./synthetic-shapes.js";

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

  it("rejects bad counts and side ranges, naming them", () => {
    expect(() => syntheticShapes({ count: 0 })).toThrow(BatchingError);
    expect(() => syntheticShapes({ minSide: 10, maxSide: 8 })).toThrow(
      /maxSide must be an integer >= 10, got 8/,
    );
  });
});
