import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { expandTrials } from "../src/index.js";

describe("examples/quickstart.ts (the README example)", () => {
  it("runs 18 trials, stops some with ASHA and summarizes the configs", async () => {
    const { summary } = await import("../examples/quickstart.js");
    // Pinned: the same definition gives the same trials and, with ASHA fed in trial order, the
    // same stops on every run (18 × 9 = 162 epochs without early stopping).
    expect(summary).toEqual({
      trials: 18,
      firstId: expandTrials({
        seed: 42,
        space: { x: 1 },
        metric: { name: "m", mode: "min" },
        budget: { epochs: 1 },
      })[0]?.id,
      completed: 7,
      stopped: 11,
      epochsRun: 80,
      configsWithMean: 4,
    });
  });

  it("is the README's quick start, word for word", () => {
    const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");
    const example = read("../examples/quickstart.ts").trim();
    expect(read("../README.md")).toContain(`\`\`\`ts\n${example}\n\`\`\``);
  });
});
