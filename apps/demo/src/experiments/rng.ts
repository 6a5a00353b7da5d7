import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";

/** A seeded stream of random numbers for the synthetic data and initial weights. */
export interface Rng {
  /** Integer uniform in [from, to], both included. */
  int(from: number, to: number): number;
  /** Float uniform in [0, 1). */
  float(): number;
  /** A standard normal draw (Box-Muller). */
  gaussian(): number;
}

/** pure-rand's xoroshiro128+ seeded with `seed`. */
export function seededRng(seed: number): Rng {
  const generator = xoroshiro128plus(seed | 0);
  const float = () => uniformFloat64(generator);
  return {
    int: (from, to) => uniformInt(generator, from, to),
    float,
    gaussian: () => {
      const u = 1 - float();
      const v = float();
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
    },
  };
}
