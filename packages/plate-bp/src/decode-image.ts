import { readFile } from "node:fs/promises";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { ImageDecodeError } from "./errors.js";
import type { RasterImage } from "./image-types.js";

const PNG_MAGIC = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];

function startsWith(bytes: Uint8Array, magic: readonly number[]): boolean {
  if (bytes.length < magic.length) return false;
  for (let i = 0; i < magic.length; i++) if (bytes[i] !== magic[i]) return false;
  return true;
}

function describe(bytes: Uint8Array): string {
  const head = Array.from(bytes.subarray(0, 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  return bytes.length === 0 ? "an empty buffer" : `bytes starting ${head}`;
}

/**
 * Decode PNG or JPEG bytes (sniffed from the content, not a file name) to RGBA.
 * PNG gray, gray+alpha, RGB, RGBA and palette images all come back as 4 channels.
 * @throws ImageDecodeError `UNSUPPORTED_FORMAT` or `CORRUPT_IMAGE`.
 */
export function decodeImage(bytes: Uint8Array, name = "image"): RasterImage {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (startsWith(bytes, PNG_MAGIC)) {
    try {
      const png = PNG.sync.read(buf);
      return { width: png.width, height: png.height, channels: 4, data: new Uint8Array(png.data) };
    } catch (e) {
      throw new ImageDecodeError(
        "CORRUPT_IMAGE",
        `${name}: PNG data is corrupt (${(e as Error).message}); re-export the file as a valid PNG`,
      );
    }
  }
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) {
    try {
      const img = jpeg.decode(buf, { useTArray: true, formatAsRGBA: true, maxResolutionInMP: 100 });
      if (!(img.width > 0 && img.height > 0)) throw new Error("no image frame found");
      return { width: img.width, height: img.height, channels: 4, data: img.data };
    } catch (e) {
      throw new ImageDecodeError(
        "CORRUPT_IMAGE",
        `${name}: JPEG data is corrupt (${(e as Error).message}); re-export the file as a valid JPEG`,
      );
    }
  }
  throw new ImageDecodeError(
    "UNSUPPORTED_FORMAT",
    `${name}: ${describe(bytes)} is neither PNG nor JPEG; only PNG and JPEG images are supported`,
  );
}

/** Read and decode a PNG or JPEG file. */
export async function readImageFile(path: string): Promise<RasterImage> {
  return decodeImage(await readFile(path), path);
}
