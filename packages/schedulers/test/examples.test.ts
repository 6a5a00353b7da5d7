import { describe, expect, it } from "vitest";
import { quickstart } from "../examples/quickstart.js";

describe("README quick start", () => {
  it("runs and applies the warm-up + cosine schedule at every update", async () => {
    const { preview, history, applied, restored } = await quickstart();
    expect(preview.peak).toBe(0.01);
    expect(preview.peakStep).toBe(5);
    expect(preview.warnings).toEqual([]);
    expect(applied.map((a) => a.step)).toEqual(Array.from({ length: 32 }, (_, k) => k));
    // warm-up: 0.01 * (0.1 + 0.9 * k / 5)
    expect(applied[0]?.lr).toBeCloseTo(0.001, 15);
    expect(applied[3]?.lr).toBeCloseTo(0.01 * (0.1 + 0.9 * 0.6), 15);
    // cosine child restarted at update 5: 0.01 * (1 + cos(pi * (k - 5) / 27)) / 2
    expect(applied[20]?.lr).toBeCloseTo(0.005 * (1 + Math.cos((Math.PI * 15) / 27)), 15);
    expect(history.lr).toHaveLength(4);
    expect(restored(20)).toBe(applied[20]?.lr);
  });
});
