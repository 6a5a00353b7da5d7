import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { WarmupResult } from "../src/commands/warmup.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { type Run, removeTempDirs, tempDir, trainkitJson } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

describe("trainkit warmup --quick", () => {
  let result: WarmupResult & { tensorsLeft: number };
  let run: Run;
  beforeAll(() => {
    ({ result, run } = trainkitJson<typeof result>(
      "warmup",
      "--quick",
      "--out",
      tempDir("warmup"),
    ));
  });

  it("trains the demo CNN five ways from the same start", () => {
    expect(result.runs.map((r) => r.kind)).toEqual([
      "none",
      "learning-rate",
      "batch-size",
      "layers",
      "loss",
    ]);
    for (const r of result.runs) {
      expect(r.epochs).toHaveLength(2);
      expect(Number.isFinite(r.finalLoss), r.name).toBe(true);
    }
    // At Adam 0.1 the run without warm-up saturates (seed 42); the warmed-up one learns.
    const [none, lr] = result.runs;
    expect(lr?.testAccuracy).toBeGreaterThan(0.8);
    expect(none?.testAccuracy).toBeLessThan(0.5);
    expect(none?.finalLoss).toBeGreaterThan(10 * (lr?.finalLoss as number));
    expect(result.tensorsLeft).toBe(0);
  });

  it("applies the schedules: constant peak, linear warm-up, growing batches", () => {
    const [none, lr, batch] = result.runs;
    const peak = result.peakLearningRate;
    expect(none?.batches.every((b) => b.lr === peak)).toBe(true);
    // constantScheduleWithWarmup with warmupStartFactor 0.05: 0.05 + 0.95 * step / warmupSteps.
    const w = result.warmupSteps;
    lr?.batches.forEach((b) => {
      const expected = b.step < w ? peak * (0.05 + (0.95 * b.step) / w) : peak;
      expect(b.lr).toBeCloseTo(expected, 12);
    });
    // batchSizeRamp from 4 to 32 over the first 256 samples, multiples of 4.
    // An epoch's last batch takes what is left of the 256 images.
    const sizes = batch?.batches.map((b) => b.size) ?? [];
    const epochs: number[][] = [[]];
    let seen = 0;
    for (const s of sizes) {
      (epochs.at(-1) as number[]).push(s);
      seen += s;
      if (seen % 256 === 0 && seen < 512) epochs.push([]);
    }
    expect(seen).toBe(512);
    const [first, second] = epochs as [number[], number[]];
    expect(first[0]).toBe(4);
    for (let i = 1; i < first.length - 1; i++) {
      expect(first[i] as number).toBeGreaterThanOrEqual(first[i - 1] as number);
      expect((first[i] as number) % 4).toBe(0);
    }
    expect(second).toEqual([32, 32, 32, 32, 32, 32, 32, 32]);
  });

  it("shows progress per epoch with loss, learning rate and samples/s", () => {
    expect(run.stderr).toMatch(
      /^learning-rate warm-up: epoch 1\/2 \[#{24}\] 8\/8 {2}loss \d\.\d{4} {2}acc [\d.]+ {2}lr 1\.00e-1 {2}samples\/s \d+/m,
    );
    expect(run.stderr).toMatch(/^report: .*report\.html/m);
  });

  it.skipIf(!hasChromium)("its report renders every chart in Chromium", async () => {
    const page = await openReport(result.report);
    expect(page.errors).toEqual([]);
    expect(page.external).toEqual([]);
    expect(page.charts.map((c) => c.id)).toEqual([
      "warmup-loss",
      "lr-schedule",
      "all-warmups-loss",
      "batch-size-ramp",
      "loss-weight-ramp",
      "train-accuracy",
      "test-accuracy",
    ]);
    for (const c of page.charts) expect(c.items, c.id).toBeGreaterThan(0);
  });
});
