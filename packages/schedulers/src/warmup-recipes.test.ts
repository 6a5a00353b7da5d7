import { describe, expect, it } from "vitest";
import type { Schedule } from "./schedule.js";
import { scheduleFromJSON } from "./schedule-json.js";
import {
  constantScheduleWithWarmup,
  cosineScheduleWithWarmup,
  cosineWithHardRestartsScheduleWithWarmup,
  cosineWithMinLrScheduleWithWarmup,
  inverseSqrtSchedule,
  linearScheduleWithWarmup,
  polynomialDecayScheduleWithWarmup,
  wsdSchedule,
} from "./warmup-recipes.js";

// Reference multipliers hand-computed from Hugging Face transformers' documented lambdas
// (optimization.py), lr = 1 so the rate equals the multiplier. Six significant digits.
const seq = (s: Schedule, n: number) => Array.from({ length: n }, (_, k) => s(k));
function expectNear(actual: number[], expected: number[], tol = 1e-5) {
  expect(actual).toHaveLength(expected.length);
  actual.forEach((a, k) => {
    expect(Math.abs(a - (expected[k] as number))).toBeLessThanOrEqual(tol);
  });
}

describe("Hugging Face warm-up recipes", () => {
  it("linear: W=2, N=10 warms up from exactly 0 and decays to 0", () => {
    const s = linearScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, numTrainingSteps: 10 });
    expectNear(seq(s, 12), [0, 0.5, 1, 0.875, 0.75, 0.625, 0.5, 0.375, 0.25, 0.125, 0, 0]);
  });

  it("cosine: W=2, N=10 half-wave to 0", () => {
    const s = cosineScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, numTrainingSteps: 10 });
    expectNear(
      seq(s, 11),
      [0, 0.5, 1, 0.96194, 0.853553, 0.691342, 0.5, 0.308658, 0.146447, 0.0380602, 0],
    );
  });

  it("cosine with hard restarts: 2 cycles restart to the peak at mid-run, 0 after the run", () => {
    const s = cosineWithHardRestartsScheduleWithWarmup({
      lr: 1,
      numWarmupSteps: 2,
      numTrainingSteps: 10,
      numCycles: 2,
    });
    expectNear(seq(s, 12), [0, 0.5, 1, 0.853553, 0.5, 0.146447, 1, 0.853553, 0.5, 0.146447, 0, 0]);
  });

  it("inverse sqrt: W=4 (timescale defaults to W)", () => {
    const s = inverseSqrtSchedule({ lr: 1, numWarmupSteps: 4 });
    expectNear(seq(s, 9), [0, 0.25, 0.5, 0.75, 1, 0.894427, 0.816497, 0.755929, Math.SQRT1_2]);
    expect(s(100)).toBeCloseTo(0.2, 12);
  });

  it("warmup-stable-decay: W=2, S=4, D=4 with a cosine decay", () => {
    const s = wsdSchedule({ lr: 1, numWarmupSteps: 2, numStableSteps: 4, numDecaySteps: 4 });
    expectNear(seq(s, 11), [0, 0.5, 1, 1, 1, 1, 1, 0.853553, 0.5, 0.146447, 0]);
    const fromTotal = wsdSchedule({
      lr: 1,
      numWarmupSteps: 2,
      numTrainingSteps: 10,
      numDecaySteps: 4,
    });
    expectNear(seq(fromTotal, 11), seq(s, 11), 0);
  });

  it("warmup-stable-decay: 1-sqrt shapes and a floor", () => {
    const s = wsdSchedule({
      lr: 2,
      numWarmupSteps: 4,
      numStableSteps: 1,
      numDecaySteps: 4,
      minLrRatio: 0.1,
      warmupType: "1-sqrt",
      decayType: "1-sqrt",
    });
    // warm-up: 2 * ((1 - sqrt(1 - k/4)) * 0.9 + 0.1); decay: 2 * ((1 - sqrt(p)) * 0.9 + 0.1)
    expect(s(0)).toBeCloseTo(0.2, 12);
    expect(s(2)).toBeCloseTo(2 * ((1 - Math.sqrt(0.5)) * 0.9 + 0.1), 12);
    expect(s(4)).toBe(2);
    expect(s(6)).toBeCloseTo(2 * ((1 - Math.sqrt(0.25)) * 0.9 + 0.1), 12);
    expect(s(9)).toBeCloseTo(0.2, 12);
  });

  it("cosine with min lr: agrees with the cross-library vector (HF, optax, Keras)", () => {
    const s = cosineWithMinLrScheduleWithWarmup({
      lr: 1,
      numWarmupSteps: 2,
      numTrainingSteps: 10,
      minLrRate: 0.1,
    });
    expectNear(
      seq(s, 11),
      [0, 0.5, 1, 0.965746, 0.868198, 0.722208, 0.55, 0.377792, 0.231802, 0.134254, 0.1],
    );
    const absolute = cosineWithMinLrScheduleWithWarmup({
      lr: 2,
      numWarmupSteps: 2,
      numTrainingSteps: 10,
      minLr: 0.2,
    });
    expectNear(
      seq(absolute, 11),
      seq(s, 11).map((v) => 2 * v),
      1e-12,
    );
  });

  it("polynomial: decays from lr to lrEnd with the given power, then holds lrEnd", () => {
    const s = polynomialDecayScheduleWithWarmup({
      lr: 1,
      numWarmupSteps: 2,
      numTrainingSteps: 10,
      lrEnd: 0.1,
      power: 2,
    });
    // (1 - 0.1) * (1 - (k - 2) / 8) ** 2 + 0.1
    expect(s(1)).toBeCloseTo(0.5, 12);
    expect(s(2)).toBeCloseTo(1, 12);
    expect(s(6)).toBeCloseTo(0.9 * 0.25 + 0.1, 12);
    expect(s(10)).toBeCloseTo(0.1, 12);
    expect(s(50)).toBe(0.1);
  });

  it("constant with warm-up: ramps then holds", () => {
    const s = constantScheduleWithWarmup({ lr: 0.3, numWarmupSteps: 3 });
    expectNear(seq(s, 5), [0, 0.1, 0.2, 0.3, 0.3], 1e-15);
  });

  it("warmupStartFactor starts the warm-up above 0 and still peaks at numWarmupSteps", () => {
    const s = linearScheduleWithWarmup({
      lr: 1,
      numWarmupSteps: 4,
      numTrainingSteps: 8,
      warmupStartFactor: 0.1,
    });
    expectNear(seq(s, 9), [0.1, 0.325, 0.55, 0.775, 1, 0.75, 0.5, 0.25, 0], 1e-12);
  });

  it("every recipe round-trips through JSON", () => {
    const all: Schedule[] = [
      linearScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, numTrainingSteps: 10 }),
      cosineScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, numTrainingSteps: 10, numCycles: 1 }),
      cosineWithHardRestartsScheduleWithWarmup({
        lr: 1,
        numWarmupSteps: 2,
        numTrainingSteps: 10,
      }),
      polynomialDecayScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, numTrainingSteps: 10 }),
      constantScheduleWithWarmup({ lr: 1, numWarmupSteps: 2, warmupStartFactor: 0.2 }),
      inverseSqrtSchedule({ lr: 1, numWarmupSteps: 0 }),
      cosineWithMinLrScheduleWithWarmup({
        lr: 1,
        numWarmupSteps: 2,
        numTrainingSteps: 10,
        minLr: 0.5,
      }),
      wsdSchedule({ lr: 1, numWarmupSteps: 2, numStableSteps: 3, numDecaySteps: 4 }),
    ];
    for (const s of all) {
      const rebuilt = scheduleFromJSON(JSON.parse(JSON.stringify(s)));
      expect(seq(rebuilt, 14)).toEqual(seq(s, 14));
    }
  });
});
