import { dtypeBitSize, type SafetensorsDtype } from "./dtypes.js";
import { SafetensorsError } from "./errors.js";
import { parseHeaderJson } from "./internal/strict-header-json.js";

/** The reference implementation's limit on the JSON header: 100,000,000 bytes (decimal). */
export const MAX_HEADER_SIZE = 100_000_000;

/** Where one tensor lives, as validated from the header. */
export interface SafetensorsTensorInfo {
  dtype: SafetensorsDtype;
  shape: number[];
  /** [begin, end) relative to the start of the data region */
  dataOffsets: [number, number];
  /** byte length, end - begin */
  byteLength: number;
}

/** A validated header: everything about a file except the tensor bytes. */
export interface SafetensorsHeader {
  /** N, the JSON header's byte length (including padding) */
  headerLength: number;
  /** absolute byte position of the data region: 8 + N */
  dataStart: number;
  /** length of the data region in bytes */
  dataLength: number;
  /** tensor entries by name (null-prototype object), ordered by data offset */
  tensors: Record<string, SafetensorsTensorInfo>;
  /** the `__metadata__` string map (empty when absent) */
  metadata: Record<string, string>;
}

const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/**
 * Checks the 8-byte prefix against the file size and returns N. Runs before
 * anything is allocated, so a lying header never causes a huge allocation.
 */
export function readHeaderLength(prefix: Uint8Array, fileSize: number): number {
  if (fileSize < 8 || prefix.byteLength < 8) {
    throw new SafetensorsError(
      "HEADER_TOO_SMALL",
      `The file is ${fileSize} bytes long; a safetensors file starts with an 8-byte little-endian header length, so it needs at least 8 bytes. The file is empty or truncated.`,
    );
  }
  const n = new DataView(prefix.buffer, prefix.byteOffset, 8).getBigUint64(0, true);
  if (n > BigInt(MAX_HEADER_SIZE)) {
    throw new SafetensorsError(
      "HEADER_TOO_LARGE",
      `The header length prefix says ${n} bytes, over the 100,000,000-byte limit of the format. The file is corrupt or not a safetensors file.`,
    );
  }
  const len = Number(n);
  if (8 + len > fileSize) {
    throw new SafetensorsError(
      "INVALID_HEADER_LENGTH",
      `The header length prefix says ${len} bytes but only ${fileSize - 8} bytes follow the prefix. The file is truncated or not a safetensors file.`,
    );
  }
  return len;
}

/**
 * Decodes and validates the JSON header (`headerBytes` = the N bytes after the
 * prefix) for a file of `fileSize` bytes: UTF-8, strict JSON, dtypes, fields,
 * contiguous offsets covering the data region exactly, sizes matching shapes.
 */
export function parseSafetensorsHeader(
  headerBytes: Uint8Array,
  fileSize: number,
): SafetensorsHeader {
  const headerLength = headerBytes.byteLength;
  let text: string;
  try {
    text = utf8.decode(headerBytes);
  } catch {
    throw new SafetensorsError(
      "INVALID_UTF8",
      `The ${headerLength}-byte header is not valid UTF-8 (header byte ${firstBadUtf8(headerBytes)} starts an invalid sequence). The file is corrupt or not a safetensors file.`,
    );
  }
  const raw = parseHeaderJson(text);
  const dataStart = 8 + headerLength;
  const dataLength = fileSize - dataStart;

  const entries = Object.entries(raw.tensors).sort(
    (a, b) =>
      a[1].dataOffsets[0] - b[1].dataOffsets[0] || a[1].dataOffsets[1] - b[1].dataOffsets[1],
  );
  const tensors: Record<string, SafetensorsTensorInfo> = Object.create(null);
  let running = 0;
  for (const [name, e] of entries) {
    const [begin, end] = e.dataOffsets;
    if (end < begin) {
      throw new SafetensorsError(
        "INVALID_OFFSETS",
        `Tensor ${JSON.stringify(name)} has data_offsets [${begin}, ${end}] with end before begin; offsets are [begin, end) with end >= begin.`,
      );
    }
    if (begin !== running) {
      const what =
        begin > running
          ? `leaving a gap of ${begin - running} bytes`
          : `overlapping the previous tensor by ${running - begin} bytes`;
      throw new SafetensorsError(
        "INVALID_OFFSETS",
        `Tensor ${JSON.stringify(name)} starts at data offset ${begin}, ${what}; tensors must be contiguous from offset 0 with no holes or overlaps (expected begin ${running}).`,
      );
    }
    let numel = 1n;
    for (const d of e.shape) numel *= BigInt(d);
    const bits = numel * BigInt(dtypeBitSize(e.dtype));
    if (bits % 8n !== 0n) {
      throw new SafetensorsError(
        "MISALIGNED_SLICE",
        `Tensor ${JSON.stringify(name)} (${e.dtype}, shape [${e.shape.join(", ")}]) holds ${bits} bits, not a whole number of bytes; sub-byte dtypes need an element count that fills whole bytes.`,
      );
    }
    const bytes = bits / 8n;
    if (bytes !== BigInt(end - begin)) {
      throw new SafetensorsError(
        "SIZE_MISMATCH",
        `Tensor ${JSON.stringify(name)} (${e.dtype}, shape [${e.shape.join(", ")}]) needs ${bytes} bytes but its data_offsets [${begin}, ${end}] span ${end - begin}; shape x dtype size must equal end - begin.`,
      );
    }
    tensors[name] = {
      dtype: e.dtype,
      shape: e.shape,
      dataOffsets: [begin, end],
      byteLength: end - begin,
    };
    running = end;
  }
  if (running > dataLength) {
    throw new SafetensorsError(
      "OFFSETS_PAST_END",
      `The header indexes ${running} bytes of tensor data but only ${dataLength} bytes follow the header (${running - dataLength} missing). The file is truncated.`,
    );
  }
  if (running < dataLength) {
    throw new SafetensorsError(
      "TRAILING_BYTES",
      `${dataLength - running} bytes follow the last tensor (data ends at ${running}, file data region is ${dataLength} bytes). The data region must be exactly covered by the tensors; extra bytes allow polyglot files.`,
    );
  }
  return {
    headerLength,
    dataStart,
    dataLength,
    tensors,
    metadata: raw.metadata ?? Object.create(null),
  };
}

function firstBadUtf8(bytes: Uint8Array): number {
  // Narrow down the first failing position with a binary search on prefixes.
  let lo = 0;
  let hi = bytes.byteLength;
  while (hi - lo > 1) {
    const mid = (lo + hi) >>> 1;
    try {
      new TextDecoder("utf-8", { fatal: true }).decode(bytes.subarray(0, mid), { stream: true });
      lo = mid;
    } catch {
      hi = mid;
    }
  }
  return lo;
}
