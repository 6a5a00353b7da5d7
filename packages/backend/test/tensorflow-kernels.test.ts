import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { beforeAll, describe, expect, it } from "vitest";
import type { KernelCase, KernelsReport, TensorDiff } from "./support/tensorflow-kernels-run.js";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * registerTensorflowKernels() on the real native `tensorflow` rung (@tensorflow/tfjs-node): every
 * case is computed from the same arrays on the `cpu` backend, on `tensorflow` with tfjs-node's own
 * kernels, then on `tensorflow` with trainkit's, in one child process per oneDNN setting
 * (`support/tensorflow-kernels-run.ts`; TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when it
 * loads). A third child runs against a TensorFlow library without oneDNN's pooling ops (its
 * binding made to refuse them, as such a library does).
 *
 * Tolerances: ReLU's gradient and max pooling over windows that do not overlap are the same
 * computation in another op: bit-identical. Where pooling windows overlap, the gradients that land
 * on one input element are added in another order: at most 2e-6 absolute (the inputs are within
 * [-3, 3], the gradients sums of up to 9 terms within [-1, 1]: a few float32 roundings). Matrix
 * products stay tfjs-node's own (BatchMatMulV2): bit-identical. The demo CNN trained with
 * model.fit (two Adam steps): losses and weights within 1e-5.
 */
const RUN = shouldRunTensorflowTests();
const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-kernels-run.ts", import.meta.url));
const exec = promisify(execFile);

interface Run {
  report: KernelsReport;
  stderr: string;
}

async function kernelsRun(mode: "parity" | "missing-ops", onednn: "0" | "1"): Promise<Run> {
  const { stdout, stderr } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", runner, mode],
    {
      cwd: backendDir,
      env: { ...process.env, TF_ENABLE_ONEDNN_OPTS: onednn, TRAINKIT_BACKEND: "" },
      maxBuffer: 64 * 1024 * 1024,
    },
  );
  const last = stdout.trim().split("\n").pop() ?? "";
  return { report: JSON.parse(last) as KernelsReport, stderr };
}

/** JSON writes Infinity and NaN as null. */
const num = (v: number | null) => (v === null ? Number.POSITIVE_INFINITY : v);

/** "case: tensor maxAbs=..." for every compared tensor that fails `ok`. */
function failing(
  cases: KernelCase[],
  diffs: (c: KernelCase) => TensorDiff[],
  ok: (d: TensorDiff, c: KernelCase) => boolean,
): string[] {
  const out: string[] = [];
  for (const c of cases) {
    for (const d of diffs(c)) {
      if (!ok(d, c))
        out.push(`${c.name}: ${d.name} maxAbs=${d.maxAbs} rel=${d.rel} exact=${d.exact}`);
    }
  }
  return out;
}

const exact = (d: TensorDiff) => d.exact;

describe.skipIf(!RUN)("registerTensorflowKernels on the tensorflow rung", () => {
  const runs: Partial<Record<"0" | "1" | "missing", Promise<Run>>> = {};
  beforeAll(() => {
    runs["1"] = kernelsRun("parity", "1");
    runs["0"] = kernelsRun("parity", "0");
    runs.missing = kernelsRun("missing-ops", "1");
    // a failed run fails the tests that await it, not this hook
    for (const r of Object.values(runs)) r?.catch(() => {});
  });

  describe.each([
    ["1", "on"],
    ["0", "off"],
  ] as const)("TF_ENABLE_ONEDNN_OPTS=%s (oneDNN %s)", (onednn, _state) => {
    const get = async () => (await (runs[onednn] as Promise<Run>)).report;
    const group = async (g: KernelCase["group"]) => {
      const cases = (await get()).cases.filter((c) => c.group === g);
      expect(cases.length).toBeGreaterThan(0);
      return cases;
    };

    it("registers every kernel once, and initBackend registers them unless told not to", async () => {
      const report = await get();
      expect(report.onednnEnv).toBe(onednn);
      const all = ["ReluGrad", "MaxPool", "MaxPoolGrad"];
      // initBackend({ tensorflowKernels: false }) left tfjs-node's kernels alone
      expect(report.withoutKernels?.name).toBe("tensorflow");
      expect(report.withoutKernels?.tensorflowKernels).toBeUndefined();
      expect(report.withoutKernels?.ownKernels).toBe(true);
      expect(report.withoutKernels?.reason).not.toMatch(/faster kernel/);
      expect(report.registration).toEqual({ registered: all, skipped: [] });
      // a second call changes nothing and reports the same
      expect(report.registrationAgain).toEqual({ registered: all, skipped: [] });
      expect(report.sameKernelsAfterAgain).toBe(true);
      expect(report.trainkitKernels).toEqual(all);
      expect(report.withKernels?.tensorflowKernels).toEqual(all);
      expect(report.withKernels?.reason).toMatch(/, 3 faster kernels$/);
      // matrix products stay with tfjs-node's BatchMatMul (trainkit's MatMul one was removed)
      expect(report.ownBatchMatMul).toBe(true);
    }, 120_000);

    it("computes Relu's gradient bit-identical to tfjs's, and leaves the cpu backend's to tfjs", async () => {
      const cases = (await group("relu")).filter((c) => c.name !== "relu NaN");
      for (const c of cases) {
        expect(c.ours.counts.reluGrad, c.name).toBe(1);
        expect(c.vsOwn.map((d) => d.name).sort(), c.name).toEqual(["d/0", "y"]);
        // on cpu, after registration: tfjs's own gradient, same bits, no ReluGrad kernel
        expect(c.cpuAfter?.counts.reluGrad, c.name).toBeUndefined();
        expect(c.cpuAfter?.counts.reluGradTfjs, c.name).toBe(1);
      }
      expect(failing(cases, (c) => c.vsOwn, exact)).toEqual([]);
      expect(failing(cases, (c) => c.vsCpu, exact)).toEqual([]);
      expect(failing(cases, (c) => c.cpuAfterVsCpu ?? [], exact)).toEqual([]);
    }, 120_000);

    it("gives 0 where x is NaN, as TensorFlow does (tfjs's gradient gives NaN)", async () => {
      const c = (await group("relu")).find((k) => k.name === "relu NaN") as KernelCase;
      const gradient = c.vsOwn.find((d) => d.name === "d/0") as TensorDiff;
      // only the NaN element differs: the rest is bit-identical (checked above on larger inputs)
      expect(gradient.exact).toBe(false);
      expect(num(gradient.maxAbs)).toBe(Number.POSITIVE_INFINITY);
      expect(c.vsOwn.find((d) => d.name === "y")?.exact).toBe(true);
    }, 120_000);

    it("max pooling: forward identical; gradient identical without overlap, within 2e-6 with, 'same' and 'valid', batch 1, ties", async () => {
      const cases = await group("maxPool");
      expect(cases.length).toBeGreaterThanOrEqual(34);
      for (const want of [" same ", " valid ", " b1 ", " integers", "relu integers"]) {
        expect(
          cases.some((c) => c.name.includes(want)),
          want,
        ).toBe(true);
      }
      expect(cases.filter((c) => c.overlapping === true).length).toBeGreaterThanOrEqual(12);
      for (const c of cases) {
        // oneDNN ran both ways: the gradient with the kept workspace, the direct call without
        expect(c.ours.counts.maxPool, c.name).toBeGreaterThanOrEqual(1);
        expect(c.ours.counts.maxPoolGradKept, c.name).toBe(1);
        expect(c.ours.counts.maxPoolFallback, c.name).toBeUndefined();
        expect(c.ours.counts.maxPoolGradFallback, c.name).toBeUndefined();
      }
      expect(cases.filter((c) => c.ours.counts.maxPoolGradRecomputed === 1).length).toBe(
        cases.length - 1, // "explicit pad 0" has no direct call
      );
      expect(failing(cases, (c) => c.vsOwn.filter((d) => d.name === "y"), exact)).toEqual([]);
      expect(
        failing(
          cases,
          (c) => c.vsOwn.filter((d) => d.name !== "y"),
          (d, c) => (c.overlapping === true ? num(d.maxAbs) <= 2e-6 : d.exact),
        ),
      ).toEqual([]);
      // and against the cpu backend (which also sends a tie's gradient to the first maximum)
      expect(
        failing(
          cases,
          (c) => c.vsCpu,
          (d, c) => (c.overlapping === true && d.name !== "y" ? num(d.maxAbs) <= 2e-6 : d.exact),
        ),
      ).toEqual([]);
    }, 120_000);

    it("leaves matrix products to tfjs-node: identical to its own, within 1e-5 of cpu, every transpose", async () => {
      const cases = await group("matMul");
      expect(cases.some((c) => c.name.includes("both"))).toBe(true);
      expect(cases.some((c) => c.name.includes("rank 3 batch 1"))).toBe(true);
      // no trainkit kernel ran, except ReluGrad for the fused dense layer's relu
      for (const c of cases) {
        expect(c.ours.counts, c.name).toEqual(c.name.includes("relu") ? { reluGrad: 1 } : {});
      }
      expect(failing(cases, (c) => c.vsOwn, exact)).toEqual([]);
      expect(
        failing(
          cases,
          (c) => c.vsCpu,
          (d) => num(d.rel) <= 1e-5,
        ),
      ).toEqual([]);
    }, 120_000);

    it("trains the demo CNN with model.fit to within 1e-5 of tfjs-node's own kernels, on every fast path", async () => {
      const [c] = await group("demoCnn");
      expect(c?.ours.error).toBeUndefined();
      // two steps: each ReLU and pooling layer (two each)
      expect(c?.ours.counts).toEqual({ reluGrad: 4, maxPool: 4, maxPoolGradKept: 4 });
      expect(c?.vsOwn.length).toBe(7); // loss and six weights
      expect(
        failing(
          [c as KernelCase],
          (k) => k.vsOwn,
          (d) => num(d.maxAbs) <= 1e-5,
        ),
      ).toEqual([]);
      expect(
        failing(
          [c as KernelCase],
          (k) => k.vsCpu,
          (d) => num(d.rel) <= 1e-4,
        ),
      ).toEqual([]);
    }, 120_000);

    it("leaks no tensor, TensorFlow handle or pooling workspace", async () => {
      const report = await get();
      for (const c of report.cases) {
        expect(c.ours.leaked, c.name).toBe(0);
        expect(c.ours.leakedHandles, c.name).toBe(0);
        expect(c.own.leaked, c.name).toBe(0);
      }
      // a workspace lives exactly as long as its pooled output, and only under a gradient
      expect(report.workspaces).toEqual({
        duringGradient: 1,
        afterGradient: 0,
        outsideGradient: 0,
      });
      expect(report.keptWorkspacesAtEnd).toBe(0);
      expect(report.leakedOverall).toBe(0);
    }, 120_000);

    it("leaves int32 and explicit padding to tfjs-node, with its results and errors", async () => {
      const cases = await group("fallback");
      const byName = (n: string) => cases.find((c) => c.name === n) as KernelCase;
      expect(byName("fallback maxPool int32").ours.counts).toEqual({ maxPoolFallback: 1 });
      const pad1 = byName("fallback maxPool explicit pad 1");
      expect(pad1.ours.counts).toEqual({ maxPoolFallback: 1 });
      expect(pad1.cpu.error).toBeUndefined();
      expect(pad1.own.error).toMatch(/supports only 'valid' and 'same' padding/);
      expect(pad1.ours.error).toBe(pad1.own.error);
      const computed = cases.filter((c) => c !== pad1);
      for (const c of computed) expect(c.vsOwn.length, c.name).toBeGreaterThan(0);
      expect(failing(computed, (c) => c.vsOwn, exact)).toEqual([]);
      expect(
        failing(
          computed,
          (c) => c.vsCpu,
          (d) => num(d.rel) <= 1e-6,
        ),
      ).toEqual([]);
    }, 120_000);

    it("falls back to tfjs-node's max pooling for good once a oneDNN op fails, with correct results", async () => {
      const failure = (await get()).runtimeFailure;
      // the gradient's op failed after the forward kept a workspace; nothing tried oneDNN again
      expect(failure?.attemptsAfterFailure).toBe(1);
      expect(failure?.unavailable).toMatch(
        /_MklNativeMaxPoolGrad failed \('_MklNativeMaxPoolGrad' is neither/,
      );
      expect(failure?.counts.maxPoolGradFallback).toBeGreaterThanOrEqual(2);
      expect(failure?.counts.maxPoolGradKept).toBeUndefined();
      expect(failure?.vsOwn.length).toBe(5);
      expect(failure?.vsOwn.filter((d) => !d.exact)).toEqual([]);
      expect(failure?.leaked).toBe(0);
      expect(failure?.keptWorkspaces).toBe(0);
      expect(failure?.registration.registered).toEqual(["ReluGrad"]);
      expect(failure?.registration.skipped.map((s) => [s.name, s.reason])).toEqual([
        ["MaxPool", failure?.unavailable],
        ["MaxPoolGrad", failure?.unavailable],
      ]);
    }, 120_000);
  });

  it("on a TensorFlow library without oneDNN's pooling ops, registers the rest and says why", async () => {
    const { report } = await (runs.missing as Promise<Run>);
    expect(report.withKernels?.tensorflowKernels).toEqual(["ReluGrad"]);
    expect(report.withKernels?.reason).toMatch(/, 1 faster kernel$/);
    expect(report.trainkitKernels).toEqual(["ReluGrad"]);
    const why = report.registration?.skipped;
    expect(why?.map((s) => s.name)).toEqual(["MaxPool", "MaxPoolGrad"]);
    expect(why?.[0]?.reason).toMatch(
      /^this TensorFlow library cannot run _MklNativeMaxPool \('_MklNativeMaxPool' is neither .*\), so tfjs-node's own max pooling is used$/,
    );
    // probed once at registration, never again; the second call gives the same answer
    expect(report.oneDnnAttempts).toBe(1);
    expect(report.registrationAgain).toEqual(report.registration);
    expect(report.cases.length).toBe(3);
    for (const c of report.cases) {
      expect(c.ours.error, c.name).toBeUndefined();
      expect(c.ours.counts, c.name).toEqual({});
      expect(c.ours.leaked, c.name).toBe(0);
      expect(
        failing(
          [c],
          (k) => k.vsCpu,
          (d) => num(d.maxAbs) <= 2e-6,
        ),
      ).toEqual([]);
    }
    expect(report.keptWorkspacesAtEnd).toBe(0);
  }, 120_000);
});
