import { BatchingError } from "./errors.js";
import { createRng, permutation } from "./internal/rng.js";
import { assertInteger } from "./internal/validate.js";

/** Options of {@link lengthGroupedIndices} and {@link LengthGroupedSampler}. */
export interface LengthGroupedOptions {
  batchSize: number;
  /** Mega-batch size in batches; default `min(floor(n / (4 * batchSize)), 50)`, at least 1. */
  megaBatchMult?: number;
  seed?: number;
  /** Epoch whose seeded permutation to use (default 0). */
  epoch?: number;
}

/**
 * Hugging Face's `get_length_grouped_indices`: a seeded random permutation is cut into mega-batches
 * of `megaBatchMult * batchSize`; each mega-batch is sorted by length, longest first (stable); the
 * globally longest item is swapped to the very front so an out-of-memory error happens at step 1.
 * Chunking the result by `batchSize` gives batches of similar lengths.
 */
export function lengthGroupedIndices(
  lengths: readonly number[],
  options: LengthGroupedOptions,
): number[] {
  if (
    !Array.isArray(lengths) ||
    !lengths.every((l) => typeof l === "number" && Number.isFinite(l) && l >= 0)
  ) {
    throw new BatchingError(
      "INVALID_SIZE",
      `lengths must be an array of finite numbers >= 0, got ${JSON.stringify(lengths)?.slice(0, 80)}.`,
    );
  }
  const { batchSize, seed = 0, epoch = 0 } = options ?? {};
  assertInteger("batchSize", batchSize, 1);
  assertInteger("epoch", epoch, 0);
  const n = lengths.length;
  const mult = options.megaBatchMult ?? Math.max(1, Math.min(Math.floor(n / (batchSize * 4)), 50));
  assertInteger("megaBatchMult", mult, 1);
  const order = permutation(n, createRng(seed, epoch));
  const mega = mult * batchSize;
  const megabatches: number[][] = [];
  for (let i = 0; i < n; i += mega) {
    const chunk = order.slice(i, i + mega);
    // Array.prototype.sort is stable, like Python's sorted.
    chunk.sort((a, b) => (lengths[b] as number) - (lengths[a] as number));
    megabatches.push(chunk);
  }
  if (megabatches.length === 0) return [];
  let maxIdx = 0;
  for (let i = 1; i < megabatches.length; i++) {
    const head = lengths[(megabatches[i] as number[])[0] as number] as number;
    const best = lengths[(megabatches[maxIdx] as number[])[0] as number] as number;
    if (head > best) maxIdx = i; // first maximum wins, as argmax does
  }
  const first = megabatches[0] as number[];
  const top = megabatches[maxIdx] as number[];
  const t = first[0] as number;
  first[0] = top[0] as number;
  top[0] = t;
  return megabatches.flat();
}

/** Options of {@link LengthGroupedSampler}. */
export interface LengthGroupedSamplerOptions extends Omit<LengthGroupedOptions, "epoch"> {
  /** Drop the last, smaller batch (default false: every index once per epoch). */
  dropLast?: boolean;
}

/**
 * Batches of 1-D items (token sequences, audio) of similar length: {@link lengthGroupedIndices}
 * chunked by `batchSize`, the Hugging Face `group_by_length` recipe. Batch order follows the
 * mega-batches (not shuffled further), the first batch holds the longest item.
 */
export class LengthGroupedSampler implements Iterable<number[]> {
  readonly lengths: readonly number[];
  readonly options: LengthGroupedSamplerOptions;
  epoch = 0;

  constructor(lengths: readonly number[], options: LengthGroupedSamplerOptions) {
    lengthGroupedIndices(lengths, { ...options, epoch: 0 }); // validates
    this.lengths = [...lengths];
    this.options = { ...options };
  }

  setEpoch(epoch: number): void {
    assertInteger("epoch", epoch, 0);
    this.epoch = epoch;
  }

  [Symbol.iterator](): Iterator<number[]> {
    return this.batches(this.epoch)[Symbol.iterator]();
  }

  batches(epoch = this.epoch): number[][] {
    const order = lengthGroupedIndices(this.lengths, { ...this.options, epoch });
    const B = this.options.batchSize;
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += B) {
      const batch = order.slice(i, i + B);
      if (batch.length < B && this.options.dropLast) break;
      out.push(batch);
    }
    return out;
  }
}
