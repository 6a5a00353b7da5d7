import { describe, expect, it } from "vitest";
import { cosineAnnealingLR } from "./cosine-annealing-lr.js";
import { cosineAnnealingWarmRestarts } from "./cosine-annealing-warm-restarts.js";
import { cyclicLR } from "./cyclic-lr.js";
import { linearLR } from "./linear-lr.js";
import { oneCycleLR } from "./one-cycle-lr.js";
import type { Schedule } from "./schedule.js";
import { sequentialLR } from "./sequential-lr.js";
import { linearScheduleWithWarmup } from "./warmup-recipes.js";

const seq = (s: Schedule, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => s(from + i));
const nonIncreasing = (v: number[]) => v.every((x, i) => i === 0 || x <= (v[i - 1] as number));
const nonDecreasing = (v: number[]) => v.every((x, i) => i === 0 || x >= (v[i - 1] as number));

// Reference values transcribed from PyTorch's lr_scheduler code (six significant digits),
// complementing the float64 golden fixture with the cos and three-phase one-cycle variants.
describe("one-cycle and cyclic reference points", () => {
  const rel = (a: number, e: number) => Math.abs(a - e) / e;
  it("oneCycleLR cos, maxLr 0.1, 100 steps", () => {
    const s = oneCycleLR({ maxLr: 0.1, totalSteps: 100 });
    const ks = [0, 1, 10, 29, 30, 50, 64, 98, 99];
    const want = [
      0.004, 0.00428138, 0.0295164, 0.1, 0.0999497, 0.0793893, 0.0500002, 5.07465e-5, 4e-7,
    ];
    ks.forEach((k, i) => {
      expect(rel(s(k), want[i] as number)).toBeLessThan(1e-5);
    });
  });
  it("oneCycleLR three-phase", () => {
    const s = oneCycleLR({ maxLr: 0.1, totalSteps: 100, threePhase: true });
    const ks = [0, 29, 30, 58, 59, 70, 99];
    const want = [0.004, 0.1, 0.0997186, 0.004, 0.00399413, 0.00321253, 4e-7];
    ks.forEach((k, i) => {
      expect(rel(s(k), want[i] as number)).toBeLessThan(1e-5);
    });
  });
  it("cyclicLR triangular2 halves the amplitude each cycle", () => {
    const s = cyclicLR({ baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4 });
    expect(seq(s, 0, 6).map((v) => +v.toFixed(6))).toEqual([
      0.01, 0.0325, 0.055, 0.0775, 0.1, 0.0775,
    ]);
    const t2 = cyclicLR({ baseLr: 0.01, maxLr: 0.1, stepSizeUp: 4, mode: "triangular2" });
    expect(seq(t2, 8, 13).map((v) => +v.toFixed(6))).toEqual([
      0.01, 0.02125, 0.0325, 0.04375, 0.055,
    ]);
  });
  it("cosineAnnealingWarmRestarts restarts at t0 and t0 * (1 + tMult)", () => {
    const s = cosineAnnealingWarmRestarts({ lr: 0.1, t0: 3, tMult: 2, etaMin: 0.001 });
    const want = [0.1, 0.07525, 0.02575, 0.1, 0.093368, 0.07525, 0.0505, 0.02575, 0.0076317, 0.1];
    seq(s, 0, 10).forEach((v, k) => {
      expect(rel(v, want[k] as number)).toBeLessThan(1e-5);
    });
  });
});

describe("shape properties", () => {
  it("cosineAnnealingLR is non-increasing on [0, tMax] and ends at etaMin", () => {
    const s = cosineAnnealingLR({ lr: 0.5, tMax: 37, etaMin: 0.01 });
    expect(nonIncreasing(seq(s, 0, 38))).toBe(true);
    expect(s(37)).toBeCloseTo(0.01, 15);
  });

  it("HF linear warm-up rises to the peak at W, then never rises", () => {
    const s = linearScheduleWithWarmup({ lr: 3, numWarmupSteps: 17, numTrainingSteps: 90 });
    expect(nonDecreasing(seq(s, 0, 18))).toBe(true);
    expect(s(17)).toBe(3);
    expect(nonIncreasing(seq(s, 17, 120))).toBe(true);
  });

  it("oneCycleLR rises to maxLr then falls monotonically to maxLr / divFactor / finalDivFactor", () => {
    const s = oneCycleLR({
      maxLr: 1,
      totalSteps: 200,
      pctStart: 0.25,
      divFactor: 10,
      finalDivFactor: 100,
    });
    expect(nonDecreasing(seq(s, 0, 50))).toBe(true);
    expect(s(49)).toBe(1);
    expect(nonIncreasing(seq(s, 49, 200))).toBe(true);
    expect(s(199)).toBeCloseTo(1e-3, 15);
  });

  it("sequentialLR is continuous at the milestone (warm-up ends where cosine starts)", () => {
    const warm = linearLR({ lr: 0.2, startFactor: 0.1, totalIters: 10 });
    const s = sequentialLR({
      schedulers: [warm, cosineAnnealingLR({ lr: 0.2, tMax: 50 })],
      milestones: [10],
    });
    const v = seq(s, 0, 60);
    const warmStep = (0.2 * 0.9) / 10;
    // the jump into the cosine is one warm-up increment, not a discontinuity
    expect(Math.abs((v[10] as number) - (v[9] as number))).toBeLessThanOrEqual(warmStep + 1e-15);
    expect(v[10]).toBe(0.2);
    expect(nonIncreasing(v.slice(10))).toBe(true);
    // the child restarts its count at the milestone, as PyTorch
    expect(s(35)).toBe(cosineAnnealingLR({ lr: 0.2, tMax: 50 })(25));
  });

  it("schedules are pure: the same step always gives the same rate, in any order", () => {
    const s = oneCycleLR({ maxLr: 0.1, totalSteps: 100 });
    const forward = seq(s, 0, 100);
    const backward = seq(s, 0, 100).reverse().reverse();
    expect(backward).toEqual(forward);
    expect([s(50), s(3), s(50)]).toEqual([forward[50], forward[3], forward[50]]);
  });
});
