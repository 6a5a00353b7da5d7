import { describe, expect, it } from "vitest";
import { cosineAnnealingLR } from "./cosine-annealing-lr.js";
import { describeSchedule } from "./describe-schedule.js";
import { linearLR } from "./linear-lr.js";
import { oneCycleLR } from "./one-cycle-lr.js";
import { sequentialLR } from "./sequential-lr.js";
import { cosineScheduleWithWarmup, linearScheduleWithWarmup } from "./warmup-recipes.js";

const codes = (d: { warnings: { code: string }[] }) => d.warnings.map((w) => w.code);

describe("describeSchedule", () => {
  it("reports peak, where it is, and the final value of a warm-up + cosine", () => {
    const s = cosineScheduleWithWarmup({
      lr: 0.01,
      numWarmupSteps: 10,
      numTrainingSteps: 100,
      warmupStartFactor: 0.1,
    });
    const d = describeSchedule(s, 100);
    expect(d.peak).toBe(0.01);
    expect(d.peakStep).toBe(10);
    expect(d.first).toBeCloseTo(0.001, 15);
    // step 99: 0.01 * 0.5 * (1 + cos(pi * 89 / 90))
    expect(d.final).toBeCloseTo(0.01 * 0.5 * (1 + Math.cos((Math.PI * 89) / 90)), 15);
    expect(d.warnings).toEqual([]);
  });

  it("warns that the Hugging Face warm-up wastes the first update at 0", () => {
    const d = describeSchedule(
      linearScheduleWithWarmup({ lr: 1, numWarmupSteps: 5, numTrainingSteps: 50 }),
      50,
    );
    expect(codes(d)).toEqual(["FIRST_UPDATE_AT_ZERO"]);
    expect(d.warnings[0]?.message).toMatch(/warmupStartFactor/);
  });

  it("warns when a cosine rises again after tMax", () => {
    const d = describeSchedule(cosineAnnealingLR({ lr: 0.1, tMax: 10 }), 15);
    expect(codes(d)).toEqual(["RISES_AFTER_DECAY"]);
    expect(d.warnings[0]?.message).toMatch(/from update 11/);
    expect(d.warnings[0]?.message).toMatch(/15/);
    expect(codes(describeSchedule(cosineAnnealingLR({ lr: 0.1, tMax: 15 }), 15))).toEqual([]);
  });

  it("warns when the warm-up never reaches the peak", () => {
    const warm = linearLR({ lr: 0.1, startFactor: 0.01, totalIters: 50 });
    const s = sequentialLR({
      schedulers: [warm, cosineAnnealingLR({ lr: 0.1, tMax: 100 })],
      milestones: [50],
    });
    const d = describeSchedule(s, 30);
    expect(codes(d)).toEqual(["PEAK_NOT_REACHED"]);
    expect(d.peakStep).toBe(29);
    expect(codes(describeSchedule(s, 150))).toEqual([]);
  });

  it("warns when the run is longer than a one-cycle schedule instead of throwing", () => {
    const d = describeSchedule(oneCycleLR({ maxLr: 0.1, totalSteps: 100 }), 120);
    expect(codes(d)).toEqual(["RUN_LONGER_THAN_SCHEDULE"]);
    expect(d.warnings[0]?.message).toMatch(/totalSteps: 120/);
    expect(d.peak).toBe(0.1);
  });
});
