import { describe, expect, it } from "vitest";
import { PlateBpError } from "./errors.js";
import {
  applyHomography,
  invertHomography,
  solveHomography,
  warpPerspective,
} from "./homography.js";

// a projective map written out by hand: (x, y) -> ((1.2x + 0.1y + 5)/w, (-0.05x + 0.9y + 3)/w),
// w = 0.001x - 0.0005y + 1
const H0 = [1.2, 0.1, 5, -0.05, 0.9, 3, 0.001, -0.0005, 1];
const byHand = (x: number, y: number): [number, number] => {
  const w = 0.001 * x - 0.0005 * y + 1;
  return [(1.2 * x + 0.1 * y + 5) / w, (-0.05 * x + 0.9 * y + 3) / w];
};

describe("solveHomography", () => {
  it("recovers a known matrix from four point pairs", () => {
    const from: [number, number][] = [
      [0, 0],
      [200, 0],
      [200, 80],
      [0, 80],
    ];
    const h = solveHomography(
      from,
      from.map(([x, y]) => byHand(x, y)),
    );
    for (let i = 0; i < 9; i++) expect(h[i]).toBeCloseTo(H0[i] as number, 9);
    // and maps other points as the matrix does
    for (const [x, y] of [
      [37, 11],
      [150, 71],
      [-20, 100],
    ] as const) {
      const [u, v] = applyHomography(h, x, y);
      const [eu, ev] = byHand(x, y);
      expect(u).toBeCloseTo(eu, 8);
      expect(v).toBeCloseTo(ev, 8);
    }
  });

  it("inverts: H⁻¹·H is the identity up to scale", () => {
    const h = Float64Array.from(H0);
    const inv = invertHomography(h);
    const prod: number[] = [];
    for (let r = 0; r < 3; r++) {
      for (let c = 0; c < 3; c++) {
        let s = 0;
        for (let k = 0; k < 3; k++) s += (inv[r * 3 + k] as number) * (h[k * 3 + c] as number);
        prod.push(s);
      }
    }
    const scale = prod[8] as number;
    for (const [i, v] of prod.entries()) expect(v / scale).toBeCloseTo(i % 4 === 0 ? 1 : 0, 12);
  });

  it("refuses collinear points and malformed lists, naming the fix", () => {
    const sq: [number, number][] = [
      [0, 0],
      [1, 0],
      [1, 1],
      [0, 1],
    ];
    const line: [number, number][] = [
      [0, 0],
      [1, 1],
      [2, 2],
      [3, 3],
    ];
    expect(() => solveHomography(line, sq)).toThrow(PlateBpError);
    expect(() => solveHomography(line, sq)).toThrow(/degenerate .*three of them on one line/);
    expect(() => solveHomography(sq.slice(0, 3), sq)).toThrow(/exactly four \[x, y\] points/);
    expect(() => solveHomography([...sq.slice(0, 3), [Number.NaN, 0]], sq)).toThrow(
      /finite coordinates/,
    );
  });
});

describe("warpPerspective", () => {
  const src = {
    width: 4,
    height: 3,
    data: Uint8Array.from([0, 10, 20, 30, 40, 50, 60, 70, 80, 90, 100, 110]),
  };

  it("samples bilinearly at the mapped point", () => {
    // output (x, y) reads the source at (x + 0.5, y + 0.25)
    const h = Float64Array.of(1, 0, 0.5, 0, 1, 0.25, 0, 0, 1);
    const out = warpPerspective(src, h, 2, 2);
    // by hand: at (0.5, 0.25): row 0 → 5, row 1 → 45; 5 + 0.25·40 = 15
    expect(Array.from(out.data)).toEqual([15, 25, 55, 65]);
  });

  it("fills points outside the source, or repeats the edge when no fill is given", () => {
    const h = Float64Array.of(1, 0, -2, 0, 1, 0, 0, 0, 1); // x − 2
    expect(Array.from(warpPerspective(src, h, 4, 1, 7).data)).toEqual([7, 7, 0, 10]);
    expect(Array.from(warpPerspective(src, h, 4, 1).data)).toEqual([0, 0, 0, 10]);
  });

  it("names a bad output size", () => {
    const id = Float64Array.of(1, 0, 0, 0, 1, 0, 0, 0, 1);
    expect(() => warpPerspective(src, id, 0, 2)).toThrow(
      /output size must be positive integers, got 0 x 2/,
    );
  });
});
