import { describe, expect, it } from "vitest";
import { ImageDecodeError, PlateBpError } from "./errors.js";
import { toGrayscale } from "./to-grayscale.js";

describe("toGrayscale", () => {
  it("uses the BT.601 weights 0.299/0.587/0.114 and rounds", () => {
    // hand computed: 0.299*255 = 76.245, 0.587*255 = 149.685, 0.114*255 = 29.07,
    // 0.299*100 + 0.587*150 + 0.114*200 = 29.9 + 88.05 + 22.8 = 140.75
    const img = {
      width: 4,
      height: 1,
      channels: 3 as const,
      data: Uint8Array.of(255, 0, 0, 0, 255, 0, 0, 0, 255, 100, 150, 200),
    };
    expect(Array.from(toGrayscale(img).data)).toEqual([76, 150, 29, 141]);
  });

  it("composites alpha over the background (white by default)", () => {
    // (0*128 + 255*127)/255 = 127; gray+alpha (200*51 + 255*204)/255 = 244
    const rgba = {
      width: 3,
      height: 1,
      channels: 4 as const,
      data: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 128, 9, 9, 9, 255),
    };
    expect(Array.from(toGrayscale(rgba).data)).toEqual([255, 127, 9]);
    expect(Array.from(toGrayscale(rgba, { background: 0 }).data)).toEqual([0, 0, 9]);
    const ga = { width: 1, height: 1, channels: 2 as const, data: Uint8Array.of(200, 51) };
    expect(Array.from(toGrayscale(ga).data)).toEqual([244]);
  });

  it("copies one-channel images", () => {
    const g = { width: 2, height: 1, channels: 1 as const, data: Uint8Array.of(3, 250) };
    expect(Array.from(toGrayscale(g).data)).toEqual([3, 250]);
  });

  it("rejects a wrong data length, channel count or background, naming the value", () => {
    const bad = { width: 2, height: 2, channels: 3 as const, data: new Uint8Array(5) };
    expect(() => toGrayscale(bad)).toThrow(PlateBpError);
    expect(() => toGrayscale(bad)).toThrow(/5 values but 2x2x3 = 12/);
    const ch = { width: 1, height: 1, channels: 5 as unknown as 3, data: new Uint8Array(5) };
    expect(() => toGrayscale(ch)).toThrow(/channels must be 1, 2, 3 or 4, got 5/);
    const ok = { width: 1, height: 1, channels: 1 as const, data: new Uint8Array(1) };
    try {
      toGrayscale(ok, { background: 300 });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(PlateBpError);
      expect(e).not.toBeInstanceOf(ImageDecodeError);
      expect((e as PlateBpError).code).toBe("INVALID_OPTION");
      expect((e as Error).message).toMatch(/0\.\.255, got 300/);
    }
  });
});
