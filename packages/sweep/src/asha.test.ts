import { describe, expect, it } from "vitest";
import {
  type AshaState,
  ashaCutoff,
  ashaReport,
  ashaRungs,
  createAshaState,
  percentile,
} from "./asha.js";
import { SweepError } from "./errors.js";

/** Feeds reports in order and collects each decision and cutoff. */
function run(state: AshaState, reports: [string, number, number][]) {
  const out: { decision: string; cutoff: number | null; rung: number | null }[] = [];
  let s = state;
  for (const [trialId, epoch, value] of reports) {
    const r = ashaReport(s, { trialId, epoch, value });
    s = r.state;
    out.push({ decision: r.decision, cutoff: r.cutoff, rung: r.rung });
  }
  return { state: s, out };
}

describe("ashaRungs", () => {
  it("puts rungs at gracePeriod × η^k below the budget", () => {
    expect(ashaRungs(1, 3, 27)).toEqual([1, 3, 9]);
    expect(ashaRungs(1, 4, 100)).toEqual([1, 4, 16, 64]);
    expect(ashaRungs(2, 2, 20)).toEqual([2, 4, 8, 16]);
    expect(ashaRungs(5, 2, 5)).toEqual([]);
  });

  it("refuses a reduction factor below 2", () => {
    expect(() => ashaRungs(1, 1, 27)).toThrow(SweepError);
    expect(() => ashaRungs(1, 1, 27)).toThrow(/reductionFactor must be an integer >= 2, got 1/);
  });
});

describe("percentile", () => {
  // Reference values: numpy 2.4.6, np.percentile(values, (1 - 1/rf) * 100) with the default
  // linear method, on values drawn by np.random.default_rng(7).normal rounded to 6 digits.
  const cases: [number, number[], number][] = [
    [2, [0.00123, 0.298746, -0.274138, -0.890592, -0.454671, -0.991647], -0.3644045],
    [3, [0.060144, 1.340215, -0.492207, -0.620475, 0.489842], 0.34660933333333344],
    [
      3,
      [0.356887, 0.105414, -0.930468, -0.029252, 0.695303, -1.344215, -0.457616, -1.901223],
      0.06052533333333336,
    ],
    [4, [-1.289538, -1.841735, -0.235091, -1.267446, 0.271264, 0.156751], 0.058790499999999996],
    [
      5,
      [
        -0.186931, -2.51676, -0.538693, -0.048501, 0.113309, -1.530136, -0.477753, -0.978519,
        -0.808837,
      ],
      -0.13155899999999998,
    ],
  ];
  it.each(cases)("matches numpy to the last bit (η = %i)", (rf, values, expected) => {
    expect(percentile(values, (1 - 1 / rf) * 100)).toBe(expected);
    expect(ashaCutoff(values, rf, "max")).toBe(expected);
  });

  it("gives the single value when only one is recorded", () => {
    expect(percentile([0.25], 75)).toBe(0.25);
  });
});

describe("ashaReport", () => {
  it("stops trials below the top 1/η at a rung (max mode, η = 3), by hand", () => {
    // Rung 1 (gracePeriod 1); q = 1 − 1/3 = 2/3; cutoff = linear percentile of the earlier values.
    // a 0.5: nothing recorded, continue.
    // b 0.7: [0.5] → cutoff 0.5; 0.7 ≥ 0.5, continue.
    // c 0.4: [0.5, 0.7], index (2−1)·2/3 = 0.667 → 0.7 − 0.2·(1/3) = 0.6333; 0.4 < 0.6333, stop.
    // d 0.8: [0.4, 0.5, 0.7], index 2·2/3 = 1.333 → 0.5 + 0.2·(1/3) = 0.5667; 0.8, continue.
    // e 0.55: [0.4, 0.5, 0.7, 0.8], index 3·2/3 = 2 → 0.7; 0.55 < 0.7, stop.
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 3,
      maxEpochs: 27,
      mode: "max",
    });
    const { out } = run(state, [
      ["a", 1, 0.5],
      ["b", 1, 0.7],
      ["c", 1, 0.4],
      ["d", 1, 0.8],
      ["e", 1, 0.55],
    ]);
    expect(out.map((o) => o.decision)).toEqual([
      "continue",
      "continue",
      "stop",
      "continue",
      "stop",
    ]);
    const cutoffs = out.map((o) => o.cutoff);
    expect(cutoffs[0]).toBeNull();
    expect(cutoffs[1]).toBe(0.5);
    expect(cutoffs[2]).toBeCloseTo(0.7 - 0.2 / 3, 14);
    expect(cutoffs[3]).toBeCloseTo(0.5 + 0.2 / 3, 14);
    expect(cutoffs[4]).toBe(0.7);
    // numpy 2.4.6: np.percentile([0.5, 0.7], 200/3) and np.percentile([0.4, 0.5, 0.7], 200/3).
    expect(cutoffs[2]).toBe(0.6333333333333333);
    expect(cutoffs[3]).toBe(0.5666666666666667);
  });

  it("judges losses the other way round (min mode, η = 4), by hand", () => {
    // Rewards are −loss; q = 0.75; stop when −loss < cutoff, i.e. loss > −cutoff.
    // a 1.0: first, continue.
    // b 2.0: rewards [−1] → −1, cutoff loss 1.0; 2.0 > 1.0, stop.
    // c 0.5: rewards [−2, −1], index 0.75 → −1 − 1·0.25 = −1.25 → 1.25; 0.5 ≤ 1.25, continue.
    // d 1.5: rewards [−2, −1, −0.5], index 1.5 → −0.75 → 0.75; 1.5 > 0.75, stop.
    // e 0.9: rewards [−2, −1.5, −1, −0.5], index 2.25 → −1 + 0.5·0.25 = −0.875 → 0.875; stop.
    const state = createAshaState({
      gracePeriod: 2,
      reductionFactor: 4,
      maxEpochs: 32,
      mode: "min",
    });
    const { out } = run(state, [
      ["a", 2, 1.0],
      ["b", 2, 2.0],
      ["c", 2, 0.5],
      ["d", 2, 1.5],
      ["e", 2, 0.9],
    ]);
    expect(out).toEqual([
      { decision: "continue", cutoff: null, rung: 2 },
      { decision: "stop", cutoff: 1.0, rung: 2 },
      { decision: "continue", cutoff: 1.25, rung: 2 },
      { decision: "stop", cutoff: 0.75, rung: 2 },
      { decision: "stop", cutoff: 0.875, rung: 2 },
    ]);
  });

  it("judges a report at the highest rung reached, and not below the first", () => {
    // Rungs 1, 2, 4 (η = 2, budget 8). Epoch 3 counts for rung 2; epoch 0 for none.
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 2,
      maxEpochs: 8,
      mode: "max",
    });
    const { out, state: s } = run(state, [
      ["a", 0, 0.1],
      ["a", 3, 0.6],
      ["b", 3, 0.5], // [0.6] → cutoff 0.6; 0.5 < 0.6, stop.
      ["c", 7, 0.9], // rung 4, nothing recorded there: continue.
    ]);
    expect(out.map((o) => [o.rung, o.decision])).toEqual([
      [null, "continue"],
      [2, "continue"],
      [2, "stop"],
      [4, "continue"],
    ]);
    expect(s.rungs.map((r) => Object.keys(r.records))).toEqual([[], ["a", "b"], ["c"]]);
  });

  it("gives a replayed (trial, rung) report the stored decision without recording it twice", () => {
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 2,
      maxEpochs: 8,
      mode: "max",
    });
    const first = run(state, [
      ["a", 1, 0.6],
      ["b", 1, 0.4], // [0.6] → 0.6; stop.
    ]);
    // b resumes from a checkpoint and reports epoch 1 again, with the same or another value.
    const again = ashaReport(first.state, { trialId: "b", epoch: 1, value: 0.4 });
    expect(again).toMatchObject({ decision: "stop", cutoff: 0.6, rung: 1, replayed: true });
    expect(again.state).toBe(first.state);
    const changed = ashaReport(first.state, { trialId: "b", epoch: 1, value: 0.99 });
    expect(changed.decision).toBe("stop");
    // A third trial sees two recorded values, not three: [0.4, 0.6] → 0.5; 0.55 continues.
    const c = ashaReport(again.state, { trialId: "c", epoch: 1, value: 0.55 });
    expect(c).toMatchObject({ decision: "continue", cutoff: 0.5, replayed: false });
    // a replays after c: still "continue", though 0.6 would now face a different cutoff.
    expect(ashaReport(c.state, { trialId: "a", epoch: 1, value: 0.6 }).decision).toBe("continue");
  });

  it("does not modify the state it is given", () => {
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 3,
      maxEpochs: 9,
      mode: "min",
    });
    const before = JSON.stringify(state);
    const r = ashaReport(state, { trialId: "a", epoch: 1, value: 1 });
    expect(JSON.stringify(state)).toBe(before);
    expect(r.state).not.toBe(state);
    expect(r.state.rungs[0]?.records.a).toEqual({ value: 1, cutoff: null, decision: "continue" });
  });

  it("stops a NaN or infinite value once a rung has a value, and leaves it out of cutoffs", () => {
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 2,
      maxEpochs: 4,
      mode: "min",
    });
    const { out } = run(state, [
      ["a", 1, Number.NaN], // first: nothing to compare with, continue.
      ["b", 1, 1.0], // recorded [NaN] has no finite value: no cutoff, continue.
      ["c", 1, Number.POSITIVE_INFINITY], // cutoff 1.0, infinite loss: stop.
      ["d", 1, 0.5], // [1.0] (NaN, ∞ left out) → 1.0; continue.
    ]);
    expect(out.map((o) => [o.decision, o.cutoff])).toEqual([
      ["continue", null],
      ["continue", null],
      ["stop", 1.0],
      ["continue", 1.0],
    ]);
  });

  it("refuses a malformed report", () => {
    const state = createAshaState({
      gracePeriod: 1,
      reductionFactor: 2,
      maxEpochs: 4,
      mode: "max",
    });
    for (const bad of [
      { trialId: "", epoch: 1, value: 1 },
      { trialId: "a", epoch: -1, value: 1 },
      { trialId: "a", epoch: 1.5, value: 1 },
      { trialId: "a", epoch: 1, value: "1" as unknown as number },
    ]) {
      let caught: unknown;
      try {
        ashaReport(state, bad);
      } catch (e) {
        caught = e;
      }
      expect(caught).toBeInstanceOf(SweepError);
      expect((caught as SweepError).code).toBe("INVALID_REPORT");
    }
  });
});
