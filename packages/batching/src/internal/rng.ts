import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import type { JumpableRandomGenerator } from "pure-rand/types/JumpableRandomGenerator";

/** A seeded stream of random numbers (xoroshiro128+ from pure-rand). */
export interface Rng {
  /** Integer uniform in [from, to], both included. */
  int(from: number, to: number): number;
}

/**
 * The generator for one epoch: seeded with `seed`, then jumped `epoch` times, so every epoch has its
 * own stream far away from the others and epoch `e` never depends on having drawn epochs `< e`.
 */
export function createRng(seed: number, epoch = 0): Rng {
  const rng: JumpableRandomGenerator = xoroshiro128plus(seed | 0);
  for (let i = 0; i < epoch; i++) rng.jump();
  return {
    int: (from, to) => uniformInt(rng, from, to),
  };
}

/** A uniformly random permutation of 0..n-1 (Fisher-Yates). */
export function permutation(n: number, rng: Rng): number[] {
  const out = Array.from({ length: n }, (_, i) => i);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(0, i);
    const t = out[i] as number;
    out[i] = out[j] as number;
    out[j] = t;
  }
  return out;
}
