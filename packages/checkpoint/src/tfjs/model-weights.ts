import type { StoredWeight } from "../checkpoint-format.js";
import type { SafetensorsDtype } from "../dtypes.js";
import { CheckpointError } from "../errors.js";
import type { CheckpointModel, WeightMatch, WeightVariable } from "./types.js";

export function safetensorsDtypeOf(w: { dtype: string; originalName: string }): SafetensorsDtype {
  switch (w.dtype) {
    case "float32":
      return "F32";
    case "int32":
      return "I32";
    case "bool":
      return "BOOL";
    default:
      throw new CheckpointError(
        "DTYPE_MISMATCH",
        `Weight ${JSON.stringify(w.originalName)} has dtype ${w.dtype}; checkpoints store float32, int32 and bool weights.`,
      );
  }
}

export function shapeOf(w: WeightVariable): number[] {
  return w.shape.map((d) => {
    if (d === null) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `Weight ${JSON.stringify(w.originalName)} has an undefined dimension in shape [${w.shape.join(", ")}]; build the model before saving.`,
      );
    }
    return d;
  });
}

/** Stable names for a model's weights: originalName, or the unique name where originalNames repeat. */
export function storedNames(model: CheckpointModel): Map<WeightVariable, string> {
  const ws = model.weights;
  const originals = new Set(ws.map((w) => w.originalName));
  const useOriginal = originals.size === ws.length;
  return new Map(ws.map((w) => [w, useOriginal ? w.originalName : w.name]));
}

export function describeWeights(model: CheckpointModel): StoredWeight[] {
  const names = storedNames(model);
  return model.weights.map((w) => ({
    name: names.get(w) as string,
    shape: shapeOf(w),
    dtype: w.dtype,
    trainable: w.trainable,
  }));
}

const sameShape = (a: readonly number[], b: readonly number[]) =>
  a.length === b.length && a.every((d, i) => d === b[i]);

/**
 * Pairs every model weight with a stored weight. `auto`: by name when the names
 * agree (same process or same layer names), else by position (auto-generated
 * layer names differ between processes), with shape and dtype checks either way.
 */
export function matchWeights(
  path: string,
  stored: readonly StoredWeight[],
  model: CheckpointModel,
  match: WeightMatch,
): { pairs: Map<WeightVariable, StoredWeight>; matchedBy: "name" | "position" } {
  const ws = model.weights;
  const names = storedNames(model);
  const byName = new Map(stored.map((s) => [s.name, s]));
  const allByName =
    ws.length === stored.length && ws.every((w) => byName.has(names.get(w) as string));
  let matchedBy: "name" | "position";
  const pairs = new Map<WeightVariable, StoredWeight>();
  if (match === "name" || (match === "auto" && allByName)) {
    matchedBy = "name";
    for (const w of ws) {
      const s = byName.get(names.get(w) as string);
      if (s === undefined) {
        throw new CheckpointError(
          "MISSING_WEIGHT",
          `${path} has no weight named ${JSON.stringify(names.get(w))} (shape [${w.shape.join(", ")}]); it stores ${listNames(stored)}. Pass match: "position" if only the layer names changed.`,
        );
      }
      pairs.set(w, s);
    }
    const extra = stored.filter((s) => !ws.some((w) => names.get(w) === s.name));
    if (extra.length > 0) {
      throw new CheckpointError(
        "UNEXPECTED_WEIGHT",
        `${path} stores weights the model does not have: ${listNames(extra)}; the checkpoint was saved from a different architecture.`,
      );
    }
  } else {
    matchedBy = "position";
    if (stored.length !== ws.length) {
      throw new CheckpointError(
        "WEIGHT_COUNT_MISMATCH",
        `${path} stores ${stored.length} weights but the model has ${ws.length}; the checkpoint was saved from a different architecture (stored: ${listNames(stored)}).`,
      );
    }
    for (const [i, w] of ws.entries()) pairs.set(w, stored[i] as StoredWeight);
  }
  for (const [w, s] of pairs) {
    const shape = shapeOf(w);
    if (!sameShape(shape, s.shape)) {
      throw new CheckpointError(
        "SHAPE_MISMATCH",
        `Weight ${JSON.stringify(names.get(w))} of the model has shape [${shape.join(", ")}] but ${path} stores ${JSON.stringify(s.name)} with shape [${s.shape.join(", ")}] (matched by ${matchedBy}); the checkpoint was saved from a different architecture.`,
      );
    }
    if (w.dtype !== s.dtype) {
      throw new CheckpointError(
        "DTYPE_MISMATCH",
        `Weight ${JSON.stringify(names.get(w))} is ${w.dtype} but ${path} stores ${JSON.stringify(s.name)} as ${s.dtype}.`,
      );
    }
  }
  return { pairs, matchedBy };
}

function listNames(ws: readonly { name: string }[]): string {
  const shown = ws.slice(0, 8).map((w) => JSON.stringify(w.name));
  return `${shown.join(", ")}${ws.length > 8 ? `, ... (${ws.length} in all)` : ""}`;
}
