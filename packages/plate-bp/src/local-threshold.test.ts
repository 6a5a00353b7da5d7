import { describe, expect, it } from "vitest";
import { binarize } from "./binarize.js";
import { PlateBpError } from "./errors.js";
import type { GrayImage } from "./image-types.js";
import { backgroundThreshold, estimateBackground, sauvolaThreshold } from "./local-threshold.js";

function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/** Brute-force square minimum / maximum with clamped edges. */
function naive(img: GrayImage, win: number, max: boolean): Uint8Array {
  const { width: w, height: h, data } = img;
  const r = (win - 1) / 2;
  const out = new Uint8Array(w * h);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      let v = max ? 0 : 255;
      for (let dy = -r; dy <= r; dy++) {
        for (let dx = -r; dx <= r; dx++) {
          const s = data[
            Math.min(h - 1, Math.max(0, y + dy)) * w + Math.min(w - 1, Math.max(0, x + dx))
          ] as number;
          v = max ? Math.max(v, s) : Math.min(v, s);
        }
      }
      out[y * w + x] = v;
    }
  }
  return out;
}

/**
 * A dark plate (70) with bright vertical bars (200) at known columns, and a shadow that multiplies
 * columns 40..79 by 0.5 (plate 35, bars 100 there).
 */
function shadowedBars(): { img: GrayImage; bars: Uint8Array } {
  const w = 120;
  const h = 40;
  const data = new Uint8Array(w * h);
  const bars = new Uint8Array(w * h);
  const barCols = (x: number) => [10, 30, 50, 60, 90, 105].some((b) => x >= b && x < b + 5);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const bar = y >= 8 && y < 32 && barCols(x);
      const v = bar ? 200 : 70;
      data[y * w + x] = Math.round(x >= 40 && x < 80 ? v * 0.5 : v);
      bars[y * w + x] = bar ? 1 : 0;
    }
  }
  return { img: { width: w, height: h, data }, bars };
}

/**
 * The binary image matches the bars: every bar pixel off the bar's edge is 1, and every pixel two
 * or more pixels away from any bar is 0 (the 3×3 smoothing before the threshold blurs the edges).
 */
function expectBars(out: Uint8Array, bars: Uint8Array, w: number): void {
  const h = bars.length / w;
  const near = (x: number, y: number, d: number, v: number) => {
    for (let dy = -d; dy <= d; dy++)
      for (let dx = -d; dx <= d; dx++) {
        const xx = x + dx;
        const yy = y + dy;
        if (xx >= 0 && yy >= 0 && xx < w && yy < h && bars[yy * w + xx] === v) return true;
      }
    return false;
  };
  let wrong = 0;
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const i = y * w + x;
      if (bars[i] === 1 && !near(x, y, 1, 0) && out[i] !== 1) wrong++;
      if (bars[i] === 0 && !near(x, y, 1, 1) && out[i] !== 0) wrong++;
    }
  }
  expect(wrong).toBe(0);
}

describe("estimateBackground", () => {
  it("equals a brute-force opening (light characters) and closing (dark ones)", () => {
    const rand = lcg(7);
    for (let t = 0; t < 40; t++) {
      const w = 1 + Math.floor(rand() * 37);
      const h = 1 + Math.floor(rand() * 23);
      const win = 3 + 2 * Math.floor(rand() * 7);
      const img = {
        width: w,
        height: h,
        data: Uint8Array.from({ length: w * h }, () => Math.floor(rand() * 256)),
      };
      const opened = naive({ width: w, height: h, data: naive(img, win, false) }, win, true);
      const closed = naive({ width: w, height: h, data: naive(img, win, true) }, win, false);
      expect(estimateBackground(img, win, "light-on-dark").data).toEqual(opened);
      expect(estimateBackground(img, win, "dark-on-light").data).toEqual(closed);
    }
  });

  it("removes strokes narrower than the window and keeps a shadow's edge", () => {
    const { img } = shadowedBars();
    const bg = estimateBackground(img, 9, "light-on-dark").data;
    // the plate level on each side of the shadow's edges, bars gone
    for (let x = 0; x < 120; x++) expect(bg[20 * 120 + x]).toBe(x >= 40 && x < 80 ? 35 : 70);
  });
});

describe("backgroundThreshold", () => {
  it("finds every bar, in the shadow and out of it, and nothing at the shadow's edges", () => {
    const { img, bars } = shadowedBars();
    const out = backgroundThreshold(img, { window: 9 });
    expectBars(out.data, bars, 120);
    // a global threshold loses the bars in the shadow (the reason for this function)
    const global = binarize(img).data;
    let lost = 0;
    for (let i = 0; i < bars.length; i++) if (bars[i] === 1 && global[i] === 0) lost++;
    expect(lost).toBeGreaterThan(100);
  });

  it("reads dark characters on a light plate through a shadow", () => {
    const { img, bars } = shadowedBars();
    const inv = {
      ...img,
      data: img.data.map(
        (_v, i) => (bars[i] ? 30 : 210) * (i % 120 >= 40 && i % 120 < 80 ? 0.5 : 1),
      ),
    };
    const out = backgroundThreshold(inv, { window: 9, polarity: "dark-on-light" });
    expectBars(out.data, bars, 120);
  });

  it("marks nothing on a flat or shadowed plate without characters", () => {
    const w = 60;
    const h = 20;
    const data = Uint8Array.from({ length: w * h }, (_, i) => (i % w < 30 ? 80 : 40));
    const out = backgroundThreshold({ width: w, height: h, data }, { window: 9 });
    expect(out.data.every((v) => v === 0)).toBe(true);
  });

  it("names bad options", () => {
    const img = { width: 4, height: 4, data: new Uint8Array(16) };
    expect(() => backgroundThreshold(img, { window: 4 })).toThrow(PlateBpError);
    expect(() => backgroundThreshold(img, { window: 4 })).toThrow(
      /window must be an odd integer ≥ 3 \(pixels\), got 4/,
    );
    expect(() =>
      backgroundThreshold(img, { polarity: "auto" as unknown as "light-on-dark" }),
    ).toThrow(/polarity must be "light-on-dark" or "dark-on-light", got "auto"/);
    expect(() => backgroundThreshold(img, { minContrast: 0.5 })).toThrow(
      /minContrast must be a finite ratio ≥ 1, got 0.5/,
    );
    expect(() => backgroundThreshold(img, { region: new Uint8Array(3) })).toThrow(
      /one value per pixel \(16\), got 3/,
    );
  });
});

describe("sauvolaThreshold", () => {
  it("equals Sauvola's formula computed directly over each window", () => {
    const rand = lcg(3);
    const w = 23;
    const h = 17;
    const data = Uint8Array.from({ length: w * h }, () => Math.floor(rand() * 256));
    const img = { width: w, height: h, data };
    for (const [win, k, pol] of [
      [5, 0.2, "dark-on-light"],
      [9, 0.35, "light-on-dark"],
    ] as const) {
      const out = sauvolaThreshold(img, { window: win, k, polarity: pol });
      const r = (win - 1) / 2;
      for (let y = 0; y < h; y++) {
        for (let x = 0; x < w; x++) {
          const vals: number[] = [];
          for (let yy = Math.max(0, y - r); yy <= Math.min(h - 1, y + r); yy++)
            for (let xx = Math.max(0, x - r); xx <= Math.min(w - 1, x + r); xx++) {
              const v = data[yy * w + xx] as number;
              vals.push(pol === "light-on-dark" ? 255 - v : v);
            }
          const m = vals.reduce((a, b) => a + b, 0) / vals.length;
          const sd = Math.sqrt(vals.reduce((a, b) => a + (b - m) ** 2, 0) / vals.length);
          const v0 = data[y * w + x] as number;
          const v = pol === "light-on-dark" ? 255 - v0 : v0;
          const t = m * (1 + k * (sd / 128 - 1));
          if (Math.abs(v - t) > 1e-6) expect(out.data[y * w + x], `${x},${y}`).toBe(v < t ? 1 : 0);
        }
      }
    }
  });
});
