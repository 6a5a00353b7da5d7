import { SplitError } from "../errors.js";

/** Throws on any option key the caller did not mean (typos such as `test_size` or `testsize`). */
export function checkOptionKeys(
  where: string,
  options: object | undefined,
  allowed: readonly string[],
): void {
  if (options === undefined || options === null) return;
  if (typeof options !== "object") {
    throw new SplitError(
      "INVALID_OPTION",
      `${where}: options must be an object, got ${String(options)}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new SplitError(
        "UNKNOWN_OPTION",
        `${where}: unknown option '${key}'. Valid options are: ${allowed.join(", ")}.`,
      );
    }
  }
}

export function checkBoolean(where: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") {
    throw new SplitError(
      "INVALID_OPTION",
      `${where}: ${name} must be true or false, got ${String(value)}.`,
    );
  }
  return value;
}

export function checkInteger(where: string, name: string, value: unknown, min: number): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < min) {
    throw new SplitError(
      "INVALID_OPTION",
      `${where}: ${name} must be an integer >= ${min}, got ${String(value)}.`,
    );
  }
  return value;
}
