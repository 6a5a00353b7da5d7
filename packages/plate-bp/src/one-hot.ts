import { PlateBpError } from "./errors.js";

/** One row of `numClasses` per label, 1 at the label's index and 0 elsewhere (row-major). */
export function oneHot(labels: ArrayLike<number>, numClasses: number): Float32Array {
  if (!Number.isInteger(numClasses) || numClasses < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `oneHot: numClasses must be a positive integer, got ${String(numClasses)}`,
    );
  }
  const out = new Float32Array(labels.length * numClasses);
  for (let i = 0; i < labels.length; i++) {
    const l = labels[i] as number;
    if (!Number.isInteger(l) || l < 0 || l >= numClasses) {
      throw new PlateBpError(
        "INVALID_LABEL",
        `oneHot: label ${String(l)} at index ${i} is not an integer in 0..${numClasses - 1}`,
      );
    }
    out[i * numClasses + l] = 1;
  }
  return out;
}

/** Index of the largest value (the first one on ties). */
export function argmax(values: ArrayLike<number>): number {
  if (values.length === 0) {
    throw new PlateBpError("INVALID_OPTION", "argmax: got an empty array; pass at least one value");
  }
  let best = 0;
  let bv = values[0] as number;
  for (let i = 1; i < values.length; i++) {
    const v = values[i] as number;
    if (v > bv) {
      bv = v;
      best = i;
    }
  }
  return best;
}
