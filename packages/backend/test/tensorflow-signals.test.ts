import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * Training on the native `tensorflow` rung survives signals. trainkit once replaced tfjs-node's
 * BatchMatMul by TensorFlow's MatMul, whose AVX-512 sgemm (oneDNN's) corrupted the heap when the
 * process received a signal during it: glibc aborted ("corrupted size vs. prev_size while
 * consolidating") or the process segfaulted, within a second of this test's storm. The child
 * (`support/tensorflow-signals-run.ts`) runs dense products and a dense `model.fit` with the
 * default kernels and one intra-op thread for 7 s while a sibling shell sends it SIGUSR2 in a loop
 * (a 0.5 ms sleep between signals).
 */
const RUN = shouldRunTensorflowTests() && process.platform !== "win32";
const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-signals-run.ts", import.meta.url));

interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function signalsRun(seconds: number): Promise<Exit> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      ["--conditions=@trainkit/source", "--import", "tsx", runner, String(seconds)],
      { cwd: backendDir, env: { ...process.env, TRAINKIT_BACKEND: "" } },
      (_error, stdout, stderr) =>
        resolve({ code: child.exitCode, signal: child.signalCode, stdout, stderr }),
    );
  });
}

describe.skipIf(!RUN)("training on the tensorflow rung under a signal storm", () => {
  it("runs dense products and model.fit while receiving SIGUSR2 in a loop, and exits 0", async () => {
    const exit = await signalsRun(7);
    // glibc's or V8's last words, without TensorFlow's start-up log
    const tail = exit.stderr
      .split("\n")
      .filter((line) => line.trim() !== "" && !/^(I0000|WARNING: All log|To enable)/.test(line))
      .slice(-3)
      .join("\n");
    expect({ code: exit.code, signal: exit.signal }, tail).toEqual({ code: 0, signal: null });
    expect(exit.stdout).toMatch(
      /^signal storm survived: tensorflow, kernels \[[^\]]*\], [1-9]\d* products, [1-9]\d* epochs, [1-9]\d* signals$/m,
    );
  }, 30_000);
});
