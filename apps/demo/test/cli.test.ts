import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");
const cli = path.join(here, "..", "src", "cli.ts");

/** Runs the real CLI in a child process, as a user would. */
function trainkit(...args: string[]) {
  const result = spawnSync(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", tsx, cli, ...args],
    { encoding: "utf8", timeout: 170_000, env: { ...process.env, TRAINKIT_BACKEND: "" } },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe("trainkit demo", () => {
  it("says which backend runs and why faster ones were skipped, then trains the CNN", () => {
    const { code, stdout, stderr } = trainkit("demo", "--quick", "--json");
    expect(code, stderr).toBe(0);
    const result = JSON.parse(stdout);
    expect(result.command).toBe("demo");
    expect(["tensorflow", "wasm", "cpu"]).toContain(result.backend.name);
    expect(stderr).toMatch(/^Backend: (tensorflow-gpu|webgpu|tensorflow-cpu|wasm|cpu) \((GPU|CPU)\)/m);
    if (result.backend.candidate !== "tensorflow-gpu") {
      expect(stderr).toContain("skipped tensorflow-gpu");
    }
    expect(result.epochs).toHaveLength(2);
    for (const epoch of result.epochs) expect(epoch.samplesPerSecond).toBeGreaterThan(0);
    // Ten classes: chance is 10%. Two quick epochs already learn most of the bars.
    expect(result.testAccuracy).toBeGreaterThan(0.3);
    // Progress: plain lines (stderr is not a terminal here), one per epoch, with loss and lr.
    expect(stderr).toMatch(
      /epoch 1\/2 \[#+\] 8\/8 {2}loss \d\.\d{4} {2}acc [\d.]+ {2}lr 1\.00e-3 {2}samples\/s \d+/,
    );
  });

  it("runs on the backend asked for", () => {
    const { code, stdout, stderr } = trainkit(
      "demo",
      "--quick",
      "--json",
      "--epochs",
      "1",
      "--backend",
      "wasm",
    );
    expect(code, stderr).toBe(0);
    expect(JSON.parse(stdout).backend).toEqual({ name: "wasm", candidate: "wasm", device: "cpu" });
    expect(JSON.parse(stdout).epochs).toHaveLength(1);
  });
});

describe("trainkit: bad input gets a clear error and exit code 2", () => {
  it("an unknown command lists the commands", () => {
    const { code, stderr } = trainkit("dmeo");
    expect(code).toBe(2);
    expect(stderr).toContain("unknown command 'dmeo'; the commands are: demo");
  });

  it("an unknown flag points to --help", () => {
    const { code, stderr } = trainkit("demo", "--fast");
    expect(code).toBe(2);
    expect(stderr).toContain("--fast");
    expect(stderr).toContain("trainkit --help");
  });

  it("a non-numeric --epochs names the value", () => {
    const { code, stderr } = trainkit("demo", "--epochs", "three");
    expect(code).toBe(2);
    expect(stderr).toContain("--epochs is 'three'");
  });

  it("an unknown backend lists the valid ones", () => {
    const { code, stderr } = trainkit("demo", "--backend", "webgl");
    expect(code).toBe(2);
    expect(stderr).toContain('"webgl"');
    expect(stderr).toContain("'wasm'");
  });

  it("a backend that cannot load names the package to install", () => {
    const { code, stderr } = trainkit("demo", "--backend", "tensorflow-gpu");
    if (code === 0) return; // a machine where tfjs-node-gpu really works
    expect(code).toBe(2);
    expect(stderr).toContain("@tensorflow/tfjs-node-gpu");
  });

  it("--help prints the commands and flags", () => {
    const { code, stdout } = trainkit("--help");
    expect(code).toBe(0);
    expect(stdout).toContain("Usage: trainkit <command>");
    expect(stdout).toContain("--quick");
  });
});
