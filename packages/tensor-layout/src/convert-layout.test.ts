import { describe, expect, it } from "vitest";
import { convertLayout, toNCHW, toNHWC } from "./convert-layout.js";
import { LayoutError } from "./errors.js";

describe("toNHWC / toNCHW on typed-array images", () => {
  it("turns a decoded HWC RGB image into CHW and back", () => {
    // 1×3 image, pixels (r,g,b) = (10,20,30) (11,21,31) (12,22,32)
    const hwc = { data: new Uint8Array([10, 20, 30, 11, 21, 31, 12, 22, 32]), shape: [1, 3, 3] };
    const chw = toNCHW(hwc, "HWC");
    expect(chw.shape).toEqual([3, 1, 3]);
    expect(chw.data).toBeInstanceOf(Uint8Array);
    expect(Array.from(chw.data)).toEqual([10, 11, 12, 20, 21, 22, 30, 31, 32]);
    const again = toNHWC(chw, "CHW");
    expect(again.shape).toEqual([1, 3, 3]);
    expect(Array.from(again.data)).toEqual(Array.from(hwc.data));
  });

  it("converts between any two layouts with the same axes", () => {
    const y = convertLayout(
      { data: new Int32Array([1, 2, 3, 4, 5, 6]), shape: [1, 2, 3] },
      "NHW",
      "NWH",
    );
    expect(y.shape).toEqual([1, 3, 2]);
    expect(Array.from(y.data)).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it("rejects data that does not fill the shape", () => {
    expect(() => toNHWC({ data: new Float32Array(5), shape: [1, 2, 3] }, "CHW")).toThrow(
      /Shape \[1, 2, 3\] holds 6 elements but the array has 5/,
    );
    expect(() => toNHWC({ data: new Float32Array(6), shape: [2, 3] }, "CHW")).toThrow(
      /has rank 2, but layout "CHW" names 3 axes/,
    );
  });

  it("rejects a tfjs tensor or a plain array and names the entry or the wrapping that works", () => {
    // What a tensor looks like to the main entry, which never loads tfjs: an object with a dataId.
    const tensorLike = { dataId: {}, shape: [1, 3, 2, 2], dtype: "float32" };
    const inputs: [unknown, RegExp][] = [
      [tensorLike, /a tfjs tensor of shape \[1, 3, 2, 2\].*"@trainkit\/tensor-layout\/tfjs"/],
      [[1, 2, 3], /a plain array; wrap it as \{ data: Float32Array\.from\(values\), shape \}/],
      [null, /got null; pass \{ data, shape \} with a typed array/],
    ];
    for (const [input, says] of inputs) {
      let error: unknown;
      try {
        toNHWC(input as never, "NCHW");
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LayoutError);
      expect((error as LayoutError).code).toBe("INVALID_INPUT");
      expect((error as LayoutError).message).toMatch(says);
    }
  });
});
