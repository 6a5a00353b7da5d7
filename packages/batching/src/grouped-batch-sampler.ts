import { BatchingError } from "./errors.js";
import { createRng, permutation } from "./internal/rng.js";
import { assertInteger } from "./internal/validate.js";

/**
 * What to do with the indices left in half-full group buffers at the end of an epoch.
 * - `"partial"` (default): yield each leftover buffer as a smaller batch, largest first. Every index
 *   appears exactly once per epoch and every batch is still single-group.
 * - `"drop"`: drop them (fewer than `batchSize` per group are skipped this epoch; with shuffling,
 *   different ones each epoch). Every batch is full.
 * - `"fill"`: torchvision's `GroupedBatchSampler`: exactly `floor(n / batchSize)` batches; the
 *   leftover buffers, largest first, are topped up with repeats from the same group. Some indices
 *   then appear twice and others not at all in that epoch.
 */
export type GroupedTail = "partial" | "drop" | "fill";

/** Options shared by the grouped samplers. */
export interface GroupedBatchSamplerOptions {
  batchSize: number;
  /** Seed of the xoroshiro128+ generator (default 0). */
  seed?: number;
  /** Shuffle the base order every epoch (default true); false = 0, 1, 2, ... */
  shuffle?: boolean;
  /** Tail handling, see {@link GroupedTail} (default `"partial"`). */
  tail?: GroupedTail;
}

/**
 * torchvision's `GroupedBatchSampler`: walks a (seeded, shuffled) order of the dataset, keeps one
 * buffer per group and yields a buffer as a batch as soon as it holds `batchSize` indices, so every
 * batch contains one group only. Iterate it, or call `batches(epoch)` for a given epoch.
 */
export class GroupedBatchSampler implements Iterable<number[]> {
  readonly groupIds: readonly number[];
  readonly batchSize: number;
  readonly seed: number;
  readonly shuffle: boolean;
  readonly tail: GroupedTail;
  /** Epoch used by the iterator; set it with {@link setEpoch} (like PyTorch's `set_epoch`). */
  epoch = 0;

  constructor(groupIds: readonly number[], options: GroupedBatchSamplerOptions) {
    if (!Array.isArray(groupIds) || !groupIds.every((g) => Number.isInteger(g))) {
      throw new BatchingError(
        "INVALID_GROUPS",
        `groupIds must be an array of integers (one group id per item), got ${String(groupIds)}.`,
      );
    }
    const { batchSize, seed = 0, shuffle = true, tail = "partial" } = options ?? {};
    assertInteger("batchSize", batchSize, 1);
    assertInteger("seed", seed, Number.MIN_SAFE_INTEGER);
    if (tail !== "partial" && tail !== "drop" && tail !== "fill") {
      throw new BatchingError(
        "INVALID_OPTION",
        `tail must be "partial", "drop" or "fill", got ${JSON.stringify(tail)}.`,
      );
    }
    this.groupIds = [...groupIds];
    this.batchSize = batchSize;
    this.seed = seed;
    this.shuffle = shuffle;
    this.tail = tail;
  }

  /** Sets the epoch the iterator yields; each epoch has its own seeded order. */
  setEpoch(epoch: number): void {
    assertInteger("epoch", epoch, 0);
    this.epoch = epoch;
  }

  [Symbol.iterator](): Iterator<number[]> {
    return this.batches(this.epoch)[Symbol.iterator]();
  }

  /** The batches of one epoch, deterministic for a given seed and epoch. */
  batches(epoch = this.epoch): number[][] {
    assertInteger("epoch", epoch, 0);
    const n = this.groupIds.length;
    const order = this.shuffle
      ? permutation(n, createRng(this.seed, epoch))
      : Array.from({ length: n }, (_, i) => i);
    const B = this.batchSize;
    const buffers = new Map<number, number[]>();
    const seen = new Map<number, number[]>();
    const out: number[][] = [];
    for (const idx of order) {
      const g = this.groupIds[idx] as number;
      const buf = buffers.get(g) ?? [];
      buf.push(idx);
      const all = seen.get(g) ?? [];
      all.push(idx);
      seen.set(g, all);
      if (buf.length === B) {
        out.push(buf);
        // Re-insert an empty buffer at the end, as torchvision's defaultdict does right after `del`,
        // so the tie order of leftover buffers matches.
        buffers.delete(g);
        buffers.set(g, []);
      } else {
        buffers.set(g, buf);
      }
    }
    if (this.tail === "drop") return out;
    // Largest leftover buffers first; ties keep first-seen order (a stable sort, as in Python).
    const leftovers = [...buffers.entries()]
      .filter(([, buf]) => buf.length > 0)
      .sort((a, b) => b[1].length - a[1].length);
    if (this.tail === "partial") {
      for (const [, buf] of leftovers) out.push(buf);
      return out;
    }
    let remaining = Math.floor(n / B) - out.length;
    for (const [g, buf] of leftovers) {
      if (remaining <= 0) break;
      const pool = seen.get(g) as number[];
      const need = B - buf.length;
      for (let i = 0; i < need; i++) buf.push(pool[i % pool.length] as number);
      out.push(buf);
      remaining--;
    }
    return out;
  }

  /** Number of batches per epoch (`floor(n / batchSize)` for `"fill"`, as in torchvision). */
  get length(): number {
    if (this.tail === "fill") return Math.floor(this.groupIds.length / this.batchSize);
    return this.batches(0).length;
  }
}
