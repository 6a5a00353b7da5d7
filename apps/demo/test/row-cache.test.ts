import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { SILENT } from "../src/experiments/common.js";
import { PLATE_KINDS } from "../src/experiments/plates.js";
import { generateCharacters } from "../src/plates/dataset.js";
import { loadFonts, TRAIN_FONT_FILES } from "../src/plates/fonts.js";
import { cachedCharacterRows, rowCacheDir, rowCacheKey } from "../src/plates/row-cache.js";
import { removeTempDirs, tempDir } from "./helpers/trainkit.js";

afterAll(() => removeTempDirs());

// Each test passes `env: {}`: this suite's config turns the cache off (TRAINKIT_ROW_CACHE=0) for
// every other test.

const OUT = SILENT.out;
const FONTS = TRAIN_FONT_FILES.slice(0, 2);
/** 2 fonts × 3 glyphs × 34 characters = 204 rows of 120 features. */
const OPTIONS = {
  charset: PLATE_KINDS.alphanumerics.charset,
  samplesPerClass: 3,
  augment: "mild" as const,
  seed: 5,
  features: PLATE_KINDS.alphanumerics.features,
};
/** The reference: the renderer itself, with no cache anywhere. */
const fresh = generateCharacters(OUT, "", loadFonts(FONTS), OPTIONS);

const bytes = (a: Float32Array | Int32Array) => Buffer.from(a.buffer, a.byteOffset, a.byteLength);

function expectSameRows(
  got: { x: Float32Array; y: Int32Array; font: Int32Array; n: number; nf: number },
  want: typeof fresh,
) {
  expect([got.n, got.nf]).toEqual([want.n, want.nf]);
  expect(bytes(got.x).equals(bytes(want.x))).toBe(true);
  expect(bytes(got.y).equals(bytes(want.y))).toBe(true);
  expect(bytes(got.font).equals(bytes(want.font))).toBe(true);
}

/** Changes one float of row `row` in a row file (the file ends with x, y and font). */
function changeFeature(file: string, row: number): void {
  const buffer = readFileSync(file);
  const xStart = buffer.length - fresh.n * fresh.nf * 4 - fresh.n * 8;
  const at = xStart + row * fresh.nf * 4;
  buffer.writeFloatLE(buffer.readFloatLE(at) + 0.25, at);
  writeFileSync(file, buffer);
}

describe("row cache", () => {
  it("renders and writes on a miss, then reads the same rows bit for bit", () => {
    const dir = tempDir("rows");
    const first = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(first.hit).toBe(false);
    expect(first.file).not.toBeNull();
    expect(existsSync(first.file as string)).toBe(true);
    expectSameRows(first.rows, fresh);

    const second = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(second).toMatchObject({ hit: true, file: first.file });
    expectSameRows(second.rows, fresh);
  });

  it("re-renders and replaces a file whose first rows differ from a fresh render (renderer changed)", () => {
    const dir = tempDir("rows");
    const { file } = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    changeFeature(file as string, 1);
    const again = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(again.hit).toBe(false);
    expectSameRows(again.rows, fresh);
    // The file now holds the fresh rows: the next call is a hit again.
    const third = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(third.hit).toBe(true);
    expectSameRows(third.rows, fresh);
  });

  it("takes the rows past the checked ones from the file (what ROW_CACHE_FORMAT is bumped for)", () => {
    const dir = tempDir("rows");
    const { file } = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    // The last row: second font, last character. Only the first two characters are re-rendered.
    changeFeature(file as string, fresh.n - 1);
    const again = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(again.hit).toBe(true);
    const last = (fresh.n - 1) * fresh.nf;
    expect(again.rows.x[last]).toBeCloseTo((fresh.x[last] as number) + 0.25, 5);
  });

  it("treats a short or foreign file as a miss and replaces it", () => {
    const dir = tempDir("rows");
    const { file } = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    const whole = readFileSync(file as string);
    for (const broken of [whole.subarray(0, whole.length - 4), Buffer.from("not rows\n")]) {
      writeFileSync(file as string, broken);
      const again = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
      expect(again.hit).toBe(false);
      expectSameRows(again.rows, fresh);
      expect(readFileSync(file as string).equals(whole)).toBe(true);
    }
  });

  it("removes the temporary files of killed writers when it writes, and keeps those of running ones", () => {
    const dir = tempDir("rows");
    const dead = spawnSync(process.execPath, ["-e", "0"]).pid as number;
    const key = rowCacheKey(FONTS, OPTIONS);
    mkdirSync(dir, { recursive: true });
    const killed = `${key}.rows.partial-${dead}`;
    const running = `${key}.rows.partial-${process.ppid}`;
    writeFileSync(path.join(dir, killed), "half a file");
    writeFileSync(path.join(dir, running), "being written");
    const { file, hit } = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env: {} });
    expect(hit).toBe(false);
    expect(readdirSync(dir).sort()).toEqual([path.basename(file as string), running].sort());
  });

  it("still returns the rows when the cache folder cannot be written", () => {
    const parent = tempDir("rows");
    const blocker = path.join(parent, "a-file");
    writeFileSync(blocker, "");
    const got = cachedCharacterRows(OUT, "", FONTS, OPTIONS, {
      dir: path.join(blocker, "rows"),
      env: {},
    });
    expect(got.hit).toBe(false);
    expectSameRows(got.rows, fresh);
  });

  it("is off with TRAINKIT_ROW_CACHE=0, and under the cache folder otherwise", () => {
    const dir = tempDir("rows");
    const env = { TRAINKIT_ROW_CACHE: "0" };
    expect(rowCacheDir({ env })).toBeNull();
    const off = cachedCharacterRows(OUT, "", FONTS, OPTIONS, { dir, env });
    expect(off).toMatchObject({ hit: false, file: null });
    expectSameRows(off.rows, fresh);
    expect(readdirSync(dir)).toEqual([]);
    expect(rowCacheDir({ env: { TRAINKIT_CACHE_DIR: dir } })).toBe(path.join(dir, "rows"));
  });

  it("keys the file on the options and on the fonts", () => {
    const key = rowCacheKey(FONTS, OPTIONS);
    expect(rowCacheKey([...FONTS], { ...OPTIONS })).toBe(key);
    expect(rowCacheKey(FONTS, { ...OPTIONS, seed: 6 })).not.toBe(key);
    expect(rowCacheKey(FONTS, { ...OPTIONS, samplesPerClass: 4 })).not.toBe(key);
    expect(rowCacheKey(FONTS, { ...OPTIONS, augment: "none" })).not.toBe(key);
    expect(rowCacheKey(TRAIN_FONT_FILES.slice(1, 3), OPTIONS)).not.toBe(key);
    expect(rowCacheKey([...FONTS].reverse(), OPTIONS)).not.toBe(key);
  });
});
