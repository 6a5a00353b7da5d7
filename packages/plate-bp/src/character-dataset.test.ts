import { describe, expect, it } from "vitest";
import { barlow, roboto } from "../test/fonts.js";
import { CAMERA_VIEW_PRESET, type CameraViewRanges } from "./camera-view.js";
import { generateCharacterDataset } from "./character-dataset.js";
import { DIGITS, PLATE_ALPHANUMERICS } from "./charsets.js";
import { loadDefaultModel } from "./default-model.js";
import { PlateBpError } from "./errors.js";
import { classifyFeatures } from "./plate-classifier.js";

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

  it("cuts camera-view characters reproducibly, class-major, one row per sample", () => {
    const opts = {
      fonts: [roboto, barlow],
      charset: "AB7",
      samplesPerClass: 5,
      augment: "camera" as const,
      seed: 3,
      features: "easypr120" as const,
    };
    const d = generateCharacterDataset(opts);
    expect([d.numSamples, d.numFeatures, d.x.length]).toEqual([15, 120, 1800]);
    expect(Array.from(d.y)).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 2, 2, 2, 2, 2]);
    // 15 samples = 3 plates (7 + 7 + 1); plate g uses font g % 2
    expect([...new Set(d.font)].sort()).toEqual([0, 1]);
    expect(Array.from(generateCharacterDataset(opts).x)).toEqual(Array.from(d.x));
    expect(Array.from(generateCharacterDataset({ ...opts, seed: 4 }).x)).not.toEqual(
      Array.from(d.x),
    );
    for (const v of d.x) expect(v >= 0 && v <= 1).toBe(true);
    // every row was filled: no all-zero feature vector
    for (let r = 0; r < d.numSamples; r++)
      expect(d.x.subarray(r * 120, (r + 1) * 120).some((v) => v > 0)).toBe(true);
  });

  it("puts the right character in each camera row: undistorted cells read as their label", () => {
    // with every camera degradation off, the cut cells are clean characters of a training font,
    // so the shipped model must read them; a misplaced cut would give the neighbour or nothing
    const still: CameraViewRanges = {
      ...CAMERA_VIEW_PRESET,
      pxPerMm: [0.6, 0.6],
      rotationDeg: [0, 0],
      cornerInset: [0.03, 0.03],
      blurSigma: [0, 0],
      noiseSigma: [0, 0],
      lighting: [0, 0],
      shadowProbability: 0,
      jpegQuality: null,
    };
    const d = generateCharacterDataset({
      fonts: [roboto],
      charset: PLATE_ALPHANUMERICS,
      samplesPerClass: 2,
      augment: "camera",
      cameraRanges: still,
      seed: 9,
      features: "easypr120",
    });
    const model = loadDefaultModel("alphanumerics");
    let ok = 0;
    for (let r = 0; r < d.numSamples; r++) {
      const got = classifyFeatures(model, d.x.subarray(r * 120, (r + 1) * 120)).label;
      if (got === PLATE_ALPHANUMERICS[d.y[r] as number]) ok++;
    }
    expect(ok / d.numSamples).toBeGreaterThanOrEqual(0.9);
  });

  it("rejects width/height and cameraRanges where they do not apply", () => {
    expect(() =>
      generateCharacterDataset({
        fonts: [roboto],
        charset: DIGITS,
        samplesPerClass: 1,
        augment: "camera",
        width: 20,
      }),
    ).toThrow(/width and height do not apply to augment: "camera"/);
    expect(() =>
      generateCharacterDataset({
        fonts: [roboto],
        charset: DIGITS,
        samplesPerClass: 1,
        augment: "mild",
        cameraRanges: CAMERA_VIEW_PRESET,
      }),
    ).toThrow(/cameraRanges applies only to augment: "camera", got augment "mild"/);
  });
});
