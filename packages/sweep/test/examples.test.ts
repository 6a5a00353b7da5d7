import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { findRedisServer } from "../src/bullmq.js";
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

describe("examples/worker-quickstart.ts (the README's quick start)", () => {
  const REDIS = findRedisServer();
  if (!REDIS && process.env.CI === "true") {
    throw new Error("redis-server is missing; CI must install it (apt-get install redis-server)");
  }

  it.skipIf(!REDIS)("runs 12 trials on two workers with its own Redis, ASHA saving epochs", () => {
    const run = spawnSync(
      process.execPath,
      ["--conditions=@trainkit/source", "--import", "tsx", "examples/worker-quickstart.ts"],
      { cwd: fileURLToPath(new URL("..", import.meta.url)), encoding: "utf8", timeout: 90_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trim().split("\n");
    expect(lines).toHaveLength(4);
    for (const [i, lr] of ["0.003", "0.03", "0.3"].entries()) {
      expect(lines[i]).toMatch(
        new RegExp(
          `^lr ${lr}: (val_loss \\d+\\.\\d{4}|stopped early) \\(\\d completed, \\d stopped\\)$`,
        ),
      );
    }
    // The best learning rate of the three wins by far; ASHA trains fewer than 12 × 27 epochs.
    const loss = (line: string | undefined) => Number(/val_loss (\S+)/.exec(line ?? "")?.[1]);
    expect(loss(lines[2])).toBeLessThan(loss(lines[1]));
    const epochs = Number(/^(\d+) epochs trained instead of 324$/.exec(lines[3] ?? "")?.[1]);
    expect(epochs).toBeGreaterThan(12 * 3);
    expect(epochs).toBeLessThan(324);
  });

  it("is the README's quick start, word for word", () => {
    const read = (rel: string) => readFileSync(new URL(rel, import.meta.url), "utf8");
    const example = read("../examples/worker-quickstart.ts").trim();
    expect(read("../README.md")).toContain(`\`\`\`ts\n${example}\n\`\`\``);
  });
});
