import { createHash } from "node:crypto";
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { endianness } from "node:os";
import * as path from "node:path";
import { cacheRoot, removeStalePartials } from "@trainkit/backend";
import type { AugmentationPreset, FeatureKind } from "@trainkit/plate-bp";
import { SILENT } from "../experiments/common.js";
import type { Output } from "../progress.js";
import { type CharacterRows, generateCharacters } from "./dataset.js";
import { loadFonts } from "./fonts.js";

/**
 * Rendered character rows kept on disk between runs. Rendering the 5,440 rows of the plate sweep
 * takes about 1.3 s, in every worker of every `sweep run`; the rows depend only on the fonts and the
 * options, so a file under the user's cache folder (`TRAINKIT_CACHE_DIR`, else
 * `~/.cache/trainkit`, as the TensorFlow setup) holds them after the first run.
 *
 * The file's name is a hash of what the rows are made from: every font file's content, the
 * options, the byte order and {@link ROW_CACHE_FORMAT}. The code that renders them is not in the
 * name, so a hit is checked: the rows of the first two characters of the first font are rendered
 * afresh and must equal the file's first rows to the bit, else everything is rendered again and
 * the file replaced. A change to the renderer that leaves those rows as they were must bump
 * ROW_CACHE_FORMAT. A missing, short or unreadable file is a miss; a cache that cannot be written
 * (read-only, full disk) only costs the time.
 *
 * `TRAINKIT_ROW_CACHE=0` renders every time and touches no file.
 */

/** Bump when rendered rows change where the check (the first font's first two characters) cannot see. */
export const ROW_CACHE_FORMAT = 1;
const MAGIC = "trainkit-rows\n";

export interface RowOptions {
  charset: string;
  samplesPerClass: number;
  augment: AugmentationPreset;
  seed: number;
  features: FeatureKind;
}

export interface RowCacheOptions {
  /** The folder of the row files. Default: `<cacheRoot()>/rows`; null: no cache. */
  dir?: string | null;
  env?: NodeJS.ProcessEnv;
}

/** Where a row file lives, or null when the cache is off. */
export function rowCacheDir(options: RowCacheOptions = {}): string | null {
  const env = options.env ?? process.env;
  if (env.TRAINKIT_ROW_CACHE === "0") return null;
  if (options.dir !== undefined) return options.dir;
  return path.join(cacheRoot(env), "rows");
}

/** The cache key: what the rows are made of. */
export function rowCacheKey(fontFiles: readonly string[], options: RowOptions): string {
  const hash = createHash("sha256");
  hash.update(
    JSON.stringify({
      format: ROW_CACHE_FORMAT,
      endianness: endianness(),
      charset: options.charset,
      samplesPerClass: options.samplesPerClass,
      augment: options.augment,
      seed: options.seed,
      features: options.features,
    }),
  );
  for (const file of fontFiles) {
    hash.update(createHash("sha256").update(readFileSync(file)).digest());
  }
  return hash.digest("hex").slice(0, 32);
}

function bytesOf(a: Float32Array | Int32Array): Uint8Array {
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

/** The file: a text header line (magic, n, nf), then x (float32), y and font (int32). */
function encode(rows: CharacterRows): Buffer {
  const header = Buffer.from(`${MAGIC}${rows.n} ${rows.nf}\n`);
  return Buffer.concat([header, bytesOf(rows.x), bytesOf(rows.y), bytesOf(rows.font)]);
}

function decode(buffer: Buffer): CharacterRows | null {
  if (buffer.subarray(0, MAGIC.length).toString() !== MAGIC) return null;
  const end = buffer.indexOf(10, MAGIC.length);
  if (end < 0) return null;
  const [n, nf] = buffer.subarray(MAGIC.length, end).toString().split(" ").map(Number);
  if (!Number.isInteger(n) || !Number.isInteger(nf) || (n as number) < 0 || (nf as number) < 1) {
    return null;
  }
  const rowsN = n as number;
  const width = nf as number;
  const body = buffer.subarray(end + 1);
  if (body.length !== rowsN * width * 4 + rowsN * 8) return null;
  // Copies into fresh, aligned arrays (the buffer's offset need not be a multiple of 4).
  const x = new Float32Array(rowsN * width);
  const y = new Int32Array(rowsN);
  const font = new Int32Array(rowsN);
  bytesOf(x).set(body.subarray(0, x.byteLength));
  bytesOf(y).set(body.subarray(x.byteLength, x.byteLength + y.byteLength));
  bytesOf(font).set(body.subarray(x.byteLength + y.byteLength));
  return { x, y, font, n: rowsN, nf: width };
}

function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(
    Buffer.from(b.buffer, b.byteOffset, b.byteLength),
  );
}

/**
 * Whether the cached rows start with those the renderer gives now: the first two characters of
 * the first font, every sample (about 30 glyphs, a few ms). The rows of a font are class after
 * class with a seed per glyph, so these are the file's first rows.
 */
function probeMatches(
  cached: CharacterRows,
  fontFiles: readonly string[],
  options: RowOptions,
): boolean {
  const probe = generateCharacters(SILENT.out, "", loadFonts(fontFiles.slice(0, 1)), {
    ...options,
    charset: [...options.charset].slice(0, 2).join(""),
  });
  if (probe.nf !== cached.nf || probe.n > cached.n) return false;
  return (
    sameBytes(bytesOf(probe.x), bytesOf(cached.x.subarray(0, probe.n * probe.nf))) &&
    sameBytes(bytesOf(probe.y), bytesOf(cached.y.subarray(0, probe.n))) &&
    cached.font.subarray(0, probe.n).every((f) => f === 0)
  );
}

function readRows(file: string): CharacterRows | null {
  try {
    return decode(readFileSync(file));
  } catch {
    return null;
  }
}

/**
 * Writes the file whole or not at all (a temporary file renamed into place), first removing the
 * temporary files of writers that were killed.
 */
function writeRows(file: string, rows: CharacterRows): void {
  const temp = `${file}.partial-${process.pid}`;
  try {
    mkdirSync(path.dirname(file), { recursive: true });
    removeStalePartials(path.dirname(file));
    writeFileSync(temp, encode(rows));
    renameSync(temp, file);
  } catch {
    try {
      rmSync(temp, { force: true });
    } catch {
      // Nothing was written (the folder could not be made).
    }
  }
}

export interface CachedRows {
  rows: CharacterRows;
  /** The row file, or null when the cache is off. */
  file: string | null;
  /** Whether the rows came from the file (after the check against a fresh render). */
  hit: boolean;
}

/**
 * {@link generateCharacters} over `fontFiles`, through the row cache: the same rows, bit for bit,
 * from the file when it holds them.
 */
export function cachedCharacterRows(
  out: Output,
  label: string,
  fontFiles: readonly string[],
  options: RowOptions,
  cache: RowCacheOptions = {},
): CachedRows {
  const dir = rowCacheDir(cache);
  if (dir === null) {
    return {
      rows: generateCharacters(out, label, loadFonts(fontFiles), options),
      file: null,
      hit: false,
    };
  }
  const file = path.join(dir, `${rowCacheKey(fontFiles, options)}.rows`);
  const cached = readRows(file);
  if (cached !== null && probeMatches(cached, fontFiles, options)) {
    return { rows: cached, file, hit: true };
  }
  const rows = generateCharacters(out, label, loadFonts(fontFiles), options);
  writeRows(file, rows);
  return { rows, file, hit: false };
}
