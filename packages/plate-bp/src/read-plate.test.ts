import jpeg from "jpeg-js";
import { describe, expect, it } from "vitest";
import { barlow, dejavu, roboto } from "../test/fonts.js";
import { canvasToPlateFor, warpPlate } from "../test/warped-plate.js";
import { decodeImage } from "./decode-image.js";
import { PlateBpError } from "./errors.js";
import type { RasterImage } from "./image-types.js";
import { MIN_PLATE_WIDTH, PLATE_CONFIDENCE_THRESHOLD, readPlate } from "./read-plate.js";
import { renderPlate } from "./render-plate.js";
import { toGrayscale } from "./to-grayscale.js";

/** The plate as a camera sees it: perspective, a slanted shadow band, blur, noise, JPEG. */
function cameraView(
  text: string,
  font: typeof roboto,
  corners: [number, number][],
  extra: {
    blur?: number;
    noise?: number;
    jpegQuality?: number;
    shadow?: { x0: number; x1: number; slant: number; factor: number };
  },
  size: [number, number] = [240, 110],
): RasterImage {
  const flat = renderPlate(font, text, { augment: "none" });
  const m = canvasToPlateFor(flat.width, flat.height, corners);
  return warpPlate(flat, { width: size[0], height: size[1], canvasToPlate: m, ...extra });
}

function expectError(f: () => unknown, code: string, message: RegExp): void {
  try {
    f();
    expect.unreachable("no error thrown");
  } catch (e) {
    expect(e).toBeInstanceOf(PlateBpError);
    expect((e as PlateBpError).code).toBe(code);
    expect((e as Error).message).toMatch(message);
  }
}

describe("readPlate on camera views", () => {
  const views: [string, typeof roboto, [number, number][], Parameters<typeof cameraView>[3]][] = [
    [
      "K7Z9Q20",
      roboto,
      [
        [18, 12],
        [228, 26],
        [221, 98],
        [12, 80],
      ],
      {
        blur: 0.8,
        noise: 8,
        jpegQuality: 50,
        shadow: { x0: 70, x1: 150, slant: 0.3, factor: 0.55 },
      },
    ],
    [
      "AB12345",
      barlow,
      [
        [10, 20],
        [200, 8],
        [210, 75],
        [14, 90],
      ],
      { blur: 1, noise: 12, jpegQuality: 40, shadow: { x0: 20, x1: 90, slant: -0.2, factor: 0.6 } },
    ],
    [
      "HN7C31D",
      dejavu,
      [
        [9, 6],
        [160, 14],
        [157, 62],
        [6, 52],
      ],
      {
        blur: 0.6,
        noise: 6,
        jpegQuality: 60,
        shadow: { x0: 90, x1: 200, slant: 0.1, factor: 0.5 },
      },
    ],
  ];
  for (const [text, font, corners, extra] of views) {
    it(`reads ${text} through perspective, a shadow band, blur, noise and JPEG, confidently`, () => {
      const r = readPlate(cameraView(text, font, corners, extra));
      expect(r.text).toBe(text);
      expect(r.plate.method).toBe("colour");
      expect(r.confidence).toBeGreaterThanOrEqual(PLATE_CONFIDENCE_THRESHOLD);
      expect(r.lowConfidence).toBe(false);
      expect(r.characters).toHaveLength(7);
    });
  }

  it("reads a camera-view plate from JPEG bytes", () => {
    const [text, font, corners, extra] = views[0] as (typeof views)[number];
    const img = cameraView(text, font, corners, { ...extra, jpegQuality: undefined });
    const rgba = Buffer.alloc(img.width * img.height * 4);
    for (let i = 0; i < img.width * img.height; i++) {
      for (let c = 0; c < 4; c++) rgba[i * 4 + c] = img.data[i * img.channels + c] as number;
    }
    const bytes = jpeg.encode({ width: img.width, height: img.height, data: rgba }, 45).data;
    expect(readPlate(decodeImage(new Uint8Array(bytes))).text).toBe(text);
  });
});

describe("plate-level confidence", () => {
  it("is high for a correctly read plate and under the threshold for a garbage plate", () => {
    for (const font of [roboto, barlow, dejavu]) {
      const good = readPlate(renderPlate(font, "AB12345", { augment: "none" }));
      expect(good.text).toBe("AB12345");
      expect(good.confidence).toBeGreaterThan(0.95);
      // five symbols that are no plate characters: whatever it reads, it must not be sure
      const garbage = readPlate(renderPlate(font, "AB#%&@?", { augment: "none" }));
      expect(garbage.confidence).toBeLessThan(PLATE_CONFIDENCE_THRESHOLD);
      expect(garbage.lowConfidence).toBe(true);
    }
  });

  it("is under the threshold when a character is damaged (its top 60% painted over)", () => {
    for (const font of [roboto, barlow, dejavu]) {
      const img = renderPlate(font, "AB12345", { augment: "none" });
      const data = Uint8Array.from(img.data);
      const P = 0.6;
      // the plate's colour, from above the characters; paint x 151.5–196.5 mm (3rd cell), y 20–79 mm
      const bgAt = (Math.round(15 * P) * img.width + Math.round(160 * P)) * 3;
      for (let y = Math.round(20 * P); y < Math.round(79 * P); y++)
        for (let x = Math.round(151.5 * P); x < Math.round(196.5 * P); x++)
          for (let c = 0; c < 3; c++) data[(y * img.width + x) * 3 + c] = data[bgAt + c] as number;
      const r = readPlate({ ...img, data });
      expect(r.characters).toHaveLength(7);
      expect(r.confidence).toBeLessThan(PLATE_CONFIDENCE_THRESHOLD);
      expect(r.lowConfidence).toBe(true);
    }
  });

  it("honours minConfidence and names a bad one", () => {
    const img = renderPlate(roboto, "AB12345", { augment: "none" });
    expect(readPlate(img, { minConfidence: 1 }).lowConfidence).toBe(readPlate(img).confidence < 1);
    expectError(
      () => readPlate(img, { minConfidence: 2 }),
      "INVALID_OPTION",
      /minConfidence must be a number in \[0, 1\], got 2/,
    );
  });
});

describe("readPlate on bad input", () => {
  function lcg(seed: number): () => number {
    let s = seed >>> 0;
    return () => {
      s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
      return s / 4294967296;
    };
  }

  it("says 'no plate found' for noise and for a smooth texture", () => {
    for (let seed = 1; seed <= 3; seed++) {
      const rand = lcg(seed);
      const noise = {
        width: 240,
        height: 90,
        channels: 3 as const,
        data: Uint8Array.from({ length: 240 * 90 * 3 }, () => Math.floor(rand() * 256)),
      };
      expectError(() => readPlate(noise), "SEGMENTATION_FAILED", /no plate found/);
      const f = 0.03 + 0.05 * rand();
      const texture = {
        width: 240,
        height: 90,
        channels: 3 as const,
        data: Uint8Array.from({ length: 240 * 90 * 3 }, (_, i) => {
          const p = Math.floor(i / 3);
          const x = p % 240;
          const y = Math.floor(p / 240);
          return Math.round(
            128 + 60 * Math.sin(x * f) * Math.cos(y * f * 1.3) + 20 * (rand() - 0.5),
          );
        }),
      };
      expectError(() => readPlate(texture), "SEGMENTATION_FAILED", /no plate found/);
    }
  });

  it("says 'no plate found' for stripes, not seven confident characters", () => {
    for (const period of [9, 23, 37]) {
      const w = 240;
      const h = 90;
      const data = Uint8Array.from({ length: w * h * 3 }, (_, i) => {
        const x = Math.floor(i / 3) % w;
        return x % period < period / 2 ? 200 : 60;
      });
      expectError(
        () => readPlate({ width: w, height: h, channels: 3, data }),
        "SEGMENTATION_FAILED",
        /no plate found/,
      );
    }
  });

  it(`refuses a plate under ${MIN_PLATE_WIDTH} pixels wide, saying so`, () => {
    const img = cameraView(
      "AB12345",
      roboto,
      [
        [4, 4],
        [74, 8],
        [73, 30],
        [3, 26],
      ],
      {},
      [80, 36],
    );
    expectError(
      () => readPlate(img),
      "INVALID_IMAGE",
      /the plate is 7\d pixels wide, too small to read \(at least 80/,
    );
  });

  it("refuses a whole car (a small plate in a large scene), asking for a crop", () => {
    const W = 640;
    const H = 420;
    const rand = lcg(9);
    const scene = new Uint8Array(W * H * 3);
    for (let y = 0; y < H; y++) {
      for (let x = 0; x < W; x++) {
        let c = [150 + 0.1 * y, 150 + 0.1 * y, 160]; // sky and road
        if (y > 100 && y < 360 && x > 40 && x < 600) c = [170, 30, 35]; // a red car body
        if (y > 120 && y < 200 && x > 120 && x < 520) c = [40, 50, 60]; // its windscreen
        if ((x - 140) ** 2 + (y - 360) ** 2 < 2500 || (x - 500) ** 2 + (y - 360) ** 2 < 2500)
          c = [20, 20, 20];
        for (let k = 0; k < 3; k++)
          scene[(y * W + x) * 3 + k] = Math.max(
            0,
            Math.min(255, Math.round((c[k] as number) + 12 * (rand() - 0.5))),
          );
      }
    }
    const plate = renderPlate(roboto, "AB12345", { augment: "none", scale: 0.5 });
    for (let y = 0; y < plate.height; y++)
      for (let x = 0; x < plate.width; x++)
        for (let k = 0; k < 3; k++)
          scene[((250 + y) * W + 210 + x) * 3 + k] = plate.data[
            (y * plate.width + x) * 3 + k
          ] as number;
    const car = { width: W, height: H, channels: 3 as const, data: scene };
    expectError(
      () => readPlate(car),
      "INVALID_IMAGE",
      /covers only 5\.\d% of the 640x420 image .*crop the image to the plate/,
    );
    // without colour the plate cannot be told from the car: no plate found, not seven characters
    expectError(() => readPlate(toGrayscale(car)), "SEGMENTATION_FAILED", /no plate found/);
  });
});
