import { describe, expect, it } from "vitest";
import { expectThrowCode, list, range, sorted, splits } from "../test/helpers.js";
import { SplitError } from "./errors.js";
import { ShuffleSplit } from "./shuffle-split.js";
import { StratifiedShuffleSplit } from "./stratified-shuffle-split.js";

const ones = (n: number) => new Float64Array(n).fill(1);

describe("ShuffleSplit", () => {
  it("gives the same splits for testSize 0.2 and 2 on 10 rows with one seed", () => {
    const a = splits(new ShuffleSplit({ testSize: 0.2, seed: 0 }), ones(10));
    const b = splits(new ShuffleSplit({ testSize: 2, seed: 0 }), ones(10));
    expect(a).toEqual(b);
    expect(a).toHaveLength(10);
    for (const s of a) {
      expect(s.test).toHaveLength(2);
      expect(sorted([...s.train, ...s.test])).toEqual(range(10));
    }
  });

  it("defaults to 10 splits and testSize 0.1, and drops leftovers when both sizes are given", () => {
    expect(new ShuffleSplit().getNSplits()).toBe(10);
    const [first] = splits(new ShuffleSplit({ seed: 1 }), ones(10));
    expect(first?.test).toHaveLength(1);
    const [s] = splits(
      new ShuffleSplit({ nSplits: 1, testSize: 3, trainSize: 4, seed: 2 }),
      ones(10),
    );
    expect(s?.test).toHaveLength(3);
    expect(s?.train).toHaveLength(4);
    expect(new Set([...(s?.train ?? []), ...(s?.test ?? [])]).size).toBe(7);
  });

  it("returns indices in permutation order, not sorted", () => {
    const all = splits(new ShuffleSplit({ nSplits: 5, testSize: 0.5, seed: 4 }), ones(100));
    expect(all.some((s) => s.test.join() !== sorted(s.test).join())).toBe(true);
  });

  it("rejects bad sizes and nSplits < 1", () => {
    expectThrowCode(
      () => new ShuffleSplit({ testSize: 1.5 }).split(ones(10)).next(),
      SplitError,
      "INVALID_SIZE",
      "testSize=1.5",
    );
    expectThrowCode(
      () => new ShuffleSplit({ testSize: 0.6, trainSize: 0.6 }).split(ones(10)).next(),
      SplitError,
      "SIZE_SUM",
      "= 1.2",
    );
    expectThrowCode(
      () => new ShuffleSplit({ nSplits: 0 }),
      SplitError,
      "INVALID_N_SPLITS",
      "nSplits=0",
    );
  });
});

describe("StratifiedShuffleSplit", () => {
  const ys: (number | string)[][] = [
    [1, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3],
    [0, 0, 0, 1, 1, 1, 2, 2, 2, 3, 3, 3],
    [...[0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3], ...[0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3]],
    [...Array(10).fill(1), ...Array(18).fill(2), ...Array(8).fill(3), ...Array(20).fill(4)],
    [...Array(800).fill(-1), ...Array(50).fill(1)],
    range(11).flatMap((i) => Array(100 + i).fill(i)),
    [1, 1, 1, 1, 2, 2, 2, 3, 3, 3, 3, 3],
    ["1", "1", "1", "1", "2", "2", "2", "3", "3", "3", "3", "3"],
  ];

  it.each(ys.map((y, i) => [i, y] as const))(
    "keeps class shares in train and test (case %i)",
    (_, y) => {
      const n = y.length;
      const nTest = Math.ceil(0.33 * n);
      const classes = [...new Set(y)];
      const share = (idx: number[]) =>
        classes.map((c) => idx.filter((i) => y[i] === c).length / idx.length);
      for (const { train, test } of splits(
        new StratifiedShuffleSplit({ nSplits: 6, testSize: 0.33, seed: 0 }),
        ones(n),
        y,
      )) {
        expect(test).toHaveLength(nTest);
        expect(train).toHaveLength(n - nTest);
        expect(new Set([...train, ...test]).size).toBe(n);
        const pTrain = share(train);
        // scikit-learn's criterion: assert_array_almost_equal(p_train, p_test, 1), i.e. |diff| < 0.15.
        share(test).forEach((p, c) => {
          expect(Math.abs(p - (pTrain[c] as number))).toBeLessThan(0.15);
        });
      }
    },
  );

  it("respects test and train sizes that leave rows out", () => {
    const y = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3];
    for (const { train, test } of new StratifiedShuffleSplit({
      nSplits: 5,
      testSize: 5,
      trainSize: 5,
      seed: 1,
    }).split(ones(12), y)) {
      expect(train).toHaveLength(5);
      expect(test).toHaveLength(5);
    }
  });

  it("never overlaps train and test (scikit-learn's regression case)", () => {
    const y = [0, 1, 2, 3, 0, 1, 2, 3, 0, 1, 2, 3, 4, 5, 4, 5, 4, 5, 4, 5, 4, 5];
    for (let seed = 0; seed < 20; seed++) {
      const [s] = splits(
        new StratifiedShuffleSplit({ nSplits: 1, testSize: 0.5, seed }),
        ones(y.length),
        y,
      );
      const train = new Set(s?.train);
      for (const i of s?.test ?? []) expect(train.has(i)).toBe(false);
    }
  });

  it("stratifies multilabel rows as whole rows", () => {
    const cases = [
      [
        [0, 1],
        [1, 0],
        [1, 0],
        [0, 1],
      ],
      [
        [0, 1],
        [1, 1],
        [1, 1],
        [0, 1],
      ],
    ];
    for (const y of cases) {
      const [s] = splits(
        new StratifiedShuffleSplit({ nSplits: 1, testSize: 0.5, seed: 0 }),
        ones(4),
        y,
      );
      const mean = (idx: number[]) =>
        idx.reduce((a, i) => a + (y[i]?.[0] as number), 0) / idx.length;
      expect(s?.train.length).toBe(2);
      expect(mean(s?.train ?? [])).toBe(0.5);
      expect(mean(s?.test ?? [])).toBe(0.5);
    }
    // The same rows as an NdArray of shape [4, 2].
    const nd = { data: Int32Array.from([0, 1, 1, 0, 1, 0, 0, 1]), shape: [4, 2] };
    const [s] = splits(
      new StratifiedShuffleSplit({ nSplits: 1, testSize: 0.5, seed: 3 }),
      ones(4),
      nd,
    );
    expect(
      list(s?.test ?? [])
        .map((i) => nd.data[2 * i])
        .sort(),
    ).toEqual([0, 1]);
  });

  it("gives every class its largest-remainder share: counts [4, 2] with 3 test rows give [2, 1]", () => {
    const y = [0, 0, 0, 0, 1, 1];
    for (let seed = 0; seed < 10; seed++) {
      const [s] = splits(
        new StratifiedShuffleSplit({ nSplits: 1, trainSize: 3, testSize: 3, seed }),
        ones(6),
        y,
      );
      expect(s?.train.filter((i) => y[i] === 0)).toHaveLength(2);
      expect(s?.test.filter((i) => y[i] === 0)).toHaveLength(2);
    }
  });

  it("rejects singleton classes, too few rows per side for the classes, and missing y", () => {
    expectThrowCode(
      () =>
        new StratifiedShuffleSplit({ testSize: 0.2 }).split(ones(7), [0, 1, 1, 1, 2, 2, 2]).next(),
      SplitError,
      "SINGLETON_CLASS",
      "[0]",
    );
    expectThrowCode(
      () =>
        new StratifiedShuffleSplit({ nSplits: 3, testSize: 2 }).split(ones(3), [0, 1, 2]).next(),
      SplitError,
      "SINGLETON_CLASS",
      "[0, 1, 2]",
    );
    const y = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    expectThrowCode(
      () => new StratifiedShuffleSplit({ nSplits: 3, testSize: 2 }).split(ones(9), y).next(),
      SplitError,
      "TOO_FEW_FOR_CLASSES",
      "test_size = 2",
    );
    expectThrowCode(
      () => new StratifiedShuffleSplit({ nSplits: 3, trainSize: 2 }).split(ones(9), y).next(),
      SplitError,
      "TOO_FEW_FOR_CLASSES",
      "train_size = 2",
    );
    expectThrowCode(
      () => new StratifiedShuffleSplit({ testSize: 8, trainSize: 2 }).split(ones(9), y).next(),
      SplitError,
      "SIZE_SUM",
    );
    expectThrowCode(
      () => new StratifiedShuffleSplit().split(ones(9)).next(),
      SplitError,
      "MISSING_Y",
    );
  });
});
