import { describe, expect, it } from "vitest";
import { epochPaddingReport, planPaddingWaste } from "./epoch-padding-report.js";
import { BatchingError } from "./errors.js";
import type { ImageSize } from "./image.js";

// 8 landscapes (800x1066) and 8 portraits (1066x800), the 640x480 photo and its twin after resizing.
const sizes: ImageSize[] = Array.from({ length: 16 }, (_, i) =>
  i % 2 === 0 ? ([800, 1066] as const) : ([1066, 800] as const),
);

describe("epochPaddingReport", () => {
  it("grouped batches of 2 waste 2.0%, like batch size 1, in half the steps", () => {
    const r = epochPaddingReport(sizes, { batchSize: 2, seed: 0 });
    expect(r.grouped.batches).toBe(8);
    expect(r.grouped.waste).toBeCloseTo(1 - 1066 / 1088, 12);
    expect(r.twoBucket.waste).toBeCloseTo(1 - 1066 / 1088, 12);
    expect(r.batchSizeOne.batches).toBe(16);
    expect(r.batchSizeOne.waste).toBeCloseTo(1 - 1066 / 1088, 12);
    expect(r.grouped.validPixels).toBe(16 * 800 * 1066);
  });

  it("random batches waste between 2.0% and 28.0% depending on how many pairs mix", () => {
    const r = epochPaddingReport(sizes, { batchSize: 2, seed: 0 });
    // each mixed pair pads to 1088x1088, each same pair to 800x1088 (or 1088x800)
    const mixed = (r.random.paddedPixels - 8 * 2 * 800 * 1088) / (2 * (1088 * 1088 - 800 * 1088));
    expect(Number.isInteger(mixed)).toBe(true);
    expect(mixed).toBeGreaterThan(0);
    expect(r.random.waste).toBeGreaterThan(r.grouped.waste);
    expect(r.random.waste).toBeLessThan(0.2797);
  });

  it("planPaddingWaste sums batches and rejects out-of-range indices", () => {
    const p = planPaddingWaste(sizes, [[0, 1], [2]]);
    expect(p.paddedPixels).toBe(2 * 1088 * 1088 + 800 * 1088);
    expect(() => planPaddingWaste(sizes, [[16]])).toThrow(/index 16, outside 0..15/);
    expect(() => epochPaddingReport([], { batchSize: 2 })).toThrow(BatchingError);
  });
});
