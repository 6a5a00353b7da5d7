import { describe, expect, it } from "vitest";
import { SplitError } from "./errors.js";
import type { NdArray } from "./internal/columns.js";
import { trainTestSplit } from "./train-test-split.js";

const range = (n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i);
const sorted = (a: ArrayLike<number>) => Array.from(a).sort((x, y) => x - y);

function expectSplitError(fn: () => unknown, code: string, ...fragments: string[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SplitError);
  const err = caught as SplitError;
  expect(err.code).toBe(code);
  for (const f of fragments) expect(err.message).toContain(f);
}

describe("trainTestSplit sizes (scikit-learn's rounding)", () => {
  // Expected counts from scikit-learn's documented rule: test = ceil(testSize*n), train = floor(trainSize*n).
  it("rounds a test fraction up: 0.07 of 100 rows is 8 test rows", () => {
    const [tr, te] = trainTestSplit([range(100)], { testSize: 0.07, seed: 0 });
    expect(te).toHaveLength(8);
    expect(tr).toHaveLength(92);
  });

  it("rounds a train fraction down: 0.57 of 100 rows is 56 train rows", () => {
    const [tr, te] = trainTestSplit([range(100)], { trainSize: 0.57, seed: 0 });
    expect(tr).toHaveLength(56);
    expect(te).toHaveLength(44);
  });

  it("drops the leftover rows when both sizes are given", () => {
    const [tr, te] = trainTestSplit([range(100)], { testSize: 0.07, trainSize: 0.57, seed: 1 });
    expect(tr).toHaveLength(56);
    expect(te).toHaveLength(8);
    expect(new Set([...tr, ...te]).size).toBe(64);
  });

  it.each([
    [undefined, 7, 3],
    [8, 8, 2],
    [0.8, 8, 2],
  ])("defaults testSize to 0.25 (trainSize=%s gives %i/%i on 10 rows)", (trainSize, nTr, nTe) => {
    const [tr, te] = trainTestSplit([range(10)], { trainSize, seed: 3 });
    expect(tr).toHaveLength(nTr);
    expect(te).toHaveLength(nTe);
  });

  it("treats a whole number as a count of samples, 1 included", () => {
    const [tr, te] = trainTestSplit([range(10)], { testSize: 1, seed: 0 });
    expect(te).toHaveLength(1);
    expect(tr).toHaveLength(9);
  });

  it("returns the first rows as train and the next as test without shuffling", () => {
    for (const testSize of [2, 0.2]) {
      const [tr, te] = trainTestSplit([range(10)], { testSize, shuffle: false });
      expect(te).toEqual([8, 9]);
      expect(tr).toEqual(range(8));
    }
  });
});

describe("trainTestSplit pairing", () => {
  it("keeps rows paired across three arrays of different kinds for every seed", () => {
    const n = 50;
    const x: NdArray<Float32Array> = {
      data: Float32Array.from(range(n * 3).map((v) => Math.floor(v / 3) * 10)),
      shape: [n, 3],
    };
    const y = Int32Array.from(range(n));
    const names = range(n).map((i) => `s${i}`);
    for (let seed = 0; seed < 20; seed++) {
      const [xTr, xTe, yTr, yTe, nTr, nTe] = trainTestSplit([x, y, names], { seed, testSize: 0.3 });
      expect(yTe).toHaveLength(15);
      expect(xTr.shape).toEqual([35, 3]);
      expect(xTe.shape).toEqual([15, 3]);
      yTr.forEach((label, k) => {
        expect(Array.from(xTr.data.subarray(k * 3, k * 3 + 3))).toEqual([
          label * 10,
          label * 10,
          label * 10,
        ]);
        expect(nTr[k]).toBe(`s${label}`);
      });
      yTe.forEach((label, k) => {
        expect(xTe.data[k * 3]).toBe(label * 10);
        expect(nTe[k]).toBe(`s${label}`);
      });
      expect(sorted([...yTr, ...yTe])).toEqual(range(n));
    }
  });

  it("splits n-d inputs along their first axis (nested arrays and NdArray)", () => {
    const n = 10;
    // X_4d: shape (10, 5, 3, 2) as NdArray, y_3d: shape (10, 7, 11) as nested arrays.
    const x4: NdArray<Float64Array> = {
      data: Float64Array.from(range(n * 30)),
      shape: [n, 5, 3, 2],
    };
    const y3 = range(n).map((i) => range(7).map((j) => range(11).map((k) => i * 77 + j * 11 + k)));
    const [xTr, xTe, yTr, yTe] = trainTestSplit([x4, y3], { seed: 7 });
    expect(xTr.shape).toEqual([7, 5, 3, 2]);
    expect(xTe.shape).toEqual([3, 5, 3, 2]);
    expect(yTr).toHaveLength(7);
    expect(yTe).toHaveLength(3);
    [...yTr, ...yTe].forEach((rows, k) => {
      const sample = (rows[0]?.[0] as number) / 77;
      const x =
        k < 7
          ? xTr.data.subarray(k * 30, k * 30 + 30)
          : xTe.data.subarray((k - 7) * 30, (k - 6) * 30);
      expect(Array.from(x)).toEqual(range(30, sample * 30));
      expect(rows[6]?.[10]).toBe(sample * 77 + 76);
    });
  });

  it("gives the same split for the same seed and a different one for another seed", () => {
    const a = trainTestSplit([range(1000)], { seed: 42 });
    const b = trainTestSplit([range(1000)], { seed: 42 });
    const c = trainTestSplit([range(1000)], { seed: 43 });
    expect(a).toEqual(b);
    expect(a[1]).not.toEqual(c[1]);
  });

  it("keeps rows paired on inputs large enough to use bucketed shuffling", () => {
    const n = 100_003;
    const x = new Float32Array(n * 2);
    for (let i = 0; i < n; i++) {
      x[2 * i] = i;
      x[2 * i + 1] = -i;
    }
    const y = Int32Array.from({ length: n }, (_, i) => i);
    const [xTr, xTe, yTr, yTe] = trainTestSplit([{ data: x, shape: [n, 2] }, y], { seed: 5 });
    expect(yTe.length).toBe(Math.ceil(0.25 * n));
    const seen = new Uint8Array(n);
    const check = (xs: Float32Array, ys: Int32Array) => {
      for (let k = 0; k < ys.length; k++) {
        const i = ys[k] as number;
        expect(xs[2 * k] === i && xs[2 * k + 1] === -i).toBe(true);
        seen[i] = (seen[i] as number) + 1;
      }
    };
    check(xTr.data, yTr);
    check(xTe.data, yTe);
    expect(seen.every((v) => v === 1)).toBe(true);
  });
});

describe("trainTestSplit stratify", () => {
  it("keeps class proportions: 4 ones and 4 twos, testSize 0.25", () => {
    const y = [1, 1, 1, 1, 2, 2, 2, 2];
    for (let seed = 0; seed < 10; seed++) {
      const [tr, te] = trainTestSplit([y], { testSize: 0.25, stratify: y, seed });
      expect(te).toHaveLength(2);
      expect(tr.filter((v) => v === 1)).toHaveLength(3);
      expect(tr.filter((v) => v === 2)).toHaveLength(3);
    }
  });

  it("allocates train first by largest remainder: counts [5, 2] with 4 train rows give [3, 1]", () => {
    // 5/7*4 = 2.857 and 2/7*4 = 1.143 -> floors [2, 1], the extra unit goes to class 0.
    // Test takes 3 of what is left ([2, 1]): 2/3*3 = 2, 1/3*3 = 1 -> [2, 1].
    const y = [0, 0, 0, 0, 0, 1, 1];
    for (let seed = 0; seed < 10; seed++) {
      const [tr, te] = trainTestSplit([y], { trainSize: 4, testSize: 3, stratify: y, seed });
      expect(tr.filter((v) => v === 0)).toHaveLength(3);
      expect(te.filter((v) => v === 0)).toHaveLength(2);
    }
  });

  it("treats each distinct row of multilabel targets as its own class", () => {
    const y = [
      [0, 1],
      [1, 0],
      [1, 0],
      [0, 1],
    ];
    for (let seed = 0; seed < 5; seed++) {
      const [iTr, iTe, yTr, yTe] = trainTestSplit([range(4), y], {
        testSize: 0.5,
        stratify: y,
        seed,
      });
      expect(iTr).toHaveLength(2);
      expect(sorted([...iTr, ...iTe])).toEqual([0, 1, 2, 3]);
      // Each side gets one [0, 1] row and one [1, 0] row.
      expect(sorted(yTr.map((r) => r[0] as number))).toEqual([0, 1]);
      expect(sorted(yTe.map((r) => r[0] as number))).toEqual([0, 1]);
    }
  });
});

describe("trainTestSplit errors", () => {
  it("refuses no arrays", () => {
    expectSplitError(
      () => trainTestSplit([]),
      "NO_ARRAYS",
      "At least one array required",
      "trainTestSplit([X, y]",
    );
  });

  it("explains misalignment when lengths differ and shows the paired call", () => {
    expectSplitError(
      () => trainTestSplit([range(3), range(42)]),
      "INCONSISTENT_LENGTH",
      "[3, 42]",
      "pairs rows with the wrong labels",
      "trainTestSplit([X, y]",
    );
  });

  it.each([
    [{ testSize: 1.2 }, "testSize=1.2"],
    [{ testSize: 0 }, "testSize=0"],
    [{ testSize: -0.2 }, "testSize=-0.2"],
    [{ testSize: 11 }, "testSize=11"],
    [{ testSize: 10 }, "number of samples 10"],
    [{ trainSize: 1.2 }, "trainSize=1.2"],
    [{ trainSize: 0 }, "trainSize=0"],
    [{ trainSize: 11 }, "trainSize=11"],
  ])("rejects out-of-range sizes %j", (options, fragment) => {
    expectSplitError(
      () => trainTestSplit([range(10)], options),
      "INVALID_SIZE",
      fragment,
      "(0, 1) range",
    );
  });

  it("rejects non-numeric sizes", () => {
    expectSplitError(
      () => trainTestSplit([range(3)], { testSize: "wrong_type" as unknown as number }),
      "INVALID_SIZE",
      "testSize=wrong_type",
    );
  });

  it("rejects fractions that sum past 1 and counts that sum past n", () => {
    expectSplitError(
      () => trainTestSplit([range(3)], { testSize: 0.6, trainSize: 0.6 }),
      "SIZE_SUM",
      "= 1.2",
    );
    expectSplitError(
      () => trainTestSplit([range(10)], { testSize: 8, trainSize: 3 }),
      "SIZE_SUM",
      "= 11",
      "number of samples 10",
    );
  });

  it("rejects an empty train set", () => {
    expectSplitError(
      () => trainTestSplit([range(1)], { testSize: 0.9 }),
      "EMPTY_TRAIN",
      "n_samples=1",
      "train set will be empty",
    );
    expectSplitError(() => trainTestSplit([[]]), "EMPTY_TRAIN", "n_samples=0");
  });

  it("rejects stratify with shuffle off, and a seed with shuffle off", () => {
    expectSplitError(
      () => trainTestSplit([range(10)], { shuffle: false, stratify: range(10) }),
      "STRATIFY_WITHOUT_SHUFFLE",
      "shuffle",
    );
    expectSplitError(
      () => trainTestSplit([range(10)], { shuffle: false, seed: 3 }),
      "SEED_WITHOUT_SHUFFLE",
      "seed=3",
    );
  });

  it("rejects a class with a single member and names it", () => {
    expectSplitError(
      () => trainTestSplit([range(7)], { stratify: [0, 1, 1, 1, 2, 2, 2], seed: 0 }),
      "SINGLETON_CLASS",
      "only 1 member",
      "[0]",
    );
  });

  it("rejects fewer train or test rows than classes", () => {
    const y = [0, 0, 0, 1, 1, 1, 2, 2, 2];
    expectSplitError(
      () => trainTestSplit([y], { testSize: 2, stratify: y }),
      "TOO_FEW_FOR_CLASSES",
      "test_size = 2",
      "number of classes = 3",
    );
    expectSplitError(
      () => trainTestSplit([y], { trainSize: 2, stratify: y }),
      "TOO_FEW_FOR_CLASSES",
      "train_size = 2",
    );
  });

  it("rejects stratify labels of another length", () => {
    expectSplitError(
      () => trainTestSplit([range(10)], { stratify: range(9) }),
      "INCONSISTENT_LENGTH",
      "[10, 9]",
    );
  });

  it("rejects unknown options and bad seeds", () => {
    expectSplitError(
      () => trainTestSplit([range(3)], { test_size: 0.5 } as never),
      "UNKNOWN_OPTION",
      "'test_size'",
      "testSize",
    );
    expectSplitError(
      () => trainTestSplit([range(3)], { seed: -1 }),
      "INVALID_OPTION",
      "seed",
      "-1",
    );
  });

  it("rejects inputs it cannot split", () => {
    expectSplitError(() => trainTestSplit([{ a: 1 } as never]), "INVALID_INPUT", "arrays[0]");
    expectSplitError(
      () => trainTestSplit([{ data: new Float32Array(5), shape: [2, 2] }]),
      "INVALID_INPUT",
      "[2, 2]",
    );
  });
});
