import { describe, expect, it } from "vitest";
import { BatchingError } from "./errors.js";
import { paddingWaste } from "./padding-waste.js";
import { resizedSize } from "./resize-to-range.js";

describe("paddingWaste", () => {
  // 640x480 under min 800 / max 1333: scale 800/480 = 5/3, so 480x640 -> 800x1066 (exact ratio).
  const landscape = [800, 1066] as const;
  const portrait = [1066, 800] as const;

  it("landscape + portrait twin pads to 1088x1088 and wastes 28.0%", () => {
    const w = paddingWaste([landscape, portrait]);
    expect(w.paddedSize).toEqual([1088, 1088]);
    expect(w.validPixels).toBe(2 * 800 * 1066);
    expect(w.paddedPixels).toBe(2 * 1088 * 1088);
    expect(w.wastedPixels).toBe(2 * 1088 * 1088 - 2 * 800 * 1066);
    expect(w.waste).toBeCloseTo(1 - 852800 / 1183744, 12);
    expect(Number((w.waste * 100).toFixed(1))).toBe(28.0);
  });

  it("two landscapes pad to 800x1088 and waste 2.0%", () => {
    const w = paddingWaste([landscape, landscape]);
    expect(w.paddedSize).toEqual([800, 1088]);
    expect(w.waste).toBeCloseTo(1 - 1066 / 1088, 12);
    expect(Number((w.waste * 100).toFixed(1))).toBe(2.0);
  });

  it("16:9 with 4:3 landscape pads to 800x1344 and wastes 13.9%", () => {
    // 1920x1080 -> scale capped by 1333/1920 -> 749x1333.
    const wide = resizedSize([1080, 1920]).size;
    expect(wide).toEqual([749, 1333]);
    const w = paddingWaste([wide, landscape]);
    expect(w.paddedSize).toEqual([800, 1344]);
    expect(Number((w.waste * 100).toFixed(1))).toBe(13.9);
  });

  it("from real 640x480 photos: exact-ratio rule gives 28.0% / 2.0%, torchvision float32 gives 799 rows", () => {
    const exact = resizedSize([480, 640], { scalePrecision: "float64" }).size;
    const twin = resizedSize([640, 480], { scalePrecision: "float64" }).size;
    expect(paddingWaste([exact, twin]).paddedSize).toEqual([1088, 1088]);
    expect(Number((paddingWaste([exact, twin]).waste * 100).toFixed(1))).toBe(28.0);
    expect(Number((paddingWaste([exact, exact]).waste * 100).toFixed(1))).toBe(2.0);
    const tv = resizedSize([480, 640]).size; // [799, 1066]
    const tvTwin = resizedSize([640, 480]).size; // [1066, 799]
    expect(paddingWaste([tv, tvTwin]).paddedSize).toEqual([1088, 1088]);
    // 1 - 799*1066 / (800*1088) = 2.1%: the float32 scale costs one row.
    expect(paddingWaste([tv, tv]).waste).toBeCloseTo(1 - (799 * 1066) / (800 * 1088), 12);
  });

  it("a single image only wastes its rounding", () => {
    expect(paddingWaste([[32, 64]]).waste).toBe(0);
    expect(paddingWaste([[30, 64]]).waste).toBeCloseTo(2 / 32, 12);
  });

  it("rejects an empty batch with a BatchingError", () => {
    expect(() => paddingWaste([])).toThrow(BatchingError);
    expect(() => paddingWaste([[1, 1]], { sizeDivisible: -3 })).toThrow(/got -3/);
  });
});
