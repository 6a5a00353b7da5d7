import { describe, expect, it } from "vitest";
import { expectCoverage, expectThrowCode, range, splits } from "../test/helpers.js";
import { SplitError } from "./errors.js";
import { KFold } from "./k-fold.js";
import { LeaveOneOut, LeavePOut } from "./leave-out.js";
import { PredefinedSplit } from "./predefined-split.js";

describe("LeaveOneOut and LeavePOut", () => {
  it("leaves each row out once, in order", () => {
    expect(splits(new LeaveOneOut(), range(3))).toEqual([
      { train: [1, 2], test: [0] },
      { train: [0, 2], test: [1] },
      { train: [0, 1], test: [2] },
    ]);
    expectCoverage(new LeaveOneOut(), range(5), undefined, undefined, 5);
  });

  it("leaves every pair out once, in combinations order", () => {
    const all = splits(new LeavePOut({ p: 2 }), range(4));
    expect(all.map((s) => s.test)).toEqual([
      [0, 1],
      [0, 2],
      [0, 3],
      [1, 2],
      [1, 3],
      [2, 3],
    ]);
    expect(all[0]?.train).toEqual([2, 3]);
    expect(new LeavePOut({ p: 2 }).getNSplits(range(4))).toBe(6);
    expect(new LeavePOut({ p: 3 }).getNSplits(range(10))).toBe(120);
  });

  it("rejects too few samples", () => {
    expectThrowCode(
      () => new LeaveOneOut().split(range(1)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "n_samples=1",
    );
    expectThrowCode(
      () => new LeavePOut({ p: 2 }).split(range(2)).next(),
      SplitError,
      "TOO_MANY_SPLITS",
      "p=2 must be strictly less than the number of samples=2",
    );
    expectThrowCode(() => new LeavePOut({ p: 0 }), SplitError, "INVALID_OPTION", "p", "0");
    expectThrowCode(() => new LeaveOneOut().getNSplits(), SplitError, "INVALID_INPUT", "needs X");
  });
});

describe("PredefinedSplit", () => {
  it("reproduces KFold when test folds are set from KFold's folds", () => {
    const kf = splits(new KFold({ nSplits: 3, shuffle: true, seed: 0 }), range(10));
    const testFold = new Array(10).fill(-1);
    kf.forEach((s, f) => {
      for (const i of s.test) testFold[i] = f;
    });
    const ps = new PredefinedSplit({ testFold });
    expect(ps.getNSplits()).toBe(3);
    expect(splits(ps, range(10))).toEqual(kf);
  });

  it("keeps rows marked -1 in train for every split and orders folds ascending", () => {
    const ps = new PredefinedSplit({ testFold: [5, -1, 0, 5, -1, 0] });
    expect(splits(ps, range(6))).toEqual([
      { train: [0, 1, 3, 4], test: [2, 5] },
      { train: [1, 2, 4, 5], test: [0, 3] },
    ]);
  });

  it("rejects fold values that are not integers >= -1", () => {
    expectThrowCode(
      () => new PredefinedSplit({ testFold: [0, 1.5] }),
      SplitError,
      "INVALID_OPTION",
      "1.5",
    );
    expectThrowCode(
      () => new PredefinedSplit({ testFold: [0, -2] }),
      SplitError,
      "INVALID_OPTION",
      "-2",
    );
  });
});
