import { existsSync, readFileSync } from "node:fs";
import { availableParallelism } from "node:os";
import * as path from "node:path";
import { tensorflowSetupStatus } from "@trainkit/backend";
import { readCheckpointInfo, verifyCheckpoint } from "@trainkit/checkpoint";
import { loadPlateModel } from "@trainkit/plate-bp";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DemoResult } from "../src/commands/demo.js";
import { demoTensorflowThreads } from "../src/context.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { type Run, removeTempDirs, tempDir, trainkitJson } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

describe("trainkit demo --quick", () => {
  const out = tempDir("demo");
  let result: DemoResult & { tensorsLeft: number };
  let run: Run;
  beforeAll(() => {
    ({ result, run } = trainkitJson<typeof result>("demo", "--quick", "--out", out));
  });

  it("says which backend runs and why faster ones were skipped", () => {
    expect(["tensorflow", "webgpu", "wasm", "cpu"]).toContain(result.backend.name);
    expect(run.stderr).toMatch(
      /^Backend: (tensorflow-gpu|webgpu|tensorflow-cpu|wasm|cpu) \((GPU|CPU)\)/m,
    );
    if (result.backend.candidate !== "tensorflow-gpu") {
      expect(run.stderr).toContain("skipped tensorflow-gpu");
      expect(run.stderr).toContain("npx trainkit-backend setup tensorflow --gpu");
    }
  });

  it("trains on the native tensorflow-cpu rung once it is set up, and says which TensorFlow", () => {
    const status = tensorflowSetupStatus();
    if (!status.ready && process.env.TRAINKIT_REQUIRE_TENSORFLOW !== "1") {
      // Not set up here: the ladder names the setup command instead.
      expect(run.stderr).toContain("npm run setup:tensorflow");
      return;
    }
    expect(result.backend).toMatchObject({ name: "tensorflow", candidate: "tensorflow-cpu" });
    expect(result.backend.tensorflowVersion).toMatch(/^2\.\d+\.\d+/);
    expect(run.stderr).toMatch(
      /^Backend: tensorflow-cpu \(CPU\) - TensorFlow 2\.\d+\.\d+ C library on the CPU via @tensorflow\/tfjs-node, oneDNN (on|off)/m,
    );
    // the demos' thread choice (1 on 2 cores or fewer), in the choice and the report
    const threads = demoTensorflowThreads({}) ?? availableParallelism();
    expect(result.backend.tensorflowThreads).toBe(threads);
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    expect(html).toMatch(
      new RegExp(
        `tensorflow-cpu \\(CPU, TensorFlow ${result.backend.tensorflowVersion}, oneDNN o(n|ff), ${threads} threads?\\)`,
      ),
    );
  });

  it("prints accuracy, the resume check, the checkpoint size table and the report's path", () => {
    expect(run.stderr).toMatch(/^accuracy: \d+\.\d% on \d+ characters in unseen fonts/m);
    expect(run.stderr).toMatch(/^resume check: resumed from .*ckpt-\d{10}\.safetensors/m);
    const sizes = run.stderr.match(
      /^checkpoint size:\n {2}training checkpoint: .* (\d\.\d\d)x\n {2}weights only, float32 .* 1\.00x\n {2}weights only, float16 .* 0\.5\dx$/m,
    );
    // weights, Adam's two moments, and a few hundred bytes of state (step, epoch, the data
    // order's RNG, the options the run was started with) against the weights alone
    const ratio = Number(sizes?.[1]);
    expect(ratio).toBeGreaterThanOrEqual(3);
    expect(ratio).toBeLessThanOrEqual(3.02);
    expect(run.stderr).toContain(`report: ${path.join(out, "report.html")}`);
    // Progress as plain lines (stderr is not a terminal): one per epoch, with loss, lr, samples/s.
    expect(run.stderr).toMatch(
      /^straight: epoch 1\/3 \[#{24}\] 4\/4 {2}loss \d\.\d{4} {2}acc [\d.]+ {2}val_acc [\d.]+ {2}lr \d\.\d\de-\d {2}samples\/s \d+/m,
    );
  });

  it("reads camera-view plates, prints them, and shows the found plate and its cuts in the report", () => {
    expect(result.cameraPlates).toHaveLength(2);
    for (const p of result.cameraPlates) {
      expect(Object.keys(p).sort()).toEqual(
        ["confidence", "exact", "lowConfidence", "read", "shipped", "truth"].sort(),
      );
      expect(p.shipped).toBe(p.truth);
    }
    const printed = result.cameraPlates
      .map((p) => `${p.truth}→${p.read} (${p.confidence.toFixed(2)})`)
      .join(" ");
    expect(run.stderr).toContain(`camera-view plates: `);
    expect(run.stderr).toContain(printed);
    const html = readFileSync(path.join(out, "report.html"), "utf8");
    const start = html.indexOf("<h2>Plates as a camera sees them</h2>");
    expect(start).toBeGreaterThan(0);
    const section = html.slice(start);
    // each plate: the camera view, the rectified plate and the binarised plate with its cuts
    const images = section.slice(0, section.indexOf("<table")).match(/<img /g) ?? [];
    expect(images).toHaveLength(3 * 2);
  });

  it("splits paired and stratified: 34 classes, 80/20", () => {
    expect(result.charset).toBe("0123456789ABCDEFGHJKLMNPQRSTUVWXYZ");
    expect(result.rows.train + result.rows.validation).toBe(3 * 34 * 3);
    // Stratified: 9 rows per class, ceil(0.2 * 306) = 62 test rows, at least one per class.
    expect(result.rows.validation).toBe(62);
  });

  it("resumes exactly: the interrupted-and-resumed run ends bit-identical to the straight run", () => {
    expect(result.resume.crashedInEpoch).toBe(2);
    expect(result.resume.resumedFromEpoch).toBe(1);
    expect(result.resume.resumedFrom).toMatch(
      /checkpoints[/\\]resumed[/\\]ckpt-0000000004\.safetensors$/,
    );
    expect(result.resume.tensors).toBe(4);
    expect(result.resume.bitIdentical).toBe(true);
    expect(result.resume.maxAbsDiff).toBe(0);
    expect(result.resume.lossesEqual).toBe(true);
  });

  it("learns: the loss falls, and accuracy on unseen fonts is well above chance (1/34)", () => {
    expect(result.epochs).toHaveLength(3);
    expect(result.epochs[2]?.loss).toBeLessThan(result.epochs[0]?.loss as number);
    expect(result.unseenFontAccuracy).toBeGreaterThan(0.2);
    expect(result.unseenFontAccuracyFp16).toBeGreaterThan(result.unseenFontAccuracy - 0.03);
    expect(result.tensorsLeft).toBe(0);
  });

  it("writes a checkpoint per epoch that verifies, 3x the weights with Adam", async () => {
    const info = await verifyCheckpoint(result.checkpoint);
    expect(info.kind).toBe("training");
    const state = (await readCheckpointInfo(result.checkpoint)).state;
    expect(state?.epoch).toBe(3);
    expect(state?.step).toBe(12);
    const [full, fp32, fp16] = result.sizes;
    // 120*96 + 96 + 96*34 + 34 = 14,890 float32 weights.
    expect(fp32?.bytes).toBeGreaterThan(14_890 * 4);
    expect(fp32?.bytes).toBeLessThan(14_890 * 4 + 4096);
    expect(full?.ratio).toBeCloseTo(3, 1);
    expect(fp16?.ratio).toBeGreaterThan(0.49);
    expect(fp16?.ratio).toBeLessThan(0.55);
  });

  it("saves a plate model that plate-bp loads", () => {
    const model = loadPlateModel(result.model);
    expect(model.labels).toBe(result.charset);
    expect(model.features).toBe("easypr120");
    expect(result.plates).toHaveLength(2);
    for (const p of result.plates) expect(p.read).toHaveLength(7);
  });

  it.skipIf(!hasChromium)(
    "its report opens in Chromium with no errors, no network and every chart drawn",
    async () => {
      expect(existsSync(result.report)).toBe(true);
      const page = await openReport(result.report);
      expect(page.errors).toEqual([]);
      expect(page.external).toEqual([]);
      expect(page.charts.map((c) => c.id)).toEqual([
        "loss",
        "accuracy",
        "learning-rate",
        "per-font-accuracy",
        "confusion",
        "checkpoint-size",
      ]);
      for (const chart of page.charts) {
        expect(chart.marks, chart.id).toBeGreaterThan(0);
        expect(chart.items, chart.id).toBeGreaterThan(0);
        expect(chart.width, chart.id).toBeGreaterThan(100);
        expect(chart.height, chart.id).toBeGreaterThan(50);
      }
      expect(page.images.length).toBeGreaterThanOrEqual(10);
      for (const img of page.images) expect(img.loaded, img.alt).toBe(true);
    },
  );
});

describe("trainkit demo --quick --backend cpu", () => {
  it("resumes bit-identically on the plain-JS cpu backend too", () => {
    const { result } = trainkitJson<DemoResult>(
      "demo",
      "--quick",
      "--backend",
      "cpu",
      "--epochs",
      "2",
      "--out",
      tempDir("demo-cpu"),
    );
    expect(result.backend).toEqual({ name: "cpu", candidate: "cpu", device: "cpu" });
    // Two epochs: the crash comes in epoch 2, after the checkpoint of epoch 1.
    expect(result.resume.resumedFromEpoch).toBe(1);
    expect(result.resume.bitIdentical).toBe(true);
    expect(result.resume.lossesEqual).toBe(true);
  });
});
