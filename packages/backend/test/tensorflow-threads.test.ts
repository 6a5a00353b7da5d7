import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";
import type { ThreadsReport } from "./support/tensorflow-threads-run.js";

/**
 * `initBackend({ tensorflowThreads })` on the native `tensorflow` rung: TensorFlow really runs
 * with the count asked for (it starts that many intra-op threads: one fewer than the count,
 * as the calling thread takes a share), the choice and its description say so, training gives
 * what the plain cpu backend gives whatever the count, and a later call cannot change it.
 * TensorFlow reads the count once, when its library loads, so each count runs in its own
 * process (`support/tensorflow-threads-run.ts`).
 */

const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-threads-run.ts", import.meta.url));
const exec = promisify(execFile);

async function threadsRun(
  arg: string,
  env: Record<string, string | undefined> = {},
): Promise<ThreadsReport> {
  const { stdout } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", runner, arg],
    {
      cwd: backendDir,
      env: { ...process.env, TF_NUM_INTRAOP_THREADS: undefined, ...env },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as ThreadsReport;
}

/** max |a - b| over every weight, relative to the largest |b|. */
function relativeError(a: number[][], b: number[][]): number {
  let maxAbs = 0;
  let scale = 0;
  for (const [i, w] of b.entries()) {
    for (const [j, v] of w.entries()) {
      maxAbs = Math.max(maxAbs, Math.abs((a[i]?.[j] ?? Number.NaN) - v));
      scale = Math.max(scale, Math.abs(v));
    }
  }
  return Number.isNaN(maxAbs) ? Number.POSITIVE_INFINITY : maxAbs / scale;
}

const run = shouldRunTensorflowTests();

describe.skipIf(!run)("tensorflowThreads: TensorFlow's intra-op threads", () => {
  let one: ThreadsReport;
  let three: ThreadsReport;
  let fromEnv: ThreadsReport;
  beforeAll(async () => {
    [one, three, fromEnv] = await Promise.all([
      threadsRun("1"),
      threadsRun("3"),
      threadsRun("default", { TF_NUM_INTRAOP_THREADS: "2" }),
    ]);
  }, 120_000);

  it("loads TensorFlow with the count asked for, and says so", () => {
    expect(one.tensorflowThreads).toBe(1);
    expect(one.variable).toBe("1");
    expect(one.description).toMatch(
      /^Backend: tensorflow-cpu \(CPU\) - TensorFlow .*, 1 intra-op thread \(tensorflowThreads: 1\)/,
    );
    expect(three.tensorflowThreads).toBe(3);
    expect(three.description).toContain("3 intra-op threads (tensorflowThreads: 3)");
    expect(fromEnv.tensorflowThreads).toBe(2);
    expect(fromEnv.description).toContain("2 intra-op threads (TF_NUM_INTRAOP_THREADS=2)");
  });

  it.runIf(process.platform === "linux")(
    "TensorFlow starts one intra-op thread per count above one",
    () => {
      expect((three.osThreads ?? 0) - (one.osThreads ?? 0)).toBe(2);
      expect((fromEnv.osThreads ?? 0) - (one.osThreads ?? 0)).toBe(1);
    },
  );

  it("trains to what the cpu backend computes, whatever the count", () => {
    for (const report of [one, three, fromEnv]) {
      expect(report.weights.tensorflow.length).toBe(report.weights.cpu.length);
      // the tolerance of the parity tests (float32 sums in other orders)
      expect(relativeError(report.weights.tensorflow, report.weights.cpu)).toBeLessThan(1e-4);
    }
  });

  it("cannot change the count once TensorFlow is loaded, and says how to set it", () => {
    for (const report of [one, three, fromEnv]) {
      expect(report.again.same).toBeNull();
      expect(report.again.other?.code).toBe("INVALID_OPTION");
      expect(report.again.other?.message).toContain("already loaded in this process");
      expect(report.again.other?.message).toContain("first initBackend call");
    }
  });
});
