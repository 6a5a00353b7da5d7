import { expect } from "vitest";
import type { CrossValidator, SampleSource, SplitIndices } from "../src/index.js";

export const range = (n: number, from = 0): number[] =>
  Array.from({ length: n }, (_, i) => from + i);
export const list = (a: ArrayLike<number>): number[] => Array.from(a);
export const sorted = (a: ArrayLike<number>): number[] => Array.from(a).sort((x, y) => x - y);

/** Collects every split as plain arrays. */
export function splits(cv: CrossValidator, x: SampleSource, y?: unknown, groups?: unknown) {
  return [...cv.split(x, y, groups)].map((s: SplitIndices) => ({
    train: list(s.train),
    test: list(s.test),
  }));
}

/** scikit-learn's check_cv_coverage: disjoint train/test covering all rows, every row tested once. */
export function expectCoverage(
  cv: CrossValidator,
  x: SampleSource & { length: number },
  y: unknown,
  groups: unknown,
  expectedSplits: number,
): void {
  const n = x.length;
  const testCount = new Int32Array(n);
  let count = 0;
  for (const { train, test } of cv.split(x, y, groups)) {
    count++;
    expect(train).toBeInstanceOf(Int32Array);
    expect(test).toBeInstanceOf(Int32Array);
    const all = new Set([...train, ...test]);
    expect(all.size).toBe(train.length + test.length);
    expect(all.size).toBe(n);
    for (const i of test) testCount[i] = (testCount[i] as number) + 1;
  }
  expect(count).toBe(expectedSplits);
  expect(cv.getNSplits(x, y, groups)).toBe(expectedSplits);
  expect(list(testCount)).toEqual(new Array(n).fill(1));
}

export function expectThrowCode(
  fn: () => unknown,
  errorClass: unknown,
  code: string,
  ...fragments: string[]
) {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(errorClass as new () => Error);
  expect((caught as { code: string }).code).toBe(code);
  for (const f of fragments) expect((caught as Error).message).toContain(f);
}

/** Share of each label value (sorted by value) in rows `idx` of y. */
export function shares(y: ArrayLike<number>, idx: ArrayLike<number>, classes: number[]): number[] {
  const c = classes.map(() => 0);
  for (const i of Array.from(idx)) {
    const k = classes.indexOf(y[i] as number);
    c[k] = (c[k] as number) + 1;
  }
  return c.map((v) => v / idx.length);
}
