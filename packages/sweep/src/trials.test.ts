import { describe, expect, it } from "vitest";
import { baseDefinition, expectSweepError } from "../test/helpers.js";
import { validateSweep } from "./definition.js";
import { expandTrials, trialAt, trialId, trialSeed } from "./trials.js";

describe("expandTrials", () => {
  it("lists configs × folds × repeats in index order", () => {
    const trials = expandTrials({ ...baseDefinition(), repeats: 2 });
    expect(trials).toHaveLength(2 * 2 * 3 * 2);
    expect(trials.map((t) => t.index)).toEqual(trials.map((_, i) => i));
    expect(trials.slice(0, 7).map((t) => [t.configIndex, t.fold, t.repeat])).toEqual([
      [0, 0, 0],
      [0, 0, 1],
      [0, 1, 0],
      [0, 1, 1],
      [0, 2, 0],
      [0, 2, 1],
      [1, 0, 0],
    ]);
    // Grid point = configIndex mod 2; the last grid parameter varies fastest.
    expect([0, 6, 12, 18].map((i) => trials[i]?.config.schedule)).toEqual([
      "constant",
      "cosine",
      "constant",
      "cosine",
    ]);
    // Trials of one config share its values; other configs draw their own.
    expect(trials[5]?.config).toEqual(trials[0]?.config);
    expect(trials[6]?.config.lr).not.toBe(trials[0]?.config.lr);
    expect(trials.every((t) => t.budget.epochs === 9)).toBe(true);
  });

  it("gives the same trials for the same definition, and others for another seed", () => {
    const a = expandTrials(baseDefinition());
    expect(expandTrials(baseDefinition())).toEqual(a);
    const b = expandTrials({ ...baseDefinition(), seed: 43 });
    expect(b.map((t) => t.id)).not.toEqual(a.map((t) => t.id));
    expect(b[0]?.config.lr).not.toBe(a[0]?.config.lr);
  });

  it("derives ids and seeds from the sweep seed and index only", () => {
    const small = expandTrials(baseDefinition());
    const large = expandTrials({ ...baseDefinition(), samples: 5 });
    // More samples append configs: the first trials are unchanged.
    expect(large.slice(0, small.length)).toEqual(small);
    for (const t of large) {
      expect(t.id).toBe(trialId(42, t.index));
      expect(t.seed).toBe(trialSeed(42, t.index));
    }
    // A regression pin (computed by this code when written): changing the derivation breaks
    // resumes of running sweeps, so it must be a deliberate change.
    expect(small.slice(0, 2).map((t) => [t.id, t.seed])).toEqual([
      ["t0-25005433", 1696907059],
      ["t1-fe927322", 3397202030],
    ]);
  });

  it("makes unique, URL- and file-safe ids", () => {
    const trials = expandTrials({ ...baseDefinition(), samples: 200 });
    const ids = trials.map((t) => t.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(new Set(trials.map((t) => t.seed)).size).toBe(ids.length);
    for (const id of ids) {
      expect(id).toMatch(/^t\d+-[0-9a-f]{8}$/);
      expect(encodeURIComponent(id)).toBe(id);
    }
  });

  it("draws every parameter within its range", () => {
    const trials = expandTrials({
      seed: 1,
      space: {
        lr: { type: "loguniform", low: 1e-4, high: 1e-1 },
        dropout: { type: "uniform", low: 0.1, high: 0.3 },
        act: { type: "choice", values: ["relu", "gelu", "tanh"] },
        epochsPerSave: 2,
      },
      samples: 600,
      metric: { name: "acc", mode: "max" },
      budget: { epochs: 3 },
    });
    const lrs = trials.map((t) => t.config.lr as number);
    expect(Math.min(...lrs)).toBeGreaterThanOrEqual(1e-4);
    expect(Math.max(...lrs)).toBeLessThanOrEqual(1e-1);
    // Log-uniform: about a third of the draws in each decade.
    const decade = lrs.filter((v) => v < 1e-3).length / lrs.length;
    expect(decade).toBeGreaterThan(0.27);
    expect(decade).toBeLessThan(0.4);
    const drop = trials.map((t) => t.config.dropout as number);
    expect(Math.min(...drop)).toBeGreaterThanOrEqual(0.1);
    expect(Math.max(...drop)).toBeLessThan(0.3);
    expect(new Set(trials.map((t) => t.config.act))).toEqual(new Set(["relu", "gelu", "tanh"]));
    expect(trials.every((t) => t.config.epochsPerSave === 2)).toBe(true);
  });

  it("computes one trial alone as the full expansion does", () => {
    const sweep = validateSweep(baseDefinition());
    const all = expandTrials(sweep);
    expect(trialAt(sweep, 7)).toEqual(all[7]);
    expectSweepError(() => trialAt(sweep, 12), "UNKNOWN_TRIAL", "trials 0 to 11");
  });

  it("refuses an invalid definition", () => {
    expectSweepError(() => expandTrials({ ...baseDefinition(), space: {} }), "EMPTY_SPACE");
  });
});
