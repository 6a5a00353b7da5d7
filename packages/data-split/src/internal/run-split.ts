import { SplitError } from "../errors.js";
import { type Column, lengthOf, type Splittable } from "./columns.js";
import { encodeLabels } from "./labels.js";
import { checkBoolean, checkOptionKeys } from "./options.js";
import { checkSeed, createRng, randomSeed } from "./rng.js";
import { type ShuffleTarget, shuffleInto } from "./shuffle.js";
import { resolveSizes, type SizeOption } from "./sizes.js";
import { checkStratifiable, stratifiedSelect } from "./stratify.js";

/** Options shared by `trainTestSplit`, `splitTogether` and `planSplit`. */
export interface SplitOptions {
  /** Fraction in (0, 1) or a whole number of samples >= 1 (1 means one sample). Default 0.25. */
  testSize?: SizeOption;
  /** Fraction in (0, 1) or a whole number of samples >= 1. Default: the complement of testSize. */
  trainSize?: SizeOption;
  /** Shuffle before splitting (default true). Without it, train is the first rows, test the next. */
  shuffle?: boolean;
  /** Unsigned 32-bit seed; same seed, same split on every machine. Default: a fresh random seed. */
  seed?: number;
  /** Class labels (or rows of labels) to keep class proportions equal in train and test. */
  stratify?: Splittable;
}

export const SPLIT_OPTION_KEYS = ["testSize", "trainSize", "shuffle", "seed", "stratify"] as const;

export interface SplitLayout {
  readonly nTrain: number;
  readonly nTest: number;
  /** Row where train starts / test starts in every output buffer. */
  readonly trainStart: number;
  readonly testStart: number;
  readonly seed: number | undefined;
  readonly indices: Int32Array | null;
  readonly buffers: ArrayLike<unknown>[];
}

export function inconsistentMessage(lengths: readonly number[], names?: readonly string[]): string {
  const named = names ? ` (${names.map((nm, i) => `${nm}: ${lengths[i]}`).join(", ")})` : "";
  return (
    `Found input variables with inconsistent numbers of samples: [${lengths.join(", ")}]${named}. ` +
    "Every input must have one row per sample. Splitting X and y in separate calls shuffles each " +
    "one differently and pairs rows with the wrong labels; split them in one call instead: " +
    "trainTestSplit([X, y], { testSize: 0.25, seed: 0 }) or splitTogether({ x: X, y }, { seed: 0 })."
  );
}

/** Validates options and sizes, draws the split, and moves the rows of every column. */
export function runSplit(
  where: string,
  n: number,
  options: SplitOptions | undefined,
  columns: readonly Column[],
  wantIndices: boolean,
): SplitLayout {
  checkOptionKeys(where, options, SPLIT_OPTION_KEYS);
  const opts = options ?? {};
  const shuffle = opts.shuffle === undefined ? true : checkBoolean(where, "shuffle", opts.shuffle);
  if (opts.seed !== undefined) checkSeed(where, opts.seed);
  const { nTrain, nTest } = resolveSizes(n, opts.testSize, opts.trainSize, 0.25);

  if (!shuffle) {
    if (opts.stratify !== undefined) {
      throw new SplitError(
        "STRATIFY_WITHOUT_SHUFFLE",
        "Stratified train/test split is not implemented for shuffle=false: drop `stratify` or set shuffle: true.",
      );
    }
    if (opts.seed !== undefined) {
      throw new SplitError(
        "SEED_WITHOUT_SHUFFLE",
        `Setting seed=${opts.seed} has no effect since shuffle is false. Leave seed unset, or set shuffle: true.`,
      );
    }
    const used = nTrain + nTest;
    const buffers = columns.map((c) =>
      (c.data as unknown as { slice(a: number, b: number): ArrayLike<unknown> }).slice(
        0,
        used * c.width,
      ),
    );
    let indices: Int32Array | null = null;
    if (wantIndices) {
      indices = new Int32Array(used);
      for (let i = 0; i < used; i++) indices[i] = i;
    }
    return { nTrain, nTest, trainStart: 0, testStart: nTrain, seed: undefined, indices, buffers };
  }

  const seed = opts.seed ?? randomSeed();
  const rng = createRng(seed);
  if (opts.stratify !== undefined) {
    const m = lengthOf(opts.stratify, "stratify");
    if (m !== n) {
      throw new SplitError(
        "INCONSISTENT_LENGTH",
        inconsistentMessage([n, m], ["arrays", "stratify"]),
      );
    }
    const labels = encodeLabels(opts.stratify, "stratify");
    checkStratifiable(labels, nTrain, nTest);
    const { train, test } = stratifiedSelect(labels, nTrain, nTest, rng);
    const size = nTrain + nTest;
    const buffers = columns.map((c) => c.alloc(size));
    const targets = targetsOf(columns, buffers);
    const indices = wantIndices ? new Int32Array(size) : null;
    shuffleInto(rng, nTrain, train, targets, indices, nTest);
    shuffleInto(rng, nTest, test, targets, indices, 0);
    return { nTrain, nTest, trainStart: nTest, testStart: 0, seed, indices, buffers };
  }
  const buffers = columns.map((c) => c.alloc(n));
  const indices = wantIndices ? new Int32Array(n) : null;
  shuffleInto(rng, n, null, targetsOf(columns, buffers), indices, 0);
  return { nTrain, nTest, trainStart: nTest, testStart: 0, seed, indices, buffers };
}

function targetsOf(columns: readonly Column[], buffers: ArrayLike<unknown>[]): ShuffleTarget[] {
  return columns.map((c, i) => ({
    src: c.data,
    dst: buffers[i] as ShuffleTarget["dst"],
    width: c.width,
  }));
}
