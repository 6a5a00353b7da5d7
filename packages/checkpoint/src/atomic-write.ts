import { randomBytes } from "node:crypto";
import { type FileHandle, open, rename, unlink } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { BackgroundFlush, writeAll } from "./internal/file-io.js";

export interface AtomicWriteOptions {
  /** fsync the file before the rename and the directory after it (default true) */
  durable?: boolean;
}

/** Hooks for writers that patch the file before it is published (internal). */
export interface AtomicWriteHooks {
  /** sees every piece of chunk `index` while it is being written */
  onPiece?: (index: number, piece: Uint8Array) => void;
  /** runs after all chunks are written, before fsync and rename (e.g. to patch a header) */
  beforePublish?: (fh: FileHandle) => Promise<void>;
}

const TEMP_SUFFIX = ".tmp";
// Durable writes start an fdatasync in the background after every 8 MiB written (one
// at a time), so the disk writes while we write instead of all at the final sync.
const FLUSH_EVERY = 8 << 20;

/** True for the temporary names `writeFileAtomic` uses (`.<name>.<random>.tmp`). */
export function isTempFileName(name: string): boolean {
  return name.startsWith(".") && name.endsWith(TEMP_SUFFIX);
}

/**
 * Writes `chunks` to `path` so that a crash at any moment leaves either the old
 * file or the complete new one under `path`: a temp file in the same directory,
 * fsync, rename over `path`, then fsync of the directory so the rename itself
 * survives power loss.
 */
export async function writeFileAtomic(
  path: string,
  chunks: readonly Uint8Array[],
  options: AtomicWriteOptions & AtomicWriteHooks = {},
): Promise<void> {
  const durable = options.durable ?? true;
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${randomBytes(6).toString("hex")}${TEMP_SUFFIX}`);
  const fh = await open(tmp, "wx", 0o644);
  const flush = durable ? new BackgroundFlush(fh, FLUSH_EVERY) : null;
  const afterPiece = flush ? (bytes: number) => flush.wrote(bytes) : undefined;
  try {
    const { onPiece } = options;
    for (const [i, c] of chunks.entries()) {
      await writeAll(fh, c, onPiece ? (piece) => onPiece(i, piece) : undefined, afterPiece);
    }
    await options.beforePublish?.(fh);
    if (flush) {
      await flush.settle();
      // fdatasync after the last write: flushes every dirty page of the file (whatever
      // the background flushes covered) and its size, all a new file needs; the rename
      // is made durable by the directory fsync below.
      await fh.datasync();
    }
  } catch (err) {
    await flush?.settle().catch(() => {});
    await fh.close().catch(() => {});
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, path);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  if (durable) await syncDirectory(dir);
}

/** fsync a directory so renames and unlinks in it are durable (no-op where unsupported). */
export async function syncDirectory(dir: string): Promise<void> {
  let fh: Awaited<ReturnType<typeof open>> | undefined;
  try {
    fh = await open(dir, "r");
    await fh.sync();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    // Windows and some filesystems cannot open or fsync a directory.
    if (code !== "EISDIR" && code !== "EINVAL" && code !== "EPERM" && code !== "EBADF") throw err;
  } finally {
    await fh?.close();
  }
}
