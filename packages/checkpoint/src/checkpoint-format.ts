import { crc32 } from "node:zlib";
import { CheckpointError } from "./errors.js";
import { openSafetensors } from "./safetensors.js";
import type { SafetensorsHeader } from "./safetensors-header.js";

/** Version of the checkpoint layout inside the safetensors file. */
export const CHECKPOINT_FORMAT_VERSION = 1;

/** `__metadata__` keys a trainkit checkpoint uses (all values are strings). */
export const META = {
  version: "trainkit.format_version",
  kind: "trainkit.kind",
  crc32: "trainkit.crc32",
  state: "trainkit.state",
  model: "trainkit.model",
  optimizer: "trainkit.optimizer",
} as const;

/** Tensor name prefixes. */
export const MODEL_PREFIX = "model/";
export const OPTIMIZER_PREFIX = "optimizer/";
/** optimizer state that getWeights() does not expose (Adam's running beta powers) */
export const HIDDEN_PREFIX = "optimizer/@hidden/";

export type CheckpointKind = "training" | "weights";

/** Training state stored as JSON in the header, readable without the tensors. */
export interface TrainingState {
  step: number;
  epoch: number;
  /** LR schedule state (any JSON) */
  schedule?: unknown;
  /** RNG state for the data order, dropout seeds, ... (any JSON) */
  rng?: unknown;
  /** metric values at save time, for best-K retention */
  metrics?: Record<string, number>;
  /** anything else (any JSON) */
  extra?: unknown;
  /** ISO time of the save */
  savedAt?: string;
}

export interface StoredWeight {
  /** stable name (tfjs `originalName`) */
  name: string;
  shape: number[];
  dtype: string;
  trainable: boolean;
}

export interface StoredOptimizer {
  className: string;
  config: Record<string, unknown>;
  iterations: number;
  /** slot kinds in the order the optimizer's setWeights expects (e.g. ["m", "v"]) */
  slots: string[];
  /** names of hidden state tensors (e.g. ["accBeta1", "accBeta2"]) */
  hidden: string[];
}

/** Everything about a checkpoint that its header says. */
export interface CheckpointInfo {
  path: string;
  kind: CheckpointKind;
  formatVersion: number;
  /** CRC-32 of the data region, 8 hex digits */
  crc32: string;
  /** present for training checkpoints */
  state: TrainingState | null;
  weights: StoredWeight[];
  optimizer: StoredOptimizer | null;
  /** release dtype of a weights file (float32, float16, bfloat16) */
  weightsDtype?: string;
  header: SafetensorsHeader;
}

function parseJsonField<T>(path: string, meta: Record<string, string>, key: string): T | null {
  const raw = meta[key];
  if (raw === undefined) return null;
  try {
    return JSON.parse(raw) as T;
  } catch {
    throw new CheckpointError(
      "NOT_A_CHECKPOINT",
      `${path}: metadata ${key} is not valid JSON (${raw.slice(0, 60)}); the file was not written by saveCheckpoint/saveWeights or was edited.`,
    );
  }
}

/** Interprets a validated safetensors header as a trainkit checkpoint (no tensor bytes read). */
export function checkpointInfoFromHeader(path: string, header: SafetensorsHeader): CheckpointInfo {
  const meta = header.metadata;
  const version = meta[META.version];
  const kind = meta[META.kind];
  if (version === undefined || (kind !== "training" && kind !== "weights")) {
    throw new CheckpointError(
      "NOT_A_CHECKPOINT",
      `${path} is a safetensors file but not a trainkit checkpoint (no ${META.version}/${META.kind} metadata); read it with readSafetensors() instead.`,
    );
  }
  if (Number(version) !== CHECKPOINT_FORMAT_VERSION) {
    throw new CheckpointError(
      "UNSUPPORTED_VERSION",
      `${path} has checkpoint format version ${version}; this version of @trainkit/checkpoint reads version ${CHECKPOINT_FORMAT_VERSION}. Upgrade the package.`,
    );
  }
  const model = parseJsonField<{ weights: StoredWeight[]; dtype?: string }>(path, meta, META.model);
  return {
    path,
    kind,
    formatVersion: CHECKPOINT_FORMAT_VERSION,
    crc32: meta[META.crc32] ?? "",
    state: parseJsonField<TrainingState>(path, meta, META.state),
    weights: model?.weights ?? [],
    optimizer: parseJsonField<StoredOptimizer>(path, meta, META.optimizer),
    ...(model?.dtype !== undefined ? { weightsDtype: model.dtype } : {}),
    header,
  };
}

/** Reads a checkpoint's header: step, epoch, metrics, weights list, optimizer summary. */
export async function readCheckpointInfo(path: string): Promise<CheckpointInfo> {
  const file = await openSafetensors(path);
  await file.close();
  return checkpointInfoFromHeader(path, file.header);
}

/** Running CRC-32 over pieces fed in order. */
export function crc32Accumulator(): { add(piece: Uint8Array): void; hex(): string } {
  let c = 0;
  return {
    add(piece) {
      c = crc32(piece, c);
    },
    hex: () => (c >>> 0).toString(16).padStart(8, "0"),
  };
}

/** Throws CHECKSUM_MISMATCH when `got` (the data's CRC-32) differs from the stored one. */
export function checkChecksum(path: string, info: CheckpointInfo, got: string): void {
  if (got !== info.crc32) {
    throw new CheckpointError(
      "CHECKSUM_MISMATCH",
      `${path}: the tensor data has CRC-32 ${got} but the header records ${info.crc32 || "(none)"}; the file is corrupt (bit rot, partial copy or an in-place edit). Load an older checkpoint.`,
    );
  }
}

/**
 * Fully verifies a checkpoint: safetensors structure, trainkit metadata and the
 * CRC-32 of every tensor byte. Returns its info; throws SafetensorsError or CheckpointError.
 */
export async function verifyCheckpoint(path: string): Promise<CheckpointInfo> {
  const file = await openSafetensors(path);
  try {
    const info = checkpointInfoFromHeader(path, file.header);
    const crc = crc32Accumulator();
    await file.readDataRegion((piece) => crc.add(piece));
    checkChecksum(path, info, crc.hex());
    return info;
  } finally {
    await file.close();
  }
}
