import { expect } from "vitest";
import { SweepError, type SweepErrorCode } from "../src/index.js";

/** A small valid definition to vary in tests. */
export function baseDefinition(): Record<string, unknown> {
  return {
    seed: 42,
    space: {
      lr: { type: "loguniform", low: 1e-4, high: 1e-1 },
      schedule: { type: "grid", values: ["constant", "cosine"] },
    },
    samples: 2,
    folds: { splitter: "kFold", nSplits: 3 },
    metric: { name: "val_loss", mode: "min" },
    budget: { epochs: 9 },
    scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 3 },
  };
}

/** Runs fn, expects a SweepError with this code whose message contains every fragment. */
export function expectSweepError(fn: () => unknown, code: SweepErrorCode, ...fragments: string[]) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SweepError);
  expect((caught as SweepError).code).toBe(code);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
  return caught as SweepError;
}
