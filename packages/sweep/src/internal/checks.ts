import { SweepError } from "../errors.js";

/** `a.b` for nested keys; array indices as `a[0]`. */
export function keyPath(parent: string, key: string | number): string {
  if (typeof key === "number") return `${parent}[${key}]`;
  return parent === "" ? key : `${parent}.${key}`;
}

export function describe(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return "an array";
  if (value === null) return "null";
  if (typeof value === "object") return "an object";
  return String(value);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

export function requireObject(path: string, value: unknown): Record<string, unknown> {
  if (!isPlainObject(value)) {
    throw new SweepError(
      "INVALID_VALUE",
      `${path || "sweep definition"} must be an object, got ${describe(value)}.`,
      path,
    );
  }
  return value;
}

/** Unknown keys are errors: a typo (`reduction_factor`) must not silently fall back to a default. */
export function checkKeys(
  path: string,
  obj: Record<string, unknown>,
  allowed: readonly string[],
  required: readonly string[] = [],
): void {
  for (const key of Object.keys(obj)) {
    if (!allowed.includes(key)) {
      throw new SweepError(
        "UNKNOWN_KEY",
        `${keyPath(path, key)}: unknown key. Valid keys${path ? ` of ${path}` : ""} are: ${allowed.join(", ")}.`,
        keyPath(path, key),
      );
    }
  }
  for (const key of required) {
    if (obj[key] === undefined) {
      throw new SweepError(
        "MISSING_KEY",
        `${keyPath(path, key)} is required${path ? ` in ${path}` : ""}.`,
        keyPath(path, key),
      );
    }
  }
}

export function invalid(path: string, expected: string, value: unknown): SweepError {
  return new SweepError(
    "INVALID_VALUE",
    `${path} must be ${expected}, got ${describe(value)}.`,
    path,
  );
}

export function checkInteger(path: string, value: unknown, min: number, max?: number): number {
  const ok =
    typeof value === "number" &&
    Number.isInteger(value) &&
    value >= min &&
    (max === undefined || value <= max);
  if (!ok) {
    const range = max === undefined ? `>= ${min}` : `in [${min}, ${max}]`;
    throw invalid(path, `an integer ${range}`, value);
  }
  return value as number;
}

export function checkFinite(path: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw invalid(path, "a finite number", value);
  }
  return value;
}

export function checkName(path: string, value: unknown): string {
  if (typeof value !== "string" || value.trim() === "") {
    throw invalid(path, "a non-empty string", value);
  }
  return value;
}
