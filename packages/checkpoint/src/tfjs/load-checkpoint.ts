import { dispose, type Tensor, tensor } from "@tensorflow/tfjs-core";
import {
  type CheckpointInfo,
  checkChecksum,
  checkpointInfoFromHeader,
  crc32Accumulator,
  MODEL_PREFIX,
  type TrainingState,
} from "../checkpoint-format.js";
import { CheckpointError } from "../errors.js";
import { fromBfloat16, fromFloat16 } from "../half-precision.js";
import { tensorView } from "../internal/typed-views.js";
import { openSafetensors, type SafetensorsTensor } from "../safetensors.js";
import { matchWeights, storedNames } from "./model-weights.js";
import { planOptimizerRestore } from "./optimizer-state.js";
import type { CheckpointModel, Optimizer, WeightMatch, WeightVariable } from "./types.js";

export interface LoadCheckpointArgs {
  model: CheckpointModel;
  /** defaults to `model.optimizer`; `null` restores the weights only */
  optimizer?: Optimizer | null;
  /** how stored weights pair with the model's (default "auto": by name, else by position) */
  match?: WeightMatch;
  /** check the CRC-32 of the data before touching the model (default true) */
  verify?: boolean;
}

export interface LoadedCheckpoint {
  /** step, epoch, schedule, rng, metrics, extra as saved */
  state: TrainingState;
  info: CheckpointInfo;
  matchedBy: "name" | "position";
  optimizerRestored: boolean;
  /** stored slots for weights the model no longer trains (frozen since the save) */
  ignoredSlots: string[];
}

/** Reads, verifies and decodes a checkpoint file into typed arrays. */
export async function readCheckpointTensors(
  path: string,
  verify: boolean,
): Promise<{ info: CheckpointInfo; tensors: Record<string, SafetensorsTensor> }> {
  const file = await openSafetensors(path);
  try {
    const info = checkpointInfoFromHeader(path, file.header);
    const crc = crc32Accumulator();
    const region = await file.readDataRegion(verify ? (piece) => crc.add(piece) : undefined);
    if (verify) checkChecksum(path, info, crc.hex());
    const tensors: Record<string, SafetensorsTensor> = Object.create(null);
    for (const [name, t] of Object.entries(file.header.tensors)) {
      tensors[name] = {
        dtype: t.dtype,
        shape: t.shape,
        data: tensorView(t.dtype, region.buffer, t.dataOffsets[0], t.byteLength),
      };
    }
    return { info, tensors };
  } finally {
    await file.close();
  }
}

/** Sets model weights from stored tensors (after every check passed). */
export function applyWeights(
  model: CheckpointModel,
  pairs: Map<WeightVariable, { name: string }>,
  tensors: Record<string, SafetensorsTensor>,
  prefix: string,
): void {
  const values: Tensor[] = [];
  try {
    for (const w of model.weights) {
      const stored = pairs.get(w) as { name: string };
      const t = tensors[`${prefix}${stored.name}`] as SafetensorsTensor;
      let data = t.data;
      if (t.dtype === "F16") data = fromFloat16(t.data as Uint16Array);
      else if (t.dtype === "BF16") data = fromBfloat16(t.data as Uint16Array);
      else if (t.dtype === "BOOL") data = Int32Array.from(t.data as Uint8Array);
      values.push(tensor(data as Float32Array | Int32Array, t.shape, w.dtype as "float32"));
    }
    // LayerVariable.write assigns each weight directly; model.setWeights would first
    // read every current weight back (a full copy) just to compare shapes.
    if (model.weights.every((w) => typeof w.write === "function")) {
      for (const [i, w] of model.weights.entries()) w.write?.(values[i] as Tensor);
    } else {
      model.setWeights(values);
    }
  } finally {
    dispose(values);
  }
}

export function checkStoredTensors(
  path: string,
  info: CheckpointInfo,
  tensors: Record<string, SafetensorsTensor>,
  prefix: string,
): void {
  for (const w of info.weights) {
    if (!Object.hasOwn(tensors, `${prefix}${w.name}`)) {
      throw new CheckpointError(
        "NOT_A_CHECKPOINT",
        `${path} lists weight ${JSON.stringify(w.name)} but has no tensor ${JSON.stringify(prefix + w.name)}; the file was edited or is not a trainkit checkpoint.`,
      );
    }
  }
}

/**
 * Restores a training checkpoint into a model (and its optimizer): every check
 * (checksum, names, shapes, optimizer class, every slot present) runs before
 * anything is changed, so a failed load leaves model and optimizer untouched.
 * Optimizer slots go back by weight name, including into an Adam that has not
 * created its slots yet.
 */
export async function loadCheckpoint(
  path: string,
  args: LoadCheckpointArgs,
): Promise<LoadedCheckpoint> {
  const { model } = args;
  if (model === null || typeof model !== "object" || !Array.isArray(model.weights)) {
    throw new CheckpointError(
      "INVALID_ARGUMENT",
      "loadCheckpoint needs { model } to be a tfjs LayersModel (an object with .weights).",
    );
  }
  const { info, tensors } = await readCheckpointTensors(path, args.verify ?? true);
  if (info.kind !== "training" || info.state === null) {
    throw new CheckpointError(
      "NOT_A_CHECKPOINT",
      `${path} is a weights-only release file (kind "${info.kind}"); load it with loadWeights(path, model).`,
    );
  }
  checkStoredTensors(path, info, tensors, MODEL_PREFIX);
  const { pairs, matchedBy } = matchWeights(path, info.weights, model, args.match ?? "auto");
  const opt = args.optimizer === undefined ? (model.optimizer ?? null) : args.optimizer;
  let plan: ReturnType<typeof planOptimizerRestore> | null = null;
  if (opt !== null) {
    if (info.optimizer === null) {
      throw new CheckpointError(
        "MISSING_OPTIMIZER_STATE",
        `${path} was saved without optimizer state, so ${opt.getClassName()} cannot resume from it; pass optimizer: null to load the weights only.`,
      );
    }
    const storedNameOf = new Map<WeightVariable, string>();
    const names = storedNames(model);
    for (const w of model.weights) {
      storedNameOf.set(w, (pairs.get(w) as { name: string }).name ?? (names.get(w) as string));
    }
    plan = planOptimizerRestore(path, model, opt, info.optimizer, storedNameOf, tensors);
  }
  applyWeights(model, pairs, tensors, MODEL_PREFIX);
  if (plan !== null) await plan.apply();
  return {
    state: info.state,
    info,
    matchedBy,
    optimizerRestored: plan !== null,
    ignoredSlots: plan?.ignoredSlots ?? [],
  };
}
