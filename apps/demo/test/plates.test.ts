import { writeFileSync } from "node:fs";
import * as path from "node:path";
import { readCheckpointInfo, verifyCheckpoint } from "@trainkit/checkpoint";
import {
  loadFont,
  loadPlateModel,
  renderCameraPlate,
  renderCharacter,
  renderPlate,
} from "@trainkit/plate-bp";
import jpeg from "jpeg-js";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { PlatesTrainResult } from "../src/commands/plates.js";
import { UNSEEN_FONT_FILES } from "../src/plates/fonts.js";
import { imagePng } from "../src/report/png.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import {
  interruptWhen,
  removeTempDirs,
  tempDir,
  trainkit,
  trainkitJson,
} from "./helpers/trainkit.js";

afterAll(removeTempDirs);

const images = tempDir("plate-images");
const font = loadFont(UNSEEN_FONT_FILES[0] as string); // Barlow Condensed: not a training font
const digitFiles = [..."0123456789"].map((d) => {
  const file = path.join(images, `digit-${d}.png`);
  writeFileSync(file, imagePng({ ...renderCharacter(font, d), channels: 1 }));
  return file;
});
const plateTexts = ["AB12345", "K7Z9Q20"];
const plateFiles = plateTexts.map((text, i) => {
  const file = path.join(images, `plate-${i}.png`);
  writeFileSync(file, imagePng(renderPlate(font, text, { seed: i, augment: "none" })));
  return file;
});

describe("trainkit plates train --quick", () => {
  const out = tempDir("plates-train");
  let result: PlatesTrainResult & { tensorsLeft: number };
  beforeAll(() => {
    ({ result } = trainkitJson<typeof result>("plates", "train", "--quick", "--out", out));
  });

  it("trains the digit network and writes it as safetensors", () => {
    expect(result.kind).toBe("digits");
    expect(result.epochs).toHaveLength(3);
    expect(result.config).toMatchObject({ nf: 25, classes: 10, hiddenUnits: 64 });
    const model = loadPlateModel(result.model);
    expect(model.labels).toBe("0123456789");
    expect(model.features).toBe("grid5x5");
    expect(result.model).toBe(path.join(out, "plate-model.safetensors"));
    expect(result.tensorsLeft).toBe(0);
  });

  it("classify --model uses the trained file and prints a JSON array", () => {
    const run = trainkit(
      "plates",
      "classify",
      ...digitFiles.slice(0, 3),
      "--model",
      result.model,
      "--json",
    );
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { file: string; label: string; confidence: number }[];
    expect(rows.map((r) => r.file)).toEqual(digitFiles.slice(0, 3));
    for (const r of rows) {
      expect("0123456789").toContain(r.label);
      expect(r.confidence).toBeGreaterThan(0);
      expect(r.confidence).toBeLessThanOrEqual(1);
    }
  });

  it.skipIf(!hasChromium)("its report renders every chart in Chromium", async () => {
    const page = await openReport(result.report);
    expect(page.errors).toEqual([]);
    expect(page.charts.map((c) => c.id)).toEqual([
      "loss",
      "accuracy",
      "learning-rate",
      "confusion",
    ]);
    for (const c of page.charts) expect(c.items, c.id).toBeGreaterThan(0);
  });
});

describe("trainkit plates classify and read (shipped models)", () => {
  it("classify: digits in a font never seen in training, JSON array of { file, label, confidence }", () => {
    const run = trainkit("plates", "classify", ...digitFiles, "--json");
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { file: string; label: string; confidence: number }[];
    expect(rows).toHaveLength(10);
    expect(Object.keys(rows[0] ?? {})).toEqual(["file", "label", "confidence"]);
    expect(rows.map((r) => r.label).join("")).toBe("0123456789");
  });

  it("classify without --json prints one line per file", () => {
    const run = trainkit("plates", "classify", digitFiles[7] as string);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^${digitFiles[7]}: 7 \\(\\d+\\.\\d%\\)$`, "m"));
  });

  it("read: whole plates into strings", () => {
    const run = trainkit("plates", "read", ...plateFiles, "--json");
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { file: string; text: string; characters: unknown[] }[];
    expect(rows.map((r) => r.text)).toEqual(plateTexts);
    for (const r of rows) expect(r.characters).toHaveLength(7);
  });

  it("read: plates as a camera sees them (perspective, shadow, blur, JPEG), as PNG and JPEG", () => {
    const texts = ["HN7C31D", "PX48K2M"];
    const files = texts.flatMap((text, i) => {
      const { image } = renderCameraPlate(font, text, { seed: 400 + i });
      const rgba = new Uint8Array(image.width * image.height * 4);
      for (let p = 0; p < image.width * image.height; p++) {
        rgba.set(image.data.subarray(p * 3, p * 3 + 3), p * 4);
        rgba[p * 4 + 3] = 255;
      }
      const png = path.join(images, `camera-${i}.png`);
      writeFileSync(png, imagePng({ ...image, data: image.data as Uint8Array, channels: 3 }));
      const jpg = path.join(images, `camera-${i}.jpg`);
      writeFileSync(
        jpg,
        jpeg.encode({ width: image.width, height: image.height, data: rgba }, 90).data,
      );
      return [png, jpg];
    });
    const run = trainkit("plates", "read", ...files, "--json");
    expect(run.code, run.stderr).toBe(0);
    const rows = JSON.parse(run.stdout) as { text: string; lowConfidence: boolean }[];
    expect(rows.map((r) => r.text)).toEqual([texts[0], texts[0], texts[1], texts[1]]);
    const text = trainkit("plates", "read", files[0] as string);
    expect(text.stdout).toContain(`${files[0]}: ${texts[0]} (plate confidence`);
  });

  it("unreadable files and bad model files get a clear error naming them", () => {
    const missing = trainkit("plates", "classify", path.join(images, "nope.png"));
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      `cannot read image '${path.join(images, "nope.png")}': no such file`,
    );
    const notImage = path.join(images, "notes.png");
    writeFileSync(notImage, "just text");
    const bad = trainkit("plates", "read", notImage);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`cannot read image '${notImage}'`);
    expect(bad.stderr).toContain("Give PNG or JPEG files");
    const model = trainkit("plates", "classify", digitFiles[0] as string, "--model", notImage);
    expect(model.code).toBe(2);
    expect(model.stderr).toContain(`cannot use --model '${notImage}'`);
  });
});

describe("Ctrl-C during training", () => {
  it("leaves a valid checkpoint, says where, and --resume continues from it", async () => {
    const out = tempDir("plates-sigint");
    const args = ["plates", "train", "--quick", "--epochs", "3000", "--out", out];
    const first = await interruptWhen(args, /epoch 3\/3000/);
    expect(first.signalled).toBe(true);
    expect(first.code, first.stderr).toBe(130);
    const match =
      /interrupted in epoch (\d+), after update (\d+): checkpoint saved at (\S+\.safetensors); resume with: (.*)$/m.exec(
        first.stderr,
      );
    expect(match, first.stderr).not.toBeNull();
    const [, epoch, step, file, hint] = match as unknown as [
      string,
      string,
      string,
      string,
      string,
    ];
    expect(file.startsWith(path.join(out, "checkpoints"))).toBe(true);
    expect(hint).toBe(
      `trainkit plates train digits --out ${out} --seed 42 --epochs 3000 --quick --resume`,
    );
    const info = await verifyCheckpoint(file);
    expect(info.state?.step).toBe(Number(step));
    expect(info.state?.epoch).toBe(Number(epoch) - 1);

    const second = await interruptWhen(
      [...args, "--resume"],
      /resuming from[\s\S]*epoch \d+\/3000 \[/,
    );
    expect(second.code, second.stderr).toBe(130);
    expect(second.stdout).toContain(`resuming from ${file} (epoch ${epoch}, after update ${step})`);
    const again = /checkpoint saved at (\S+\.safetensors)/.exec(second.stderr)?.[1] as string;
    const state = (await readCheckpointInfo(again)).state;
    expect(state?.step).toBeGreaterThan(Number(step));
  });
});
