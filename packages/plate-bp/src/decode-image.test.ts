import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import jpeg from "jpeg-js";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { decodeImage, readImageFile } from "./decode-image.js";
import { ImageDecodeError, PlateBpError } from "./errors.js";

const dir = mkdtempSync(join(tmpdir(), "plate-bp-decode-"));

function pngFile(name: string, colorType: 0 | 2 | 4 | 6, rgba: number[], width: number): string {
  const png = new PNG({ width, height: rgba.length / 4 / width, colorType });
  png.data = Buffer.from(rgba);
  const path = join(dir, name);
  writeFileSync(path, PNG.sync.write(png, { colorType }));
  return path;
}

describe("decodeImage / readImageFile", () => {
  it("reads gray, RGB and RGBA PNG files as RGBA", async () => {
    const gray = await readImageFile(pngFile("g.png", 0, [7, 7, 7, 255, 200, 200, 200, 255], 2));
    expect([gray.width, gray.height, gray.channels]).toEqual([2, 1, 4]);
    expect(Array.from(gray.data)).toEqual([7, 7, 7, 255, 200, 200, 200, 255]);
    const rgb = await readImageFile(pngFile("c.png", 2, [255, 0, 0, 255, 0, 0, 255, 255], 1));
    expect([rgb.width, rgb.height]).toEqual([1, 2]);
    expect(Array.from(rgb.data)).toEqual([255, 0, 0, 255, 0, 0, 255, 255]);
    const rgba = await readImageFile(pngFile("a.png", 6, [1, 2, 3, 4], 1));
    expect(Array.from(rgba.data)).toEqual([1, 2, 3, 4]);
  });

  it("reads JPEG files (lossy, so within a few levels)", async () => {
    const w = 16;
    const data = Buffer.alloc(w * w * 4);
    for (let i = 0; i < w * w; i++) data.set([200, 40, 40, 255], i * 4);
    const path = join(dir, "x.jpg");
    writeFileSync(path, jpeg.encode({ width: w, height: w, data }, 95).data);
    const img = await readImageFile(path);
    expect([img.width, img.height, img.channels]).toEqual([16, 16, 4]);
    expect(Math.abs((img.data[0] as number) - 200)).toBeLessThan(6);
    expect(Math.abs((img.data[1] as number) - 40)).toBeLessThan(6);
  });

  it("names unsupported formats (GIF, empty) with ImageDecodeError UNSUPPORTED_FORMAT", () => {
    const gif = new TextEncoder().encode("GIF89a....");
    try {
      decodeImage(gif, "logo.gif");
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(ImageDecodeError);
      expect(e).toBeInstanceOf(PlateBpError);
      expect((e as ImageDecodeError).code).toBe("UNSUPPORTED_FORMAT");
      expect((e as Error).message).toMatch(
        /logo\.gif: bytes starting 47 49 46 38 .*only PNG and JPEG/,
      );
    }
    expect(() => decodeImage(new Uint8Array(0))).toThrow(/empty buffer/);
  });

  it("reports corrupt PNG and JPEG data as CORRUPT_IMAGE", async () => {
    const good = PNG.sync.write(
      Object.assign(new PNG({ width: 4, height: 4 }), { data: Buffer.alloc(64, 128) }),
    );
    const broken = Uint8Array.from(good.subarray(0, 40));
    expect(() => decodeImage(broken, "cut.png")).toThrow(ImageDecodeError);
    expect(() => decodeImage(broken, "cut.png")).toThrow(/cut\.png: PNG data is corrupt/);
    const jpg = Uint8Array.of(0xff, 0xd8, 0xff, 0xe0, 0, 0, 1, 2, 3);
    const path = join(dir, "bad.jpg");
    writeFileSync(path, jpg);
    await expect(readImageFile(path)).rejects.toMatchObject({
      code: "CORRUPT_IMAGE",
      name: "ImageDecodeError",
    });
    await expect(readImageFile(path)).rejects.toThrow(/bad\.jpg: JPEG data is corrupt/);
  });
});
