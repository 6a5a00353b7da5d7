import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";
import { SplitError } from "../errors.js";

export type Rng = JumpableRandomGenerator;

const TWO_32 = 4294967296;
const TWO_21 = 2097152;
const INV_TWO_32 = 1 / TWO_32;

/** Largest seed accepted (seeds are unsigned 32-bit integers, as numpy's RandomState). */
export const MAX_SEED = TWO_32 - 1;

export function checkSeed(where: string, seed: unknown): number {
  if (typeof seed !== "number" || !Number.isInteger(seed) || seed < 0 || seed > MAX_SEED) {
    throw new SplitError(
      "INVALID_OPTION",
      `${where}: seed must be an integer in [0, ${MAX_SEED}], got ${String(seed)}.`,
    );
  }
  return seed;
}

/** A fresh seed for calls that did not pass one (the split is then reported with its seed). */
export function randomSeed(): number {
  const out = new Uint32Array(1);
  globalThis.crypto.getRandomValues(out);
  return out[0] as number;
}

/**
 * xoroshiro128+ from pure-rand. The first outputs of nearby seeds are correlated, so the
 * generator is advanced a few steps before use.
 */
export function createRng(seed: number): Rng {
  const rng = xoroshiro128plus(seed >>> 0);
  for (let i = 0; i < 16; i++) rng.next();
  return rng;
}

/** Unbiased integer in [0, bound), bound in [1, 2^31]. */
export function randomBelow(rng: Rng, bound: number): number {
  if (bound <= TWO_21) {
    // Lemire's multiply-shift; the product stays below 2^53 so it is exact in a double.
    let prod = (rng.next() >>> 0) * bound;
    let j = Math.floor(prod * INV_TWO_32);
    let low = prod - j * TWO_32;
    if (low < bound) {
      const threshold = (TWO_32 - bound) % bound;
      while (low < threshold) {
        prod = (rng.next() >>> 0) * bound;
        j = Math.floor(prod * INV_TWO_32);
        low = prod - j * TWO_32;
      }
    }
    return j;
  }
  // Rejection on the top bits (the high bits of xoroshiro128+ are its best ones).
  const shift = 32 - (32 - Math.clz32(bound - 1));
  let j: number;
  do {
    j = rng.next() >>> shift;
  } while (j >= bound);
  return j;
}

/** In-place Fisher–Yates shuffle of `a[from, to)`. */
export function shuffleRange(rng: Rng, a: Int32Array | number[], from: number, to: number): void {
  for (let i = to - 1; i > from; i--) {
    const j = from + randomBelow(rng, i - from + 1);
    const t = a[i] as number;
    a[i] = a[j] as number;
    a[j] = t;
  }
}
