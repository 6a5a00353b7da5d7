import { createHash } from "node:crypto";
import { createWriteStream, mkdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import yauzl from "yauzl";
import { SetupError } from "../errors.js";

type ZipFile = yauzl.ZipFile;
type Entry = yauzl.Entry;

/** What to take out of a wheel. */
export interface WheelSelection {
  /** Exact paths inside the wheel (the libraries). */
  files: readonly string[];
  /** Headers to start from, relative to `includePrefix`; their `#include "…"`s are followed. */
  headerRoots?: readonly string[];
  /** Further headers to start from when the wheel has them (the binding's own includes). */
  optionalHeaderRoots?: readonly string[];
  includePrefix?: string;
  /** Folder prefixes taken whole (e.g. `nvidia/` of the CUDA wheels). */
  prefixes?: readonly string[];
}

export interface ExtractProgress {
  /** Bytes written so far, and in all. */
  done: number;
  total: number;
}

export interface ExtractResult {
  /** Paths written, relative to the destination. */
  written: string[];
  bytes: number;
}

function corrupt(wheel: string, why: string, cause?: unknown): SetupError {
  return new SetupError(
    "WHEEL_CORRUPT",
    `${wheel} is not a usable wheel (${why}): delete it and download it again, or pass another with --wheel.`,
    cause === undefined ? undefined : { cause },
  );
}

function openZip(file: string): Promise<ZipFile> {
  return new Promise((resolve, reject) => {
    yauzl.open(file, { lazyEntries: true, autoClose: false }, (error, zip) => {
      if (error || !zip) reject(corrupt(file, error?.message ?? "cannot open", error));
      else resolve(zip);
    });
  });
}

function listEntries(zip: ZipFile, file: string): Promise<Map<string, Entry>> {
  return new Promise((resolve, reject) => {
    const entries = new Map<string, Entry>();
    zip.on("entry", (entry: Entry) => {
      entries.set(entry.fileName, entry);
      zip.readEntry();
    });
    zip.on("end", () => resolve(entries));
    zip.on("error", (error: Error) => reject(corrupt(file, error.message, error)));
    zip.readEntry();
  });
}

function openStream(zip: ZipFile, entry: Entry, file: string): Promise<NodeJS.ReadableStream> {
  return new Promise((resolve, reject) => {
    zip.openReadStream(entry, (error, stream) => {
      if (error || !stream) reject(corrupt(file, error?.message ?? "unreadable entry", error));
      else resolve(stream);
    });
  });
}

async function readEntry(zip: ZipFile, entry: Entry, file: string): Promise<Buffer> {
  const stream = await openStream(zip, entry, file);
  const chunks: Buffer[] = [];
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) chunks.push(chunk);
  } catch (error) {
    throw corrupt(file, `${entry.fileName}: ${(error as Error).message}`, error);
  }
  return Buffer.concat(chunks);
}

/** The sha256 of every file, from the wheel's `*.dist-info/RECORD` (urlsafe base64, no padding). */
export function parseRecord(text: string): Map<string, string> {
  const hashes = new Map<string, string>();
  for (const line of text.split(/\r?\n/)) {
    // path,sha256=<digest>,size ; a path with a comma is quoted.
    const match = /^(?:"((?:[^"]|"")*)"|([^,]*)),sha256=([A-Za-z0-9_-]+),/.exec(line);
    if (!match) continue;
    const name = match[1] !== undefined ? match[1].replaceAll('""', '"') : (match[2] ?? "");
    hashes.set(name, match[3] ?? "");
  }
  return hashes;
}

function urlsafeDigest(hash: ReturnType<typeof createHash>): string {
  return hash.digest("base64").replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/** `#include "x"` targets of a C/C++ header (angle-bracket includes are the system's). */
export function quotedIncludes(source: string): string[] {
  const found: string[] = [];
  for (const match of source.matchAll(/^\s*#\s*include\s+"([^"]+)"/gm)) {
    if (match[1]) found.push(match[1]);
  }
  return found;
}

/** Follows `#include "…"` from the roots; returns wheel paths of the headers found. */
async function headerClosure(
  zip: ZipFile,
  entries: Map<string, Entry>,
  roots: readonly string[],
  optionalRoots: readonly string[],
  prefix: string,
  file: string,
): Promise<string[]> {
  const seen = new Set<string>();
  const queue: string[] = [];
  for (const root of roots) {
    if (!entries.has(prefix + root)) {
      throw corrupt(file, `it has no ${prefix + root}, which the binding includes`);
    }
    queue.push(prefix + root);
  }
  for (const root of optionalRoots) if (entries.has(prefix + root)) queue.push(prefix + root);
  while (queue.length > 0) {
    const current = queue.shift() as string;
    if (seen.has(current)) continue;
    seen.add(current);
    const text = (await readEntry(zip, entries.get(current) as Entry, file)).toString("utf8");
    for (const include of quotedIncludes(text)) {
      // TensorFlow includes from the top of its tree; fall back to the including folder.
      const candidates = [prefix + include, path.posix.join(path.posix.dirname(current), include)];
      const hit = candidates.find((c) => entries.has(c));
      if (hit && !seen.has(hit)) queue.push(hit);
    }
  }
  return [...seen].sort();
}

/**
 * Extracts the selected files of a wheel (a zip) into `dest`, streaming, and checks each one
 * against the wheel's RECORD hashes: a truncated or altered wheel is a `WHEEL_CORRUPT` error,
 * never a half-written library.
 */
export async function extractFromWheel(
  wheelFile: string,
  dest: string,
  selection: WheelSelection,
  onProgress?: (progress: ExtractProgress) => void,
): Promise<ExtractResult> {
  const zip = await openZip(wheelFile);
  try {
    const entries = await listEntries(zip, wheelFile);
    const recordName = [...entries.keys()].find((n) => /^[^/]+\.dist-info\/RECORD$/.test(n));
    if (!recordName) throw corrupt(wheelFile, "no .dist-info/RECORD inside");
    const record = parseRecord(
      (await readEntry(zip, entries.get(recordName) as Entry, wheelFile)).toString("utf8"),
    );

    const wanted = new Set<string>();
    for (const name of selection.files) {
      if (!entries.has(name)) throw corrupt(wheelFile, `it has no ${name}`);
      wanted.add(name);
    }
    if (selection.headerRoots?.length) {
      const headers = await headerClosure(
        zip,
        entries,
        selection.headerRoots,
        selection.optionalHeaderRoots ?? [],
        selection.includePrefix ?? "",
        wheelFile,
      );
      for (const h of headers) wanted.add(h);
    }
    for (const prefix of selection.prefixes ?? []) {
      for (const name of entries.keys()) {
        if (name.startsWith(prefix) && !name.endsWith("/")) wanted.add(name);
      }
    }

    const names = [...wanted].sort();
    const total = names.reduce((sum, n) => sum + (entries.get(n) as Entry).uncompressedSize, 0);
    let done = 0;
    onProgress?.({ done, total });
    for (const name of names) {
      const entry = entries.get(name) as Entry;
      const expected = record.get(name);
      if (expected === undefined) throw corrupt(wheelFile, `RECORD lists no hash for ${name}`);
      const target = path.resolve(dest, ...name.split("/"));
      if (!target.startsWith(path.resolve(dest) + path.sep)) {
        throw corrupt(wheelFile, `entry ${name} points outside the destination`);
      }
      mkdirSync(path.dirname(target), { recursive: true });
      const hash = createHash("sha256");
      const meter = new Transform({
        transform(chunk: Buffer, _encoding, callback) {
          hash.update(chunk);
          done += chunk.length;
          onProgress?.({ done, total });
          callback(null, chunk);
        },
      });
      const stream = await openStream(zip, entry, wheelFile);
      try {
        await pipeline(stream, meter, createWriteStream(target, { mode: 0o644 }));
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        if (code === "ENOSPC" || code === "EDQUOT") throw error;
        throw corrupt(wheelFile, `${name}: ${(error as Error).message}`, error);
      }
      if (urlsafeDigest(hash) !== expected) {
        throw corrupt(wheelFile, `${name} does not match its sha256 in RECORD`);
      }
    }
    return { written: names, bytes: done };
  } finally {
    zip.close();
  }
}

/** Writes a small JSON file (the cache entry's manifest). */
export function writeJson(file: string, value: unknown): void {
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}
