import { planSplit } from "@trainkit/data-split";
import { beforeAll, describe, expect, it } from "vitest";
import { splitExperiment, splitOptions } from "../src/experiments/split.js";
import { barImages } from "../src/synthetic.js";
import { useCpuBackend, withoutLeaks } from "./helpers/backends.js";

beforeAll(useCpuBackend);

describe("the split experiment (cpu backend, 200 images)", () => {
  it("measures each way's label pairing, trains on it and reports the length guard", async () => {
    const options = { ...splitOptions({ quick: true, seed: 3 }), samples: 200, freshSamples: 40 };
    expect(options).toMatchObject({ testSize: 0.25, epochs: 3 });
    const { value: data, leaked } = await withoutLeaks(() => splitExperiment(options));
    expect(leaked).toBe(0);
    expect(data.ways.map((w) => w.name)).toEqual([
      "together",
      "separately, two seeds",
      "separately, same seed, y stratified",
      "one plan for both",
    ]);
    // Reference: the share of training rows that keep their label, from the plans themselves.
    const { labels, x, y } = await barImages(200, 3);
    x.dispose();
    y.dispose();
    const kept = (a: ReturnType<typeof planSplit>, b: ReturnType<typeof planSplit>) =>
      a.train.filter((row, i) => labels[row] === labels[b.train[i] as number]).length /
      a.train.length;
    const plan = (extra: object) => planSplit(200, { testSize: 0.25, seed: 3, ...extra });
    const [together, twoSeeds, stratifiedOnce, onePlan] = data.ways;
    expect(together?.trainPairsCorrect).toBe(1);
    expect(onePlan?.trainPairsCorrect).toBe(1);
    expect(twoSeeds?.trainPairsCorrect).toBe(kept(plan({}), plan({ seed: 4 })));
    expect(stratifiedOnce?.trainPairsCorrect).toBe(kept(plan({}), plan({ stratify: labels })));
    expect(twoSeeds?.trainPairsCorrect).toBeLessThan(0.3);
    for (const w of data.ways) {
      expect(w.testAccuracy).toBeGreaterThanOrEqual(0);
      expect(w.freshAccuracy).toBeLessThanOrEqual(1);
    }
    // Every new image lands in one cell of each way's confusion matrix.
    for (const m of data.confusion) {
      expect(m.matrix.flat().reduce((a, b) => a + b, 0)).toBe(40);
    }
    expect(data.examples.map((e) => e.name)).toEqual(["together", "separately, two seeds"]);
    for (const e of data.examples) {
      expect(e.images).toHaveLength(8);
      for (const img of e.images) expect(img.pixels).toHaveLength(28 * 28);
    }
    expect(data.lengthMismatchError).toMatch(
      /^INCONSISTENT_LENGTH: Found input variables with inconsistent numbers of samples: \[200, 199\]/,
    );
  });
});
