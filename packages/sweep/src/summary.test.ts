import { describe, expect, it } from "vitest";
import { expectSweepError } from "../test/helpers.js";
import { validateSweep } from "./definition.js";
import { sampleStd, summarizeTrials, type TrialResult } from "./summary.js";
import { expandTrials } from "./trials.js";

// Grid of two learning rates, 3 folds, metric val_loss (min): trials 0-2 are config 0, 3-5 config 1.
const definition = {
  seed: 5,
  space: { lr: { type: "grid", values: [0.1, 0.01] } },
  folds: { splitter: "kFold", nSplits: 3 },
  metric: { name: "val_loss", mode: "min" },
  budget: { epochs: 4 },
};
const sweep = validateSweep(definition);
const ids = expandTrials(sweep).map((t) => t.id);
const result = (i: number, values: number[], extra: Partial<TrialResult> = {}): TrialResult => ({
  id: ids[i] as string,
  status: "completed",
  epochs: values.length,
  values,
  attempts: 1,
  resumes: 0,
  ...extra,
});

const results: TrialResult[] = [
  result(4, [0.7, 0.55, 0.6, 0.58]), // best 0.55
  result(0, [0.9, 0.5, 0.42, 0.44]), // best 0.42
  result(1, [0.8, 0.38, 0.39, 0.4], { attempts: 2, resumes: 1 }), // best 0.38
  result(2, [0.6, 0.5, 0.47, 0.47]), // best 0.47
  result(3, [0.8, 0.6, 0.51, 0.52]), // best 0.51
  result(5, [1.2], { status: "stopped", epochs: 1 }),
];

describe("summarizeTrials", () => {
  it("gives one row per trial in index order with last and best values", () => {
    const { trials } = summarizeTrials(sweep, results);
    expect(trials.map((r) => r.index)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(trials[1]).toMatchObject({
      id: ids[1],
      config: { lr: 0.1 },
      fold: 1,
      status: "completed",
      epochs: 4,
      metric: 0.4,
      best: 0.38,
      attempts: 2,
      resumes: 1,
    });
    expect(trials[5]).toMatchObject({ status: "stopped", epochs: 1, metric: 1.2, best: 1.2 });
    expect(trials.map((r) => r.seed)).toEqual(expandTrials(sweep).map((t) => t.seed));
  });

  it("gives per config the mean ± sample std over folds of completed trials", () => {
    // Reference values: numpy 2.4.6, np.mean(v) and np.std(v, ddof=1) for
    // v = [0.42, 0.38, 0.47] (config 0) and v = [0.51, 0.55] (config 1; fold 2 was stopped).
    const { configs } = summarizeTrials(sweep, results);
    expect(configs).toHaveLength(2);
    const [c0, c1] = configs;
    expect(c0).toMatchObject({ config: { lr: 0.1 }, completed: 3, stopped: 0, failed: 0, n: 3 });
    expect(c0?.foldValues).toEqual([0.42, 0.38, 0.47]);
    expect(c0?.mean).toBeCloseTo(0.42333333333333334, 15);
    expect(c0?.std).toBeCloseTo(0.04509249752822893, 15);
    expect(c1).toMatchObject({ config: { lr: 0.01 }, completed: 2, stopped: 1, n: 2 });
    expect(c1?.foldValues).toEqual([0.51, 0.55, null]);
    expect(c1?.mean).toBeCloseTo(0.53, 15);
    expect(c1?.std).toBeCloseTo(0.028284271247461926, 15);
  });

  it("takes the highest value as best in max mode and averages repeats within a fold", () => {
    const def = { ...definition, metric: { name: "acc", mode: "max" }, repeats: 2 };
    const s = validateSweep(def);
    const tid = expandTrials(s).map((t) => t.id);
    const r = (i: number, values: number[]): TrialResult => ({
      id: tid[i] as string,
      status: "completed",
      epochs: values.length,
      values,
      attempts: 1,
      resumes: 0,
    });
    // Config 0: fold 0 repeats best 0.8 and 0.9 → 0.85; fold 1 → 0.7 and 0.75 → 0.725; fold 2 → 0.6.
    // By hand: mean = (0.85 + 0.725 + 0.6) / 3 = 0.725; deviations 0.125, 0, −0.125;
    // std = sqrt((0.015625 + 0 + 0.015625) / 2) = 0.125.
    const { configs } = summarizeTrials(s, [
      r(0, [0.5, 0.8, 0.7]),
      r(1, [0.9, Number.NaN]),
      r(2, [0.7]),
      r(3, [0.75, 0.6]),
      r(4, [0.6]),
      r(5, [0.2, 0.6]),
    ]);
    expect(configs[0]?.foldValues.map((v) => v?.toFixed(12))).toEqual([
      "0.850000000000",
      "0.725000000000",
      "0.600000000000",
    ]);
    expect(configs[0]?.mean).toBeCloseTo(0.725, 14);
    expect(configs[0]?.std).toBeCloseTo(0.125, 14);
  });

  it("has no mean or std without completed trials, and no std from one value", () => {
    const { configs, trials } = summarizeTrials(sweep, [
      result(0, [], { status: "failed", epochs: 0, attempts: 3, error: "boom" }),
      result(3, [0.5]),
    ]);
    expect(trials[0]).toMatchObject({ status: "failed", metric: null, best: null, error: "boom" });
    expect(configs[0]).toMatchObject({ failed: 1, mean: null, std: null, n: 0 });
    expect(configs[1]).toMatchObject({ mean: 0.5, std: null, n: 1 });
    expect(sampleStd([])).toBeNull();
  });

  it("refuses unknown trials, duplicates and malformed results", () => {
    expectSweepError(
      () => summarizeTrials(sweep, [{ ...result(0, [1]), id: "t0-00000000" }]),
      "UNKNOWN_TRIAL",
      "results[0].id",
    );
    expectSweepError(
      () => summarizeTrials(sweep, [result(0, [1]), result(0, [1])]),
      "DUPLICATE_RESULT",
      "results[1].id",
    );
    expectSweepError(
      () => summarizeTrials(sweep, [result(0, [1], { status: "done" as never })]),
      "INVALID_VALUE",
      "results[0].status",
    );
    expectSweepError(
      () => summarizeTrials(sweep, [result(0, [1], { epochs: 5 })]),
      "INVALID_VALUE",
      "results[0].epochs must be an integer in [0, 4]",
    );
    expectSweepError(
      () => summarizeTrials(sweep, [result(0, [1], { attempts: 1, resumes: -1 })]),
      "INVALID_VALUE",
      "results[0].resumes",
    );
    expectSweepError(
      () => summarizeTrials(sweep, [result(0, [1], { attempts: 0 })]),
      "INVALID_VALUE",
      "results[0].attempts",
    );
    // A preempted trial resumes without spending an attempt; a cancelled one never started.
    expect(
      summarizeTrials(sweep, [result(0, [1], { attempts: 1, resumes: 2 })]).trials[0]?.resumes,
    ).toBe(2);
    const cancelled = result(0, [], {
      status: "failed",
      epochs: 0,
      attempts: 0,
      error: "cancelled",
    });
    expect(summarizeTrials(sweep, [cancelled]).trials[0]?.attempts).toBe(0);
  });
});
