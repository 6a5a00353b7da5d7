import { SplitError } from "./errors.js";
import { checkBoolean, checkInteger, checkOptionKeys } from "./internal/options.js";
import { checkSeed, createRng } from "./internal/rng.js";
import { permutation } from "./internal/shuffle.js";

export interface DistributedSamplerOptions {
  /** Number of samples in the dataset. */
  size: number;
  /** Number of workers (world size), >= 1. */
  numReplicas: number;
  /** This worker's rank in [0, numReplicas). */
  rank: number;
  /** Shuffle each epoch with seed + epoch (default true). */
  shuffle?: boolean;
  /** Base seed shared by every worker (default 0, as PyTorch). */
  seed?: number;
  /** Drop the tail so every rank gets floor-equal shards instead of padding (default false). */
  dropLast?: boolean;
  /**
   * Pad by wrapping around to the start so every rank gets the same count (default true, as
   * PyTorch). `false` gives uneven shards with every sample exactly once: use it for evaluation,
   * where repeated samples would bias the metrics.
   */
  pad?: boolean;
}

/**
 * PyTorch's DistributedSampler: every rank draws the same permutation (seeded by seed + epoch),
 * pads it by repeating its start up to a multiple of numReplicas (or drops the tail with dropLast),
 * and takes every numReplicas-th index starting at its rank.
 */
export class DistributedSampler {
  readonly size: number;
  readonly numReplicas: number;
  readonly rank: number;
  readonly shuffle: boolean;
  readonly seed: number;
  readonly dropLast: boolean;
  readonly pad: boolean;
  /** Indices this rank yields per epoch. */
  readonly numSamples: number;
  /** Indices all ranks yield together per epoch. */
  readonly totalSize: number;
  private epoch = 0;

  constructor(options: DistributedSamplerOptions) {
    const where = "DistributedSampler";
    checkOptionKeys(where, options, [
      "size",
      "numReplicas",
      "rank",
      "shuffle",
      "seed",
      "dropLast",
      "pad",
    ]);
    this.size = checkInteger(where, "size", options?.size, 0);
    this.numReplicas = checkInteger(where, "numReplicas", options.numReplicas, 1);
    const rank = options.rank;
    if (
      typeof rank !== "number" ||
      !Number.isInteger(rank) ||
      rank < 0 ||
      rank >= this.numReplicas
    ) {
      throw new SplitError(
        "INVALID_RANK",
        `Invalid rank ${String(rank)}, rank should be in the interval [0, ${this.numReplicas - 1}].`,
      );
    }
    this.rank = rank;
    this.shuffle =
      options.shuffle === undefined ? true : checkBoolean(where, "shuffle", options.shuffle);
    this.seed = options.seed === undefined ? 0 : checkSeed(where, options.seed);
    this.dropLast =
      options.dropLast === undefined ? false : checkBoolean(where, "dropLast", options.dropLast);
    this.pad = options.pad === undefined ? true : checkBoolean(where, "pad", options.pad);
    if (this.dropLast && options.pad === false) {
      throw new SplitError(
        "INVALID_OPTION",
        "DistributedSampler: dropLast: true and pad: false are two different tails; pick dropLast (equal shards, tail dropped) or pad: false (uneven shards, nothing dropped).",
      );
    }
    const n = this.size;
    const w = this.numReplicas;
    if (this.dropLast && n % w !== 0) {
      this.numSamples = Math.ceil((n - w) / w);
    } else if (!this.pad) {
      this.numSamples = rank < n % w || n % w === 0 ? Math.ceil(n / w) : Math.floor(n / w);
    } else {
      this.numSamples = Math.ceil(n / w);
    }
    this.totalSize = this.pad || this.dropLast ? this.numSamples * w : n;
  }

  /** Sets the epoch: with shuffle, each epoch gets its own order (seed + epoch). */
  setEpoch(epoch: number): void {
    this.epoch = checkInteger("DistributedSampler.setEpoch", "epoch", epoch, 0);
  }

  /** This rank's indices for the current epoch. */
  indices(): Int32Array {
    const n = this.size;
    const w = this.numReplicas;
    let all: Int32Array;
    if (this.shuffle) {
      all = permutation(createRng((this.seed + this.epoch) >>> 0), n);
    } else {
      all = new Int32Array(n);
      for (let i = 0; i < n; i++) all[i] = i;
    }
    const out = new Int32Array(this.numSamples);
    for (let k = 0, p = this.rank; k < out.length; k++, p += w) {
      // Positions past n wrap to the start of the list (PyTorch repeats the list as needed).
      out[k] = all[p < n ? p : (p - n) % n] as number;
    }
    return out;
  }
}
