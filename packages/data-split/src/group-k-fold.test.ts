import { describe, expect, it } from "vitest";
import { expectCoverage, expectThrowCode, list, range, sorted, splits } from "../test/helpers.js";
import { SplitError } from "./errors.js";
import { GroupKFold } from "./group-k-fold.js";
import { GroupShuffleSplit } from "./group-shuffle-split.js";
import { LeaveOneGroupOut } from "./leave-one-group-out.js";
import { StratifiedGroupKFold } from "./stratified-group-k-fold.js";

const ones = (n: number) => new Float64Array(n).fill(1);

function expectGroupExclusive(
  groups: ArrayLike<unknown>,
  train: ArrayLike<number>,
  test: ArrayLike<number>,
) {
  const trainGroups = new Set(Array.from(train, (i) => groups[i]));
  for (const i of Array.from(test)) expect(trainGroups.has(groups[i])).toBe(false);
}

/** Independent reference of scikit-learn's GroupKFold greedy rule: largest group to lightest fold. */
function greedyReference(sizes: number[], k: number): number[] {
  const order = sizes.map((s, g) => [s, g] as const).sort((a, b) => b[0] - a[0] || b[1] - a[1]);
  const load = new Array(k).fill(0);
  const fold = new Array(sizes.length).fill(-1);
  for (const [s, g] of order) {
    const f = load.indexOf(Math.min(...load));
    load[f] += s;
    fold[g] = f;
  }
  return fold;
}

describe("GroupKFold", () => {
  const groups = [1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4, 5, 5, 5, 5, 6, 6, 7, 8, 8];

  it("puts each group in exactly one fold and balances fold sizes greedily", () => {
    const n = groups.length;
    const cv = new GroupKFold({ nSplits: 3 });
    const foldOf = new Array(n).fill(-1);
    splits(cv, ones(n), undefined, groups).forEach(({ train, test }, f) => {
      expectGroupExclusive(groups, train, test);
      for (const i of test) foldOf[i] = f;
    });
    // Group sizes (groups 1..8): 3,3,8,3,4,2,1,2 -> greedy folds computed by the reference rule.
    const ref = greedyReference([3, 3, 8, 3, 4, 2, 1, 2], 3);
    expect(foldOf).toEqual(groups.map((g) => ref[g - 1]));
    const ideal = Math.floor(n / 3);
    for (let f = 0; f < 3; f++) {
      expect(Math.abs(foldOf.filter((v) => v === f).length - ideal)).toBeLessThanOrEqual(1);
    }
    expectCoverage(cv, ones(n), undefined, groups, 3);
  });

  it("works with string group labels", () => {
    const names = [
      "Albert",
      "Jean",
      "Bertrand",
      "Michel",
      "Jean",
      "Francis",
      "Robert",
      "Michel",
      "Rachel",
      "Lois",
    ];
    const cv = new GroupKFold({ nSplits: 3 });
    for (const { train, test } of cv.split(ones(10), undefined, names))
      expectGroupExclusive(names, train, test);
    expectCoverage(cv, ones(10), undefined, names, 3);
  });

  it("with shuffle, cuts shuffled groups into near-equal runs of groups", () => {
    const g = range(10).flatMap((i) => [i, i]);
    const cv = new GroupKFold({ nSplits: 3, shuffle: true, seed: 3 });
    const counts = splits(cv, ones(20), undefined, g).map(
      (s) => new Set(s.test.map((i) => g[i])).size,
    );
    expect(counts).toEqual([4, 3, 3]);
  });

  it("rejects more splits than groups and missing groups", () => {
    expectThrowCode(
      () => new GroupKFold({ nSplits: 3 }).split(ones(5), undefined, [1, 1, 1, 2, 2]).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "nSplits=3 greater than the number of groups: 2",
    );
    expectThrowCode(
      () => new GroupKFold().split(ones(5)).next(),
      SplitError,
      "MISSING_GROUPS",
      "'groups'",
    );
    expectThrowCode(
      () => new GroupKFold({ seed: 1 }),
      SplitError,
      "SEED_WITHOUT_SHUFFLE",
      "seed=1",
    );
  });
});

describe("StratifiedGroupKFold", () => {
  const bincountShare = (y: number[], idx: number[]) => {
    const ones = idx.filter((i) => y[i] === 1).length;
    return [(idx.length - ones) / idx.length, ones / idx.length];
  };

  it("keeps class shares when every group has the same distribution (trivial case)", () => {
    const y = [...Array(6).fill(1), ...Array(12).fill(0)];
    const groups = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6];
    const sizes: number[] = [];
    for (const { train, test } of new StratifiedGroupKFold({ nSplits: 3 }).split(
      ones(18),
      y,
      groups,
    )) {
      expectGroupExclusive(groups, train, test);
      for (const [got, want] of bincountShare(y, list(train)).map((v, i) => [
        v,
        [2 / 3, 1 / 3][i],
      ])) {
        expect(Math.abs((got as number) - (want as number))).toBeLessThanOrEqual(0.02);
      }
      sizes.push(test.length);
    }
    expect(Math.max(...sizes) - Math.min(...sizes)).toBeLessThanOrEqual(1);
  });

  it("matches scikit-learn's approximate case: test shares 0.833/0.167, 0.667/0.333, 0.5/0.5", () => {
    const y = [...Array(6).fill(1), ...Array(12).fill(0)];
    const groups = [1, 2, 3, 3, 4, 4, 1, 1, 2, 2, 3, 4, 5, 5, 5, 6, 6, 6];
    const expected = [
      [0.833, 0.166],
      [0.666, 0.333],
      [0.5, 0.5],
    ];
    const got = splits(new StratifiedGroupKFold({ nSplits: 3 }), ones(18), y, groups);
    got.forEach(({ train, test }, f) => {
      expectGroupExclusive(groups, train, test);
      bincountShare(y, test).forEach((v, c) => {
        expect(Math.abs(v - (expected[f]?.[c] as number))).toBeLessThanOrEqual(0.001);
      });
    });
  });

  it.each([
    [
      [...Array(6).fill(0), ...Array(6).fill(1)],
      [1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6],
      [0.5, 0.5],
    ],
    [
      [...Array(9).fill(0), ...Array(3).fill(1)],
      [1, 1, 1, 2, 2, 2, 3, 3, 3, 4, 5, 6],
      [0.75, 0.25],
    ],
  ])("splits homogeneous groups evenly (%#)", (y, groups, share) => {
    for (const { train, test } of new StratifiedGroupKFold({ nSplits: 3 }).split(
      ones(12),
      y,
      groups,
    )) {
      expectGroupExclusive(groups, train, test);
      bincountShare(y, list(test)).forEach((v, c) => {
        expect(Math.abs(v - (share[c] as number))).toBeLessThanOrEqual(0.001);
      });
    }
  });

  it("with shuffle still keeps groups whole and is reproducible per seed", () => {
    const y = [...Array(6).fill(1), ...Array(12).fill(0)];
    const groups = [1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6, 1, 2, 3, 4, 5, 6];
    const cv = new StratifiedGroupKFold({ nSplits: 3, shuffle: true, seed: 5 });
    const a = splits(cv, ones(18), y, groups);
    expect(splits(cv, ones(18), y, groups)).toEqual(a);
    for (const { train, test } of a) expectGroupExclusive(groups, train, test);
  });

  it("rejects missing y or groups and more splits than every class has", () => {
    expectThrowCode(
      () => new StratifiedGroupKFold().split(ones(4), undefined, [1, 2, 3, 4]).next(),
      SplitError,
      "MISSING_Y",
    );
    expectThrowCode(
      () => new StratifiedGroupKFold().split(ones(4), [0, 1, 0, 1]).next(),
      SplitError,
      "MISSING_GROUPS",
    );
    expectThrowCode(
      () =>
        new StratifiedGroupKFold({ nSplits: 3 }).split(ones(4), [0, 0, 1, 1], [1, 2, 3, 4]).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "nSplits=3",
    );
  });
});

describe("GroupShuffleSplit", () => {
  const cases: (number[] | string[])[] = [
    [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 3],
    [1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3],
    [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
    [1, 1, 1, 1, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 4, 4, 4],
    ["1", "1", "1", "1", "2", "2", "2", "2", "2", "3", "3", "3", "3"],
  ];

  it.each(cases)(
    "never shares a group between train and test, counting sizes in groups (%#)",
    (...groups) => {
      const testSize = 1 / 3;
      const cv = new GroupShuffleSplit({ nSplits: 6, testSize, seed: 0 });
      expect(cv.getNSplits()).toBe(6);
      const nUnique = new Set<unknown>(groups).size;
      for (const { train, test } of cv.split(ones(groups.length), undefined, groups)) {
        expectGroupExclusive(groups, train, test);
        expect(train.length + test.length).toBe(groups.length);
        expect(list(test)).toEqual(sorted(test));
        const testGroups = new Set(Array.from(test, (i) => groups[i]));
        // ceil(testSize · n_groups) groups go to test.
        expect(testGroups.size).toBe(Math.ceil(testSize * nUnique));
      }
    },
  );

  it("defaults to 5 splits and a test size of 0.2 of the groups", () => {
    const cv = new GroupShuffleSplit({ seed: 1 });
    const all = splits(cv, ones(10), undefined, range(10));
    expect(all).toHaveLength(5);
    for (const s of all) expect(s.test).toHaveLength(2);
  });

  it("rejects missing groups and sizes out of range for the number of groups", () => {
    expectThrowCode(
      () => new GroupShuffleSplit().split(ones(3)).next(),
      SplitError,
      "MISSING_GROUPS",
    );
    expectThrowCode(
      () =>
        new GroupShuffleSplit({ testSize: 3 }).split(ones(6), undefined, [1, 1, 2, 2, 3, 3]).next(),
      SplitError,
      "INVALID_SIZE",
      "testSize=3",
      "number of groups 3",
    );
  });
});

describe("LeaveOneGroupOut", () => {
  it("leaves each group out once, in sorted group order", () => {
    const groups = ["b", "a", "b", "c", "a"];
    expect(splits(new LeaveOneGroupOut(), ones(5), undefined, groups)).toEqual([
      { train: [0, 2, 3], test: [1, 4] },
      { train: [1, 3, 4], test: [0, 2] },
      { train: [0, 1, 2, 4], test: [3] },
    ]);
    expect(new LeaveOneGroupOut().getNSplits(undefined, undefined, groups)).toBe(3);
  });

  it("rejects fewer than 2 groups and missing groups", () => {
    expectThrowCode(
      () => new LeaveOneGroupOut().split(ones(1), undefined, [1]).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "fewer than 2 unique groups ([1])",
    );
    expectThrowCode(
      () => new LeaveOneGroupOut().split(ones(3)).next(),
      SplitError,
      "MISSING_GROUPS",
      "'groups'",
    );
  });
});
