import { describe, expect, it } from "vitest";
import { baseDefinition, expectSweepError } from "../test/helpers.js";
import { asha, defineSweep, validateSweep } from "./definition.js";
import { choice, grid, loguniform, uniform } from "./space.js";

const withKey = (path: string[], value: unknown) => {
  const d = baseDefinition();
  let obj = d as Record<string, unknown>;
  for (const k of path.slice(0, -1)) obj = obj[k] as Record<string, unknown>;
  obj[path[path.length - 1] as string] = value;
  return d;
};

describe("validateSweep", () => {
  it("fills in defaults and works out the size", () => {
    const sweep = validateSweep(baseDefinition());
    expect(sweep).toMatchObject({
      seed: 42,
      samples: 2,
      repeats: 1,
      retries: { attempts: 3 },
      gridSize: 2,
      foldCount: 3,
      configCount: 4,
      trialCount: 12,
      scheduler: { type: "asha", gracePeriod: 1, reductionFactor: 3 },
    });
    expect(Object.isFrozen(sweep.space)).toBe(true);
    expect(validateSweep(sweep)).toBe(sweep);
  });

  it("accepts the typed helpers, fixed values and no folds", () => {
    const sweep = defineSweep({
      seed: 0,
      space: {
        lr: loguniform(1e-3, 1e-1),
        dropout: uniform(0, 0.5),
        optimizer: choice(["adam", "sgd"]),
        batch: grid([32, 64, 128]),
        warmup: true,
      },
      metric: { name: "acc", mode: "max" },
      budget: { epochs: 4 },
      repeats: 2,
      scheduler: asha({ gracePeriod: 1, reductionFactor: 2 }),
    });
    expect(sweep.trialCount).toBe(3 * 2);
    expect(sweep.folds).toBeUndefined();
  });

  it.each([
    [["scheduler", "reduction_factor"], 3, "scheduler.reduction_factor", "reductionFactor"],
    [["extra"], 1, "extra: unknown key", "samples"],
    [["space", "lr", "lowest"], 1, "space.lr.lowest", "low, high"],
    [["metric", "goal"], "min", "metric.goal", "name, mode"],
  ] as [string[], unknown, string, string][])(
    "refuses unknown key %j naming it and the valid ones",
    (path, value, ...fragments) => {
      expectSweepError(() => validateSweep(withKey(path, value)), "UNKNOWN_KEY", ...fragments);
    },
  );

  it.each([
    [["space", "lr", "low"], 0, "space.lr.low", "> 0 for loguniform"],
    [["space", "lr", "high"], 1e-5, "space.lr.high", "greater than low"],
    [["space", "lr", "type"], "normal", "space.lr.type", "choice, grid, uniform, loguniform"],
    [["space", "schedule", "values"], [], "space.schedule.values", "non-empty array"],
    [["space", "schedule", "values"], ["a", "a"], "space.schedule.values[1]", "listed twice"],
    [["scheduler", "reductionFactor"], 1, "scheduler.reductionFactor", "integer >= 2, got 1"],
    [["scheduler", "reductionFactor"], 2.5, "scheduler.reductionFactor", "integer >= 2"],
    [["scheduler", "gracePeriod"], 9, "scheduler.gracePeriod", "below budget.epochs (9)"],
    [["scheduler", "type"], "hyperband", "scheduler.type", '"asha"'],
    [["metric", "mode"], "lowest", "metric.mode", '"min" or "max"'],
    [["budget", "epochs"], 0, "budget.epochs", "integer >= 1"],
    [["seed"], -1, "seed", "integer in [0, 4294967295]"],
    [["samples"], 1.5, "samples", "integer >= 1"],
    [["retries"], { attempts: 0 }, "retries.attempts", "integer >= 1"],
    [["samples"], 1_000_000, "at most 1000000", "Lower samples"],
  ] as [string[], unknown, string, string][])(
    "refuses %j = %j naming the key path and what is valid",
    (path, value, ...fragments) => {
      const error = expectSweepError(
        () => validateSweep(withKey(path, value)),
        "INVALID_VALUE",
        ...fragments,
      );
      expect(error.path).toBeDefined();
    },
  );

  it("refuses an empty space", () => {
    expectSweepError(() => validateSweep(withKey(["space"], {})), "EMPTY_SPACE", "space is empty");
  });

  it("refuses a missing required key and a definition that is not an object", () => {
    const d = baseDefinition();
    delete d.metric;
    expectSweepError(() => validateSweep(d), "MISSING_KEY", "metric is required");
    expectSweepError(() => validateSweep("seed: 1"), "INVALID_VALUE", "must be an object");
    expectSweepError(() => validateSweep([]), "INVALID_VALUE", "must be an object, got an array");
  });
});
