import { uniformFloat64 } from "pure-rand/distribution/uniformFloat64";
import { uniformInt } from "pure-rand/distribution/uniformInt";
import type { RandomGenerator } from "pure-rand/types/RandomGenerator";
import { SweepError } from "./errors.js";
import {
  checkFinite,
  checkKeys,
  describe,
  invalid,
  isPlainObject,
  keyPath,
  requireObject,
} from "./internal/checks.js";

/** A value a parameter can take: what JSON and YAML files can hold as a scalar. */
export type ParamValue = string | number | boolean;

/** One of `values`, drawn at random for each sample. */
export interface ChoiceParam {
  type: "choice";
  values: ParamValue[];
}
/** Every one of `values`: the sweep runs the product of all grid parameters. */
export interface GridParam {
  type: "grid";
  values: ParamValue[];
}
/** A number drawn uniformly from [low, high). */
export interface UniformParam {
  type: "uniform";
  low: number;
  high: number;
}
/** A number whose logarithm is drawn uniformly from [log low, log high]; 0 < low < high. */
export interface LogUniformParam {
  type: "loguniform";
  low: number;
  high: number;
}

export type ParamSpec = ChoiceParam | GridParam | UniformParam | LogUniformParam;

/** The search space: a spec, or a fixed value passed to every trial, per parameter name. */
export type SearchSpace = Record<string, ParamSpec | ParamValue>;

/** A trial's parameter values. */
export type TrialConfig = Record<string, ParamValue>;

export const choice = (values: ParamValue[]): ChoiceParam => ({ type: "choice", values });
export const grid = (values: ParamValue[]): GridParam => ({ type: "grid", values });
export const uniform = (low: number, high: number): UniformParam => ({
  type: "uniform",
  low,
  high,
});
export const loguniform = (low: number, high: number): LogUniformParam => ({
  type: "loguniform",
  low,
  high,
});

const TYPES = ["choice", "grid", "uniform", "loguniform"];

function checkValues(path: string, value: unknown): ParamValue[] {
  if (!Array.isArray(value) || value.length === 0) {
    throw invalid(path, "a non-empty array of strings, numbers or booleans", value);
  }
  const seen = new Set<string>();
  value.forEach((v, i) => {
    const ok = typeof v === "string" || typeof v === "boolean" || Number.isFinite(v);
    if (!ok) throw invalid(keyPath(path, i), "a string, a finite number or a boolean", v);
    const key = JSON.stringify(v);
    if (seen.has(key)) {
      throw new SweepError(
        "INVALID_VALUE",
        `${keyPath(path, i)}: ${key} is listed twice; list each value once.`,
        keyPath(path, i),
      );
    }
    seen.add(key);
  });
  return [...value] as ParamValue[];
}

function checkRange(path: string, spec: Record<string, unknown>, log: boolean): [number, number] {
  const low = checkFinite(keyPath(path, "low"), spec.low);
  const high = checkFinite(keyPath(path, "high"), spec.high);
  if (log && low <= 0) throw invalid(keyPath(path, "low"), "a number > 0 for loguniform", low);
  if (high <= low) {
    throw invalid(keyPath(path, "high"), `a number greater than low (${low})`, high);
  }
  return [low, high];
}

function checkParam(path: string, value: unknown): ParamSpec | ParamValue {
  if (typeof value === "string" || typeof value === "boolean") return value;
  if (typeof value === "number") return checkFinite(path, value);
  const spec = requireObject(path, value);
  if (typeof spec.type !== "string" || !TYPES.includes(spec.type)) {
    throw invalid(keyPath(path, "type"), `one of ${TYPES.join(", ")}`, spec.type);
  }
  if (spec.type === "choice" || spec.type === "grid") {
    checkKeys(path, spec, ["type", "values"], ["values"]);
    return { type: spec.type, values: checkValues(keyPath(path, "values"), spec.values) };
  }
  checkKeys(path, spec, ["type", "low", "high"], ["low", "high"]);
  const [low, high] = checkRange(path, spec, spec.type === "loguniform");
  return { type: spec.type as "uniform" | "loguniform", low, high };
}

/** Checks a search space; names and specs are copied, in the order given. */
export function validateSpace(path: string, value: unknown): SearchSpace {
  if (!isPlainObject(value)) throw invalid(path, "an object of parameters", value);
  const names = Object.keys(value);
  if (names.length === 0) {
    throw new SweepError(
      "EMPTY_SPACE",
      `${path} is empty: give at least one parameter, such as { lr: { type: "loguniform", low: 1e-4, high: 1e-1 } }.`,
      path,
    );
  }
  const out: SearchSpace = {};
  for (const name of names) {
    if (name.trim() === "") throw invalid(keyPath(path, name), "a non-empty name", describe(name));
    out[name] = checkParam(keyPath(path, name), value[name]);
  }
  return out;
}

/** Number of grid points: the product of the grid parameters' value counts (1 without any). */
export function gridSize(space: SearchSpace): number {
  let n = 1;
  for (const spec of Object.values(space)) {
    if (typeof spec === "object" && spec.type === "grid") n *= spec.values.length;
  }
  return n;
}

/** The values of grid point `point`; the last grid parameter varies fastest. */
function gridValues(space: SearchSpace, point: number): Map<string, ParamValue> {
  const out = new Map<string, ParamValue>();
  let rest = point;
  const names = Object.keys(space).reverse();
  for (const name of names) {
    const spec = space[name];
    if (typeof spec !== "object" || spec.type !== "grid") continue;
    const k = spec.values.length;
    out.set(name, spec.values[rest % k] as ParamValue);
    rest = Math.floor(rest / k);
  }
  return out;
}

function draw(rng: RandomGenerator, spec: ParamSpec): ParamValue {
  switch (spec.type) {
    case "choice":
      return spec.values[uniformInt(rng, 0, spec.values.length - 1)] as ParamValue;
    case "uniform":
      return spec.low + uniformFloat64(rng) * (spec.high - spec.low);
    case "loguniform": {
      const a = Math.log(spec.low);
      const v = Math.exp(a + uniformFloat64(rng) * (Math.log(spec.high) - a));
      return Math.min(Math.max(v, spec.low), spec.high); // exp(log(x)) may round past the bounds
    }
    default:
      throw new Error(`grid parameters are not drawn: ${spec.type}`);
  }
}

/**
 * One config: grid point `point`, random parameters drawn from `rng` in the order the space lists
 * them (fixed values and grid parameters draw nothing).
 */
export function sampleConfig(space: SearchSpace, point: number, rng: RandomGenerator): TrialConfig {
  const fromGrid = gridValues(space, point);
  const config: TrialConfig = {};
  for (const [name, spec] of Object.entries(space)) {
    if (typeof spec !== "object") config[name] = spec;
    else if (spec.type === "grid") config[name] = fromGrid.get(name) as ParamValue;
    else config[name] = draw(rng, spec);
  }
  return config;
}
