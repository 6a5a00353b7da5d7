import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { crc32 } from "node:zlib";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeFileAtomic } from "../atomic-write.js";
import { BackgroundFlush, readExactly } from "./file-io.js";

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ckpt-file-io-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Bytes whose value depends on the position, so a piece out of place shows. */
function pattern(n: number): Uint8Array {
  const b = new Uint8Array(n);
  for (let i = 0; i < n; i++) b[i] = (i * 31 + (i >>> 11)) & 0xff;
  return b;
}

describe("readExactly", () => {
  // 3.5 MiB + 3 bytes: several 1 MiB pieces with reads overlapping, and a ragged end.
  const size = (7 << 19) + 3;

  it("reads a file of several pieces into place and hands the pieces over in order", async () => {
    const data = pattern(size);
    const path = join(dir, "many.bin");
    await writeFile(path, data);
    const fh = await open(path, "r");
    const target = new Uint8Array(size - 100);
    const pieces: Uint8Array[] = [];
    const got = await readExactly(fh, target, 100, (p) => pieces.push(p.slice()));
    await fh.close();
    expect(got).toBe(size - 100);
    expect(Buffer.from(target).equals(Buffer.from(data.subarray(100)))).toBe(true);
    expect(Buffer.concat(pieces).equals(Buffer.from(data.subarray(100)))).toBe(true);
    // the CRC-32 over the pieces in order is the zlib CRC-32 of the whole range
    let c = 0;
    for (const p of pieces) c = crc32(p, c);
    expect(c).toBe(crc32(data.subarray(100)));
  });

  it("stops at the end of a file shorter than the target and returns what it read", async () => {
    const data = pattern(size);
    const path = join(dir, "short.bin");
    await writeFile(path, data);
    const fh = await open(path, "r");
    const target = new Uint8Array(size + (3 << 20));
    let seen = 0;
    const got = await readExactly(fh, target, 0, (p) => {
      seen += p.byteLength;
    });
    await fh.close();
    expect(got).toBe(size);
    expect(seen).toBe(size);
    expect(Buffer.from(target.subarray(0, size)).equals(Buffer.from(data))).toBe(true);
  });
});

describe("durable writes with background flushes", () => {
  it("writes every byte of chunks larger than the flush interval, in order", async () => {
    const a = pattern(13 << 20);
    const b = pattern((5 << 20) + 7).reverse();
    const path = join(dir, "big.bin");
    await writeFileAtomic(path, [a, b]);
    const back = await readFile(path);
    expect(back.byteLength).toBe(a.byteLength + b.byteLength);
    expect(back.subarray(0, a.byteLength).equals(Buffer.from(a))).toBe(true);
    expect(back.subarray(a.byteLength).equals(Buffer.from(b))).toBe(true);
  });

  it("reports a failed background flush when settled", async () => {
    const fh = await open(join(dir, "closed.bin"), "w");
    await fh.close();
    const flush = new BackgroundFlush(fh, 1);
    flush.wrote(1);
    await expect(flush.settle()).rejects.toMatchObject({ code: "EBADF" });
  });
});
