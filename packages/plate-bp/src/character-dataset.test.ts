import { describe, expect, it } from "vitest";
import { barlow, roboto } from "../test/fonts.js";
import { generateCharacterDataset } from "./character-dataset.js";
import { DIGITS, PLATE_ALPHANUMERICS } from "./charsets.js";
import { PlateBpError } from "./errors.js";

describe("generateCharacterDataset", () => {
  it("has 34 plate characters without I and O", () => {
    expect(PLATE_ALPHANUMERICS.length).toBe(34);
    expect(PLATE_ALPHANUMERICS).not.toMatch(/[IO]/);
  });

  it("renders samplesPerClass rows per class, cycling through the fonts, reproducibly", () => {
    const opts = { fonts: [roboto, barlow], charset: DIGITS, samplesPerClass: 3, seed: 5 };
    const d = generateCharacterDataset(opts);
    expect([d.numSamples, d.numFeatures, d.x.length]).toEqual([30, 25, 750]);
    expect(Array.from(d.y.subarray(0, 6))).toEqual([0, 0, 0, 1, 1, 1]);
    expect(Array.from(d.font.subarray(0, 6))).toEqual([0, 1, 0, 0, 1, 0]);
    expect(Array.from(generateCharacterDataset(opts).x)).toEqual(Array.from(d.x));
    const e = generateCharacterDataset({ ...opts, features: "easypr120", charset: "AB" });
    expect([e.numSamples, e.numFeatures]).toEqual([6, 120]);
    for (const v of d.x) expect(v >= 0 && v <= 1).toBe(true);
  });

  it("rejects empty font lists, short charsets and bad counts", () => {
    expect(() =>
      generateCharacterDataset({ fonts: [], charset: DIGITS, samplesPerClass: 1 }),
    ).toThrow(PlateBpError);
    expect(() =>
      generateCharacterDataset({ fonts: [roboto], charset: "AA", samplesPerClass: 1 }),
    ).toThrow(/2 distinct characters, got "AA"/);
    expect(() =>
      generateCharacterDataset({ fonts: [roboto], charset: DIGITS, samplesPerClass: 0 }),
    ).toThrow(/samplesPerClass must be a positive integer, got 0/);
  });
});
