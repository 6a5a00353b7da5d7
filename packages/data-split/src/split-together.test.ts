import { describe, expect, it } from "vitest";
import { SplitError } from "./errors.js";
import { planSplit } from "./plan-split.js";
import { splitTogether } from "./split-together.js";

const range = (n: number) => Array.from({ length: n }, (_, i) => i);

describe("splitTogether", () => {
  it("returns named train and test parts, rows paired, with their source indices", () => {
    const x = range(20).map((i) => [i, i * 2]);
    const y = Int32Array.from(range(20), (i) => i % 2);
    const weights = Float64Array.from(range(20), (i) => i / 10);
    const { train, test, indices, seed } = splitTogether(
      { x, y, weights },
      { testSize: 5, seed: 11 },
    );
    expect(seed).toBe(11);
    expect(test.x).toHaveLength(5);
    expect(train.y).toHaveLength(15);
    indices.train.forEach((src, k) => {
      expect(train.x[k]).toEqual([src, src * 2]);
      expect(train.y[k]).toBe(src % 2);
      expect(train.weights[k]).toBeCloseTo(src / 10, 12);
    });
    indices.test.forEach((src, k) => {
      expect(test.x[k]).toEqual([src, src * 2]);
    });
  });

  it("stratifies by the name of one of its inputs", () => {
    const y = [...Array(12).fill("a"), ...Array(4).fill("b")];
    const { train, test } = splitTogether(
      { x: range(16), y },
      { stratify: "y", testSize: 0.25, seed: 2 },
    );
    expect(test.y.filter((v) => v === "b")).toHaveLength(1);
    expect(train.y.filter((v) => v === "b")).toHaveLength(3);
  });

  it("reports the fresh seed it used so the split can be reproduced", () => {
    const first = splitTogether({ x: range(30) });
    expect(typeof first.seed).toBe("number");
    const again = splitTogether({ x: range(30) }, { seed: first.seed as number });
    expect(again.test.x).toEqual(first.test.x);
  });

  it("names the inputs whose lengths differ", () => {
    try {
      splitTogether({ x: range(10), y: range(9) });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(SplitError);
      expect((e as SplitError).code).toBe("INCONSISTENT_LENGTH");
      expect((e as SplitError).message).toContain("x: 10, y: 9");
      expect((e as SplitError).message).toContain("splitTogether({ x: X, y }");
    }
  });

  it("rejects a stratify name that is not an input, and positional arrays", () => {
    expect(() => splitTogether({ x: range(10) }, { stratify: "label" as "x" })).toThrow(
      /stratify='label'/,
    );
    expect(() => splitTogether([range(3)] as never)).toThrow(SplitError);
  });
});

describe("planSplit", () => {
  it("splits arrays that arrive separately with the same rows as splitTogether", () => {
    const x = range(500).map((i) => i * 3);
    const y = Int8Array.from(range(500), (i) => i % 3);
    const plan = planSplit(500, { seed: 9, stratify: y });
    const together = splitTogether({ x, y }, { seed: 9, stratify: "y" });
    expect(plan.apply(x)).toEqual({ train: together.train.x, test: together.test.x });
    expect(Array.from(plan.apply(y).test)).toEqual(Array.from(together.test.y));
    expect(Array.from(plan.test)).toEqual(Array.from(together.indices.test));
    expect(plan.nTest).toBe(Math.ceil(0.25 * 500));
  });

  it("refuses an array whose length differs from the plan", () => {
    const plan = planSplit(10, { seed: 1 });
    try {
      plan.apply(range(11));
      expect.unreachable();
    } catch (e) {
      expect((e as SplitError).code).toBe("INCONSISTENT_LENGTH");
      expect((e as SplitError).message).toContain("n=10");
      expect((e as SplitError).message).toContain("[10, 11]");
    }
  });

  it("rejects a bad sample count", () => {
    expect(() => planSplit(-1)).toThrow(/n must be the number of samples.*-1/);
  });
});
