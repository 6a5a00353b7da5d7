import { open } from "node:fs/promises";
import { type AtomicWriteOptions, writeFileAtomic } from "./atomic-write.js";
import {
  dtypeBitSize,
  dtypeRank,
  isSafetensorsDtype,
  type SafetensorsDtype,
  type TensorData,
  typedArrayFor,
} from "./dtypes.js";
import { SafetensorsError } from "./errors.js";
import { readExactly } from "./internal/file-io.js";
import { assertLittleEndian, bytesOf, tensorView } from "./internal/typed-views.js";
import { isWellFormedString } from "./internal/well-formed.js";
import {
  MAX_HEADER_SIZE,
  parseSafetensorsHeader,
  readHeaderLength,
  type SafetensorsHeader,
  type SafetensorsTensorInfo,
} from "./safetensors-header.js";

/** A tensor read from a file: `data` is the natural typed array for `dtype`. */
export interface SafetensorsTensor {
  dtype: SafetensorsDtype;
  shape: number[];
  data: TensorData;
}

/** A tensor to write: `data` is the natural typed array for `dtype`, or its raw little-endian bytes as a Uint8Array. */
export interface TensorInput {
  dtype: SafetensorsDtype;
  shape: readonly number[];
  data: ArrayBufferView;
}

export interface ParsedSafetensors {
  tensors: Record<string, SafetensorsTensor>;
  metadata: Record<string, string>;
}

export interface ParseOptions {
  /** copy each tensor out of `bytes` instead of viewing it (default false: zero-copy views where aligned) */
  copy?: boolean;
}

/**
 * Parses and validates a whole safetensors file held in memory. Tensors are views
 * over `bytes` where aligned (no copy) unless `copy` is set.
 */
export function parseSafetensors(bytes: Uint8Array, options: ParseOptions = {}): ParsedSafetensors {
  assertLittleEndian();
  const n = readHeaderLength(bytes, bytes.byteLength);
  const header = parseSafetensorsHeader(bytes.subarray(8, 8 + n), bytes.byteLength);
  const tensors: Record<string, SafetensorsTensor> = Object.create(null);
  for (const [name, info] of Object.entries(header.tensors)) {
    tensors[name] = {
      dtype: info.dtype,
      shape: info.shape.slice(),
      data: tensorView(
        info.dtype,
        bytes.buffer,
        bytes.byteOffset + header.dataStart + info.dataOffsets[0],
        info.byteLength,
        options.copy ?? false,
      ),
    };
  }
  return { tensors, metadata: header.metadata };
}

interface Prepared {
  header: Uint8Array;
  parts: Uint8Array[];
  dataLength: number;
}

const encoder = new TextEncoder();

function expectedBytes(name: string, dtype: SafetensorsDtype, shape: readonly number[]): number {
  let numel = 1n;
  for (const d of shape) numel *= BigInt(d);
  const bits = numel * BigInt(dtypeBitSize(dtype));
  if (bits % 8n !== 0n) {
    throw new SafetensorsError(
      "MISALIGNED_SLICE",
      `Tensor ${JSON.stringify(name)} (${dtype}, shape [${shape.join(", ")}]) holds ${bits} bits, not a whole number of bytes; give a sub-byte dtype an element count that fills whole bytes.`,
    );
  }
  const bytes = bits / 8n;
  if (bytes > BigInt(Number.MAX_SAFE_INTEGER)) {
    throw new SafetensorsError(
      "INTEGER_TOO_LARGE",
      `Tensor ${JSON.stringify(name)} would need ${bytes} bytes, past 2^53 - 1.`,
    );
  }
  return Number(bytes);
}

function validateInput(name: string, t: TensorInput): Uint8Array {
  if (name === "__metadata__") {
    throw new SafetensorsError(
      "RESERVED_NAME",
      `A tensor cannot be named "__metadata__": that key holds the string metadata map. Rename the tensor, or pass strings as the metadata argument.`,
    );
  }
  if (!isWellFormedString(name)) {
    throw new SafetensorsError(
      "INVALID_TENSOR",
      `Tensor name ${JSON.stringify(name)} contains a lone UTF-16 surrogate and cannot be stored as UTF-8; use a well-formed string.`,
    );
  }
  if (t === null || typeof t !== "object") {
    throw new SafetensorsError(
      "INVALID_TENSOR",
      `Tensor ${JSON.stringify(name)} is ${t === null ? "null" : typeof t}; pass { dtype, shape, data }.`,
    );
  }
  if (!isSafetensorsDtype(t.dtype)) {
    throw new SafetensorsError(
      "UNKNOWN_DTYPE",
      `Tensor ${JSON.stringify(name)} has unknown dtype ${JSON.stringify(t.dtype)}; use one of BOOL, U8, I8, I16, U16, F16, BF16, I32, U32, F32, C64, F64, I64, U64, F8_E5M2, F8_E4M3, F8_E8M0, F8_E4M3FNUZ, F8_E5M2FNUZ, F4, F6_E2M3, F6_E3M2.`,
    );
  }
  if (!Array.isArray(t.shape) || !t.shape.every((d) => Number.isSafeInteger(d) && d >= 0)) {
    throw new SafetensorsError(
      "INVALID_TENSOR",
      `Tensor ${JSON.stringify(name)} has shape ${safeJson(t.shape)}; a shape is an array of non-negative integers ([] for a scalar).`,
    );
  }
  const Ctor = typedArrayFor(t.dtype);
  if (!ArrayBuffer.isView(t.data) || !(t.data instanceof Ctor || t.data instanceof Uint8Array)) {
    const got = ArrayBuffer.isView(t.data) ? t.data.constructor.name : typeof t.data;
    throw new SafetensorsError(
      "INVALID_TENSOR",
      `Tensor ${JSON.stringify(name)} (${t.dtype}) has data of type ${got}; pass a ${Ctor.name} or its raw little-endian bytes as a Uint8Array.`,
    );
  }
  const want = expectedBytes(name, t.dtype, t.shape);
  if (t.data.byteLength !== want) {
    throw new SafetensorsError(
      "SIZE_MISMATCH",
      `Tensor ${JSON.stringify(name)} (${t.dtype}, shape [${t.shape.join(", ")}]) needs ${want} bytes but its data has ${t.data.byteLength}; the data length must equal shape x dtype size.`,
    );
  }
  return bytesOf(t.data);
}

function safeJson(v: unknown): string {
  try {
    return JSON.stringify(v) ?? String(v);
  } catch {
    return String(v);
  }
}

function validateMetadata(metadata: Record<string, string> | undefined | null): [string, string][] {
  if (metadata === undefined || metadata === null) return [];
  if (typeof metadata !== "object" || Array.isArray(metadata)) {
    throw new SafetensorsError(
      "INVALID_METADATA",
      `metadata is ${Array.isArray(metadata) ? "an array" : typeof metadata}; pass an object whose values are strings.`,
    );
  }
  const entries = Object.entries(metadata);
  for (const [k, v] of entries) {
    if (typeof v !== "string") {
      throw new SafetensorsError(
        "INVALID_METADATA",
        `metadata value for ${JSON.stringify(k)} is ${v === null ? "null" : typeof v} (${safeJson(v)}); all metadata values must be strings: encode other values with JSON.stringify.`,
      );
    }
    if (!isWellFormedString(k) || !isWellFormedString(v)) {
      throw new SafetensorsError(
        "INVALID_METADATA",
        `metadata entry ${JSON.stringify(k)} contains a lone UTF-16 surrogate and cannot be stored as UTF-8.`,
      );
    }
  }
  return entries;
}

function compareUtf8(a: string, b: string): number {
  if (a === b) return 0;
  return Buffer.compare(encoder.encode(a), encoder.encode(b));
}

/**
 * The reference writer's tensor order: dtype (widest alignment first), then name by UTF-8 bytes.
 * @internal
 */
export function compareForLayout(
  a: { name: string; dtype: SafetensorsDtype },
  b: { name: string; dtype: SafetensorsDtype },
): number {
  return dtypeRank(b.dtype) - dtypeRank(a.dtype) || compareUtf8(a.name, b.name);
}

/** One validated tensor in file order, as the internal writer consumes it. */
export interface LaidOutTensor {
  name: string;
  dtype: SafetensorsDtype;
  shape: readonly number[];
  bytes: Uint8Array;
}

/**
 * Validates tensors and orders them exactly as the reference writer does: by dtype
 * (widest alignment first) then by name (UTF-8 bytes).
 * @internal
 */
export function layoutTensors(tensors: Record<string, TensorInput>): LaidOutTensor[] {
  if (tensors === null || typeof tensors !== "object") {
    throw new SafetensorsError(
      "INVALID_TENSOR",
      `tensors is ${tensors === null ? "null" : typeof tensors}; pass an object mapping names to { dtype, shape, data }.`,
    );
  }
  const items = Object.entries(tensors).map(([name, t]) => ({
    name,
    dtype: t?.dtype,
    shape: t?.shape,
    bytes: validateInput(name, t),
  }));
  items.sort(compareForLayout);
  return items;
}

/**
 * The 8-byte prefix plus the JSON header for tensors already in file order:
 * `__metadata__` first, contiguous offsets, spaces padding the JSON to a multiple of 8.
 * @internal
 */
export function encodeHeader(
  items: readonly {
    name: string;
    dtype: SafetensorsDtype;
    shape: readonly number[];
    byteLength: number;
  }[],
  metadata: Record<string, string> | undefined | null,
): Uint8Array {
  const meta = validateMetadata(metadata);
  let json = "{";
  let first = true;
  if (meta.length > 0) {
    json += `"__metadata__":{${meta.map(([k, v]) => `${JSON.stringify(k)}:${JSON.stringify(v)}`).join(",")}}`;
    first = false;
  }
  let offset = 0;
  for (const { name, dtype, shape, byteLength } of items) {
    const end = offset + byteLength;
    json += `${first ? "" : ","}${JSON.stringify(name)}:{"dtype":"${dtype}","shape":[${shape.join(",")}],"data_offsets":[${offset},${end}]}`;
    first = false;
    offset = end;
  }
  json += "}";
  const body = encoder.encode(json);
  const n = Math.ceil(body.byteLength / 8) * 8;
  if (n > MAX_HEADER_SIZE) {
    throw new SafetensorsError(
      "HEADER_TOO_LARGE",
      `The header would be ${n} bytes, over the format's 100,000,000-byte limit; store fewer tensors or shorter metadata per file.`,
    );
  }
  const header = new Uint8Array(8 + n);
  new DataView(header.buffer).setBigUint64(0, BigInt(n), true);
  header.set(body, 8);
  header.fill(0x20, 8 + body.byteLength);
  return header;
}

function prepare(
  tensors: Record<string, TensorInput>,
  metadata: Record<string, string> | undefined | null,
): Prepared {
  validateMetadata(metadata);
  const items = layoutTensors(tensors);
  const header = encodeHeader(
    items.map((i) => ({ ...i, byteLength: i.bytes.byteLength })),
    metadata,
  );
  const parts = items.map((i) => i.bytes);
  return { header, parts, dataLength: parts.reduce((s, p) => s + p.byteLength, 0) };
}

/** Serializes tensors (and an optional string metadata map) to safetensors bytes. */
export function serializeSafetensors(
  tensors: Record<string, TensorInput>,
  metadata?: Record<string, string> | null,
): Uint8Array {
  const { header, parts, dataLength } = prepare(tensors, metadata);
  const out = new Uint8Array(header.byteLength + dataLength);
  out.set(header, 0);
  let pos = header.byteLength;
  for (const p of parts) {
    out.set(p, pos);
    pos += p.byteLength;
  }
  return out;
}

export interface WriteSafetensorsOptions extends AtomicWriteOptions {}

/**
 * Writes a safetensors file atomically and durably: temp file in the same
 * directory, fsync, rename, fsync of the directory. Tensor bytes are streamed
 * from their arrays (no whole-file copy in memory).
 */
export async function writeSafetensors(
  path: string,
  tensors: Record<string, TensorInput>,
  metadata?: Record<string, string> | null,
  options: WriteSafetensorsOptions = {},
): Promise<void> {
  const { header, parts } = prepare(tensors, metadata);
  await writeFileAtomic(path, [header, ...parts], options);
}

/** Reads and validates a whole safetensors file (one read for the data region). */
export async function readSafetensors(path: string): Promise<ParsedSafetensors> {
  const file = await openSafetensors(path);
  try {
    return await file.readAll();
  } finally {
    await file.close();
  }
}

/** Reads and validates only the header of a file (the tensor bytes are not read). */
export async function readSafetensorsHeader(path: string): Promise<SafetensorsHeader> {
  const file = await openSafetensors(path);
  await file.close();
  return file.header;
}

/**
 * A safetensors file opened for lazy reading: the header is read and validated
 * (against the real file size) on open; each tensor is then read on demand with
 * one positioned read, without touching the others.
 */
export class SafetensorsFile {
  private closed = false;

  private constructor(
    readonly path: string,
    private readonly fh: Awaited<ReturnType<typeof open>>,
    readonly header: SafetensorsHeader,
  ) {}

  /** Opens `path` and validates its header. */
  static async open(path: string): Promise<SafetensorsFile> {
    assertLittleEndian();
    const fh = await open(path, "r");
    try {
      const { size } = await fh.stat();
      const prefix = new Uint8Array(8);
      await readExactly(fh, prefix, 0);
      const n = readHeaderLength(prefix, size);
      const headerBytes = new Uint8Array(n);
      const got = await readExactly(fh, headerBytes, 8);
      if (got !== n) readHeaderLength(prefix, 8 + got);
      return new SafetensorsFile(path, fh, parseSafetensorsHeader(headerBytes, size));
    } catch (err) {
      await fh.close();
      throw err;
    }
  }

  get metadata(): Record<string, string> {
    return this.header.metadata;
  }

  /** Tensor names in data order. */
  names(): string[] {
    return Object.keys(this.header.tensors);
  }

  /** dtype, shape and offsets of one tensor, from the header. */
  info(name: string): SafetensorsTensorInfo {
    const info = Object.hasOwn(this.header.tensors, name) ? this.header.tensors[name] : undefined;
    if (info === undefined) {
      const names = this.names();
      throw new SafetensorsError(
        "TENSOR_NOT_FOUND",
        `No tensor named ${JSON.stringify(name)} in ${this.path}; it holds ${names.length} tensors${
          names.length > 0
            ? `: ${names
                .slice(0, 10)
                .map((x) => JSON.stringify(x))
                .join(", ")}${names.length > 10 ? ", ..." : ""}`
            : ""
        }.`,
      );
    }
    return info;
  }

  private checkOpen(): void {
    if (this.closed) {
      throw new SafetensorsError(
        "CLOSED",
        `${this.path} was closed; open it again with openSafetensors() to read more tensors.`,
      );
    }
  }

  /** Reads one tensor with a single positioned read. */
  async read(name: string): Promise<SafetensorsTensor> {
    this.checkOpen();
    const info = this.info(name);
    const Ctor = typedArrayFor(info.dtype);
    const data = new Ctor(info.byteLength / Ctor.BYTES_PER_ELEMENT);
    const got = await readExactly(
      this.fh,
      bytesOf(data),
      this.header.dataStart + info.dataOffsets[0],
    );
    if (got !== info.byteLength) throw this.shrunk();
    return { dtype: info.dtype, shape: info.shape.slice(), data };
  }

  /**
   * The raw bytes of the whole data region (every tensor, in file order). `onPiece`
   * sees each piece in order while the next one is being read.
   */
  async readDataRegion(onPiece?: (piece: Uint8Array) => void): Promise<Uint8Array> {
    this.checkOpen();
    const { dataStart, dataLength } = this.header;
    // not zero-filled (every byte is read over) and not pooled (byteOffset 0, own buffer)
    const region = Buffer.allocUnsafeSlow(dataLength);
    const got = await readExactly(this.fh, region, dataStart, onPiece);
    if (got !== dataLength) throw this.shrunk();
    return new Uint8Array(region.buffer, 0, dataLength);
  }

  /** Reads every tensor with one read of the whole data region. */
  async readAll(): Promise<ParsedSafetensors> {
    const region = await this.readDataRegion();
    const tensors: Record<string, SafetensorsTensor> = Object.create(null);
    for (const [name, info] of Object.entries(this.header.tensors)) {
      tensors[name] = {
        dtype: info.dtype,
        shape: info.shape.slice(),
        data: tensorView(info.dtype, region.buffer, info.dataOffsets[0], info.byteLength),
      };
    }
    return { tensors, metadata: this.header.metadata };
  }

  private shrunk(): SafetensorsError {
    return new SafetensorsError(
      "OFFSETS_PAST_END",
      `${this.path} became shorter while it was being read; another process truncated or replaced it in place. Write files atomically (writeSafetensors does).`,
    );
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.fh.close();
  }
}

/** Opens a file for lazy reading: header now, tensors on demand. Close it when done. */
export function openSafetensors(path: string): Promise<SafetensorsFile> {
  return SafetensorsFile.open(path);
}
