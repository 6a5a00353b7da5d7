import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { roboto } from "../test/fonts.js";
import { binarize } from "./binarize.js";
import {
  CAMERA_VIEW_PRESET,
  type CameraViewRanges,
  cameraCharacterCells,
  renderCameraPlate,
} from "./camera-view.js";
import { boundingBox } from "./crop-to-bounding-box.js";
import { PlateBpError } from "./errors.js";
import { renderCharacter } from "./render-character.js";
import { renderPlate } from "./render-plate.js";

/** The preset with every degradation switched off and the geometry fixed: a plain, upright plate. */
const flat: CameraViewRanges = {
  ...CAMERA_VIEW_PRESET,
  pxPerMm: [0.5, 0.5],
  rotationDeg: [0, 0],
  cornerInset: [0, 0],
  blurSigma: [0, 0],
  noiseSigma: [0, 0],
  lighting: [0, 0],
  shadowProbability: 0,
  jpegQuality: null,
};

const px = (img: { width: number; data: ArrayLike<number> }, x: number, y: number) => {
  const o = (y * img.width + x) * 3;
  return [img.data[o], img.data[o + 1], img.data[o + 2]] as [number, number, number];
};

describe("renderCameraPlate", () => {
  it("is deterministic for a seed and differs across seeds", () => {
    const a = renderCameraPlate(roboto, "AB12345", { seed: 7 });
    const b = renderCameraPlate(roboto, "AB12345", { seed: 7 });
    const c = renderCameraPlate(roboto, "AB12345", { seed: 8 });
    expect(Buffer.from(a.image.data).equals(Buffer.from(b.image.data))).toBe(true);
    expect(a.quad).toEqual(b.quad);
    expect(Buffer.from(a.image.data).equals(Buffer.from(c.image.data))).toBe(false);
  });

  it("puts the plate where the hand-computed crop says: 5% insets, 0.5 px/mm, no rotation", () => {
    // crop = plate ± 22 mm (5% of 440) and ± 7 mm (5% of 140): 484 x 154 mm -> 242 x 77 px, and
    // the homography is a pure scale by 0.5: plate corner (x, y) mm -> ((x + 22)·0.5 − 0.5, (y + 7)·0.5 − 0.5)
    const p = renderCameraPlate(roboto, "AB12345", {
      ranges: { ...flat, cornerInset: [0.05, 0.05] },
    });
    expect([p.image.width, p.image.height, p.image.channels]).toEqual([242, 77, 3]);
    const want = [
      [10.5, 3],
      [230.5, 3],
      [230.5, 73],
      [10.5, 73],
    ];
    p.quad.forEach(([x, y], i) => {
      expect(x).toBeCloseTo((want[i] as number[])[0] as number, 9);
      expect(y).toBeCloseTo((want[i] as number[])[1] as number, 9);
    });
    // inside the quad near its corner: plate blue; outside: the gray background; x = 12 px is
    // 25 − 22 = 3 mm into the plate, on the white frame (2–5.5 mm)
    const [r, g, b] = px(p.image, 16, 6);
    expect(b).toBeGreaterThan(r + 60);
    expect(b).toBeGreaterThan(g + 30);
    const [br, , bb] = px(p.image, 4, 1);
    expect(Math.abs(bb - br)).toBeLessThanOrEqual(45);
    expect(Math.min(...px(p.image, 12, 38))).toBeGreaterThan(190);
  });

  it("rotates the plate by the drawn angle, its corners touching the crop's sides", () => {
    const p = renderCameraPlate(roboto, "AB12345", { ranges: { ...flat, rotationDeg: [7, 7] } });
    const [tl, tr] = p.quad;
    const angle = (Math.atan2(tr[1] - tl[1], tr[0] - tl[0]) * 180) / Math.PI;
    expect(Math.abs(angle - 7)).toBeLessThan(0.3);
    const xs = p.quad.map((q) => q[0]);
    const ys = p.quad.map((q) => q[1]);
    // no insets: the crop is the rotated plate's bounding box (pixel edges at −0.5 and size − 0.5)
    expect(Math.min(...xs)).toBeCloseTo(-0.5, 6);
    expect(Math.max(...xs)).toBeCloseTo(p.image.width - 0.5, 6);
    expect(Math.min(...ys)).toBeCloseTo(-0.5, 6);
    expect(Math.max(...ys)).toBeCloseTo(p.image.height - 0.5, 6);
  });

  it("keeps the preset's draws within the stated bounds over 60 seeds", () => {
    const ranges = { ...CAMERA_VIEW_PRESET, jpegQuality: null, blurSigma: [0, 0] } as const;
    for (let seed = 0; seed < 60; seed++) {
      const { image, quad, view } = renderCameraPlate(roboto, "AB12345", { seed, ranges });
      const k = view.pxPerMm;
      expect(k).toBeGreaterThanOrEqual(0.35);
      expect(k).toBeLessThanOrEqual(0.6);
      expect(Math.abs(view.rotationDeg)).toBeLessThanOrEqual(7);
      const xs = quad.map((q) => q[0]);
      const ys = quad.map((q) => q[1]);
      // the plate is inside the crop, and the crop reaches at most ~7% of the plate past it
      // (10% slack for the perspective's stretch, 1 px for rounding the size)
      expect(Math.min(...xs)).toBeGreaterThanOrEqual(-0.5 - 1e-9);
      expect(Math.min(...ys)).toBeGreaterThanOrEqual(-0.5 - 1e-9);
      expect(Math.max(...xs)).toBeLessThanOrEqual(image.width - 0.5 + 1e-9);
      expect(Math.max(...ys)).toBeLessThanOrEqual(image.height - 0.5 + 1e-9);
      const mx = 0.07 * 440 * k * 1.1 + 1;
      const my = 0.07 * 140 * k * 1.1 + 1;
      expect(Math.min(...xs) + 0.5).toBeLessThanOrEqual(mx);
      expect(image.width - 0.5 - Math.max(...xs)).toBeLessThanOrEqual(mx);
      expect(Math.min(...ys) + 0.5).toBeLessThanOrEqual(my);
      expect(image.height - 0.5 - Math.max(...ys)).toBeLessThanOrEqual(my);
      // the plate's top edge: 150–272 px long (0.35–0.6 px/mm, ±3% perspective), tilted ≤ 8.5°
      const top = Math.hypot(quad[1][0] - quad[0][0], quad[1][1] - quad[0][1]);
      expect(top).toBeGreaterThan(0.35 * 440 * 0.97);
      expect(top).toBeLessThan(0.6 * 440 * 1.03);
      const tilt = (Math.atan2(quad[1][1] - quad[0][1], quad[1][0] - quad[0][0]) * 180) / Math.PI;
      expect(Math.abs(tilt)).toBeLessThanOrEqual(8.5);
      // every shadow covers 20–50% of the width and removes 25–50% of the light
      expect(view.shadow).not.toBeNull();
      expect(view.shadow?.width).toBeGreaterThanOrEqual(0.2 * 440);
      expect(view.shadow?.width).toBeLessThanOrEqual(0.5 * 440);
    }
  });

  it("applies a real JPEG round trip at the drawn quality, with 8x8 block artefacts", () => {
    // blurred, so that the plate's own edges do not swamp the blocks' edges
    const soft: CameraViewRanges = { ...flat, blurSigma: [1.3, 1.3] };
    const plain = renderCameraPlate(roboto, "AB12345", { seed: 3, ranges: soft });
    const jpg = renderCameraPlate(roboto, "AB12345", {
      seed: 3,
      ranges: { ...soft, jpegQuality: [35, 35] },
    });
    expect(jpg.view.jpegQuality).toBe(35);
    const { width: w, height: h } = plain.image;
    expect([jpg.image.width, jpg.image.height]).toEqual([w, h]);
    // the reference: jpeg-js itself, encoding the image without the round trip at quality 35
    const rgba = new Uint8Array(w * h * 4);
    for (let i = 0; i < w * h; i++) {
      rgba.set(plain.image.data.subarray(i * 3, i * 3 + 3), i * 4);
      rgba[i * 4 + 3] = 255;
    }
    const ref = jpeg.decode(jpeg.encode({ data: rgba, width: w, height: h }, 35).data, {
      useTArray: true,
    });
    let same = true;
    let diff = 0;
    for (let i = 0; i < w * h; i++) {
      for (let c = 0; c < 3; c++) {
        const v = jpg.image.data[i * 3 + c] as number;
        if (v !== ref.data[i * 4 + c]) same = false;
        diff += Math.abs(v - (plain.image.data[i * 3 + c] as number));
      }
    }
    expect(same).toBe(true);
    expect(diff / (w * h * 3)).toBeGreaterThan(1);
    // the error jumps more across block borders (x = 8k − 1 | 8k) than between other neighbours
    // (measured here: 3.9 against 2.3 on average)
    let across = 0;
    let nAcross = 0;
    let within = 0;
    let nWithin = 0;
    for (let y = 0; y < h; y++) {
      for (let x = 0; x + 1 < w; x++) {
        const e = (xx: number) =>
          (jpg.image.data[(y * w + xx) * 3 + 1] as number) -
          (plain.image.data[(y * w + xx) * 3 + 1] as number);
        const d = Math.abs(e(x + 1) - e(x));
        if (x % 8 === 7) {
          across += d;
          nAcross++;
        } else {
          within += d;
          nWithin++;
        }
      }
    }
    expect(across / nAcross).toBeGreaterThan(1.3 * (within / nWithin));
  });

  it("darkens a band by the drawn fraction, over the drawn width", () => {
    // the same plate with and without the shadow: every pixel's ratio is 1 − darkening × mask
    const ratiosOf = (ranges: CameraViewRanges, seed: number) => {
      const lit = renderCameraPlate(roboto, "AB12345", {
        seed,
        ranges: { ...ranges, shadowProbability: 0 },
      });
      const dark = renderCameraPlate(roboto, "AB12345", {
        seed,
        ranges: { ...ranges, shadowProbability: 1 },
      });
      // row 7 of 70 is 15 mm down the plate: between the frame and the characters
      const { width } = lit.image;
      const out: number[] = [];
      for (let x = 0; x < width; x++) {
        const a = px(lit.image, x, 7)[2];
        const b = px(dark.image, x, 7)[2];
        out.push(a > 60 ? b / a : Number.NaN);
      }
      return { ratios: out, width };
    };
    // fixed: 40% darker over 30% of the width (132 mm = 66 px), hard edges
    const fixed = ratiosOf(
      {
        ...flat,
        shadowDarkening: [0.4, 0.4],
        shadowWidth: [0.3, 0.3],
        shadowSoftProbability: 0,
        shadowSlant: [0, 0],
      },
      1,
    );
    // half-dark or darker: 66 px (± the two edge pixels); the band's inside: 0.6 (± rounding)
    const inBand = fixed.ratios.filter((r) => r < 0.8);
    expect(Math.abs(inBand.length - 66)).toBeLessThanOrEqual(1);
    expect(inBand.filter((r) => Math.abs(r - 0.6) < 0.012).length).toBeGreaterThanOrEqual(64);
    // the preset's ranges (upright edges so the band's width is the same on every row)
    for (let seed = 0; seed < 12; seed++) {
      const { ratios, width } = ratiosOf(
        { ...flat, shadowProbability: 1, shadowSlant: [0, 0] },
        seed,
      );
      const valid = ratios.filter((r) => !Number.isNaN(r));
      const deepest = Math.min(...valid);
      expect(deepest).toBeGreaterThanOrEqual(0.5 - 0.012);
      expect(deepest).toBeLessThanOrEqual(0.75 + 0.012);
      const half = 1 - (1 - deepest) / 2;
      const banded = ratios.filter((r) => r < half).length;
      expect(banded / width).toBeGreaterThanOrEqual(0.2 - 3 / width);
      expect(banded / width).toBeLessThanOrEqual(0.5 + 3 / width);
    }
  });

  it("is what renderPlate draws for augment: camera; renderCharacter refuses it", () => {
    const a = renderPlate(roboto, "AB12345", { augment: "camera", seed: 4 });
    const b = renderCameraPlate(roboto, "AB12345", { seed: 4 }).image;
    expect(Buffer.from(a.data).equals(Buffer.from(b.data))).toBe(true);
    const fixed = renderPlate(roboto, "AB12345", { augment: "camera", seed: 4, scale: 0.4 });
    const q = renderCameraPlate(roboto, "AB12345", {
      seed: 4,
      ranges: { ...CAMERA_VIEW_PRESET, pxPerMm: [0.4, 0.4] },
    });
    expect(Buffer.from(fixed.data).equals(Buffer.from(q.image.data))).toBe(true);
    expect(() => renderCharacter(roboto, "A", { augment: "camera" as never })).toThrow(
      /augment "camera" describes a whole plate/,
    );
  });

  it("names bad text and bad ranges", () => {
    expect(() => renderCameraPlate(roboto, "AB1")).toThrow(/7 characters, got "AB1" \(3\)/);
    for (const [field, value, msg] of [
      ["pxPerMm", [0.6, 0.3], /pxPerMm must be a \[min, max\] range/],
      ["cornerInset", [0, 0.5], /cornerInset must be a \[min, max\] range .* got \[0,0.5\]/],
      ["shadowProbability", 2, /shadowProbability must be a probability in \[0, 1\], got 2/],
      ["jpegQuality", [40.2, 40.7], /jpegQuality must contain a whole quality level/],
    ] as const) {
      try {
        renderCameraPlate(roboto, "AB12345", {
          ranges: { ...CAMERA_VIEW_PRESET, [field]: value } as CameraViewRanges,
        });
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PlateBpError);
        expect((e as PlateBpError).code).toBe("INVALID_OPTION");
        expect((e as Error).message).toMatch(msg);
      }
    }
  });
});

describe("cameraCharacterCells", () => {
  it("cuts each of the 7 cells around its character", () => {
    const cells = cameraCharacterCells(roboto, "AB12345", {
      ranges: { ...flat, pxPerMm: [0.6, 0.6] },
      cornerErrorPx: 0,
      marginMm: [4, 4],
    });
    expect(cells.length).toBe(7);
    cells.forEach((c, i) => {
      // 45 + 8 mm by 90 + 8 mm at 0.6 px/mm
      expect([c.width, c.height]).toEqual([Math.round(53 * 0.6), Math.round(98 * 0.6)]);
      const box = boundingBox(binarize(c));
      expect(box).not.toBeNull();
      const b = box as NonNullable<typeof box>;
      // the character is centred in the cut and fits its 45 x 90 mm = 27 x 54 px cell, which it
      // fills in height (the "1") or in width (glyphs wider than half their height are scaled down)
      expect(Math.abs(b.y + b.height / 2 - c.height / 2)).toBeLessThanOrEqual(1.5);
      expect(Math.abs(b.x + b.width / 2 - c.width / 2)).toBeLessThanOrEqual(1.5);
      expect(b.height).toBeLessThanOrEqual(54 + 1.5);
      expect(b.width).toBeLessThanOrEqual(27 + 1.5);
      expect(Math.max(b.height - 54, b.width - 27)).toBeGreaterThanOrEqual(-1.5);
      if (i === 2) expect(Math.abs(b.height - 54)).toBeLessThanOrEqual(1.5);
    });
  });

  it("rejects bad options by name", () => {
    expect(() => cameraCharacterCells(roboto, "AB12345", { cornerErrorPx: -1 })).toThrow(
      /cornerErrorPx must be a number of pixels in \[0, 50\], got -1/,
    );
    expect(() => cameraCharacterCells(roboto, "AB12345", { rectifiedPxPerMm: 0 })).toThrow(
      /rectifiedPxPerMm must be in \[0.1, 10\], got 0/,
    );
  });
});
