import { describe, expect, it } from "vitest";
import { competence, competenceSampler, curriculumOrder, poolSize } from "./curriculum.js";

describe("curriculum / competence", () => {
  it("competence follows Platanios et al.: sqrt(t (1 - c0^2) / T + c0^2), capped at 1", () => {
    const c = competence({ c0: 0.1, totalSteps: 100 });
    expect(c(0)).toBeCloseTo(0.1, 15);
    expect(c(50)).toBeCloseTo(Math.sqrt(0.5 * 0.99 + 0.01), 15);
    expect(c(100)).toBe(1);
    expect(c(500)).toBe(1);
    const linear = competence({ c0: 0.2, totalSteps: 10, power: 1 });
    expect(linear(5)).toBeCloseTo(0.6, 15);
  });

  it("orders samples from easiest to hardest, stable on ties", () => {
    expect(Array.from(curriculumOrder([3, 1, 2, 1, 0]))).toEqual([4, 1, 3, 2, 0]);
  });

  it("draws only from the easiest fraction allowed at each step, growing to all the data", () => {
    const difficulties = Array.from({ length: 100 }, (_, i) => (i * 37) % 100); // a permutation of 0..99
    const sampler = competenceSampler({
      difficulties,
      competence: competence({ c0: 0.1, totalSteps: 50, power: 1 }),
      batchSize: 64,
      seed: 7,
    });
    const maxDifficulty = (step: number) =>
      Math.max(...Array.from(sampler.batch(step), (i) => difficulties[i] as number));
    expect(maxDifficulty(0)).toBeLessThan(10); // pool = the 10 easiest
    expect(sampler.pool(0)).toHaveLength(10);
    expect(sampler.pool(25)).toHaveLength(poolSize(100, 0.55));
    expect(maxDifficulty(25)).toBeLessThan(55);
    expect(sampler.pool(50)).toHaveLength(100);
    // deterministic per (seed, step): a resumed run draws the same batches
    expect(Array.from(sampler.batch(13))).toEqual(Array.from(sampler.batch(13)));
    expect(Array.from(sampler.batch(13))).not.toEqual(Array.from(sampler.batch(14)));
  });

  it("draws uniformly over the pool, the same batch for a step in a fresh sampler", () => {
    const difficulties = Array.from({ length: 50 }, (_, i) => i);
    const make = () =>
      competenceSampler({ difficulties, competence: () => 0.2, batchSize: 10, seed: 11 });
    const sampler = make();
    const counts = new Array<number>(50).fill(0);
    for (let step = 0; step < 2000; step++) {
      for (const i of sampler.batch(step)) counts[i] = (counts[i] ?? 0) + 1;
    }
    // 20,000 draws over the 10 easiest: 2,000 each (sd 42); nothing outside the pool
    expect(counts.slice(10)).toEqual(new Array(40).fill(0));
    for (const c of counts.slice(0, 10)) expect(Math.abs(c - 2000)).toBeLessThan(200);
    expect(Array.from(make().batch(1234))).toEqual(Array.from(sampler.batch(1234)));
    const otherSeed = competenceSampler({
      difficulties,
      competence: () => 0.2,
      batchSize: 10,
      seed: 12,
    });
    expect(Array.from(otherSeed.batch(1234))).not.toEqual(Array.from(sampler.batch(1234)));
  });
});
