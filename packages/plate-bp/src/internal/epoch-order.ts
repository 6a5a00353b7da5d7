import { createRng } from "./prng.js";

/**
 * The order in which one epoch visits the training rows: a Fisher–Yates shuffle of `0..n-1`
 * driven by the stream `(seed, 7919, epoch)`. It depends on nothing else, so a run resumed in
 * the middle of an epoch visits the rows exactly as the uninterrupted run did.
 */
export function epochOrder(n: number, seed: number, epoch: number): Int32Array {
  const order = new Int32Array(n);
  for (let i = 0; i < n; i++) order[i] = i;
  const rng = createRng(seed, 7919, epoch);
  for (let i = n - 1; i > 0; i--) {
    const j = rng.int(i + 1);
    const t = order[i] as number;
    order[i] = order[j] as number;
    order[j] = t;
  }
  return order;
}
