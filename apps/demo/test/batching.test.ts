import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BatchingResult } from "../src/commands/batching.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { removeTempDirs, tempDir, trainkitJson } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

describe("trainkit batching --quick", () => {
  let result: BatchingResult & { tensorsLeft: number };
  beforeAll(() => {
    ({ result } = trainkitJson<typeof result>("batching", "--quick", "--out", tempDir("batching")));
  });

  it("trains batch size 1, random padded and grouped padded batches", () => {
    expect(result.runs.map((r) => [r.mode, r.batchSize])).toEqual([
      ["batch-size-1", 1],
      ["random-padded", 8],
      ["grouped-padded", 8],
    ]);
    // 24 images, 2 epochs: 48 single steps; padded ways take at least 3 steps an epoch.
    expect(result.runs[0]?.steps).toBe(48);
    for (const r of result.runs) {
      expect(Number.isFinite(r.finalLoss), r.mode).toBe(true);
      expect(r.imagesPerSecond, r.mode).toBeGreaterThan(0);
    }
    // Two quick epochs are 48 updates at batch size 1 (only 6-12 padded): that one must learn.
    expect(result.runs[0]?.finalLoss).toBeLessThan(result.runs[0]?.initialLoss as number);
    expect(result.losses).toHaveLength(3 * 2);
    expect(result.tensorsLeft).toBe(0);
  });

  it("grouping by aspect ratio wastes less on padding than random batches", () => {
    const [one, random, grouped] = result.runs;
    expect(grouped?.paddingWaste).toBeLessThan(random?.paddingWaste as number);
    expect(one?.paddingWaste).toBeLessThan(grouped?.paddingWaste as number);
  });

  it.skipIf(!hasChromium)("its report renders every chart and image in Chromium", async () => {
    const page = await openReport(result.report);
    expect(page.errors).toEqual([]);
    expect(page.external).toEqual([]);
    expect(page.charts.map((c) => c.id)).toEqual([
      "images-per-second",
      "batching-loss",
      "padding-waste",
    ]);
    for (const c of page.charts) expect(c.items, c.id).toBeGreaterThan(0);
    expect(page.images).toHaveLength(8);
    for (const img of page.images) expect(img.loaded, img.alt).toBe(true);
  });
});
