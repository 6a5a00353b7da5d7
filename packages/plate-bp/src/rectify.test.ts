import { describe, expect, it } from "vitest";
import { roboto } from "../test/fonts.js";
import { canvasToPlateFor, solvePoint, warpPlate } from "../test/warped-plate.js";
import { findPlateQuad, rectifyPlate } from "./rectify.js";
import { renderPlate } from "./render-plate.js";
import { toGrayscale } from "./to-grayscale.js";

// the plate drawn flat at 0.6 px/mm: 264 x 84 pixels, its outer edge at pixel coordinates −0.5 and 263.5 / 83.5
const flat = renderPlate(roboto, "AB12345", { augment: "none" });

const CASES: { name: string; corners: [number, number][]; extra: object }[] = [
  {
    name: "perspective and rotation",
    corners: [
      [18, 12],
      [228, 26],
      [221, 98],
      [12, 80],
    ],
    extra: {},
  },
  {
    name: "plus noise, a slanted shadow band and JPEG at quality 50",
    corners: [
      [10, 20],
      [200, 8],
      [210, 75],
      [14, 90],
    ],
    extra: { noise: 8, jpegQuality: 50, shadow: { x0: 60, x1: 130, slant: 0.3, factor: 0.55 } },
  },
  {
    name: "smaller (0.35 px/mm) with blur σ 1",
    corners: [
      [9, 6],
      [160, 14],
      [157, 62],
      [6, 52],
    ],
    extra: { blur: 1 },
  },
];

describe("findPlateQuad + rectifyPlate", () => {
  for (const c of CASES) {
    it(`undoes a known homography to within a pixel: ${c.name}`, () => {
      const m = canvasToPlateFor(264, 84, c.corners);
      const img = warpPlate(flat, { width: 240, height: 110, canvasToPlate: m, ...c.extra });
      const quad = findPlateQuad(img);
      expect(quad.method).toBe("colour");
      quad.corners.forEach((p, i) => {
        const [ex, ey] = c.corners[i] as [number, number];
        expect(Math.hypot(p[0] - ex, p[1] - ey)).toBeLessThan(1);
      });
      // the rectified plate's pixels come from within a pixel of where the known map puts them
      const rect = rectifyPlate(img, { quad });
      expect([rect.image.width, rect.image.height]).toEqual([264, 84]);
      for (const [x, y] of [
        [0, 0],
        [263, 0],
        [263, 83],
        [0, 83],
        [131, 41],
      ] as const) {
        // rectified pixel -> image by the package's map, against the known map solved for it
        const h = rect.toImage;
        const w = (h[6] as number) * x + (h[7] as number) * y + (h[8] as number);
        const ix = ((h[0] as number) * x + (h[1] as number) * y + (h[2] as number)) / w;
        const iy = ((h[3] as number) * x + (h[4] as number) * y + (h[5] as number)) / w;
        const [ex, ey] = solvePoint(m, x, y);
        expect(Math.hypot(ix - ex, iy - ey)).toBeLessThan(1);
      }
    });
  }

  it("keeps a plate that already fills the image where it is", () => {
    const quad = findPlateQuad(flat);
    expect(quad.method).toBe("colour");
    const expected = [
      [-0.5, -0.5],
      [263.5, -0.5],
      [263.5, 83.5],
      [-0.5, 83.5],
    ];
    quad.corners.forEach((p, i) => {
      const [ex, ey] = expected[i] as [number, number];
      expect(Math.hypot(p[0] - ex, p[1] - ey)).toBeLessThan(0.6);
    });
    const rect = rectifyPlate(flat, { quad });
    const gray = toGrayscale(flat).data;
    let diff = 0;
    for (let i = 0; i < gray.length; i++)
      diff += Math.abs((rect.image.data[i] as number) - (gray[i] as number));
    expect(diff / gray.length).toBeLessThan(6); // gray levels; the plate's contrast is about 150
  });

  it("takes the whole image when there is no coloured plate (gray input)", () => {
    const gray = toGrayscale(flat);
    const quad = findPlateQuad(gray);
    expect(quad.method).toBe("image");
    expect(quad.corners).toEqual([
      [-0.5, -0.5],
      [263.5, -0.5],
      [263.5, 83.5],
      [-0.5, 83.5],
    ]);
    expect(quad.coverage).toBe(1);
  });

  it("reports a small plate in a large image by its width and coverage", () => {
    const m = canvasToPlateFor(264, 84, [
      [200, 150],
      [300, 150],
      [300, 182],
      [200, 182],
    ]);
    const img = warpPlate(flat, { width: 500, height: 330, canvasToPlate: m });
    const quad = findPlateQuad(img);
    expect(quad.method).toBe("colour");
    expect(quad.width).toBeCloseTo(100, 0);
    expect(quad.coverage).toBeCloseTo((100 * 32) / (500 * 330), 2);
  });

  it("names a bad pixelsPerMm", () => {
    expect(() => rectifyPlate(flat, { pixelsPerMm: 0 })).toThrow(
      /pixelsPerMm must be in \[0.2, 10\], got 0/,
    );
  });
});
