import { describe, expect, it } from "vitest";
import { expectCoverage, expectThrowCode, list, range, shares, splits } from "../test/helpers.js";
import { SplitError } from "./errors.js";
import { KFold } from "./k-fold.js";
import { RepeatedKFold, RepeatedStratifiedKFold } from "./repeated-k-fold.js";
import { StratifiedKFold } from "./stratified-k-fold.js";

const ones = (n: number) => new Float64Array(n).fill(1);

describe("KFold", () => {
  it("cuts consecutive folds, the first n % k one row larger (scikit-learn's toy cases)", () => {
    expect(splits(new KFold({ nSplits: 2 }), range(4))).toEqual([
      { train: [2, 3], test: [0, 1] },
      { train: [0, 1], test: [2, 3] },
    ]);
    expect(splits(new KFold({ nSplits: 2 }), range(5))).toEqual([
      { train: [3, 4], test: [0, 1, 2] },
      { train: [0, 1, 2], test: [3, 4] },
    ]);
  });

  it("covers every row once for 18 and 17 rows in 3 folds", () => {
    expectCoverage(new KFold({ nSplits: 3 }), ones(18), undefined, undefined, 3);
    expectCoverage(new KFold({ nSplits: 3 }), ones(17), undefined, undefined, 3);
  });

  it("keeps fold sizes within one row of each other", () => {
    for (let n = 11; n < 17; n++) {
      const sizes = splits(new KFold({ nSplits: 5 }), ones(n)).map((s) => s.test.length);
      expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      expect(sizes.reduce((a, b) => a + b)).toBe(n);
    }
  });

  it("shuffles rows but still returns test indices ascending, reproducibly per seed", () => {
    const plain = splits(new KFold({ nSplits: 3 }), ones(300));
    const a = splits(new KFold({ nSplits: 3, shuffle: true, seed: 0 }), ones(300));
    const b = splits(new KFold({ nSplits: 3, shuffle: true, seed: 1 }), ones(300));
    expect(splits(new KFold({ nSplits: 3, shuffle: true, seed: 0 }), ones(300))).toEqual(a);
    const covered = new Set<number>();
    a.forEach((s, f) => {
      expect(s.test).toEqual([...s.test].sort((x, y) => x - y));
      expect(s.test).toHaveLength(100);
      expect(s.test).not.toEqual(plain[f]?.test);
      expect(s.test).not.toEqual(b[f]?.test);
      for (const i of s.test) covered.add(i);
    });
    expect(covered.size).toBe(300);
  });

  it("rejects nSplits < 2, non-integer nSplits, more splits than samples and a seed without shuffle", () => {
    for (const bad of [0, 1, 1.5]) {
      expectThrowCode(
        () => new KFold({ nSplits: bad }),
        SplitError,
        "INVALID_N_SPLITS",
        `nSplits=${bad}`,
        "2 or more",
      );
    }
    expectThrowCode(
      () => new KFold({ nSplits: 4 }).split(range(3)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "nSplits=4",
      "n_samples=3",
    );
    expectThrowCode(
      () => new KFold({ seed: 0 }),
      SplitError,
      "SEED_WITHOUT_SHUFFLE",
      "seed=0",
      "shuffle: true",
    );
    expectThrowCode(
      () => new KFold({ shuffle: null as never }),
      SplitError,
      "INVALID_OPTION",
      "shuffle",
    );
    expectThrowCode(
      () => new KFold({ n_splits: 3 } as never),
      SplitError,
      "UNKNOWN_OPTION",
      "'n_splits'",
    );
  });

  it("rejects y or groups whose length differs from X", () => {
    expectThrowCode(
      () => new KFold().split(range(10), range(9)).next(),
      SplitError,
      "INCONSISTENT_LENGTH",
      "[10, 9]",
    );
  });
});

describe("StratifiedKFold", () => {
  it("preserves row order as much as stratification allows (scikit-learn's toy cases)", () => {
    expect(splits(new StratifiedKFold({ nSplits: 2 }), ones(4), [1, 1, 0, 0])).toEqual([
      { train: [1, 3], test: [0, 2] },
      { train: [0, 2], test: [1, 3] },
    ]);
    expect(splits(new StratifiedKFold({ nSplits: 2 }), ones(7), [1, 1, 1, 0, 0, 0, 0])).toEqual([
      { train: [2, 5, 6], test: [0, 1, 3, 4] },
      { train: [0, 1, 3, 4], test: [2, 5, 6] },
    ]);
    expect(new StratifiedKFold({ nSplits: 5 }).getNSplits()).toBe(5);
  });

  it("gives the same folds for string and numeric labels, and equals KFold on alternating labels", () => {
    const x = ones(7);
    expect(
      splits(new StratifiedKFold({ nSplits: 2 }), x, ["1", "1", "1", "0", "0", "0", "0"]),
    ).toEqual(splits(new StratifiedKFold({ nSplits: 2 }), x, [1, 1, 1, 0, 0, 0, 0]));
    const y = [0, 1, 0, 1, 0, 1, 0, 1];
    expect(splits(new StratifiedKFold({ nSplits: 3 }), ones(8), y)).toEqual(
      splits(new KFold({ nSplits: 3 }), ones(8)),
    );
  });

  it.each([4, 5, 6, 7, 8, 9, 10])(
    "keeps class ratios within 0.02 and fold sizes within 1 (k=%i)",
    (k) => {
      const y = [...Array(100).fill(4), ...Array(890).fill(0), ...Array(10).fill(1)];
      const classes = [0, 1, 4];
      const distr = [0.89, 0.01, 0.1];
      for (const shuffle of [false, true]) {
        const cv = new StratifiedKFold({ nSplits: k, shuffle, ...(shuffle ? { seed: 0 } : {}) });
        const sizes: number[] = [];
        for (const { train, test } of cv.split(ones(1000), y)) {
          shares(y, train, classes).forEach((v, i) => {
            expect(Math.abs(v - (distr[i] as number))).toBeLessThan(0.02);
          });
          shares(y, test, classes).forEach((v, i) => {
            expect(Math.abs(v - (distr[i] as number))).toBeLessThan(0.02);
          });
          sizes.push(test.length);
        }
        expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
      }
    },
  );

  it("gives the same folds whatever the label values are (label invariance)", () => {
    const y = [...Array(10).fill(2), ...Array(89).fill(0), ...Array(1).fill(1)];
    for (const shuffle of [false, true]) {
      const run = (labels: number[]) =>
        splits(
          new StratifiedKFold({ nSplits: 5, shuffle, ...(shuffle ? { seed: 0 } : {}) }),
          ones(100),
          labels,
        );
      const base = run(y);
      for (const perm of [
        [0, 2, 1],
        [1, 0, 2],
        [2, 1, 0],
      ]) {
        expect(run(y.map((v) => perm[v] as number))).toEqual(base);
      }
    }
  });

  it("covers every row once", () => {
    const y = [...Array(3).fill(0), ...Array(14).fill(1)];
    expectCoverage(new StratifiedKFold({ nSplits: 3 }), ones(17), y, undefined, 3);
  });

  it("rejects missing y, more splits than every class has, and multilabel or continuous targets", () => {
    expectThrowCode(
      () => new StratifiedKFold().split(ones(5)).next(),
      SplitError,
      "MISSING_Y",
      "'y'",
    );
    expectThrowCode(
      () => new StratifiedKFold({ nSplits: 3 }).split(ones(5), [3, 3, -1, -1, 2]).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "nSplits=3 cannot be greater than the number of members in each class",
    );
    expectThrowCode(
      () =>
        new StratifiedKFold({ nSplits: 2 })
          .split(ones(4), [
            [0, 1],
            [1, 0],
            [0, 1],
            [1, 0],
          ])
          .next(),
      SplitError,
      "UNSUPPORTED_TARGET",
      "multilabel-indicator",
    );
    expectThrowCode(
      () => new StratifiedKFold({ nSplits: 2 }).split(ones(4), [0.5, 1.5, 0.25, 3.1]).next(),
      SplitError,
      "UNSUPPORTED_TARGET",
      "continuous",
    );
  });
});

describe("RepeatedKFold and RepeatedStratifiedKFold", () => {
  it("yields nSplits × nRepeats splits, each repetition a full KFold with a fresh shuffle", () => {
    const cv = new RepeatedKFold({ nSplits: 3, nRepeats: 4, seed: 7 });
    expect(cv.getNSplits()).toBe(12);
    const all = splits(cv, ones(30));
    expect(all).toHaveLength(12);
    for (let r = 0; r < 4; r++) {
      const tested = all.slice(r * 3, r * 3 + 3).flatMap((s) => s.test);
      expect(tested.sort((a, b) => a - b)).toEqual(range(30));
    }
    expect(all[0]?.test).not.toEqual(all[3]?.test);
    expect(splits(new RepeatedKFold({ nSplits: 3, nRepeats: 4, seed: 7 }), ones(30))).toEqual(all);
  });

  it("stratifies every repetition", () => {
    const y = [...Array(20).fill(0), ...Array(10).fill(1)];
    const cv = new RepeatedStratifiedKFold({ nSplits: 5, nRepeats: 3, seed: 1 });
    expect(cv.getNSplits()).toBe(15);
    for (const { test } of cv.split(ones(30), y)) {
      expect(list(test).filter((i) => y[i] === 1)).toHaveLength(2);
    }
  });

  it("rejects nRepeats that is not a positive integer", () => {
    for (const bad of [0, -1, 1.5]) {
      expectThrowCode(
        () => new RepeatedKFold({ nRepeats: bad }),
        SplitError,
        "INVALID_OPTION",
        `nRepeats=${bad}`,
      );
      expectThrowCode(
        () => new RepeatedStratifiedKFold({ nRepeats: bad }),
        SplitError,
        "INVALID_OPTION",
        "greater than 0",
      );
    }
  });
});
