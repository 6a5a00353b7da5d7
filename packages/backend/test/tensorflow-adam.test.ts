import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { readSafetensors } from "@trainkit/checkpoint";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * tensorflowAdam on the native `tensorflow` rung, against tf.train.adam on the same backend, with
 * TensorFlow's oneDNN kernels on and off. Everything runs in child processes
 * (`support/tensorflow-adam-run.ts`): TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when its library
 * loads, and a resume has to prove itself in a process that never saw the original optimizer.
 *
 * Tolerances, all relative to the largest magnitude unless said otherwise:
 *
 * - ONE_UPDATE = 1e-6, per element, for the first update itself (from weights at 0, so that
 *   nothing else rounds): tf.train.adam rounds about 8 times on the way (moments, bias
 *   corrections, square root, epsilon, quotient, rate) and TensorFlow's op about 9 times, each at
 *   most 6e-8 relative, so the two may differ by up to about 1e-6; the worst of 4096 elements
 *   measures 3.7e-7. Without the correction of the moments' weights (see the class comment of
 *   TensorflowAdamOptimizer) every update is 6.6e-6 too small.
 * - ONE_STEP = 2^-23 (1.2e-7) for the weights after one step: an update that agrees to 1e-6 of a
 *   step of 0.01 can still round a weight to the neighbouring float32 (measured 3e-8 and 6e-8).
 * - TWENTY_STEPS = 1e-6 for the weights after 20 steps, learning-rate changes and cross-resumes:
 *   the same 20 steps of tf.train.adam on the `cpu` backend and on `tensorflow` differ by about
 *   5e-7 (float32 kernels summing in other orders), the noise floor of training in float32;
 *   tensorflowAdam measures 7e-8 (fit) and 2e-7 (minimize, cross-resume). A wrong rate, a missing
 *   bias correction or an unscaled epsilon is off by 1e-5 or more.
 */
const ONE_UPDATE = 1e-6;
const ONE_STEP = 2 ** -23;
const TWENTY_STEPS = 1e-6;
/** m after 20 steps, and v times k2 (see below): the trajectories' drift, as for the weights. */
const SLOTS = 1e-5;
/**
 * TensorFlow keeps v as the average of the squared gradients; tfjs weights it by
 * fround(1 - beta2) / (1 - fround(beta2)), 1 + 1.3e-5 for beta2 = 0.999 (documented in the README).
 */
const K2 = Math.fround(1 - 0.999) / (1 - Math.fround(0.999));

const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-adam-run.ts", import.meta.url));
const exec = promisify(execFile);

async function child<T>(onednn: "0" | "1", ...args: string[]): Promise<T> {
  const { stdout } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", runner, ...args],
    { cwd: backendDir, env: { ...process.env, TF_ENABLE_ONEDNN_OPTS: onednn } },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as T;
}

interface ThrownError {
  code?: string;
  message: string;
  isOptimizerError: boolean;
}
interface Slot {
  name: string;
  sameLayout: boolean;
  relError: number;
  relErrorScaled: number;
}
interface Parity {
  backend: string;
  made: {
    isNative: boolean;
    className: string;
    config: Record<string, number>;
    referenceConfig: Record<string, number>;
  };
  minimize: { updateRelError: number; oneStep: number; twentySteps: number };
  fit: {
    oneStep: number;
    oneStepLoss: number[];
    twentySteps: number;
    twentyStepsCpuVsTensorflow: number;
    classNames: string[];
    iterations: number[];
    iterationSlots: { name: string; dtype: string; value: number }[];
    slotCounts: number[];
    slotErrors: Slot[];
  };
  schedule: {
    applied: number[];
    configRate: number;
    unchangedWhereZero: boolean[];
    changedElsewhere: boolean[];
    relErrorPerStep: number[];
  };
  leaks: {
    before: { tensors: number; handles: number };
    after: { tensors: number; handles: number };
    perStep: number[];
    resourcesMade: number;
    resourcesLeft: number;
    uniqueNames: number;
  };
  errors: {
    results: Record<string, ThrownError>;
    delegated: { isTfAdam: boolean; isNative: boolean };
  };
}
interface Training {
  backend: string;
  native: boolean;
  step: number;
  losses: number[];
  weights: string[];
  slots: string[];
}

const floats = (hex: string) => {
  const bytes = Buffer.from(hex, "hex");
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** max |a - b| over max |b|, over all tensors together. */
function relError(actual: string[], expected: string[]): number {
  let maxAbs = 0;
  let scale = 0;
  expect(actual.length).toBe(expected.length);
  for (const [k, e] of expected.entries()) {
    const b = floats(e);
    const a = floats(actual[k] as string);
    expect(a.length).toBe(b.length);
    for (let i = 0; i < b.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((a[i] as number) - (b[i] as number)));
      scale = Math.max(scale, Math.abs(b[i] as number));
    }
  }
  return maxAbs / scale;
}

const run = shouldRunTensorflowTests();

describe.skipIf(!run)("tensorflowAdam on the tensorflow rung", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "trainkit-tensorflow-adam-"));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it.concurrent.each([
    ["1", "on"],
    ["0", "off"],
  ] as const)(
    "TF_ENABLE_ONEDNN_OPTS=%s (oneDNN %s): the same updates as tf.train.adam through minimize and fit, the same getWeights layout, learning-rate changes, no leaks, clear errors",
    async (onednn, _state) => {
      const r = await child<Parity>(onednn, "parity");
      expect(r.backend).toBe("tensorflow");

      // made natively on tensorflow, with tf.train.adam's class name and config
      expect(r.made.isNative).toBe(true);
      expect(r.made.className).toBe("Adam");
      expect(r.made.config).toEqual(r.made.referenceConfig);

      // minimize
      expect(r.minimize.updateRelError).toBeLessThan(ONE_UPDATE);
      expect(r.minimize.oneStep).toBeLessThanOrEqual(ONE_STEP);
      expect(r.minimize.twentySteps).toBeLessThan(TWENTY_STEPS);

      // model.fit
      expect(r.fit.oneStep).toBeLessThanOrEqual(ONE_STEP);
      expect(r.fit.oneStepLoss[0]).toBe(r.fit.oneStepLoss[1]);
      expect(r.fit.twentySteps).toBeLessThan(TWENTY_STEPS);
      expect(r.fit.twentyStepsCpuVsTensorflow).toBeLessThan(1e-5); // the yardstick is sane

      // getWeights: iter, then m of each trainable weight in order, then v, as tf.train.adam
      expect(r.fit.classNames).toEqual(["Adam", "Adam"]);
      expect(r.fit.iterations).toEqual([20, 20]);
      expect(r.fit.iterationSlots).toEqual([
        { name: "iter", dtype: "int32", value: 20 },
        { name: "iter", dtype: "int32", value: 20 },
      ]);
      expect(r.fit.slotCounts).toEqual([12, 12, 12]);
      for (const slot of r.fit.slotErrors) {
        expect(slot.sameLayout, slot.name).toBe(true);
        if (slot.name.endsWith("/m")) {
          expect(slot.relError, slot.name).toBeLessThan(SLOTS);
        } else {
          // v: the documented factor, and nothing else
          expect(slot.relError, slot.name).toBeGreaterThan(0.8 * (K2 - 1));
          expect(slot.relErrorScaled, slot.name).toBeLessThan(SLOTS);
        }
      }

      // the rate written before every batch (as @trainkit/schedulers does): every rate is used from its step on
      const rates = [0.01, 0.01, 0, 0, 0.02, 0.005, 0, 0.01];
      expect(r.schedule.applied).toEqual(rates);
      expect(r.schedule.configRate).toBe(0.01);
      expect(r.schedule.unchangedWhereZero).toEqual([true, true, true]);
      expect(r.schedule.changedElsewhere).toEqual([true, true, true, true]);
      expect(r.schedule.relErrorPerStep).toHaveLength(8);
      for (const e of r.schedule.relErrorPerStep) expect(e).toBeLessThan(TWENTY_STEPS);

      // dispose() frees every tfjs tensor, TensorFlow handle and resource variable
      expect(r.leaks.after).toEqual(r.leaks.before);
      expect(new Set(r.leaks.perStep.slice(2).filter((_, i) => i % 2 === 0)).size).toBe(1);
      expect(new Set(r.leaks.perStep.slice(2).filter((_, i) => i % 2 === 1)).size).toBe(1);
      expect(r.leaks.resourcesMade).toBeGreaterThanOrEqual(18); // 6 variables + 12 moments
      expect(r.leaks.uniqueNames).toBe(r.leaks.resourcesMade);
      expect(r.leaks.resourcesLeft).toBe(0);

      // errors
      const e = r.errors.results;
      const expectError = (key: string, code: string, message: RegExp) => {
        expect(e[key]?.isOptimizerError, key).toBe(true);
        expect(e[key]?.code, key).toBe(code);
        expect(e[key]?.message, key).toMatch(message);
      };
      expectError("negativeRateLater", "INVALID_ARGUMENT", /learningRate .*>= 0, got -0\.5/);
      expectError("nanRateLater", "INVALID_ARGUMENT", /learningRate .*got NaN/);
      expectError("unknownVariable", "INVALID_VARIABLE", /"noSuchVariable"/);
      expectError("wrongGradientShape", "INVALID_VARIABLE", /float32 \[4\].*float32 \[3\]/);
      expectError("oddSetWeights", "INVALID_ARGUMENT", /as many second moments/);
      expectError("missingIterations", "INVALID_ARGUMENT", /iteration count.*"a\/m"/);
      expectError("backendChanged", "WRONG_BACKEND", /now "cpu".*tensorflowAdam\(\) returns/);
      expectError("constructedOnCpu", "WRONG_BACKEND", /"cpu"\. Use tensorflowAdam\(\)/);
      expectError("afterDispose", "DISPOSED", /disposed; make a new one/);
      expectError("getWeightsAfterDispose", "DISPOSED", /disposed/);
      expect(r.errors.delegated).toEqual({ isTfAdam: true, isNative: false });
    },
    120_000,
  );

  it.concurrent.each([
    ["1", "on"],
    ["0", "off"],
  ] as const)(
    "TF_ENABLE_ONEDNN_OPTS=%s (oneDNN %s): checkpoints: exact resume in a NEW process, and resume across tensorflowAdam and tf.train.adam",
    async (onednn, _state) => {
      const nativeFile = join(dir, `native-${onednn}.safetensors`);
      const tfjsFile = join(dir, `tfjs-${onednn}.safetensors`);
      // 10 steps straight, saving a checkpoint after 6 (mid-epoch: 4 steps per epoch)
      const [native, tfjs] = await Promise.all([
        child<Training>(onednn, "train", "native", "10", "6", nativeFile),
        child<Training>(onednn, "train", "tfjs", "10", "6", tfjsFile),
      ]);
      const [nativeFromNative, nativeFromTfjs, tfjsFromNative] = await Promise.all([
        child<Training>(onednn, "resume", "native", nativeFile, "10"),
        child<Training>(onednn, "resume", "native", tfjsFile, "10"),
        child<Training>(onednn, "resume", "tfjs", nativeFile, "10"),
      ]);
      for (const r of [native, tfjs, nativeFromNative, nativeFromTfjs, tfjsFromNative]) {
        expect(r.backend).toBe("tensorflow");
        expect(r.step).toBe(10);
      }
      expect([native, nativeFromNative, nativeFromTfjs].map((r) => r.native)).toEqual([
        true,
        true,
        true,
      ]);
      expect([tfjs, tfjsFromNative].map((r) => r.native)).toEqual([false, false]);

      // exact: the resumed run is the straight run, bit for bit (weights, moments, losses)
      expect(nativeFromNative.losses).toEqual(native.losses.slice(6));
      expect(nativeFromNative.weights).toEqual(native.weights);
      expect(nativeFromNative.slots).toEqual(native.slots);

      // the two files have the same layout, and the same beta powers, byte for byte
      const [a, b] = await Promise.all([readSafetensors(nativeFile), readSafetensors(tfjsFile)]);
      const layout = (f: typeof a) =>
        Object.entries(f.tensors)
          .map(([name, t]) => `${name} ${t.dtype} [${t.shape}]`)
          .sort();
      expect(layout(a)).toEqual(layout(b));
      expect(layout(a)).toContain("optimizer/@hidden/accBeta1 F32 []");
      expect(JSON.parse(a.metadata["trainkit.optimizer"] ?? "")).toEqual(
        JSON.parse(b.metadata["trainkit.optimizer"] ?? ""),
      );
      for (const power of ["accBeta1", "accBeta2"]) {
        const key = `optimizer/@hidden/${power}`;
        expect(Array.from(a.tensors[key]?.data as Float32Array)).toEqual(
          Array.from(b.tensors[key]?.data as Float32Array),
        );
      }

      // across: each resumes the other's checkpoint and lands where the other's straight run did
      expect(relError(nativeFromTfjs.weights, tfjs.weights)).toBeLessThan(TWENTY_STEPS);
      expect(relError(tfjsFromNative.weights, native.weights)).toBeLessThan(TWENTY_STEPS);
      expect(relError(native.weights, tfjs.weights)).toBeLessThan(TWENTY_STEPS);
    },
    120_000,
  );
});
