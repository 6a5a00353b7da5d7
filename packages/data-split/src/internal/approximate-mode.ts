import { type Rng, randomBelow } from "./rng.js";

/**
 * scikit-learn's `_approximate_mode`: split `nDraws` over classes in proportion to their counts.
 * Floors first, then hands the remaining units to the largest fractional parts; ties among equal
 * fractional parts are broken at random.
 */
export function approximateMode(counts: ArrayLike<number>, nDraws: number, rng: Rng): Int32Array {
  const k = counts.length;
  let total = 0;
  for (let i = 0; i < k; i++) total += counts[i] as number;
  const out = new Int32Array(k);
  const remainder = new Float64Array(k);
  let floored = 0;
  for (let i = 0; i < k; i++) {
    const continuous = ((counts[i] as number) / total) * nDraws;
    const f = Math.floor(continuous);
    out[i] = f;
    remainder[i] = continuous - f;
    floored += f;
  }
  let need = nDraws - floored;
  if (need <= 0) return out;
  const values = Array.from(new Set(remainder)).sort((a, b) => b - a);
  for (const value of values) {
    const inds: number[] = [];
    for (let i = 0; i < k; i++) if (remainder[i] === value) inds.push(i);
    const addNow = Math.min(inds.length, need);
    // Choose addNow of the tied classes uniformly (partial Fisher–Yates).
    for (let a = 0; a < addNow; a++) {
      const j = a + randomBelow(rng, inds.length - a);
      const t = inds[a] as number;
      inds[a] = inds[j] as number;
      inds[j] = t;
      const cls = inds[a] as number;
      out[cls] = (out[cls] as number) + 1;
    }
    need -= addNow;
    if (need === 0) break;
  }
  return out;
}
