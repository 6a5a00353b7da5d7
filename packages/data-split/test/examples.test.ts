import { describe, expect, it } from "vitest";

describe("examples/quickstart.ts (the README example)", () => {
  it("runs and splits 100 rows 80/20 keeping the 25% positives in both parts", async () => {
    const { summary } = await import("../examples/quickstart.js");
    expect(summary).toEqual({
      trainRows: 80,
      testRows: 20,
      positivesInTest: 5,
      positivesInTrain: 20,
      namedTestRows: 20,
      namedTrainRows: 80,
      planTestRows: 20,
      folds: 5,
      kfoldSizes: [20, 20, 20, 20, 20],
    });
  });
});
