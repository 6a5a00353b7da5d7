import {
  CHECKPOINT_FORMAT_VERSION,
  type CheckpointKind,
  checkpointInfoFromHeader,
  HIDDEN_PREFIX,
  META,
  MODEL_PREFIX,
  OPTIMIZER_PREFIX,
} from "./checkpoint-format.js";
import type { SafetensorsDtype } from "./dtypes.js";
import { compareForLayout, encodeHeader, openSafetensors } from "./safetensors.js";

export interface ByteGroup {
  /** "weights", "optimizer/<slot>", "optimizer/hidden" or "header" */
  group: string;
  bytes: number;
  tensors: number;
  byDtype: Partial<Record<SafetensorsDtype, number>>;
}

export interface CheckpointExplanation {
  path: string;
  kind: CheckpointKind;
  fileBytes: number;
  /** the 8-byte prefix plus the JSON header (training state, names, shapes) */
  headerBytes: number;
  weightBytes: number;
  /** all optimizer tensors: per-weight slots plus scalar hidden state (Adam's beta powers) */
  optimizerBytes: number;
  groups: ByteGroup[];
  /** (weights + per-weight optimizer slots) / weights: 1 for SGD, 2 for momentum, 3 for Adam */
  multiplier: number;
  optimizerClass: string | null;
  /** exact file sizes of a weights-only export (saveWeights) of these weights */
  release: { float32: number; float16: number; bfloat16: number };
  /** human summary */
  text: string;
}

function add(g: ByteGroup, dtype: SafetensorsDtype, bytes: number): void {
  g.bytes += bytes;
  g.tensors += 1;
  g.byDtype[dtype] = (g.byDtype[dtype] ?? 0) + bytes;
}

/**
 * Explains where a checkpoint's bytes go, from its header alone: the weights,
 * each optimizer slot, the header, the multiplier over the weights, and what a
 * weights-only float32/float16/bfloat16 release of the same model would weigh.
 */
export async function explainCheckpoint(path: string): Promise<CheckpointExplanation> {
  const file = await openSafetensors(path);
  await file.close();
  const header = file.header;
  const info = checkpointInfoFromHeader(path, header);
  const groups = new Map<string, ByteGroup>();
  const group = (name: string) => {
    let g = groups.get(name);
    if (g === undefined) {
      g = { group: name, bytes: 0, tensors: 0, byDtype: {} };
      groups.set(name, g);
    }
    return g;
  };
  group("weights");
  const slots = info.optimizer?.slots ?? [];
  for (const [name, t] of Object.entries(header.tensors)) {
    if (info.kind === "weights" || name.startsWith(MODEL_PREFIX)) {
      add(group("weights"), t.dtype, t.byteLength);
    } else if (name.startsWith(HIDDEN_PREFIX)) {
      add(group("optimizer/hidden"), t.dtype, t.byteLength);
    } else if (name.startsWith(OPTIMIZER_PREFIX)) {
      const slot =
        slots.find((s) => name.endsWith(`/${s}`)) ?? name.slice(name.lastIndexOf("/") + 1);
      add(group(`optimizer/${slot}`), t.dtype, t.byteLength);
    } else {
      add(group("other"), t.dtype, t.byteLength);
    }
  }
  const headerGroup = group("header");
  headerGroup.bytes = header.dataStart;
  const weightBytes = groups.get("weights")?.bytes ?? 0;
  let optimizerBytes = 0;
  let slotBytes = 0;
  for (const g of groups.values()) {
    if (!g.group.startsWith("optimizer/")) continue;
    optimizerBytes += g.bytes;
    if (g.group !== "optimizer/hidden") slotBytes += g.bytes;
  }

  const releaseSize = (dtype: "float32" | "float16" | "bfloat16") => {
    const items = info.weights.map((w) => {
      const numel = w.shape.reduce((a, b) => a * b, 1);
      const half = w.dtype === "float32" && dtype !== "float32";
      const st: SafetensorsDtype =
        w.dtype === "int32"
          ? "I32"
          : w.dtype === "bool"
            ? "BOOL"
            : half
              ? dtype === "float16"
                ? "F16"
                : "BF16"
              : "F32";
      return {
        name: w.name,
        dtype: st,
        shape: w.shape,
        byteLength: numel * (st === "BOOL" ? 1 : half ? 2 : 4),
      };
    });
    const order = [...items].sort(compareForLayout);
    const h = encodeHeader(order, {
      [META.version]: String(CHECKPOINT_FORMAT_VERSION),
      [META.kind]: "weights",
      [META.crc32]: "00000000",
      [META.model]: JSON.stringify({ weights: info.weights, dtype }),
    });
    return h.byteLength + items.reduce((s, i) => s + i.byteLength, 0);
  };
  const release = {
    float32: releaseSize("float32"),
    float16: releaseSize("float16"),
    bfloat16: releaseSize("bfloat16"),
  };
  const multiplier = weightBytes === 0 ? 0 : (weightBytes + slotBytes) / weightBytes;
  const fileBytes = header.dataStart + header.dataLength;
  const mb = (b: number) =>
    b < 1e4 ? `${b} B` : b < 1e6 ? `${(b / 1e3).toFixed(1)} kB` : `${(b / 1e6).toFixed(2)} MB`;
  const lines = [
    `${path}: ${info.kind === "training" ? "training checkpoint" : `weights release (${info.weightsDtype ?? "float32"})`}, ${mb(fileBytes)}`,
    ...[...groups.values()].map(
      (g) =>
        `  ${g.group.padEnd(20)} ${mb(g.bytes).padStart(12)}  ${((100 * g.bytes) / fileBytes).toFixed(1).padStart(5)}%${g.tensors > 0 ? `  ${g.tensors} tensors` : ""}`,
    ),
    `  multiplier over the weights: ${multiplier.toFixed(3)}x${info.optimizer ? ` (${info.optimizer.className}: ${info.optimizer.slots.length} slot(s) per weight${info.optimizer.slots.length > 0 ? `: ${info.optimizer.slots.join(", ")}` : ""})` : " (no optimizer state)"}`,
    `  a weights-only release would weigh ${mb(release.float32)} in float32, ${mb(release.float16)} in float16 or bfloat16`,
  ];
  return {
    path,
    kind: info.kind,
    fileBytes,
    headerBytes: header.dataStart,
    weightBytes,
    optimizerBytes,
    groups: [...groups.values()],
    multiplier,
    optimizerClass: info.optimizer?.className ?? null,
    release,
    text: lines.join("\n"),
  };
}
