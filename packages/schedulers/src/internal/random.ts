import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/**
 * The draws of one update: xoroshiro128+ (pure-rand) seeded from `(seed, step)` alone, so update
 * `step` draws the same numbers whether or not the updates before it ran (an exact resume).
 * Returns a function giving a uniform integer in `[0, bound)`.
 */
export function stepRandom(seed: number, step: number): (bound: number) => number {
  const rng = xoroshiro128plus((seed ^ Math.imul(step + 1, 0x9e3779b1)) | 0);
  // the first outputs of nearby seeds are correlated: skip them
  for (let i = 0; i < 16; i++) rng.next();
  return (bound) => uniformInt(rng, 0, bound - 1);
}
