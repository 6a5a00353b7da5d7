import { describe, expect, it } from "vitest";
import { barlow, roboto } from "../test/fonts.js";
import { AUGMENTATION_PRESETS } from "./augmentation.js";
import { binarize } from "./binarize.js";
import { boundingBox } from "./crop-to-bounding-box.js";
import { PlateBpError } from "./errors.js";
import { extractFeatures } from "./extract-features.js";
import { loadFont } from "./glyph-font.js";
import { renderCharacter } from "./render-character.js";

const none = AUGMENTATION_PRESETS.none;
const box = (img: ReturnType<typeof renderCharacter>) =>
  boundingBox(binarize(img)) as NonNullable<ReturnType<typeof boundingBox>>;

describe("renderCharacter", () => {
  it("draws a dark glyph on white, 75% of the height, centred, without augmentation", () => {
    const img = renderCharacter(roboto, "8");
    expect([img.width, img.height]).toEqual([32, 48]);
    expect(img.data[0]).toBe(255);
    expect(Math.min(...img.data)).toBeLessThan(30);
    const b = box(img);
    expect(Math.abs(b.height - 36)).toBeLessThanOrEqual(1);
    expect(Math.abs(b.y + b.height / 2 - 24)).toBeLessThanOrEqual(1);
    expect(Math.abs(b.x + b.width / 2 - 16)).toBeLessThanOrEqual(1);
  });

  it("is deterministic for a seed and varies across seeds", () => {
    const a = renderCharacter(barlow, "5", { augment: "heavy", seed: 42 });
    const b = renderCharacter(barlow, "5", { augment: "heavy", seed: 42 });
    const c = renderCharacter(barlow, "5", { augment: "heavy", seed: 43 });
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    expect(Buffer.from(a.data).equals(Buffer.from(c.data))).toBe(false);
  });

  it("rotates: a vertical bar turned 90 degrees becomes wide", () => {
    const up = box(renderCharacter(roboto, "l"));
    const turned = box(
      renderCharacter(roboto, "l", { augment: { ...none, rotationDeg: [90, 90] } }),
    );
    expect(up.height).toBeGreaterThan(4 * up.width);
    expect(turned.width).toBeGreaterThan(4 * turned.height);
  });

  it("translates by whole pixels and scales the ink", () => {
    const base = box(renderCharacter(roboto, "H"));
    const moved = box(renderCharacter(roboto, "H", { augment: { ...none, translatePx: [3, 3] } }));
    expect([moved.x - base.x, moved.y - base.y]).toEqual([3, 3]);
    const half = box(renderCharacter(roboto, "H", { augment: { ...none, scale: [0.5, 0.5] } }));
    expect(Math.abs(half.height - 18)).toBeLessThanOrEqual(1);
  });

  it("shears: the top of a vertical bar moves right with a negative y", () => {
    const b = box(renderCharacter(roboto, "l", { augment: { ...none, shear: [0.3, 0.3] } }));
    // 36 px tall bar sheared by 0.3 -> about 10.8 px of extra width
    const up = box(renderCharacter(roboto, "l"));
    expect(b.width - up.width).toBeGreaterThanOrEqual(9);
    expect(b.width - up.width).toBeLessThanOrEqual(12);
  });

  it("flips polarity and the features stay (nearly) the same", () => {
    const dark = renderCharacter(roboto, "7");
    const light = renderCharacter(roboto, "7", { augment: { ...none, lightOnDarkProbability: 1 } });
    expect(light.data[0]).toBeLessThan(60);
    expect(binarize(light).inverted).toBe(false);
    expect(binarize(dark).inverted).toBe(true);
    // the gray levels differ, so anti-aliased edge pixels may fall on the other side of Otsu's threshold
    const a = extractFeatures(light);
    const b = extractFeatures(dark);
    for (let i = 0; i < 25; i++)
      expect(Math.abs((a[i] as number) - (b[i] as number))).toBeLessThan(0.08);
  });

  it("adds noise of the requested standard deviation and a lighting gradient", () => {
    const img = renderCharacter(roboto, "1", {
      augment: { ...none, noiseSigma: [12, 12], contrast: [100, 100] },
      width: 64,
      height: 64,
      fill: 0.3,
    });
    // background rows 0..9 (ink is only in the middle 30%)
    const bg = Array.from(img.data.subarray(0, 640));
    const mean = bg.reduce((a, v) => a + v, 0) / bg.length;
    const sd = Math.sqrt(bg.reduce((a, v) => a + (v - mean) ** 2, 0) / bg.length);
    expect(sd).toBeGreaterThan(10);
    expect(sd).toBeLessThan(14);
    const lit = renderCharacter(roboto, "1", {
      augment: { ...none, lighting: [0.4, 0.4], contrast: [100, 100] },
    });
    const corners = [
      lit.data[0],
      lit.data[31],
      lit.data[47 * 32],
      lit.data[47 * 32 + 31],
    ] as number[];
    expect(Math.max(...corners) - Math.min(...corners)).toBeGreaterThan(20);
  });

  it("blurs edges into intermediate gray levels", () => {
    const sharp = renderCharacter(roboto, "H");
    const soft = renderCharacter(roboto, "H", { augment: { ...none, blurSigma: [1.5, 1.5] } });
    const mid = (d: Uint8Array) => d.filter((v) => v > 40 && v < 215).length;
    expect(mid(soft.data)).toBeGreaterThan(1.3 * mid(sharp.data));
  });

  it("names missing glyphs, bad fonts and bad options", () => {
    expect(() => renderCharacter(roboto, "京")).toThrow(PlateBpError);
    expect(() => renderCharacter(roboto, "京")).toThrow(/has no glyph for "京"/);
    expect(() => loadFont(new Uint8Array(64), "junk")).toThrow(
      /junk is not a readable TTF\/OTF\/WOFF font/,
    );
    expect(() => loadFont("/no/such/font.ttf")).toThrow(/cannot read \/no\/such\/font\.ttf/);
    expect(() => renderCharacter(roboto, "AB")).toThrow(/exactly one character, got "AB"/);
    expect(() => renderCharacter(roboto, "A", { width: 0 })).toThrow(
      /width must be a positive integer, got 0/,
    );
    expect(() => renderCharacter(roboto, "A", { augment: "wild" as never })).toThrow(
      /"none", "mild", "heavy" .* got "wild"/,
    );
  });
});
