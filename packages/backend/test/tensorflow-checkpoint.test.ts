import { execFile } from "node:child_process";
import { mkdir, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { shouldRunTensorflowTests } from "./support/tensorflow-rung.js";

/**
 * @trainkit/checkpoint on the native `tensorflow` rung: exact resume in a new process (with
 * TensorFlow's oneDNN kernels on and off), and weights saved on wasm loaded on tensorflow.
 * Every training and loading step runs in a child process (`support/tensorflow-checkpoint-run.ts`):
 * TensorFlow reads TF_ENABLE_ONEDNN_OPTS once, when its library loads, and a resume has to
 * prove itself in a process that never saw the original model.
 */

const backendDir = fileURLToPath(new URL("..", import.meta.url));
const runner = fileURLToPath(new URL("./support/tensorflow-checkpoint-run.ts", import.meta.url));
const exec = promisify(execFile);

interface State {
  /** every weight's float32 bytes, hex (BatchNormalization's moving statistics included) */
  weights: string[];
  /** every optimizer slot as "name:dtype:hex", Adam's iteration count first */
  slots: string[];
}
interface TrainResult extends State {
  backend: string;
  step: number;
  losses: number[];
  leaked: number;
}
interface Snapshot extends State {
  predictions: number[];
}
interface WasmSaveResult {
  backend: string;
  atSave: Snapshot;
  next: Snapshot;
}
interface TensorflowLoadResult {
  backend: string;
  matchedBy: string[];
  optimizerRestored: boolean;
  step: number;
  weightsOnly: Snapshot;
  training: Snapshot;
  next: Snapshot;
  leaked: number;
}

async function child<T>(onednn: "0" | "1", ...args: string[]): Promise<T> {
  const { stdout } = await exec(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", runner, ...args],
    { cwd: backendDir, env: { ...process.env, TF_ENABLE_ONEDNN_OPTS: onednn } },
  );
  return JSON.parse(stdout.trim().split("\n").pop() ?? "") as T;
}

const floats = (hex: string) => {
  const bytes = Buffer.from(hex, "hex");
  return new Float32Array(bytes.buffer, bytes.byteOffset, bytes.byteLength / 4);
};

/** max |a - b| relative to max |b|, over several tensors together. */
function relError(actual: ArrayLike<number>[], expected: ArrayLike<number>[]): number {
  let maxAbs = 0;
  let scale = 0;
  expect(actual.length).toBe(expected.length);
  for (const [k, e] of expected.entries()) {
    const a = actual[k] as ArrayLike<number>;
    expect(a.length).toBe(e.length);
    for (let i = 0; i < e.length; i++) {
      maxAbs = Math.max(maxAbs, Math.abs((a[i] as number) - (e[i] as number)));
      scale = Math.max(scale, Math.abs(e[i] as number));
    }
  }
  expect(scale).toBeGreaterThan(0);
  return maxAbs / scale;
}

/**
 * The same tolerance as test/tensorflow-parity.test.ts: wasm (XNNPACK) and TensorFlow compute
 * in float32 with different summation orders; measured differences are about 1e-7 relative.
 */
const TOLERANCE = 1e-4;

const run = shouldRunTensorflowTests();

describe.skipIf(!run)("training checkpoints on the tensorflow rung", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "trainkit-tensorflow-checkpoint-"));
  });
  afterAll(async () => {
    if (dir !== undefined) await rm(dir, { recursive: true, force: true });
  });

  it.concurrent.each([
    ["1", "on"],
    ["0", "off"],
  ] as const)(
    "TF_ENABLE_ONEDNN_OPTS=%s (oneDNN %s): 10 steps straight == 6 steps, save, load in a NEW process, 4 steps: bit-identical weights and Adam slots",
    async (onednn, _state) => {
      const file = join(dir, `mid-epoch-onednn${onednn}.safetensors`);
      const [straight, first] = await Promise.all([
        child<TrainResult>(onednn, "train", "10"),
        child<TrainResult>(onednn, "save", "6", file),
      ]);
      const resumed = await child<TrainResult>(onednn, "resume", file, "10");
      for (const r of [straight, first, resumed]) {
        expect(r.backend).toBe("tensorflow");
        expect(r.leaked).toBe(0);
      }
      expect([straight.step, first.step, resumed.step]).toEqual([10, 6, 10]);
      // the save happened mid-epoch (4 steps per epoch) and the weights had moved on since
      expect(first.weights).not.toEqual(straight.weights);
      expect(resumed.losses).toEqual(straight.losses.slice(6));
      expect(resumed.weights).toEqual(straight.weights);
      expect(resumed.slots).toEqual(straight.slots);
    },
    120_000,
  );

  it.concurrent("weights saved on wasm (weights-only and training checkpoint) load on tensorflow and predict the same", async () => {
    const saved = join(dir, "from-wasm");
    await mkdir(saved);
    const wasm = await child<WasmSaveResult>("1", "wasm-save", saved);
    expect(wasm.backend).toBe("wasm");
    const loads = await Promise.all([
      child<TensorflowLoadResult>("1", "tensorflow-load", saved),
      child<TensorflowLoadResult>("0", "tensorflow-load", saved),
    ]);
    for (const tf of loads) {
      expect(tf.backend).toBe("tensorflow");
      expect(tf.leaked).toBe(0);
      expect(tf.optimizerRestored).toBe(true);
      expect(tf.step).toBe(3);
      // the bytes arrive unchanged: weights from both files, and Adam's slots and step count
      expect(tf.weightsOnly.weights).toEqual(wasm.atSave.weights);
      expect(tf.training.weights).toEqual(wasm.atSave.weights);
      expect(tf.training.slots).toEqual(wasm.atSave.slots);
      // and compute the same on the other backend
      expect(relError([tf.weightsOnly.predictions], [wasm.atSave.predictions])).toBeLessThan(
        TOLERANCE,
      );
      expect(relError([tf.training.predictions], [wasm.atSave.predictions])).toBeLessThan(
        TOLERANCE,
      );
      // one more Adam step from the restored state moves the weights as it did on wasm
      const step = (s: State, from: State) =>
        s.weights.map((w, i) => {
          const start = floats(from.weights[i] as string);
          return floats(w).map((v, j) => v - (start[j] as number));
        });
      expect(relError(step(tf.next, tf.training), step(wasm.next, wasm.atSave))).toBeLessThan(
        TOLERANCE,
      );
      expect(relError([tf.next.predictions], [wasm.next.predictions])).toBeLessThan(TOLERANCE);
    }
  }, 120_000);
});
