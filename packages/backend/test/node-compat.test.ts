import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { describe, expect, it } from "vitest";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * Node 23 removed `util.isNullOrUndefined`, which @tensorflow/tfjs-node 4.22 calls in its kernels
 * (conv2d with a bias, among others). A child process deletes it, as Node 24 ships, and then
 * trains through initBackend: it must work, and the same child without initBackend's repair
 * shows the crash it prevents.
 */

const backendDir = fileURLToPath(new URL("..", import.meta.url));
const exec = promisify(execFile);

const SCRIPT = (repair: boolean) => `
  delete require("node:util").isNullOrUndefined;
  const run = async () => {
    const tf = await import("@tensorflow/tfjs-core");
    ${
      repair
        ? 'const { initBackend } = await import("./src/index.ts"); await initBackend({ prefer: "tensorflow-cpu" });'
        : 'await import("@tensorflow/tfjs-node"); await tf.setBackend("tensorflow");'
    }
    const x = tf.ones([1, 4, 4, 1]);
    const w = tf.ones([3, 3, 1, 2]);
    const b = tf.tensor1d([1, -1]);
    const y = tf.fused.conv2d({ x, filter: w, bias: b, strides: 1, pad: "same" });
    process.stdout.write("RESULT " + JSON.stringify({ backend: tf.getBackend(), sum: y.sum().dataSync()[0] }) + "\\n");
  };
  run().catch((e) => { process.stdout.write("ERROR " + e.message + "\\n"); });
`;

async function child(repair: boolean): Promise<string> {
  const { stdout } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", "-e", SCRIPT(repair)],
    { cwd: backendDir },
  );
  return stdout.trim().split("\n").pop() ?? "";
}

describe.skipIf(!shouldRunTensorflowTests())("tfjs-node 4.22 on Node 23 and later", () => {
  it("initBackend puts util.isNullOrUndefined back before tfjs-node loads, so kernels run", async () => {
    const line = await child(true);
    // 4x4 ones, 3x3 ones, 'same': interior sums 9, edges 6, corners 4 = 4*9+8*6+4*4 = 100 per
    // channel; plus the biases over 16 positions: (100 + 16) + (100 - 16)
    expect(line).toBe(`RESULT ${JSON.stringify({ backend: "tensorflow", sum: 200 })}`);
  }, 60_000);

  it("without it, tfjs-node's kernels throw (what Node 24 users would see)", async () => {
    expect(await child(false)).toMatch(/^ERROR .*isNullOrUndefined\)? is not a function/);
  }, 60_000);
});
