import * as dataSplit from "@trainkit/data-split";
import { KFold, StratifiedKFold } from "@trainkit/data-split";
import { describe, expect, it } from "vitest";
import { baseDefinition, expectSweepError } from "../test/helpers.js";
import { validateSweep } from "./definition.js";
import { foldIndices, SPLITTER_NAMES } from "./folds.js";

const withFolds = (folds: unknown) => ({ ...baseDefinition(), folds });
const camel = (name: string) => name[0]?.toLowerCase() + name.slice(1);

describe("folds", () => {
  it("covers every splitter class @trainkit/data-split exports", () => {
    const splitters = Object.entries(dataSplit)
      .filter(([, v]) => typeof v === "function" && "getNSplits" in (v.prototype ?? {}))
      .map(([name]) => camel(name));
    const dataDependent = ["leaveOneOut", "leavePOut", "leaveOneGroupOut", "predefinedSplit"];
    expect([...SPLITTER_NAMES, ...dataDependent].sort()).toEqual(splitters.sort());
  });

  it("counts folds from the options, repeats included", () => {
    const count = (folds: unknown) => validateSweep(withFolds(folds)).foldCount;
    expect(count({ splitter: "kFold" })).toBe(5);
    expect(count({ splitter: "stratifiedKFold", nSplits: 4, shuffle: true })).toBe(4);
    expect(count({ splitter: "repeatedKFold", nSplits: 3, nRepeats: 2 })).toBe(6);
    expect(count({ splitter: "shuffleSplit", nSplits: 7, testSize: 0.25 })).toBe(7);
  });

  it("gives a shuffling splitter a seed from the sweep seed, and keeps a given one", () => {
    const a = validateSweep(withFolds({ splitter: "kFold", nSplits: 3, shuffle: true }));
    const b = validateSweep(withFolds({ splitter: "kFold", nSplits: 3, shuffle: true }));
    expect(a.folds?.seed).toEqual(expect.any(Number));
    expect(b.folds?.seed).toBe(a.folds?.seed);
    const other = validateSweep({ ...withFolds({ splitter: "kFold", shuffle: true }), seed: 7 });
    expect(other.folds?.seed).not.toBe(a.folds?.seed);
    const kept = validateSweep(withFolds({ splitter: "kFold", shuffle: true, seed: 3 }));
    expect(kept.folds?.seed).toBe(3);
    expect(validateSweep(withFolds({ splitter: "kFold" })).folds?.seed).toBeUndefined();
  });

  it("cuts the same rows as the splitter itself", () => {
    const sweep = validateSweep(
      withFolds({ splitter: "stratifiedKFold", nSplits: 3, shuffle: true }),
    );
    const y = Int32Array.from({ length: 30 }, (_, i) => i % 3);
    const seed = sweep.folds?.seed as number;
    const direct = [...new StratifiedKFold({ nSplits: 3, shuffle: true, seed }).split(y, y)];
    for (let f = 0; f < 3; f++) {
      const got = foldIndices(sweep.folds as never, f, y, y);
      expect(Array.from(got.test)).toEqual(Array.from(direct[f]?.test ?? []));
    }
    const plain = foldIndices({ splitter: "kFold", nSplits: 3 }, 1, { length: 9 });
    expect(Array.from(plain.test)).toEqual(
      Array.from([...new KFold({ nSplits: 3 }).split({ length: 9 })][1]?.test ?? []),
    );
    expectSweepError(
      () => foldIndices({ splitter: "kFold", nSplits: 3 }, 3, { length: 9 }),
      "INVALID_VALUE",
      "fold 3",
    );
  });

  it("refuses unknown and data-dependent splitters and bad options, naming what is valid", () => {
    expectSweepError(
      () => validateSweep(withFolds({ splitter: "StratifiedKFold" })),
      "UNKNOWN_SPLITTER",
      "folds.splitter",
      "stratifiedKFold",
    );
    expectSweepError(
      () => validateSweep(withFolds({ splitter: "leaveOneOut" })),
      "UNSUPPORTED_SPLITTER",
      "leaveOneOut",
      "kFold",
    );
    expectSweepError(
      () => validateSweep(withFolds({ splitter: "kFold", nSplits: 1 })),
      "INVALID_SPLITTER_OPTIONS",
      "folds: KFold",
      "nSplits",
    );
    expectSweepError(
      () => validateSweep(withFolds({ splitter: "kFold", n_splits: 3 })),
      "INVALID_SPLITTER_OPTIONS",
      "unknown option 'n_splits'",
    );
    expectSweepError(() => validateSweep(withFolds(5)), "INVALID_VALUE", "folds must be an object");
  });
});
