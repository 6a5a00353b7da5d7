import { existsSync } from "node:fs";
import * as path from "node:path";
import { loadPlateModel } from "@trainkit/plate-bp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type DemoData, demoExperiment } from "../src/experiments/demo.js";
import { useCpuBackend, withoutLeaks } from "./helpers/backends.js";
import { removeTempDirs, tempDir } from "./helpers/trainkit.js";

beforeAll(useCpuBackend);
afterAll(removeTempDirs);

describe("the demo experiment (cpu backend, --quick sizes, 2 epochs)", () => {
  const dir = tempDir("demo-experiment");
  let data: DemoData;
  let leaked: number;
  beforeAll(async () => {
    ({ value: data, leaked } = await withoutLeaks(() =>
      demoExperiment({ quick: true, seed: 42, epochs: 2, dir }),
    ));
  });

  it("splits 3 fonts x 34 characters x 3 samples 80/20, stratified; 2 unseen fonts", () => {
    expect(data.charset).toHaveLength(34);
    expect(data.rows).toEqual({ train: 244, validation: 62, unseen: 2 * 34 * 2 });
    expect(data.trainFonts).toHaveLength(3);
    expect(data.unseenFonts).toHaveLength(2);
    expect(data.config).toMatchObject({ nf: 120, classes: 34, epochs: 2, warmupEpochs: 1 });
    expect(leaked).toBe(0);
  });

  it("crashes in epoch 2 and resumes from epoch 1's checkpoint, bit-identical on cpu", () => {
    // 244 rows in batches of 64: 4 updates an epoch.
    expect(data.straight.history.map((e) => e.epoch)).toEqual([1, 2]);
    expect(data.straight.learningRates.map((l) => l.step)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(data.resumed.fromStep).toBe(4);
    expect(data.resumed.history.map((e) => e.epoch)).toEqual([2]);
    expect(data.resumed.learningRates.map((l) => l.lr)).toEqual(
      data.straight.learningRates.slice(4).map((l) => l.lr),
    );
    expect(data.resume).toMatchObject({
      epochs: 2,
      crashedInEpoch: 2,
      crashedAtUpdate: 6,
      resumedFromEpoch: 1,
      tensors: 4,
      bitIdentical: true,
      maxAbsDiff: 0,
      lossesEqual: true,
    });
    expect(path.basename(data.resume.resumedFrom ?? "")).toBe("ckpt-0000000004.safetensors");
  });

  it("evaluates per unseen font, in a confusion matrix, on plates and sample glyphs", () => {
    const { perFont, confusion } = data;
    expect(perFont.map((f) => f.font)).toEqual(data.unseenFonts);
    expect(confusion).toHaveLength(34);
    expect(confusion.flat().reduce((a, b) => a + b, 0)).toBe(data.rows.unseen);
    const diagonal = confusion.reduce((a, row, i) => a + (row[i] as number), 0);
    expect(diagonal / data.rows.unseen).toBeCloseTo(data.unseenFontAccuracy, 10);
    const meanOfFonts = perFont.reduce((a, f) => a + f.accuracy, 0) / perFont.length;
    expect(meanOfFonts).toBeCloseTo(data.unseenFontAccuracy, 10); // equal rows per font
    expect(data.plates).toHaveLength(2);
    expect(data.plateImages.map((p) => p.plate)).toEqual(data.plates);
    expect(data.samples).toHaveLength(8);
    for (const s of data.samples) expect(data.charset).toContain(s.label);
  });

  it("reads camera-view plates and draws where each was found and cut", () => {
    const count = (image: { data: Uint8ClampedArray }, rgb: number[]) => {
      let n = 0;
      for (let i = 0; i < image.data.length; i += 3) {
        if (
          image.data[i] === rgb[0] &&
          image.data[i + 1] === rgb[1] &&
          image.data[i + 2] === rgb[2]
        )
          n++;
      }
      return n;
    };
    expect(data.cameraPlates).toHaveLength(2);
    for (const p of data.cameraPlates) {
      expect(p.truth).toMatch(/^[0-9A-Z]{7}$/);
      // The shipped model reads these two exactly (it reads 99% of camera-view plates).
      expect(p.shipped).toBe(p.truth);
      expect(p.refused).toBeUndefined();
      expect(p.read).toHaveLength(7);
      expect(p.exact).toBe(p.read === p.truth);
      expect(p.confidence).toBeGreaterThanOrEqual(0);
      expect(p.confidence).toBeLessThanOrEqual(1);
      expect(p.lowConfidence).toBe(p.confidence < 0.7);
      // the outline found (red) on the camera view, 7 boxes on the plate
      expect(count(p.camera, [220, 30, 30])).toBeGreaterThan(2 * p.camera.width);
      expect(p.rectified).toMatchObject({ width: 264, height: 84 });
      expect(p.binary).toMatchObject({ width: 264, height: 84 });
      expect(count(p.binary as { data: Uint8ClampedArray }, [40, 110, 230])).toBeGreaterThan(
        7 * 40,
      );
    }
  });

  it("writes the checkpoint, the weights-only releases and a plate model", () => {
    const [checkpoint, fp32, fp16] = data.sizes;
    expect(fp32?.ratio).toBe(1);
    expect(checkpoint?.ratio).toBeCloseTo(3, 1);
    expect(fp16?.ratio).toBeLessThan(0.55);
    expect(data.checkpointParts.reduce((a, g) => a + g.bytes, 0)).toBe(checkpoint?.bytes);
    expect(existsSync(path.join(dir, "weights-fp16.safetensors"))).toBe(true);
    expect(loadPlateModel(data.model).labels).toBe(data.charset);
    expect(Math.abs(data.unseenFontAccuracyFp16 - data.unseenFontAccuracy)).toBeLessThan(0.03);
  });
});
