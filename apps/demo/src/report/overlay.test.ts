import { describe, expect, it } from "vitest";
import { drawBox, drawLine, drawPolygon, type RgbImage, toRgb } from "./overlay.js";

const RED = [255, 0, 0] as const;

function blank(width: number, height: number): RgbImage {
  return toRgb({ width, height, data: new Uint8Array(width * height) });
}

/** The [x, y] of every pixel that is exactly `color`, row by row. */
function pixelsOf(image: RgbImage, color: readonly number[]): [number, number][] {
  const out: [number, number][] = [];
  for (let y = 0; y < image.height; y++) {
    for (let x = 0; x < image.width; x++) {
      const at = (y * image.width + x) * 3;
      if ([0, 1, 2].every((c) => image.data[at + c] === color[c])) out.push([x, y]);
    }
  }
  return out;
}

describe("toRgb", () => {
  it("copies gray into three channels, scales binary 0/1 to 0/255, keeps RGB and drops alpha", () => {
    expect([...toRgb({ width: 2, height: 1, data: [7, 200] }).data]).toEqual([
      7, 7, 7, 200, 200, 200,
    ]);
    expect([...toRgb({ width: 2, height: 1, data: [1, 0] }, 255).data]).toEqual([
      255, 255, 255, 0, 0, 0,
    ]);
    const rgba = { width: 1, height: 2, channels: 4, data: [1, 2, 3, 9, 4, 5, 6, 9] };
    expect([...toRgb(rgba).data]).toEqual([1, 2, 3, 4, 5, 6]);
    const grayAlpha = { width: 1, height: 1, channels: 2, data: [50, 9] };
    expect([...toRgb(grayAlpha).data]).toEqual([50, 50, 50]);
  });

  it("refuses data that does not match the size", () => {
    expect(() => toRgb({ width: 2, height: 2, data: [1, 2, 3] })).toThrow(/3 values for 2x2x1/);
    expect(() => toRgb({ width: 1, height: 1, channels: 5, data: [1, 2, 3, 4, 5] })).toThrow(
      RangeError,
    );
  });
});

describe("drawLine, drawPolygon, drawBox", () => {
  it("draws a diagonal through its end points, one pixel per column", () => {
    const image = blank(6, 6);
    drawLine(image, [0, 0], [5, 5], RED);
    expect(pixelsOf(image, RED)).toEqual([0, 1, 2, 3, 4, 5].map((i) => [i, i]));
  });

  it("draws a shallow line with one pixel per column, ending on the rounded end point", () => {
    const image = blank(10, 4);
    drawLine(image, [0.4, 0.6], [8.6, 2.4], RED);
    const drawn = pixelsOf(image, RED);
    expect(drawn.map(([x]) => x).sort((a, b) => a - b)).toEqual([0, 1, 2, 3, 4, 5, 6, 7, 8, 9]);
    expect(drawn).toContainEqual([0, 1]);
    expect(drawn).toContainEqual([9, 2]);
  });

  it("clips what falls outside the image", () => {
    const image = blank(4, 4);
    drawLine(image, [-3, 1], [10, 1], RED);
    expect(pixelsOf(image, RED)).toEqual([0, 1, 2, 3].map((x) => [x, 1]));
  });

  it("closes a polygon and outlines a box on its first and last rows and columns", () => {
    const triangle = blank(5, 5);
    drawPolygon(
      triangle,
      [
        [0, 0],
        [4, 0],
        [0, 4],
      ],
      RED,
    );
    // the closing edge (0,4) -> (0,0) is drawn
    expect(pixelsOf(triangle, RED)).toEqual(
      expect.arrayContaining([
        [0, 1],
        [0, 2],
        [0, 3],
      ]),
    );
    const image = blank(6, 5);
    drawBox(image, { x: 1, y: 1, width: 4, height: 3 }, RED);
    const drawn = pixelsOf(image, RED);
    expect(drawn).toHaveLength(2 * 4 + 2 * 1);
    expect(drawn).toContainEqual([1, 1]);
    expect(drawn).toContainEqual([4, 3]);
    expect(drawn).not.toContainEqual([2, 2]);
  });
});
