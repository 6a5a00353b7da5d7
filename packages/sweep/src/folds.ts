import {
  type CrossValidator,
  GroupKFold,
  GroupShuffleSplit,
  KFold,
  RepeatedKFold,
  RepeatedStratifiedKFold,
  type SampleSource,
  ShuffleSplit,
  SplitError,
  type SplitIndices,
  StratifiedGroupKFold,
  StratifiedKFold,
  StratifiedShuffleSplit,
  TimeSeriesSplit,
} from "@trainkit/data-split";
import { SweepError } from "./errors.js";
import { invalid, isPlainObject, keyPath } from "./internal/checks.js";
import { deriveSeed, STREAM } from "./internal/seeds.js";
import type { TrainableData } from "./trainable.js";

/**
 * Which @trainkit/data-split splitter cuts the folds, by its name in camelCase, with its options:
 * `{ splitter: "stratifiedKFold", nSplits: 5, shuffle: true }`.
 */
export interface FoldsSpec {
  splitter: SplitterName;
  [option: string]: unknown;
}

/** When a splitter draws random numbers: always, only with `shuffle: true`, or never. */
type Seeding = "always" | "withShuffle" | "never";

type SplitterClass = new (options?: never) => CrossValidator;

/** The data-split splitters whose number of folds follows from their options alone. */
const SPLITTERS = {
  kFold: [KFold, "withShuffle"],
  stratifiedKFold: [StratifiedKFold, "withShuffle"],
  groupKFold: [GroupKFold, "withShuffle"],
  stratifiedGroupKFold: [StratifiedGroupKFold, "withShuffle"],
  repeatedKFold: [RepeatedKFold, "always"],
  repeatedStratifiedKFold: [RepeatedStratifiedKFold, "always"],
  shuffleSplit: [ShuffleSplit, "always"],
  stratifiedShuffleSplit: [StratifiedShuffleSplit, "always"],
  groupShuffleSplit: [GroupShuffleSplit, "always"],
  timeSeriesSplit: [TimeSeriesSplit, "never"],
} as const satisfies Record<string, readonly [SplitterClass, Seeding]>;

export type SplitterName = keyof typeof SPLITTERS;

/** Splitters of @trainkit/data-split whose fold count depends on the data, so a sweep cannot plan them. */
const DATA_DEPENDENT = ["leaveOneOut", "leavePOut", "leaveOneGroupOut", "predefinedSplit"];

/** The splitter names a sweep accepts. */
export const SPLITTER_NAMES = Object.keys(SPLITTERS) as SplitterName[];

function checkSplitterName(path: string, name: unknown): SplitterName {
  if (typeof name === "string" && Object.hasOwn(SPLITTERS, name)) return name as SplitterName;
  if (typeof name === "string" && DATA_DEPENDENT.includes(name)) {
    throw new SweepError(
      "UNSUPPORTED_SPLITTER",
      `${path}: ${name} gives as many folds as the data has rows or groups, which a sweep cannot plan before it sees the data. Use one of: ${SPLITTER_NAMES.join(", ")}.`,
      path,
    );
  }
  throw new SweepError(
    "UNKNOWN_SPLITTER",
    `${path}: unknown splitter ${JSON.stringify(name)}. Valid splitters (from @trainkit/data-split) are: ${SPLITTER_NAMES.join(", ")}.`,
    path,
  );
}

/** The options passed to the splitter: a seed derived from the sweep seed when it draws and none is given. */
function splitterOptions(
  spec: Record<string, unknown>,
  seeding: Seeding,
  sweepSeed: number,
): Record<string, unknown> {
  const { splitter: _name, ...options } = spec;
  const draws = seeding === "always" || (seeding === "withShuffle" && options.shuffle === true);
  if (draws && options.seed === undefined) options.seed = deriveSeed(sweepSeed, STREAM.folds, 0);
  return options;
}

/**
 * Checks a folds spec by building the splitter (cheap: no data is touched) and returns the spec
 * every worker will use, seed included, with its number of folds.
 */
export function validateFolds(
  path: string,
  value: unknown,
  sweepSeed: number,
): { spec: FoldsSpec; count: number } {
  if (!isPlainObject(value)) {
    throw invalid(path, 'an object such as { splitter: "kFold", nSplits: 5 }', value);
  }
  const name = checkSplitterName(keyPath(path, "splitter"), value.splitter);
  const [Splitter, seeding] = SPLITTERS[name];
  const options = splitterOptions(value, seeding, sweepSeed);
  try {
    const splitter = new (Splitter as SplitterClass)(options as never);
    return { spec: { splitter: name, ...options }, count: splitter.getNSplits() };
  } catch (e) {
    if (!(e instanceof SplitError)) throw e;
    throw new SweepError("INVALID_SPLITTER_OPTIONS", `${path}: ${e.message}`, path);
  }
}

/** The data-split splitter of a validated folds spec. */
export function createSplitter(spec: FoldsSpec): CrossValidator {
  const [Splitter] = SPLITTERS[spec.splitter];
  const { splitter: _name, ...options } = spec;
  return new (Splitter as SplitterClass)(options as never);
}

/**
 * The train and test rows of fold `fold` (0-based), as the splitter cuts them from this data: the
 * same on every worker, since the splitter's seed is part of the spec.
 */
export function foldIndices(
  spec: FoldsSpec,
  fold: number,
  x: SampleSource,
  y?: unknown,
  groups?: unknown,
): SplitIndices {
  let i = 0;
  for (const split of createSplitter(spec).split(x, y, groups)) {
    if (i === fold) return split;
    i++;
  }
  throw new SweepError(
    "INVALID_VALUE",
    `fold ${fold} does not exist: the splitter gave ${i} folds.`,
  );
}

/** A trial's fold rows as the trainable gets them (`trial.folds`), cut from its `data()`. */
export function trialFolds(
  spec: FoldsSpec,
  fold: number,
  data: TrainableData,
): { train: Int32Array; test: Int32Array } {
  const split = foldIndices(spec, fold, { length: data.size }, data.y, data.groups);
  return { train: Int32Array.from(split.train), test: Int32Array.from(split.test) };
}
