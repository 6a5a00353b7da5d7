import { LeakageError } from "./errors.js";
import {
  isNdArray,
  isTypedArray,
  lengthOf,
  type Splittable,
  type TypedArray,
} from "./internal/columns.js";

export interface AssertDisjointOptions {
  /** Group label per sample (indexed by the same row numbers as train and test): no group may be on both sides. */
  groups?: ArrayLike<unknown>;
}

const preview = (values: unknown[]): string =>
  values
    .slice(0, 10)
    .map((v) => String(v))
    .join(", ") + (values.length > 10 ? `, … (${values.length} in all)` : "");

/**
 * Throws a LeakageError when a row index is in both train and test, or (with `groups`) when a group
 * has rows on both sides, e.g. the same patient or user in train and test.
 */
export function assertDisjoint(
  train: ArrayLike<number>,
  test: ArrayLike<number>,
  options: AssertDisjointOptions = {},
): void {
  const inTrain = new Set<number>(Array.from(train));
  const shared = Array.from(test).filter((i) => inTrain.has(i));
  if (shared.length > 0) {
    throw new LeakageError(
      "OVERLAPPING_INDICES",
      `Rows [${preview([...new Set(shared)])}] are in both train and test. Split once and use its indices (e.g. splitTogether or planSplit) instead of drawing train and test separately.`,
    );
  }
  const groups = options.groups;
  if (groups) {
    const trainGroups = new Set<unknown>();
    for (const i of Array.from(train)) trainGroups.add(groups[i]);
    const both = new Set<unknown>();
    for (const i of Array.from(test)) if (trainGroups.has(groups[i])) both.add(groups[i]);
    if (both.size > 0) {
      throw new LeakageError(
        "SHARED_GROUPS",
        `Groups [${preview([...both])}] have rows in both train and test. Use a group-aware splitter (GroupKFold, GroupShuffleSplit, StratifiedGroupKFold, LeaveOneGroupOut).`,
      );
    }
  }
}

/** A pair of identical rows: row `train` of the train input equals row `test` of the test input. */
export interface DuplicateRow {
  readonly train: number;
  readonly test: number;
}

interface RowReader {
  readonly n: number;
  hash(i: number): number;
  equal(i: number, other: RowReader, j: number): boolean;
  key?(i: number): string;
}

function typedReader(data: TypedArray, n: number): RowReader {
  const width = n === 0 ? 0 : data.length / n;
  const bytesPerRow = width * data.BYTES_PER_ELEMENT;
  const bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
  const words =
    bytesPerRow % 4 === 0 && data.byteOffset % 4 === 0
      ? new Int32Array(data.buffer, data.byteOffset, data.byteLength / 4)
      : null;
  return {
    n,
    hash(i) {
      let h = 0x811c9dc5 | 0;
      if (words) {
        const per = bytesPerRow / 4;
        for (let k = i * per, e = k + per; k < e; k++)
          h = Math.imul(h ^ (words[k] as number), 0x01000193);
      } else {
        for (let k = i * bytesPerRow, e = k + bytesPerRow; k < e; k++) {
          h = Math.imul(h ^ (bytes[k] as number), 0x01000193);
        }
      }
      return h;
    },
    equal(i, other, j) {
      const o = other as RowReader & { bytes?: Uint8Array; bytesPerRow?: number };
      if (!o.bytes || o.bytesPerRow !== bytesPerRow) return false;
      const a = i * bytesPerRow;
      const b = j * bytesPerRow;
      for (let k = 0; k < bytesPerRow; k++) if (bytes[a + k] !== o.bytes[b + k]) return false;
      return true;
    },
    ...{ bytes, bytesPerRow },
  } as RowReader;
}

function arrayReader(rows: readonly unknown[]): RowReader {
  const keys = rows.map((r) => JSON.stringify(r, (_, v) => (typeof v === "bigint" ? `${v}n` : v)));
  return {
    n: rows.length,
    hash(i) {
      const s = keys[i] as string;
      let h = 0x811c9dc5 | 0;
      for (let k = 0; k < s.length; k++) h = Math.imul(h ^ s.charCodeAt(k), 0x01000193);
      return h;
    },
    equal(i, other, j) {
      return other.key !== undefined && keys[i] === other.key(j);
    },
    key: (i) => keys[i] as string,
  };
}

function readerOf(v: Splittable, name: string): RowReader {
  const n = lengthOf(v, name);
  if (Array.isArray(v)) return arrayReader(v);
  if (isTypedArray(v)) return typedReader(v, n);
  if (isNdArray(v)) return typedReader(v.data, n);
  return arrayReader(Array.from(v as ArrayLike<unknown>));
}

/**
 * Finds rows of `test` identical to a row of `train` (same bytes for typed inputs, same values for
 * arrays): duplicated samples that leak the answer into evaluation. One hash pass over each input.
 */
export function findDuplicateRows(train: Splittable, test: Splittable): DuplicateRow[] {
  const a = readerOf(train, "train");
  const b = readerOf(test, "test");
  const buckets = new Map<number, number[]>();
  for (let i = 0; i < a.n; i++) {
    const h = a.hash(i);
    const list = buckets.get(h);
    if (list) list.push(i);
    else buckets.set(h, [i]);
  }
  const out: DuplicateRow[] = [];
  for (let j = 0; j < b.n; j++) {
    const list = buckets.get(b.hash(j));
    if (!list) continue;
    for (const i of list) {
      if (a.equal(i, b, j)) {
        out.push({ train: i, test: j });
        break;
      }
    }
  }
  return out;
}

/** Throws a LeakageError naming the first identical train/test row pairs, if any. */
export function assertNoDuplicateRows(train: Splittable, test: Splittable): void {
  const dups = findDuplicateRows(train, test);
  if (dups.length > 0) {
    throw new LeakageError(
      "DUPLICATE_ROWS",
      `${dups.length} test rows are identical to train rows (test row → train row: ${preview(
        dups.map((d) => `${d.test}→${d.train}`),
      )}). Deduplicate the data before splitting, or split by a group id so copies stay together.`,
    );
  }
}
