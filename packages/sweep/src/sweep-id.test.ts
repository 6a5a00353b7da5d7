import { describe, expect, it } from "vitest";
import { baseDefinition, expectSweepError } from "../test/helpers.js";
import { sweepId, validateSweep } from "./index.js";

describe("sweepId", () => {
  it("is the same for the same definition, validated or not, and pinned", () => {
    const id = sweepId(baseDefinition());
    expect(sweepId(baseDefinition())).toBe(id);
    expect(sweepId(validateSweep(baseDefinition()))).toBe(id);
    // Pinned: a change of this value means every submitted sweep changes its id.
    expect(id).toBe(sweepId(JSON.parse(JSON.stringify(baseDefinition()))));
    expect(id).toMatchInlineSnapshot(`"s6003c27f3d8371700d8e7c255b53ab0f"`);
  });

  it("is URL- and file-safe, never all digits and has no ':'", () => {
    expect(sweepId(baseDefinition())).toMatch(/^s[0-9a-f]{32}$/);
  });

  it("changes when any part of the definition changes, defaults included", () => {
    const base = baseDefinition();
    const variants = [
      { ...base, seed: 43 },
      { ...base, name: "other" },
      { ...base, budget: { epochs: 10 } },
      { ...base, retries: { attempts: 4 } },
      { ...base, samples: 3 },
      { ...base, folds: { splitter: "kFold", nSplits: 4 } },
      { ...base, scheduler: { type: "asha", gracePeriod: 2, reductionFactor: 3 } },
      { ...base, trainable: "plate-bp" },
    ];
    const ids = new Set([sweepId(base), ...variants.map(sweepId)]);
    expect(ids.size).toBe(variants.length + 1);
    expect(sweepId({ ...base, retries: { attempts: 3 } })).toBe(sweepId(base));
  });

  it("refuses a trainable that is not a non-empty string", () => {
    expectSweepError(
      () => sweepId({ ...baseDefinition(), trainable: "" }),
      "INVALID_VALUE",
      "trainable must be a non-empty string",
    );
    expectSweepError(
      () => sweepId({ ...baseDefinition(), trainable: 3 }),
      "INVALID_VALUE",
      "trainable",
    );
  });

  it("validates first and names the bad key", () => {
    expectSweepError(() => sweepId({ ...baseDefinition(), seeds: 1 }), "UNKNOWN_KEY", "seeds");
  });
});
