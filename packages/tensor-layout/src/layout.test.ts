import { describe, expect, it } from "vitest";
import { LayoutError } from "./errors.js";
import {
  assertPermutation,
  channelsFirst,
  channelsLast,
  convertShape,
  inversePermutation,
  parseLayout,
  permutation,
  permuteShape,
} from "./layout.js";

function catchError(fn: () => unknown): LayoutError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(LayoutError);
    return e as LayoutError;
  }
  throw new Error("expected a LayoutError");
}

describe("permutation", () => {
  // The transposes TensorFlow/ONNX converters hard-code (tf2onnx NHWC_TO_NCHW = [0, 3, 1, 2], ...).
  it.each([
    ["NCHW", "NHWC", [0, 2, 3, 1]],
    ["NHWC", "NCHW", [0, 3, 1, 2]],
    ["CHW", "HWC", [1, 2, 0]],
    ["HWC", "CHW", [2, 0, 1]],
    ["NCDHW", "NDHWC", [0, 2, 3, 4, 1]],
    ["NDHWC", "NCDHW", [0, 4, 1, 2, 3]],
    ["NCW", "NWC", [0, 2, 1]],
    ["NCHW", "NCHW", [0, 1, 2, 3]],
    ["OIHW", "HWIO", [2, 3, 1, 0]],
  ])("%s -> %s is %j", (from, to, perm) => {
    expect(permutation(from, to)).toEqual(perm);
  });

  it("composes with its inverse to the identity", () => {
    for (const [a, b] of [
      ["NCHW", "NHWC"],
      ["NCDHW", "NDHWC"],
      ["OIHW", "HWIO"],
      ["ABCDE", "EBDAC"],
    ] as const) {
      const p = permutation(a, b);
      const q = inversePermutation(p);
      expect(q).toEqual(permutation(b, a));
      expect(p.map((_, i) => p[q[i] as number])).toEqual(p.map((_, i) => i));
    }
  });

  it("rejects layouts that do not name the same axes", () => {
    const e = catchError(() => permutation("NCHW", "NHWD"));
    expect(e.code).toBe("LAYOUT_MISMATCH");
    expect(e.message).toContain('only in "NCHW": C');
    expect(e.message).toContain('only in "NHWD": D');
    expect(catchError(() => permutation("NCHW", "NHW")).code).toBe("LAYOUT_MISMATCH");
  });
});

describe("parseLayout", () => {
  it("splits a layout into its letters", () => {
    expect(parseLayout("NCHW")).toEqual(["N", "C", "H", "W"]);
  });

  it.each(["", "nchw", "N C", "NC-HW", 42 as unknown as string])("rejects %j", (bad) => {
    const e = catchError(() => parseLayout(bad));
    expect(e.code).toBe("INVALID_LAYOUT");
    expect(e.message).toContain(JSON.stringify(bad));
    expect(e.message).toContain("upper-case letters");
  });

  it("rejects a repeated axis letter and names it", () => {
    const e = catchError(() => parseLayout("NCHC"));
    expect(e.code).toBe("INVALID_LAYOUT");
    expect(e.message).toContain('axis "C" appears twice');
  });
});

describe("inversePermutation / permuteShape / assertPermutation", () => {
  it("inverts a known permutation", () => {
    expect(inversePermutation([0, 2, 3, 1])).toEqual([0, 3, 1, 2]);
    expect(inversePermutation([2, 3, 1, 0])).toEqual([3, 2, 0, 1]);
  });

  it("permutes a shape as tf.transpose does", () => {
    expect(permuteShape([8, 3, 32, 16], [0, 2, 3, 1])).toEqual([8, 32, 16, 3]);
  });

  it.each([[[0, 0, 1]], [[0, 1, 3]], [[0, 1.5, 2]], [[-1, 0, 1]]])("rejects %j", (perm) => {
    const e = catchError(() => inversePermutation(perm));
    expect(e.code).toBe("INVALID_PERMUTATION");
    expect(e.message).toContain(`[${perm.join(", ")}]`);
    expect(e.message).toContain("expected each of 0..2 exactly once");
  });

  it("rejects a permutation of the wrong rank", () => {
    const e = catchError(() => assertPermutation([1, 0], 3));
    expect(e.code).toBe("INVALID_PERMUTATION");
    expect(e.message).toContain("for rank 3");
  });
});

describe("convertShape", () => {
  it("converts shapes without data", () => {
    expect(convertShape([8, 3, 32, 16], "NCHW", "NHWC")).toEqual([8, 32, 16, 3]);
    expect(convertShape([8, 32, 16, 3], "NHWC", "NCHW")).toEqual([8, 3, 32, 16]);
    expect(convertShape([224, 224, 3], "HWC", "CHW")).toEqual([3, 224, 224]);
    expect(convertShape([64, 3, 3, 3], "OIHW", "HWIO")).toEqual([3, 3, 3, 64]);
  });

  it("rejects a shape whose rank does not match the layout", () => {
    const e = catchError(() => convertShape([3, 32, 32], "NCHW", "NHWC"));
    expect(e.code).toBe("RANK_MISMATCH");
    expect(e.message).toContain("[3, 32, 32] has rank 3");
    expect(e.message).toContain('"NCHW" has 4 axes');
  });
});

describe("channelsLast / channelsFirst", () => {
  it.each([
    ["NCHW", "NHWC"],
    ["CHW", "HWC"],
    ["NCDHW", "NDHWC"],
    ["NHWC", "NHWC"],
  ])("channelsLast(%s) is %s", (from, to) => {
    expect(channelsLast(from)).toBe(to);
  });

  it.each([
    ["NHWC", "NCHW"],
    ["HWC", "CHW"],
    ["NDHWC", "NCDHW"],
    ["NCHW", "NCHW"],
  ])("channelsFirst(%s) is %s", (from, to) => {
    expect(channelsFirst(from)).toBe(to);
  });

  it("needs a C axis", () => {
    const e = catchError(() => channelsLast("NHW"));
    expect(e.code).toBe("NO_CHANNEL_AXIS");
    expect(e.message).toContain('Layout "NHW" has no channel axis "C"');
  });
});
