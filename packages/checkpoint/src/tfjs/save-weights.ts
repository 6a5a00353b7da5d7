import { META, type StoredWeight } from "../checkpoint-format.js";
import type { TensorData } from "../dtypes.js";
import { CheckpointError } from "../errors.js";
import { toBfloat16, toFloat16 } from "../half-precision.js";
import { validateStringMap } from "../internal/string-map.js";
import type { TensorInput } from "../safetensors.js";
import { applyWeights, checkStoredTensors, readCheckpointTensors } from "./load-checkpoint.js";
import { matchWeights, safetensorsDtypeOf } from "./model-weights.js";
import { captureWeights, type SavedCheckpoint, writeCheckpointFile } from "./save-checkpoint.js";
import type { CheckpointModel, WeightMatch } from "./types.js";

export type ReleaseDtype = "float32" | "float16" | "bfloat16";

export interface SaveWeightsOptions {
  /** storage dtype of float32 weights (default float32); int32/bool weights stay as they are */
  dtype?: ReleaseDtype;
  /** extra string metadata, e.g. { format: "pt" } */
  metadata?: Record<string, string>;
  durable?: boolean;
}

/**
 * Saves only the weights (the release kind): tensors named as the model names
 * them, optionally in float16 or bfloat16 (round to nearest even), half the size.
 */
export async function saveWeights(
  path: string,
  model: CheckpointModel,
  options: SaveWeightsOptions = {},
): Promise<SavedCheckpoint> {
  const dtype = options.dtype ?? "float32";
  if (dtype !== "float32" && dtype !== "float16" && dtype !== "bfloat16") {
    throw new CheckpointError(
      "INVALID_ARGUMENT",
      `dtype ${JSON.stringify(dtype)} is not a release dtype; use "float32", "float16" or "bfloat16".`,
    );
  }
  const extra = validateStringMap("metadata", options.metadata);
  for (const k of Object.keys(extra)) {
    if (k.startsWith("trainkit.")) {
      throw new CheckpointError(
        "INVALID_ARGUMENT",
        `metadata key ${JSON.stringify(k)} uses the reserved "trainkit." prefix; choose another key.`,
      );
    }
  }
  const convert = (w: StoredWeight, data: TensorData): TensorInput | undefined => {
    if (w.dtype !== "float32" || dtype === "float32") return undefined;
    const f = data as Float32Array;
    return dtype === "float16"
      ? { dtype: "F16", shape: w.shape, data: toFloat16(f) }
      : { dtype: "BF16", shape: w.shape, data: toBfloat16(f) };
  };
  const tensors: Record<string, TensorInput> = Object.create(null);
  const weights = await captureWeights(model, tensors, "", convert);
  for (const w of model.weights) safetensorsDtypeOf(w);
  return writeCheckpointFile(
    path,
    tensors,
    "weights",
    { ...extra, [META.model]: JSON.stringify({ weights, dtype }) },
    options.durable ?? true,
  );
}

export interface LoadWeightsOptions {
  match?: WeightMatch;
  verify?: boolean;
}

/** Loads a file written by saveWeights (float16/bfloat16 are widened to float32). */
export async function loadWeights(
  path: string,
  model: CheckpointModel,
  options: LoadWeightsOptions = {},
): Promise<{ matchedBy: "name" | "position"; dtype: string }> {
  const { info, tensors } = await readCheckpointTensors(path, options.verify ?? true);
  if (info.kind !== "weights") {
    throw new CheckpointError(
      "NOT_A_CHECKPOINT",
      `${path} is a training checkpoint; restore it with loadCheckpoint(path, { model }).`,
    );
  }
  checkStoredTensors(path, info, tensors, "");
  const { pairs, matchedBy } = matchWeights(path, info.weights, model, options.match ?? "auto");
  applyWeights(model, pairs, tensors, "");
  return { matchedBy, dtype: info.weightsDtype ?? "float32" };
}
