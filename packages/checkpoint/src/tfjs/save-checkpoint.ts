import { crc32 } from "node:zlib";
import { writeFileAtomic } from "../atomic-write.js";
import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointKind,
  META,
  MODEL_PREFIX,
  type StoredOptimizer,
  type StoredWeight,
  type TrainingState,
} from "../checkpoint-format.js";
import type { TensorData } from "../dtypes.js";
import { CheckpointError } from "../errors.js";
import { encodeHeader, layoutTensors, type TensorInput } from "../safetensors.js";
import { describeWeights, safetensorsDtypeOf, storedNames } from "./model-weights.js";
import { captureOptimizer } from "./optimizer-state.js";
import type { CheckpointModel, Optimizer } from "./types.js";

export interface SaveCheckpointArgs {
  model: CheckpointModel;
  /** defaults to `model.optimizer`; `null` saves the weights without optimizer state */
  optimizer?: Optimizer | null;
  /** global step (optimizer updates done) */
  step: number;
  /** epochs completed */
  epoch: number;
  /** LR schedule state, any JSON */
  schedule?: unknown;
  /** RNG state (data order, augmentation, dropout seeds), any JSON */
  rng?: unknown;
  /** metric values, used by CheckpointManager to keep the best checkpoints */
  metrics?: Record<string, number>;
  /** anything else, any JSON */
  extra?: unknown;
  /** fsync file and directory (default true) */
  durable?: boolean;
}

export interface SavedCheckpoint {
  path: string;
  /** file size in bytes */
  bytes: number;
  crc32: string;
}

function checkCount(name: string, v: unknown): number {
  if (typeof v !== "number" || !Number.isSafeInteger(v) || v < 0) {
    throw new CheckpointError(
      "INVALID_ARGUMENT",
      `${name} is ${JSON.stringify(v)}; it must be a non-negative integer.`,
    );
  }
  return v;
}

function toJson(what: string, v: unknown): string {
  try {
    return JSON.stringify(v);
  } catch (err) {
    throw new CheckpointError(
      "INVALID_ARGUMENT",
      `${what} cannot be stored as JSON (${(err as Error).message}); pass plain objects, arrays, strings, numbers and booleans (convert BigInt and typed arrays first).`,
    );
  }
}

/** Reads every model weight into `out` under `prefix + name`. */
export async function captureWeights(
  model: CheckpointModel,
  out: Record<string, TensorInput>,
  prefix: string,
  convert?: (w: StoredWeight, data: TensorData) => TensorInput | undefined,
): Promise<StoredWeight[]> {
  const described = describeWeights(model);
  const names = storedNames(model);
  for (const [i, w] of model.weights.entries()) {
    const d = described[i] as StoredWeight;
    const data = (await w.read().data()) as TensorData;
    out[`${prefix}${names.get(w)}`] = convert?.(d, data) ?? {
      dtype: safetensorsDtypeOf(w),
      shape: d.shape,
      data,
    };
  }
  return described;
}

/**
 * Lays tensors out and writes the file atomically. The CRC-32 of the data is
 * computed while the data is being written (overlapping the I/O); the header,
 * whose size does not depend on the CRC value, is then rewritten with it before
 * the file is synced and renamed into place.
 */
export async function writeCheckpointFile(
  path: string,
  tensors: Record<string, TensorInput>,
  kind: CheckpointKind,
  fields: Record<string, string>,
  durable: boolean,
): Promise<SavedCheckpoint> {
  const items = layoutTensors(tensors);
  const parts = items.map((i) => i.bytes);
  const headerFor = (crc: string) =>
    encodeHeader(
      items.map((i) => ({ ...i, byteLength: i.bytes.byteLength })),
      {
        [META.version]: String(CHECKPOINT_FORMAT_VERSION),
        [META.kind]: kind,
        [META.crc32]: crc,
        ...fields,
      },
    );
  const placeholder = headerFor("00000000");
  let c = 0;
  let crc = "";
  await writeFileAtomic(path, [placeholder, ...parts], {
    durable,
    onPiece: (index, piece) => {
      if (index > 0) c = crc32(piece, c);
    },
    beforePublish: async (fh) => {
      crc = (c >>> 0).toString(16).padStart(8, "0");
      const header = headerFor(crc);
      if (header.byteLength !== placeholder.byteLength) throw new Error("header size changed");
      await fh.write(header, 0, header.byteLength, 0);
    },
  });
  return {
    path,
    bytes: placeholder.byteLength + parts.reduce((s, p) => s + p.byteLength, 0),
    crc32: crc,
  };
}

/**
 * Saves a full training checkpoint as ONE safetensors file, written atomically
 * and durably: model weights under `model/<name>`, optimizer slots under
 * `optimizer/<weight>/<slot>`, and step, epoch, schedule, RNG, metrics and the
 * optimizer's config as JSON in `__metadata__`, with a CRC-32 of the data.
 */
export async function saveCheckpoint(
  path: string,
  args: SaveCheckpointArgs,
): Promise<SavedCheckpoint> {
  const { model } = args;
  if (model === null || typeof model !== "object" || !Array.isArray(model.weights)) {
    throw new CheckpointError(
      "INVALID_ARGUMENT",
      "saveCheckpoint needs { model } to be a tfjs LayersModel (an object with .weights).",
    );
  }
  const state: TrainingState = {
    step: checkCount("step", args.step),
    epoch: checkCount("epoch", args.epoch),
    ...(args.schedule !== undefined ? { schedule: args.schedule } : {}),
    ...(args.rng !== undefined ? { rng: args.rng } : {}),
    ...(args.metrics !== undefined ? { metrics: args.metrics } : {}),
    ...(args.extra !== undefined ? { extra: args.extra } : {}),
    savedAt: new Date().toISOString(),
  };
  const stateJson = toJson("The training state (schedule, rng, metrics, extra)", state);
  const tensors: Record<string, TensorInput> = Object.create(null);
  const weights = await captureWeights(model, tensors, MODEL_PREFIX);
  const opt = args.optimizer === undefined ? (model.optimizer ?? null) : args.optimizer;
  let optimizer: StoredOptimizer | null = null;
  if (opt !== null) optimizer = await captureOptimizer(model, opt, tensors);
  return writeCheckpointFile(
    path,
    tensors,
    "training",
    {
      [META.state]: stateJson,
      [META.model]: JSON.stringify({ weights }),
      ...(optimizer !== null
        ? { [META.optimizer]: toJson("The optimizer config", optimizer) }
        : {}),
    },
    args.durable ?? true,
  );
}
