import { decodeImage } from "@trainkit/plate-bp";
import { describe, expect, it } from "vitest";
import { grayPng, imagePng } from "./png.js";

// Decoded by pngjs (through plate-bp's decodeImage), an independent PNG reader.
describe("PNG encoding for the report", () => {
  it("writes gray, RGB and RGBA images that pngjs reads back pixel for pixel", () => {
    const gray = Uint8Array.from({ length: 5 * 3 }, (_, i) => i * 17);
    const rgb = Uint8Array.from({ length: 4 * 2 * 3 }, (_, i) => (i * 37) % 256);
    const rgba = Uint8Array.from({ length: 2 * 2 * 4 }, (_, i) => 255 - i * 9);
    for (const [data, width, height, channels] of [
      [gray, 5, 3, 1],
      [rgb, 4, 2, 3],
      [rgba, 2, 2, 4],
    ] as const) {
      const decoded = decodeImage(imagePng({ data, width, height, channels }));
      expect([decoded.width, decoded.height]).toEqual([width, height]);
      for (let p = 0; p < width * height; p++) {
        for (let c = 0; c < channels; c++) {
          const at = p * decoded.channels + (channels === 1 ? 0 : c);
          expect(decoded.data[at]).toBe(data[p * channels + c]);
        }
      }
    }
  });

  it("scales float pixels from their min..max to 0..255", () => {
    const decoded = decodeImage(grayPng(Float32Array.from([-1, 0, 1, 3]), 2, 2));
    const first = (p: number) => decoded.data[p * decoded.channels];
    expect([first(0), first(1), first(2), first(3)]).toEqual([0, 64, 128, 255]);
  });

  it("refuses a pixel count that does not fill the size", () => {
    expect(() => imagePng({ data: new Uint8Array(5), width: 2, height: 2 })).toThrow(
      "imagePng: 5 bytes for 2x2x1",
    );
  });
});
