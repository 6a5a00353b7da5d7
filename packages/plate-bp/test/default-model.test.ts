import { describe, expect, it } from "vitest";
import {
  AUGMENTATION_PRESETS,
  classifyImage,
  classifyImages,
  DIGITS,
  defaultModelPath,
  loadDefaultModel,
  PLATE_ALPHANUMERICS,
  renderCharacter,
} from "../src/index.js";
import { barlow } from "./fonts.js";

describe("shipped models", () => {
  it("loads both safetensors models with their labels and feature kinds", () => {
    const d = loadDefaultModel("digits");
    expect([d.labels, d.features, d.inputSize, d.b2.length]).toEqual([DIGITS, "grid5x5", 25, 10]);
    const a = loadDefaultModel("alphanumerics");
    expect([a.labels, a.features, a.inputSize, a.b2.length]).toEqual([
      PLATE_ALPHANUMERICS,
      "easypr120",
      120,
      34,
    ]);
    const k = loadDefaultModel("digits-deskew");
    expect([k.labels, k.features, k.inputSize, k.b2.length]).toEqual([
      DIGITS,
      "grid5x5-deskew",
      25,
      10,
    ]);
    expect(defaultModelPath("digits")).toMatch(/models[/\\]digits-grid5x5\.safetensors$/);
    expect(() => defaultModelPath("letters" as never)).toThrow(
      /no shipped model named "letters"; use "digits", "digits-deskew" or "alphanumerics"/,
    );
  });

  it("classifies digits of a font it never saw, either polarity", () => {
    const imgs = [...DIGITS].map((d, i) =>
      renderCharacter(barlow, d, { augment: "mild", seed: 100 + i }),
    );
    const got = classifyImages(imgs)
      .map((c) => c.label)
      .join("");
    expect(got).toBe(DIGITS);
    const one = classifyImage(
      renderCharacter(barlow, "4", {
        augment: {
          ...AUGMENTATION_PRESETS.none,
          contrast: [200, 200],
          lightOnDarkProbability: 1,
        },
      }),
    );
    expect(one.label).toBe("4");
    expect(one.confidence).toBeGreaterThan(0.5);
  });

  it("reads heavily distorted digits of an unseen font with the digits-deskew model", () => {
    const k = loadDefaultModel("digits-deskew");
    const imgs = [...DIGITS.repeat(3)].map((d, i) =>
      renderCharacter(barlow, d, { augment: "heavy", seed: 300 + i }),
    );
    const got = classifyImages(imgs, k).map((c) => c.label);
    const ok = got.filter((l, i) => l === DIGITS[i % 10]).length;
    expect(ok).toBeGreaterThanOrEqual(28);
  });

  it("classifies the 34 plate characters with the alphanumeric model", () => {
    const a = loadDefaultModel("alphanumerics");
    const imgs = [...PLATE_ALPHANUMERICS].map((c, i) =>
      renderCharacter(barlow, c, { augment: "mild", seed: 200 + i }),
    );
    const got = classifyImages(imgs, a).map((c) => c.label);
    const ok = got.filter((l, i) => l === PLATE_ALPHANUMERICS[i]).length;
    expect(ok).toBeGreaterThanOrEqual(32);
  });
});
