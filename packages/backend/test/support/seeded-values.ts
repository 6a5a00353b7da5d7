/**
 * Seeded numbers for the tests (mulberry32): the same on every machine and backend, unlike
 * `tf.random*`, whose streams differ between backends.
 */
export function values(n: number, seed: number, lo = -1, hi = 1): Float32Array {
  let s = seed >>> 0;
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    out[i] = lo + (((t ^ (t >>> 14)) >>> 0) / 4294967296) * (hi - lo);
  }
  return out;
}

/** Seeded numbers in [0, 1). */
export function uniform(n: number, seed: number): Float32Array {
  return values(n, seed, 0, 1);
}
