import { describe, expect, it } from "vitest";
import { approximateMode } from "./approximate-mode.js";
import { createRng } from "./rng.js";
import { bucketCount, permutation, shuffleInto } from "./shuffle.js";

describe("permutation (bucketed Fisher–Yates)", () => {
  it("draws each of the 24 orders of 4 items about equally often", () => {
    const rng = createRng(123);
    const counts = new Map<string, number>();
    const draws = 24_000;
    for (let r = 0; r < draws; r++) {
      const key = Array.from(permutation(rng, 4)).join("");
      counts.set(key, (counts.get(key) ?? 0) + 1);
    }
    expect(counts.size).toBe(24);
    // Expected 1000 each; 5 standard deviations is about ±155.
    for (const c of counts.values()) expect(Math.abs(c - 1000)).toBeLessThan(160);
  });

  // 60_000: one bucket, swap indices drawn for bounds up to 60_000 from 16-bit halves (high
  // rejection rate); 140_000: several buckets.
  it.each([
    [60_000, 1],
    [140_000, 8],
  ])(
    "sends an item to every quarter of a permutation of %i (%i buckets) about equally often",
    (m, buckets) => {
      expect(bucketCount(m)).toBe(buckets);
      const rng = createRng(5);
      const quarters = [0, 0, 0, 0];
      const firstQuarters = [0, 0, 0, 0];
      const runs = 400;
      for (let r = 0; r < runs; r++) {
        const p = permutation(rng, m);
        const q = Math.floor((p.indexOf(m - 1) / m) * 4);
        quarters[q] = (quarters[q] as number) + 1;
        const q0 = Math.floor((p.indexOf(0) / m) * 4);
        firstQuarters[q0] = (firstQuarters[q0] as number) + 1;
      }
      // Expected 100 each; binomial sd ≈ 8.7, allow 5 sd.
      for (const c of quarters) expect(Math.abs(c - 100)).toBeLessThan(44);
      for (const c of firstQuarters) expect(Math.abs(c - 100)).toBeLessThan(44);
    },
  );

  it("is a permutation of [0, m) for sizes around the bucket threshold", () => {
    for (const m of [0, 1, 2, 65_536, 65_537, 140_001]) {
      const p = permutation(createRng(m), m);
      const seen = new Uint8Array(m);
      for (const v of p) seen[v] = (seen[v] as number) + 1;
      expect(seen.every((v) => v === 1)).toBe(true);
    }
  });
});

describe("shuffleInto moves every row's exact bits", () => {
  // Float32 rows of an even width are moved as pairs through a Float64Array view; a pair whose
  // high word has every exponent bit set (and that is not ∞) is a NaN double, whose bits an engine
  // may change, so such data must fall back to 32-bit moves. Little-endian: word 2k+1 is the high
  // word of pair k.
  /** Low words (even positions) are distinct per row; high words cycle through `high`. */
  function rows(m: number, width: number, high: readonly number[]): Float32Array {
    const x = new Float32Array(m * width);
    const bits = new Uint32Array(x.buffer);
    for (let i = 0; i < m; i++) {
      for (let d = 0; d < width; d += 2) {
        bits[i * width + d] = Math.imul(i * width + d + 1, 0x9e3779b1);
        bits[i * width + d + 1] = high[(i + d) % high.length] as number;
      }
    }
    return x;
  }
  const specials = [
    // High words -0, ∞, JavaScript's NaN (0x7fc00000), a denormal, plain values: no NaN double.
    ["no NaN pairs", [0x80000000, 0x7f800000, 0x7fc00000, 0x00000001, 0x3f800000, 0xc2c80000]],
    // High words 0xfff80001 and 0x7ff12345 (float32 NaNs with payloads) make NaN doubles.
    ["NaN pairs", [0x00000000, 0xfff80001, 0x3f800000, 0x7ff12345]],
  ] as const;
  // Width 4 and 6 (pairs moved two or three at a time); with the row indices asked for, and
  // without (features + labels only: the scatter's one-loop path), where the label tells the row.
  const cases = specials.flatMap(([name, high]) =>
    [4, 6].flatMap((width) =>
      [true, false].map((withIndex) => [name, width, withIndex, high] as const),
    ),
  );
  it.each(cases)("%s, width %i, row indices %s, several buckets", (_n, width, withIndex, high) => {
    const m = 70_000;
    const offset = 3;
    expect(bucketCount(m)).toBeGreaterThan(1);
    const x = rows(m, width, high);
    const y = new Int32Array(m).map((_, i) => -i);
    const ox = new Float32Array((m + offset) * width);
    const oy = new Int32Array(m + offset);
    const index = withIndex ? new Int32Array(m + offset) : null;
    shuffleInto(
      createRng(9),
      m,
      null,
      [
        { src: x, dst: ox, width },
        { src: y, dst: oy, width: 1 },
      ],
      index,
      offset,
    );
    const inBits = new Uint32Array(x.buffer);
    const outBits = new Uint32Array(ox.buffer);
    let mismatches = 0;
    const seen = new Uint8Array(m);
    for (let k = offset; k < m + offset; k++) {
      const r = -(oy[k] as number);
      if (index && index[k] !== r) mismatches++;
      seen[r] = (seen[r] as number) + 1;
      for (let d = 0; d < width; d++) {
        if (outBits[k * width + d] !== inBits[r * width + d]) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
    expect(seen.every((v) => v === 1)).toBe(true);
    // Rows before the offset are left alone.
    expect(Array.from(oy.subarray(0, offset))).toEqual([0, 0, 0]);
  });
});

describe("shuffleInto with a row selection", () => {
  it.each([2, 4, 6])("moves exactly the selected rows, paired, width %i", (width) => {
    // Features + labels with a selection: the scatter's one-loop path reads row sel[i].
    const n = 150_000;
    const sel = Int32Array.from({ length: 100_000 }, (_, k) => (k * 7919) % n);
    expect(bucketCount(sel.length)).toBeGreaterThan(1);
    const x = new Float32Array(n * width).map((_, j) => Math.floor(j / width) + (j % width) / 8);
    const y = Int32Array.from({ length: n }, (_, i) => i);
    const ox = new Float32Array(sel.length * width);
    const oy = new Int32Array(sel.length);
    shuffleInto(
      createRng(4),
      sel.length,
      sel,
      [
        { src: x, dst: ox, width },
        { src: y, dst: oy, width: 1 },
      ],
      null,
      0,
    );
    const wanted = new Set(sel);
    const seen = new Set<number>();
    let bad = 0;
    for (let k = 0; k < oy.length; k++) {
      const r = oy[k] as number;
      if (!wanted.has(r) || seen.has(r)) bad++;
      seen.add(r);
      for (let d = 0; d < width; d++) if (ox[k * width + d] !== r + d / 8) bad++;
    }
    expect(bad).toBe(0);
    expect(seen.size).toBe(sel.length);
  });
});

describe("approximateMode (scikit-learn's largest-remainder allocation)", () => {
  it.each([
    [[4, 2], 3, [2, 1]],
    [[5, 2], 4, [3, 1]],
    [[3, 4], 5, [2, 3]],
    [[800, 50], 281, [264, 17]],
  ])("splits %j over %i draws as %j", (counts, draws, expected) => {
    // [800, 50] over 281: 264.47 and 16.53 -> floors 264, 16; the extra unit goes to class 1, whose remainder (0.53) is larger.
    expect(Array.from(approximateMode(counts, draws, createRng(0)))).toEqual(expected);
  });

  it("breaks ties at random but always hands out exactly nDraws", () => {
    const seen = new Set<string>();
    for (let seed = 0; seed < 50; seed++) {
      const out = Array.from(approximateMode([1, 1, 1], 2, createRng(seed)));
      expect(out.reduce((a, b) => a + b)).toBe(2);
      expect(Math.max(...out)).toBe(1);
      seen.add(out.join());
    }
    expect(seen.size).toBe(3);
  });
});
