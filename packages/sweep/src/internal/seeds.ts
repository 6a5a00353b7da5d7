import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";

/** Largest sweep or trial seed: seeds are unsigned 32-bit integers, as in @trainkit/data-split. */
export const MAX_SEED = 4294967295;

/** What a derived number is for: each purpose gets its own stream, so ids never equal seeds. */
export const STREAM = { config: 1, trialSeed: 2, trialId: 3, folds: 4 } as const;

/** A 32-bit integer finaliser (xor-shift-multiply, three rounds): every input bit moves every output bit. */
export function mix32(x: number): number {
  let h = x >>> 0;
  h = Math.imul(h ^ (h >>> 16), 0x21f0aaad);
  h = Math.imul(h ^ (h >>> 15), 0x735a2d97);
  return (h ^ (h >>> 15)) >>> 0;
}

/**
 * A 32-bit number that depends only on the sweep seed, the purpose and the index. Stateless, so a
 * worker can compute trial 4711's seed without drawing the 4710 before it.
 */
export function deriveSeed(sweepSeed: number, stream: number, index: number): number {
  const hi = Math.floor(index / 4294967296);
  let h = mix32(sweepSeed ^ mix32(stream + 0x9e3779b9));
  h = mix32(h ^ mix32(index >>> 0));
  return mix32(h ^ mix32(hi + 0x632be5ab));
}

/**
 * pure-rand's xoroshiro128+, advanced a few steps because the first outputs of nearby seeds are
 * correlated (as @trainkit/data-split does).
 */
export function createRng(seed: number): RandomGenerator {
  const rng = xoroshiro128plus(seed >>> 0);
  for (let i = 0; i < 16; i++) rng.next();
  return rng;
}
