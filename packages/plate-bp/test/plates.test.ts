import { describe, expect, it } from "vitest";
import {
  binarize,
  PlateBpError,
  randomPlateText,
  readPlate,
  renderPlate,
  segmentPlate,
  toGrayscale,
} from "../src/index.js";
import { barlow, roboto } from "./fonts.js";

describe("renderPlate + readPlate", () => {
  it("renders a 264x84 blue RGB plate with white characters", () => {
    const img = renderPlate(roboto, "AB12345", { augment: "none" });
    expect([img.width, img.height, img.channels]).toEqual([264, 84, 3]);
    const [r, g, b] = img.data.subarray(0, 3) as unknown as number[];
    expect(b).toBeGreaterThan((r as number) + 80);
    expect(b).toBeGreaterThan(g as number);
  });

  it("segments seven characters left to right", () => {
    const bin = binarize(toGrayscale(renderPlate(roboto, "AB12345", { augment: "none" })));
    const segs = segmentPlate(bin);
    expect(segs.length).toBe(7);
    for (let i = 1; i < 7; i++)
      expect(segs[i]?.box.x).toBeGreaterThan(
        (segs[i - 1]?.box.x as number) + (segs[i - 1]?.box.width as number) - 1,
      );
    // each box is centred in its 45 mm cell (cells start at 15.5, 72.5, 151.5, ... mm; 0.6 px/mm)
    const cells = [15.5, 72.5, 151.5, 208.5, 265.5, 322.5, 379.5];
    segs.forEach((s, i) => {
      const centre = (s.box.x + s.box.width / 2) / 0.6;
      expect(Math.abs(centre - ((cells[i] as number) + 22.5))).toBeLessThan(5);
      expect(s.box.height).toBeGreaterThan(0.4 * 84);
    });
  });

  it("reads plates in a font never used for training with the shipped model", () => {
    let exact = 0;
    for (let i = 0; i < 10; i++) {
      const text = randomPlateText(i);
      if (readPlate(renderPlate(barlow, text, { seed: i })).text === text) exact++;
    }
    expect(exact).toBeGreaterThanOrEqual(9);
  });

  it("reports SEGMENTATION_FAILED on a blank image and names bad plate text", () => {
    const blank = {
      width: 100,
      height: 30,
      channels: 1 as const,
      data: new Uint8Array(3000).fill(90),
    };
    try {
      readPlate(blank);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlateBpError);
      expect((e as PlateBpError).code).toBe("SEGMENTATION_FAILED");
      expect((e as Error).message).toMatch(/no character-sized shapes/);
    }
    expect(() => renderPlate(roboto, "AB123")).toThrow(/7 characters, got "AB123" \(5\)/);
    expect(() =>
      segmentPlate(binarize(toGrayscale(renderPlate(roboto, "AB12345"))), { count: 0 }),
    ).toThrow(/count must be a positive integer, got 0/);
  });
});
