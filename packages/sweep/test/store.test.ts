import { describe, expect, it } from "vitest";
import { definitionOf, sweepKeys } from "../src/bullmq/store.js";
import { sweepId, validateSweep } from "../src/index.js";
import { baseDefinition } from "./helpers.js";

describe("the definition workers read back from Redis", () => {
  it("validates to the same sweep and the same id, defaults and derived fold seeds included", () => {
    const variants = [
      baseDefinition(),
      { ...baseDefinition(), name: "n", trainable: "plate-bp", repeats: 2 },
      { ...baseDefinition(), folds: { splitter: "stratifiedKFold", nSplits: 4, shuffle: true } },
      { ...baseDefinition(), folds: undefined, scheduler: undefined },
    ];
    for (const v of variants) {
      const sweep = validateSweep(JSON.parse(JSON.stringify(v)));
      const stored = JSON.parse(JSON.stringify(definitionOf(sweep)));
      expect(validateSweep(stored)).toEqual(sweep);
      expect(sweepId(stored)).toBe(sweepId(v));
    }
  });

  it("keys are per queue and per sweep, and never collide between trials", () => {
    const a = sweepKeys("q", "s1");
    const b = sweepKeys("q2", "s1");
    expect(a.results).toBe("trainkit-sweep:q:s1:results");
    expect(a.results).not.toBe(b.results);
    expect(a.fence("t1-aa")).not.toBe(a.fence("t10-aa"));
  });
});
