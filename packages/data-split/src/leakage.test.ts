import { describe, expect, it } from "vitest";
import { expectThrowCode } from "../test/helpers.js";
import { LeakageError } from "./errors.js";
import { assertDisjoint, assertNoDuplicateRows, findDuplicateRows } from "./leakage.js";

describe("assertDisjoint", () => {
  it("accepts disjoint indices and names overlapping ones", () => {
    expect(() => assertDisjoint([0, 1, 2], [3, 4])).not.toThrow();
    expectThrowCode(
      () => assertDisjoint([0, 1, 2], [2, 5, 1]),
      LeakageError,
      "OVERLAPPING_INDICES",
      "[2, 1]",
      "splitTogether",
    );
  });

  it("names groups with rows on both sides", () => {
    const groups = ["ann", "ann", "bob", "bob", "cy"];
    expect(() => assertDisjoint([0, 1, 4], [2, 3], { groups })).not.toThrow();
    expectThrowCode(
      () => assertDisjoint([0, 2, 4], [1, 3], { groups }),
      LeakageError,
      "SHARED_GROUPS",
      "[ann, bob]",
      "GroupKFold",
    );
  });
});

describe("findDuplicateRows", () => {
  it("finds identical feature rows across train and test in NdArrays", () => {
    const train = { data: Float32Array.from([1, 2, 3, 4, 5, 6]), shape: [3, 2] };
    const test = { data: Float32Array.from([5, 6, 7, 8, 1, 2]), shape: [3, 2] };
    expect(findDuplicateRows(train, test)).toEqual([
      { train: 2, test: 0 },
      { train: 0, test: 2 },
    ]);
  });

  it("compares typed rows by their bytes and nested arrays by value", () => {
    expect(findDuplicateRows(Int8Array.from([1, 2, 3]), Int8Array.from([3, 9]))).toEqual([
      { train: 2, test: 0 },
    ]);
    expect(
      findDuplicateRows(
        [
          [1, "a"],
          [2, "b"],
        ],
        [
          [2, "b"],
          [2, "c"],
        ],
      ),
    ).toEqual([{ train: 1, test: 0 }]);
    expect(findDuplicateRows([1, 2], [3, 4])).toEqual([]);
  });

  it("throws a LeakageError naming the duplicated rows", () => {
    expectThrowCode(
      () =>
        assertNoDuplicateRows(
          [
            [0, 0],
            [1, 1],
          ],
          [[1, 1]],
        ),
      LeakageError,
      "DUPLICATE_ROWS",
      "1 test rows",
      "0→1",
    );
  });
});
