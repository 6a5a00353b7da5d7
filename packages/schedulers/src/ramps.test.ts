import { describe, expect, it } from "vitest";
import { cyclicalRamp, linearRamp, sigmoidRamp } from "./ramps.js";
import { scheduleFromJSON } from "./schedule-json.js";

describe("loss-weight ramps", () => {
  it("linearRamp holds, ramps, then holds", () => {
    const r = linearRamp({ steps: 4, delay: 2 });
    expect([0, 1, 2, 3, 4, 5, 6, 7].map(r)).toEqual([0, 0, 0, 0.25, 0.5, 0.75, 1, 1]);
  });

  it("sigmoidRamp is the logistic curve centred at steps / 2", () => {
    const r = sigmoidRamp({ from: 0, to: 2, steps: 100 });
    expect(r(50)).toBeCloseTo(1, 15);
    expect(r(0)).toBeCloseTo(2 / (1 + Math.exp(5)), 15);
    expect(r(100)).toBeCloseTo(2 / (1 + Math.exp(-5)), 15);
  });

  it("cyclicalRamp (Fu et al.): 4 cycles of 10 updates, ramp over the first half", () => {
    const r = cyclicalRamp({ totalSteps: 40, numCycles: 4, ratio: 0.5 });
    expect([0, 1, 4, 5, 9, 10, 12, 39].map(r)).toEqual([0, 0.2, 0.8, 1, 1, 0, 0.4, 1]);
  });

  it("ramps round-trip through JSON", () => {
    for (const r of [
      linearRamp({ steps: 3, from: 1, to: 0 }),
      sigmoidRamp({ steps: 9 }),
      cyclicalRamp({ totalSteps: 30 }),
    ]) {
      const back = scheduleFromJSON(JSON.stringify(r));
      expect([0, 3, 7, 29].map(back)).toEqual([0, 3, 7, 29].map(r));
    }
  });
});
