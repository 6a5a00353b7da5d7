import * as path from "node:path";
import { writeSafetensors } from "@trainkit/checkpoint";
import { afterAll, describe, expect, it } from "vitest";
import type { PortResult } from "../src/commands/port.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { appDir, removeTempDirs, tempDir, trainkit, trainkitJson } from "./helpers/trainkit.js";

afterAll(removeTempDirs);

// Fixtures made by real PyTorch (fixtures/README.md): the tfjs port must reproduce its output.
describe("trainkit port", () => {
  it("by default ports the small CNN fixture and matches PyTorch's output to 1e-4", async () => {
    const { result } = trainkitJson<PortResult & { tensorsLeft: number }>(
      "port",
      "--quick",
      "--out",
      tempDir("port"),
    );
    expect(path.basename(result.file)).toBe("small-cnn.safetensors");
    expect(result.model).toBe("small-cnn");
    expect(result.outputShape).toEqual([2, 10]);
    expect(result.comparison?.relativeError).toBeLessThan(1e-4);
    expect(result.matches).toBe(true);
    // The plain transpose after the flatten loads without complaint and is wrong.
    expect(result.naiveComparison?.relativeError).toBeGreaterThan(0.05);
    expect(result.assignments.find((a) => a.torchKey === "classifier.weight")?.conversion).toBe(
      "o (c h w) -> (h w c) o with c=16, h=4, w=3",
    );
    expect(result.warnings).toEqual([]);
    expect(result.tensorsLeft).toBe(0);
    if (hasChromium) {
      const page = await openReport(result.report);
      expect(page.errors).toEqual([]);
      expect(page.charts.map((c) => c.id)).toEqual(["port-outputs"]);
      expect(page.charts[0]?.items).toBeGreaterThan(0);
    }
  });

  it("ports a model with BatchNorm, depthwise and transposed convs given on the command line", () => {
    const file = path.join(appDir, "fixtures", "bn-depthwise-cnn.safetensors");
    const { result } = trainkitJson<PortResult>("port", file, "--out", tempDir("port-bn"));
    expect(result.model).toBe("bn-depthwise-cnn");
    expect(result.comparison?.relativeError).toBeLessThan(1e-4);
    expect(result.assignments).toHaveLength(15);
  });

  it("a file that does not hold the architecture's weights is refused with the reason", () => {
    const file = path.join(appDir, "fixtures", "small-cnn-io.safetensors");
    const { code, stderr } = trainkit("port", file, "--out", tempDir("port-bad"));
    expect(code).toBe(2);
    expect(stderr).toMatch(/cannot port '.*small-cnn-io\.safetensors' \(INVALID_ARGUMENT\)/);
  });

  it("a state_dict of an unknown architecture names the known ones", async () => {
    const dir = tempDir("port-unknown");
    const file = path.join(dir, "resnet.safetensors");
    await writeSafetensors(
      file,
      { "fc.weight": { dtype: "F32", shape: [2, 2], data: new Float32Array(4) } },
      { model: "resnet18" },
    );
    const { code, stderr } = trainkit("port", file, "--out", dir);
    expect(code).toBe(2);
    expect(stderr).toContain(
      "names the architecture 'resnet18'; trainkit port knows 'small-cnn', 'bn-depthwise-cnn'",
    );
  });
});
