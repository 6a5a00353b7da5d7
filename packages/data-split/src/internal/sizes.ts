import { SplitError } from "../errors.js";

/** A fraction in (0, 1), or a whole number of samples >= 1 (JS cannot tell 1 from 1.0: 1 is one sample). */
export type SizeOption = number;

function kindOf(name: string, value: unknown): "int" | "float" | "none" {
  if (value === undefined || value === null) return "none";
  if (typeof value !== "number" || Number.isNaN(value)) {
    throw new SplitError(
      "INVALID_SIZE",
      `${name}=${String(value)} is not a number: pass a fraction in the (0, 1) range or a whole number of samples >= 1.`,
    );
  }
  return Number.isInteger(value) ? "int" : "float";
}

function rangeMessage(name: string, value: number, n: number, unit: string): string {
  return `${name}=${value} should be either positive and smaller than the number of ${unit} ${n} or a float in the (0, 1) range.`;
}

/**
 * scikit-learn's `_validate_shuffle_split`: test = ceil(testSize·n), train = floor(trainSize·n),
 * the missing one is the complement, leftovers are dropped when both are given.
 */
export function resolveSizes(
  n: number,
  testSize: SizeOption | undefined,
  trainSize: SizeOption | undefined,
  defaultTestSize: number,
  unit = "samples",
): { nTrain: number; nTest: number } {
  let test = testSize;
  if (test === undefined && trainSize === undefined) test = defaultTestSize;
  const testKind = kindOf("testSize", test);
  const trainKind = kindOf("trainSize", trainSize);
  const t = test as number;
  const tr = trainSize as number;
  if ((testKind === "int" && (t >= n || t <= 0)) || (testKind === "float" && (t <= 0 || t >= 1))) {
    throw new SplitError("INVALID_SIZE", rangeMessage("testSize", t, n, unit));
  }
  if (
    (trainKind === "int" && (tr >= n || tr <= 0)) ||
    (trainKind === "float" && (tr <= 0 || tr >= 1))
  ) {
    throw new SplitError("INVALID_SIZE", rangeMessage("trainSize", tr, n, unit));
  }
  if (testKind === "float" && trainKind === "float" && tr + t > 1) {
    throw new SplitError(
      "SIZE_SUM",
      `The sum of testSize and trainSize = ${tr + t}, should be in the (0, 1) range. Reduce testSize and/or trainSize.`,
    );
  }
  let nTest = testKind === "float" ? Math.ceil(t * n) : testKind === "int" ? t : 0;
  let nTrain = trainKind === "float" ? Math.floor(tr * n) : trainKind === "int" ? tr : 0;
  if (trainKind === "none") nTrain = n - nTest;
  else if (testKind === "none") nTest = n - nTrain;
  if (nTrain + nTest > n) {
    throw new SplitError(
      "SIZE_SUM",
      `The sum of trainSize and testSize = ${nTrain + nTest}, should be smaller than the number of ${unit} ${n}. Reduce testSize and/or trainSize.`,
    );
  }
  if (nTrain === 0) {
    throw new SplitError(
      "EMPTY_TRAIN",
      `With n_${unit}=${n}, testSize=${String(test)} and trainSize=${String(trainSize)}, the resulting train set will be empty. Adjust any of the aforementioned parameters.`,
    );
  }
  return { nTrain, nTest };
}
