import { describe, expect, it } from "vitest";
import { roboto } from "../test/fonts.js";
import { PlateBpError } from "./errors.js";
import type { GrayImage } from "./image-types.js";
import { backgroundThreshold } from "./local-threshold.js";
import { MIN_CHARACTER_CELLS } from "./read-plate.js";
import { renderPlate } from "./render-plate.js";
import { PLATE_LAYOUT, segmentRectifiedPlate } from "./segment-plate.js";
import { toGrayscale } from "./to-grayscale.js";

const P = 0.6; // renderPlate's default pixels per mm
const gray = toGrayscale(renderPlate(roboto, "AB12345", { augment: "none" }));
const bin = (g: GrayImage) => backgroundThreshold(g, { window: 27 });

/** The gray plate with the pixels between x = x0 + slant·y and x = x1 + slant·y darkened by `factor`. */
function shadow(g: GrayImage, x0: number, x1: number, slant: number, factor: number): GrayImage {
  const data = g.data.map((v, i) => {
    const x = i % g.width;
    const y = Math.floor(i / g.width);
    const xs = x - slant * y;
    return xs >= x0 && xs < x1 ? Math.round(v * factor) : v;
  });
  return { width: g.width, height: g.height, data };
}

describe("segmentRectifiedPlate", () => {
  it("cuts a flat plate into the seven cells of its layout", () => {
    const seg = segmentRectifiedPlate(bin(gray), P);
    expect(seg.segments).toHaveLength(7);
    seg.segments.forEach((s, i) => {
      // each character's centre in its 45 mm cell (cells start at 15.5, 72.5, 151.5, ... mm)
      const centreMm = (s.box.x + s.box.width / 2) / P;
      expect(Math.abs(centreMm - ((PLATE_LAYOUT.charX[i] as number) + 22.5))).toBeLessThan(4);
      // 90 mm tall, or 45 mm wide for glyphs drawn smaller to fit the cell; centred at 70 mm
      const fullHeight = Math.abs(s.box.height / P - 90) < 5;
      const fullWidth = Math.abs(s.box.width / P - 45) < 5;
      expect(fullHeight || fullWidth, `character ${i}: ${s.box.width}x${s.box.height} px`).toBe(
        true,
      );
      expect(s.box.height / P).toBeLessThan(95);
      expect(Math.abs((s.box.y + s.box.height / 2) / P - 70)).toBeLessThan(3);
    });
    expect(seg.quality).toBeGreaterThan(0.9);
    expect(seg.characterCells).toBe(7);
  });

  it("a shadow band neither creates nor loses characters (its edges cross a gap and a character)", () => {
    const clean = segmentRectifiedPlate(bin(gray), P);
    // darken by 50% from the gap after the 2nd character to the middle of the 5th, edges slanted
    const shaded = shadow(gray, 80, 180, 0.25, 0.5);
    const seg = segmentRectifiedPlate(bin(shaded), P);
    expect(seg.segments).toHaveLength(7);
    seg.segments.forEach((s, i) => {
      const c = (clean.segments[i] as (typeof clean.segments)[number]).box;
      expect(Math.abs(s.box.x - c.x)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.box.width - c.width)).toBeLessThanOrEqual(2);
      expect(Math.abs(s.box.y - c.y)).toBeLessThanOrEqual(1);
      expect(Math.abs(s.box.height - c.height)).toBeLessThanOrEqual(2);
      // and the same ink, but for a pixel or so along the shadow's edge
      let diff = 0;
      for (let y = 0; y < Math.min(s.image.height, c.height); y++)
        for (let x = 0; x < Math.min(s.image.width, c.width); x++)
          if (
            s.image.data[y * s.image.width + x] !== clean.segments[i]?.image.data[y * c.width + x]
          )
            diff++;
      expect(diff / (c.width * c.height)).toBeLessThan(0.08);
    });
    expect(seg.quality).toBeGreaterThan(0.9);
  });

  it("rates noise far below a plate", () => {
    let s = 12345;
    const noise = {
      width: 264,
      height: 84,
      data: Uint8Array.from({ length: 264 * 84 }, () => {
        s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
        return s >>> 24;
      }),
    };
    let quality = 0;
    let cells = 0;
    try {
      ({ quality, characterCells: cells } = segmentRectifiedPlate(bin(noise), P));
    } catch (e) {
      expect((e as PlateBpError).code).toBe("SEGMENTATION_FAILED");
    }
    expect(quality).toBeLessThan(0.1);
    expect(cells).toBeLessThan(MIN_CHARACTER_CELLS);
  });

  it("throws SEGMENTATION_FAILED when nothing is character-sized, and names a bad scale", () => {
    const blank = { width: 264, height: 84, data: new Uint8Array(264 * 84) };
    expect(() => segmentRectifiedPlate(blank, P)).toThrow(PlateBpError);
    expect(() => segmentRectifiedPlate(blank, P)).toThrow(
      /no plate found: no character-sized shapes/,
    );
    expect(() => segmentRectifiedPlate(blank, 0)).toThrow(
      /pixelsPerMm must be a positive number, got 0/,
    );
  });
});
