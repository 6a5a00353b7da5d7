import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PNG } from "pngjs";
import { describe, expect, it, vi } from "vitest";
import { quickstart } from "../examples/quickstart.js";
import { type GrayImage, type RasterImage, renderCharacter, renderPlate } from "../src/index.js";
import { barlow } from "./fonts.js";

function writePng(path: string, img: GrayImage | RasterImage): void {
  const png = new PNG({ width: img.width, height: img.height });
  const ch = "channels" in img ? img.channels : 1;
  for (let i = 0; i < img.width * img.height; i++) {
    for (let c = 0; c < 3; c++)
      png.data[i * 4 + c] = img.data[i * ch + (ch === 1 ? 0 : c)] as number;
    png.data[i * 4 + 3] = 255;
  }
  writeFileSync(path, PNG.sync.write(png));
}

describe("examples/quickstart.ts (the README example)", () => {
  it("classifies PNG character files and reads a PNG plate in an unseen font", async () => {
    const dir = mkdtempSync(join(tmpdir(), "plate-bp-quickstart-"));
    const chars = ["3", "7"].map((d, i) => {
      const p = join(dir, `${d}.png`);
      writePng(p, renderCharacter(barlow, d, { augment: "mild", seed: i }));
      return p;
    });
    const plate = join(dir, "plate.png");
    writePng(plate, renderPlate(barlow, "AK52T07", { seed: 1 }));
    const log = vi.spyOn(console, "log").mockImplementation(() => {});
    const texts = await quickstart(chars, [plate]);
    const lines = log.mock.calls.map((c) => String(c[0]));
    log.mockRestore();
    expect(lines[0]).toMatch(/3\.png: 3 \(\d+\.\d%\)/);
    expect(lines[1]).toMatch(/7\.png: 7 \(/);
    expect(lines[2]).toMatch(/3\.png \(deskew model\): 3$/);
    expect(lines[3]).toMatch(/7\.png \(deskew model\): 7$/);
    expect(texts).toEqual(["AK52T07"]);
  });
});
