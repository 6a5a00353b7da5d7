import { BatchingError } from "../errors.js";

/** Throws unless `value` is an integer >= `min`. */
export function assertInteger(name: string, value: unknown, min: number): asserts value is number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new BatchingError(
      "INVALID_OPTION",
      `${name} must be an integer >= ${min}, got ${String(value)}.`,
    );
  }
}

/** Throws unless `value` is a finite number > 0. */
export function assertPositive(name: string, value: unknown): asserts value is number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    throw new BatchingError(
      "INVALID_OPTION",
      `${name} must be a finite number > 0, got ${String(value)}.`,
    );
  }
}

/** Throws unless `size` is a `[height, width]` pair of positive integers. */
export function assertSize(name: string, size: unknown): asserts size is readonly [number, number] {
  if (
    !Array.isArray(size) ||
    size.length !== 2 ||
    !size.every((v) => typeof v === "number" && Number.isInteger(v) && v > 0)
  ) {
    throw new BatchingError(
      "INVALID_SIZE",
      `${name} must be a [height, width] pair of positive integers, got ${JSON.stringify(size)}.`,
    );
  }
}
