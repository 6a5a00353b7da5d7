import type { FileHandle } from "node:fs/promises";

// Writes go in 4 MiB calls. Reads go in 1 MiB calls with two in flight: the thread
// pool always has the next read queued while the caller checksums the piece just
// read, and a 1 MiB piece is still in the CPU cache when the checksum runs over it.
// Measured on Linux (ext4) against 4 MiB / 512 KiB / 16 MiB pieces and 1 or 3 in flight.
const WRITE_PIECE = 4 << 20;
const READ_PIECE = 1 << 20;
const READS_IN_FLIGHT = 2;

/**
 * Reads up to `target.byteLength` bytes at `position` (loops over short reads) and
 * returns how many were read. `onPiece` sees each piece, in order, while the next
 * reads are in flight, so work such as a checksum overlaps the I/O.
 */
export async function readExactly(
  fh: FileHandle,
  target: Uint8Array,
  position: number,
  onPiece?: (piece: Uint8Array) => void,
): Promise<number> {
  const total = target.byteLength;
  const readPiece = async (from: number): Promise<number> => {
    const end = Math.min(from + READ_PIECE, total);
    let done = from;
    while (done < end) {
      const { bytesRead } = await fh.read(target, done, end - done, position + done);
      if (bytesRead === 0) break;
      done += bytesRead;
    }
    return done;
  };
  const queue: { from: number; end: number; read: Promise<number> }[] = [];
  let next = 0;
  const enqueue = () => {
    const end = Math.min(next + READ_PIECE, total);
    queue.push({ from: next, end, read: readPiece(next) });
    next = end;
  };
  while (queue.length < READS_IN_FLIGHT && next < total) enqueue();
  let done = 0;
  try {
    while (queue.length > 0) {
      const head = queue.shift() as (typeof queue)[number];
      const end = await head.read;
      // a short piece means end of file: stop there (reads queued behind it find nothing)
      if (end < head.end) {
        if (end > head.from) onPiece?.(target.subarray(head.from, end));
        return end;
      }
      if (next < total) enqueue();
      onPiece?.(target.subarray(head.from, end));
      done = end;
    }
    return done;
  } finally {
    // never leave a read running into `target` after returning or throwing
    await Promise.allSettled(queue.map((q) => q.read));
  }
}

/**
 * Writes all of `data` at the current file position (loops over short writes).
 * `onPiece` sees each piece while its write is in flight, so work such as a
 * checksum overlaps the I/O; `afterPiece` runs once each piece is written.
 */
export async function writeAll(
  fh: FileHandle,
  data: Uint8Array,
  onPiece?: (piece: Uint8Array) => void,
  afterPiece?: (bytes: number) => void,
): Promise<void> {
  let done = 0;
  while (done < data.byteLength) {
    const want = Math.min(data.byteLength - done, WRITE_PIECE);
    const pending = fh.write(data, done, want);
    onPiece?.(data.subarray(done, done + want));
    let { bytesWritten } = await pending;
    while (bytesWritten < want) {
      const r = await fh.write(data, done + bytesWritten, want - bytesWritten);
      bytesWritten += r.bytesWritten;
    }
    done += want;
    afterPiece?.(want);
  }
}

/**
 * Flushes a file being written in the background: once `every` bytes were written
 * since the last flush started, starts an fdatasync (one at a time, on the thread
 * pool) while the writing goes on. The disk then works during the writing instead of
 * after it, and the final fdatasync has little left to flush. This only moves work
 * earlier: durability still comes from the caller's final sync, which flushes every
 * dirty page of the file whatever these did.
 */
export class BackgroundFlush {
  private inFlight: Promise<void> | null = null;
  private failure: { error: unknown } | null = null;
  private sinceLast = 0;

  constructor(
    private readonly fh: FileHandle,
    private readonly every: number,
  ) {}

  /** Records that `bytes` more were written; may start a flush. */
  wrote(bytes: number): void {
    this.sinceLast += bytes;
    if (this.inFlight !== null || this.failure !== null || this.sinceLast < this.every) return;
    this.sinceLast = 0;
    this.inFlight = this.fh.datasync().then(
      () => {
        this.inFlight = null;
      },
      (error: unknown) => {
        this.inFlight = null;
        this.failure = { error };
      },
    );
  }

  /** Waits for a flush in flight; rethrows the error of a failed one. */
  async settle(): Promise<void> {
    if (this.inFlight !== null) await this.inFlight;
    if (this.failure !== null) throw this.failure.error;
  }
}
