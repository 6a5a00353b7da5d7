import { BatchingError } from "./errors.js";
import { createRng, permutation } from "./internal/rng.js";
import { assertInteger } from "./internal/validate.js";

/** Options of {@link RandomBatchSampler}. */
export interface RandomBatchSamplerOptions {
  batchSize: number;
  seed?: number;
  shuffle?: boolean;
  /** Drop the last, smaller batch (PyTorch `drop_last`, default false). */
  dropLast?: boolean;
}

/**
 * The plain baseline: PyTorch's `BatchSampler(RandomSampler(...), batchSize, dropLast)`, seeded.
 * Batches mix aspect ratios, so they pad to larger canvases than grouped batches.
 */
export class RandomBatchSampler implements Iterable<number[]> {
  readonly size: number;
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly dropLast: boolean;
  epoch = 0;

  constructor(size: number, options: RandomBatchSamplerOptions) {
    assertInteger("size", size, 0);
    if (options === undefined || options === null) {
      throw new BatchingError(
        "INVALID_OPTION",
        "options must be { batchSize, seed?, ... }, got undefined.",
      );
    }
    const { batchSize, seed = 0, shuffle = true, dropLast = false } = options;
    assertInteger("batchSize", batchSize, 1);
    assertInteger("seed", seed, Number.MIN_SAFE_INTEGER);
    this.size = size;
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.dropLast = dropLast;
  }

  setEpoch(epoch: number): void {
    assertInteger("epoch", epoch, 0);
    this.epoch = epoch;
  }

  [Symbol.iterator](): Iterator<number[]> {
    return this.batches(this.epoch)[Symbol.iterator]();
  }

  batches(epoch = this.epoch): number[][] {
    assertInteger("epoch", epoch, 0);
    const order = this.shuffle
      ? permutation(this.size, createRng(this.seed, epoch))
      : Array.from({ length: this.size }, (_, i) => i);
    const out: number[][] = [];
    for (let i = 0; i < order.length; i += this.batchSize) {
      const batch = order.slice(i, i + this.batchSize);
      if (batch.length < this.batchSize && this.dropLast) break;
      out.push(batch);
    }
    return out;
  }

  get length(): number {
    return this.dropLast
      ? Math.floor(this.size / this.batchSize)
      : Math.ceil(this.size / this.batchSize);
  }
}
