import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { SplitResult } from "../src/commands/split.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { removeTempDirs, tempDir, trainkitJson } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

describe("trainkit split --quick", () => {
  let result: SplitResult & { tensorsLeft: number };
  beforeAll(() => {
    ({ result } = trainkitJson<typeof result>("split", "--quick", "--out", tempDir("split")));
  });

  it("together, the model learns; split separately, images train with other images' labels", () => {
    const byName = Object.fromEntries(result.ways.map((w) => [w.name, w]));
    const together = byName.together;
    const twoSeeds = byName["separately, two seeds"];
    const stratifiedOnce = byName["separately, same seed, y stratified"];
    const onePlan = byName["one plan for both"];
    expect(together?.trainPairsCorrect).toBe(1);
    expect(onePlan?.trainPairsCorrect).toBe(1);
    expect(together?.freshAccuracy).toBeGreaterThan(0.9);
    expect(onePlan?.freshAccuracy).toBeGreaterThan(0.9);
    // Ten balanced classes: a random pairing keeps about 10% of labels; the model learns noise.
    for (const w of [twoSeeds, stratifiedOnce]) {
      expect(w?.trainPairsCorrect).toBeLessThan(0.2);
      expect(w?.freshAccuracy).toBeLessThan(0.3);
      expect(w?.testAccuracy).toBeLessThan(0.3);
    }
    expect(result.tensorsLeft).toBe(0);
  });

  it("shows the error for X and y of different lengths", () => {
    expect(result.lengthMismatchError).toMatch(
      /^INCONSISTENT_LENGTH: Found input variables with inconsistent numbers of samples: \[600, 599\]/,
    );
  });

  it.skipIf(!hasChromium)("its report renders every chart in Chromium", async () => {
    const page = await openReport(result.report);
    expect(page.errors).toEqual([]);
    expect(page.charts.map((c) => c.id)).toEqual([
      "split-accuracy",
      "confusion-together",
      "confusion-separately-two-seeds",
    ]);
    for (const c of page.charts) expect(c.items, c.id).toBeGreaterThan(0);
  });
});
