import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { CaseResult, ParityReport } from "./support/tensorflow-parity-run.js";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * The native `tensorflow` rung (@tensorflow/tfjs-node) computes what the plain `cpu` backend
 * computes: outputs and gradients of the conv, pooling, batch-norm, dense and loss ops, a few
 * optimizer steps, and the demo CNN's first batch, with TensorFlow's oneDNN kernels on and off.
 *
 * TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when its library loads, so each setting runs in
 * its own process (`support/tensorflow-parity-run.ts`), which compares the two backends in that
 * process from the same arrays and prints the errors as JSON.
 *
 * Tolerance: max |tensorflow - cpu| over a tensor, relative to that tensor's largest magnitude,
 * at most 1e-4. Both backends compute in float32 (unit roundoff 6e-8) but sum in different
 * orders (blocked, vectorized, multi-threaded kernels against plain loops); the longest sums here
 * (the demo CNN's filter gradients, 64x26x26 terms each) give rounding differences of order
 * sqrt(n) * 6e-8 = 1e-5 relative to the terms, and the measured worst is about 2e-6. A wrong
 * kernel (padding, window, divisor, stride, transpose) is off by 1e-1 or more, as the cpu
 * backend's own average-pool gradient with 'same' padding shows (below).
 */
const TOLERANCE = 1e-4;

/**
 * Tensors where the cpu backend, not tensorflow, is wrong, as an independent float64 computation
 * (plain loops in the runner) shows: tfjs-backend-cpu 4.22's AvgPoolGrad divides by the full
 * window size, while its forward AvgPool (and TensorFlow, both ways) counts only the elements
 * inside the input, so with 'same' padding the gradient of border elements is too small.
 */
const CPU_KNOWN_WRONG = ["avgPool b2 3x3 s2 same odd: d/x", "avgPool b1 3x3 s1 same: d/x"];

/**
 * Cases that throw on the tensorflow rung, per oneDNN setting. Without oneDNN, TensorFlow's
 * DepthwiseConv2dNative CPU kernel refuses dilations above 1 ("Current kernel implementation
 * does not support dilations"); the oneDNN kernel computes them (and matches cpu).
 */
const EXPECTED_ERRORS: Record<"0" | "1", Record<string, RegExp>> = {
  "1": {},
  "0": {
    "depthwiseConv2d b1 3x3 d2 same m2 (forward)": /does not support dilations/,
  },
};

const GROUPS = [
  "conv2d",
  "depthwiseConv2d",
  "maxPool",
  "avgPool",
  "batchNorm",
  "matMul",
  "loss",
  "optimizer",
  "demoCnn",
] as const;

const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-parity-run.ts", import.meta.url));
const exec = promisify(execFile);

interface Run {
  report: ParityReport;
  stderr: string;
}

async function parityRun(onednn: "0" | "1"): Promise<Run> {
  const { stdout, stderr } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", runner],
    {
      cwd: backendDir,
      env: { ...process.env, TF_ENABLE_ONEDNN_OPTS: onednn },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const last = stdout.trim().split("\n").pop() ?? "";
  return { report: JSON.parse(last) as ParityReport, stderr };
}

/** "case: tensor rel=..." for every compared tensor over the tolerance. */
function overTolerance(cases: CaseResult[]): string[] {
  const out: string[] = [];
  for (const c of cases) {
    for (const t of c.tensors) {
      if (CPU_KNOWN_WRONG.includes(`${c.name}: ${t.name}`)) continue;
      if (!t.finite || !(t.rel <= TOLERANCE)) {
        out.push(`${c.name}: ${t.name} rel=${t.rel} maxAbs=${t.maxAbs} finite=${t.finite}`);
      }
    }
    for (const t of c.reference?.tensorflow ?? []) {
      if (!t.finite || !(t.rel <= TOLERANCE)) {
        out.push(`${c.name}: ${t.name} against float64 rel=${t.rel} maxAbs=${t.maxAbs}`);
      }
    }
  }
  return out;
}

const run = shouldRunTensorflowTests();

describe.skipIf(!run)("the tensorflow rung computes what the cpu backend computes", () => {
  const runs: Partial<Record<"0" | "1", Promise<Run>>> = {};
  beforeAll(() => {
    // both settings at once: each child is mostly the single-threaded cpu backend
    runs["1"] = parityRun("1");
    runs["0"] = parityRun("0");
    // a failed run fails the tests that await it, not this hook
    runs["1"].catch(() => {});
    runs["0"].catch(() => {});
  });

  describe.each([
    ["1", "on"],
    ["0", "off"],
  ] as const)("TF_ENABLE_ONEDNN_OPTS=%s (oneDNN %s)", (onednn, state) => {
    const get = () => runs[onednn] as Promise<Run>;

    it(`loads TensorFlow with oneDNN ${state}`, async () => {
      const { report, stderr } = await get();
      expect(report.onednnEnv).toBe(onednn);
      const says = stderr.includes("oneDNN custom operations are on");
      if (onednn === "0") expect(says).toBe(false);
      // TensorFlow logs this at load where oneDNN is on by default (x86-64 Linux builds)
      else if (process.platform === "linux" && process.arch === "x64") expect(says).toBe(true);
    }, 120_000);

    it("runs each side on its own backend, leaks no tensor and fails only where expected", async () => {
      const { report } = await get();
      expect(report.cases.length).toBeGreaterThan(40);
      for (const c of report.cases) {
        expect(c.ranOn, c.name).toEqual({ tensorflow: "tensorflow", cpu: "cpu" });
        expect(c.leaked, c.name).toEqual({ tensorflow: 0, cpu: 0 });
      }
      expect(report.leakedOverall).toBe(0);
      const errors = report.cases.filter((c) => c.error !== undefined);
      expect(errors.map((c) => c.name).sort()).toEqual(Object.keys(EXPECTED_ERRORS[onednn]).sort());
      for (const c of errors) {
        expect(c.error?.cpu, c.name).toBeUndefined();
        expect(c.error?.tensorflow, c.name).toMatch(EXPECTED_ERRORS[onednn][c.name] as RegExp);
      }
      // the two sides really differ somewhere (two runs of one backend would be bit-identical)
      const notExact = report.cases.filter((c) => c.tensors.some((t) => !t.exact));
      expect(notExact.length).toBeGreaterThan(report.cases.length / 2);
    }, 120_000);

    it.each(GROUPS)(
      `%s: outputs and gradients within ${TOLERANCE} of cpu`,
      async (group) => {
        const { report } = await get();
        const cases = report.cases.filter((c) => c.group === group && c.error === undefined);
        expect(cases.length).toBeGreaterThan(0);
        for (const c of cases) {
          expect(c.tensors.length, c.name).toBeGreaterThan(0);
          // every compared tensor holds something, so that "equal" is not "both zero"
          for (const t of c.tensors) expect(t.scale, `${c.name}: ${t.name}`).toBeGreaterThan(0);
        }
        if (["conv2d", "depthwiseConv2d", "maxPool", "avgPool"].includes(group)) {
          expect(
            cases.some((c) => c.name.includes(" b1 ") && c.tensors.some((t) => t.name === "d/x")),
          ).toBe(true);
        }
        expect(overTolerance(cases)).toEqual([]);
      },
      120_000,
    );

    it("the cpu backend's known-wrong tensors are still wrong, and tensorflow is right there", async () => {
      const { report } = await get();
      for (const entry of CPU_KNOWN_WRONG) {
        const [name, tensor] = entry.split(": ") as [string, string];
        const c = report.cases.find((k) => k.name === name);
        const cpu = c?.reference?.cpu.find((t) => t.name === tensor);
        const tensorflow = c?.reference?.tensorflow.find((t) => t.name === tensor);
        // if tfjs fixes the cpu kernel, this fails: then drop the entry from CPU_KNOWN_WRONG
        expect(cpu?.rel, entry).toBeGreaterThan(1e-2);
        expect(tensorflow?.rel, entry).toBeLessThanOrEqual(TOLERANCE);
      }
    }, 120_000);
  });
});
