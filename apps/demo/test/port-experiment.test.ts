import * as path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InputFileError } from "../src/cli-error.js";
import { portExperiment } from "../src/experiments/port.js";
import { useCpuBackend, withoutLeaks } from "./helpers/backends.js";
import { appDir } from "./helpers/trainkit.js";

beforeAll(useCpuBackend);

// Fixtures made by real PyTorch (fixtures/README.md).
describe("the port experiment (cpu backend)", () => {
  it("ports the small CNN by default and reproduces PyTorch's output; the plain transpose does not", async () => {
    const { value: data, leaked } = await withoutLeaks(() => portExperiment());
    expect(leaked).toBe(0);
    expect(path.basename(data.file)).toBe("small-cnn.safetensors");
    expect(path.basename(data.reference ?? "")).toBe("small-cnn-io.safetensors");
    expect(data.model).toBe("small-cnn");
    expect(data.outputShape).toEqual([2, 10]);
    expect(data.comparison?.relativeError).toBeLessThan(1e-4);
    expect(data.matches).toBe(true);
    expect(data.naiveComparison?.relativeError).toBeGreaterThan(0.05);
    // Both ports' 2 x 10 outputs, each against PyTorch's.
    expect(data.points.filter((p) => p.port === "loadTorchStateDict")).toHaveLength(20);
    expect(data.points).toHaveLength(40);
    for (const p of data.points.filter((q) => q.port === "loadTorchStateDict")) {
      expect(Math.abs(p.tfjs - p.torch)).toBeLessThan(1e-4);
    }
  });

  it("ports BatchNorm, depthwise and transposed convs; a reference needs input and output", async () => {
    const file = path.join(appDir, "fixtures", "bn-depthwise-cnn.safetensors");
    const data = await portExperiment({ file });
    expect(data.model).toBe("bn-depthwise-cnn");
    expect(data.assignments).toHaveLength(15);
    expect(data.comparison?.relativeError).toBeLessThan(1e-4);
    await expect(portExperiment({ file, reference: file })).rejects.toThrow(
      /needs tensors named "input" \(NCHW\) and "output"; it has /,
    );
  });

  it("a missing file is an InputFileError that names it", async () => {
    await expect(portExperiment({ file: "/nonexistent/x.safetensors" })).rejects.toThrow(
      InputFileError,
    );
    await expect(portExperiment({ file: "/nonexistent/x.safetensors" })).rejects.toThrow(
      "cannot read the state_dict '/nonexistent/x.safetensors': no such file",
    );
  });
});
