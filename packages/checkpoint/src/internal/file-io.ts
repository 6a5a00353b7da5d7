import type { FileHandle } from "node:fs/promises";

const MAX_IO = 1 << 30;

/** Reads exactly `length` bytes at `position` into `target` (loops over short reads). */
export async function readExactly(
  fh: FileHandle,
  target: Uint8Array,
  position: number,
): Promise<number> {
  let done = 0;
  while (done < target.byteLength) {
    const want = Math.min(target.byteLength - done, MAX_IO);
    const { bytesRead } = await fh.read(target, done, want, position + done);
    if (bytesRead === 0) break;
    done += bytesRead;
  }
  return done;
}

/** Writes all of `data` at the current file position (loops over short writes). */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let done = 0;
  while (done < data.byteLength) {
    const want = Math.min(data.byteLength - done, MAX_IO);
    const { bytesWritten } = await fh.write(data, done, want);
    done += bytesWritten;
  }
}
