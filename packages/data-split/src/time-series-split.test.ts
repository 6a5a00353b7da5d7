import { describe, expect, it } from "vitest";
import { expectThrowCode, range, splits } from "../test/helpers.js";
import { SplitError } from "./errors.js";
import { TimeSeriesSplit } from "./time-series-split.js";

const rows = (n: number) => ({ length: n });

describe("TimeSeriesSplit", () => {
  it("grows train and keeps test windows at the end (scikit-learn's toy cases)", () => {
    expect(splits(new TimeSeriesSplit({ nSplits: 2 }), rows(6))).toEqual([
      { train: [0, 1], test: [2, 3] },
      { train: [0, 1, 2, 3], test: [4, 5] },
    ]);
    expect(splits(new TimeSeriesSplit({ nSplits: 2 }), rows(7))).toEqual([
      { train: [0, 1, 2], test: [3, 4] },
      { train: [0, 1, 2, 3, 4], test: [5, 6] },
    ]);
    expect(new TimeSeriesSplit({ nSplits: 2 }).getNSplits()).toBe(2);
  });

  it("keeps only the last maxTrainSize rows of train", () => {
    for (const maxTrainSize of [2, 3, 5]) {
      const full = splits(new TimeSeriesSplit({ nSplits: 3 }), rows(6));
      const capped = splits(new TimeSeriesSplit({ nSplits: 3, maxTrainSize }), rows(6));
      capped.forEach((s, i) => {
        const f = full[i] as { train: number[]; test: number[] };
        expect(s.test).toEqual(f.test);
        expect(s.train).toEqual(f.train.slice(-maxTrainSize));
      });
    }
  });

  it("uses a fixed testSize", () => {
    expect(splits(new TimeSeriesSplit({ nSplits: 3, testSize: 3 }), rows(10))).toEqual([
      { train: [0], test: [1, 2, 3] },
      { train: range(4), test: [4, 5, 6] },
      { train: range(7), test: [7, 8, 9] },
    ]);
    expect(
      splits(new TimeSeriesSplit({ nSplits: 2, testSize: 2, maxTrainSize: 4 }), rows(10)),
    ).toEqual([
      { train: [2, 3, 4, 5], test: [6, 7] },
      { train: [4, 5, 6, 7], test: [8, 9] },
    ]);
  });

  it("leaves a gap between train and test", () => {
    expect(splits(new TimeSeriesSplit({ nSplits: 2, gap: 2 }), rows(10))).toEqual([
      { train: [0, 1], test: [4, 5, 6] },
      { train: [0, 1, 2, 3, 4], test: [7, 8, 9] },
    ]);
    expect(splits(new TimeSeriesSplit({ nSplits: 3, gap: 2, maxTrainSize: 2 }), rows(10))).toEqual([
      { train: [0, 1], test: [4, 5] },
      { train: [2, 3], test: [6, 7] },
      { train: [4, 5], test: [8, 9] },
    ]);
    expect(
      splits(new TimeSeriesSplit({ nSplits: 2, gap: 2, maxTrainSize: 4, testSize: 2 }), rows(10)),
    ).toEqual([
      { train: [0, 1, 2, 3], test: [6, 7] },
      { train: [2, 3, 4, 5], test: [8, 9] },
    ]);
    expect(splits(new TimeSeriesSplit({ nSplits: 2, gap: 2, testSize: 3 }), rows(10))).toEqual([
      { train: [0, 1], test: [4, 5, 6] },
      { train: [0, 1, 2, 3, 4], test: [7, 8, 9] },
    ]);
  });

  it("rejects more folds than samples, windows that do not fit, and bad options", () => {
    expectThrowCode(
      () => new TimeSeriesSplit({ nSplits: 7 }).split(rows(7)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "number of folds=8 greater than the number of samples=7",
    );
    expectThrowCode(
      () => new TimeSeriesSplit({ nSplits: 5, testSize: 2 }).split(rows(10)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "Too many splits=5",
      "testSize=2",
    );
    expectThrowCode(
      () => new TimeSeriesSplit({ nSplits: 4, gap: 2 }).split(rows(10)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "and gap=2",
    );
    expectThrowCode(
      () => new TimeSeriesSplit({ nSplits: 1 }),
      SplitError,
      "INVALID_N_SPLITS",
      "nSplits=1",
    );
    expectThrowCode(
      () => new TimeSeriesSplit({ gap: -1 }),
      SplitError,
      "INVALID_OPTION",
      "gap",
      "-1",
    );
    expectThrowCode(
      () => new TimeSeriesSplit({ shuffle: true } as never),
      SplitError,
      "UNKNOWN_OPTION",
      "'shuffle'",
    );
  });
});
