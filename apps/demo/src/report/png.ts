// zlib.crc32: Node 20.15 and later (the app needs 20.19).
import { crc32, deflateSync } from "node:zlib";

function chunk(type: string, data: Uint8Array): Uint8Array {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  for (let i = 0; i < 4; i++) out[4 + i] = type.charCodeAt(i);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

/** An 8-bit PNG of an image with 1 (gray), 3 (RGB) or 4 (RGBA) interleaved channels. */
export function imagePng(image: {
  width: number;
  height: number;
  data: Uint8Array | Uint8ClampedArray;
  channels?: number;
}): Uint8Array {
  const { width, height, data } = image;
  const channels = image.channels ?? 1;
  const colorType = { 1: 0, 2: 4, 3: 2, 4: 6 }[channels];
  if (colorType === undefined || data.length !== width * height * channels) {
    throw new RangeError(`imagePng: ${data.length} bytes for ${width}x${height}x${channels}`);
  }
  const row = width * channels;
  const raw = new Uint8Array((row + 1) * height);
  for (let y = 0; y < height; y++)
    raw.set(data.subarray(y * row, (y + 1) * row), y * (row + 1) + 1);
  return encode(width, height, colorType, raw);
}

/** {@link imagePng} as a `data:` URI. */
export function imageDataUri(image: Parameters<typeof imagePng>[0]): string {
  return `data:image/png;base64,${Buffer.from(imagePng(image)).toString("base64")}`;
}

function encode(width: number, height: number, colorType: number, raw: Uint8Array): Uint8Array {
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, width);
  hv.setUint32(4, height);
  header[8] = 8; // bit depth
  header[9] = colorType;
  const signature = Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]);
  const parts = [
    signature,
    chunk("IHDR", header),
    chunk("IDAT", deflateSync(raw)),
    chunk("IEND", new Uint8Array()),
  ];
  const out = new Uint8Array(parts.reduce((s, p) => s + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/**
 * An 8-bit grayscale PNG of `width x height` pixels. `pixels` are row-major, either bytes
 * (0..255) or floats, which are scaled from their own min..max to 0..255.
 */
export function grayPng(pixels: ArrayLike<number>, width: number, height: number): Uint8Array {
  if (pixels.length !== width * height) {
    throw new RangeError(`grayPng: ${pixels.length} pixels for ${width}x${height}`);
  }
  let lo = 0;
  let hi = 255;
  if (!(pixels instanceof Uint8Array || pixels instanceof Uint8ClampedArray)) {
    lo = Number.POSITIVE_INFINITY;
    hi = Number.NEGATIVE_INFINITY;
    for (let i = 0; i < pixels.length; i++) {
      const v = pixels[i] as number;
      if (v < lo) lo = v;
      if (v > hi) hi = v;
    }
    if (!(hi > lo)) hi = lo + 1;
  }
  const raw = new Uint8Array((width + 1) * height);
  for (let y = 0; y < height; y++) {
    raw[y * (width + 1)] = 0; // filter: none
    for (let x = 0; x < width; x++) {
      const v = pixels[y * width + x] as number;
      raw[y * (width + 1) + 1 + x] = Math.round(((v - lo) / (hi - lo)) * 255);
    }
  }
  return encode(width, height, 0, raw);
}

/** The PNG as a `data:` URI for an `<img src>`. */
export function grayPngDataUri(pixels: ArrayLike<number>, width: number, height: number): string {
  return `data:image/png;base64,${Buffer.from(grayPng(pixels, width, height)).toString("base64")}`;
}
