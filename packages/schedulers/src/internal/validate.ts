import { ScheduleError } from "../errors.js";

const show = (value: unknown): string => {
  if (typeof value === "string") return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(show).join(", ")}]`;
  return String(value);
};

export { show };

/** Throws when `options` holds a key the factory does not know (catches `step_size` typos). */
export function checkKeys(fn: string, options: object, allowed: readonly string[]): void {
  if (options === null || typeof options !== "object") {
    throw new ScheduleError(
      "INVALID_ARGUMENT",
      `${fn}: expected an options object, got ${show(options)}. Valid options: ${allowed.join(", ")}.`,
    );
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      throw new ScheduleError(
        "UNKNOWN_OPTION",
        `${fn}: unknown option "${key}". Valid options: ${allowed.join(", ")} (camelCased PyTorch names).`,
      );
    }
  }
}

function bad(fn: string, name: string, value: unknown, want: string): never {
  throw new ScheduleError(
    "INVALID_ARGUMENT",
    `${fn}: ${name} must be ${want}, got ${show(value)}.`,
  );
}

export function finite(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) bad(fn, name, value, "a finite number");
  return value;
}

export function positive(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value <= 0) {
    bad(fn, name, value, "a finite number > 0");
  }
  return value;
}

export function nonNegative(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    bad(fn, name, value, "a finite number >= 0");
  }
  return value;
}

export function positiveInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 1) {
    bad(fn, name, value, "a positive integer (1, 2, 3, ...)");
  }
  return value;
}

export function nonNegativeInt(fn: string, name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isInteger(value) || value < 0) {
    bad(fn, name, value, "a non-negative integer (0, 1, 2, ...)");
  }
  return value;
}

/** A number in a range; `lo`/`hi` inclusive unless `open` says otherwise. */
export function inRange(
  fn: string,
  name: string,
  value: unknown,
  lo: number,
  hi: number,
  open: { lo?: boolean; hi?: boolean } = {},
): number {
  const v = typeof value === "number" ? value : Number.NaN;
  const okLo = open.lo ? v > lo : v >= lo;
  const okHi = open.hi ? v < hi : v <= hi;
  if (!Number.isFinite(v) || !okLo || !okHi) {
    bad(fn, name, value, `in ${open.lo ? "(" : "["}${lo}, ${hi}${open.hi ? ")" : "]"}`);
  }
  return v;
}

export function oneOf<T extends string>(
  fn: string,
  name: string,
  value: unknown,
  allowed: readonly T[],
): T {
  if (typeof value !== "string" || !allowed.includes(value as T)) {
    bad(fn, name, value, `one of ${allowed.map((a) => JSON.stringify(a)).join(", ")}`);
  }
  return value as T;
}

export function bool(fn: string, name: string, value: unknown): boolean {
  if (typeof value !== "boolean") bad(fn, name, value, "true or false");
  return value;
}

/** Non-negative integers, any order, returned sorted. */
export function intList(fn: string, name: string, value: unknown, min = 0): number[] {
  if (!Array.isArray(value)) bad(fn, name, value, `an array of integers >= ${min}`);
  for (const v of value) {
    if (typeof v !== "number" || !Number.isInteger(v) || v < min) {
      bad(fn, name, value, `an array of integers >= ${min} (found ${show(v)})`);
    }
  }
  return [...(value as number[])].sort((a, b) => a - b);
}
