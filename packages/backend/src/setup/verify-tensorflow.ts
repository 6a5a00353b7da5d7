import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import * as path from "node:path";
import { SetupError } from "../errors.js";
import { RESTORE_IS_NULL_OR_UNDEFINED } from "../internal/node-compat.js";

export interface VerifyResult {
  /** `TF_Version` of the library the addon loaded. */
  tensorflowVersion: string;
  /** Whether TensorFlow sees a GPU (the GPU build). */
  gpu: boolean;
  /** Largest relative difference of the conv gradients against the `cpu` backend. */
  maxRelativeError: number;
  /** Seconds the child took (load and check). */
  seconds: number;
}

/**
 * The check run in a child process, so that a crash in native code cannot take the caller
 * down: load the addon, read TF_Version, compare conv2d's input and filter gradients with the
 * plain-JS `cpu` backend on a strided 'same' convolution.
 */
const CHECK = `
${RESTORE_IS_NULL_OR_UNDEFINED}
const tf = require(process.argv[1]);
const t0 = Date.now();
function grads() {
  return tf.tidy(() => {
    const x = tf.tensor4d(Array.from({ length: 2 * 9 * 9 * 3 }, (_, i) => Math.sin(i * 0.37)), [2, 9, 9, 3]);
    const w = tf.tensor4d(Array.from({ length: 3 * 3 * 3 * 4 }, (_, i) => Math.cos(i * 0.11)), [3, 3, 3, 4]);
    const f = (a, b) => tf.conv2d(a, b, 2, "same").square().sum();
    return tf.grads(f)([x, w]).map((g) => Array.from(g.dataSync()));
  });
}
if (tf.getBackend() !== "tensorflow") throw new Error("the tensorflow backend is not active (" + tf.getBackend() + ")");
const native = grads();
const version = tf.backend().binding.TF_Version;
const gpu = tf.backend().isUsingGpuDevice === true;
tf.setBackend("cpu");
const reference = grads();
let worst = 0;
native.forEach((g, k) => g.forEach((v, i) => {
  const r = reference[k][i];
  worst = Math.max(worst, Math.abs(v - r) / Math.max(1, Math.abs(r)));
}));
process.stdout.write("\\nTRAINKIT_VERIFY " + JSON.stringify({ version, gpu, worst, ms: Date.now() - t0 }) + "\\n");
`;

const TOLERANCE = 1e-4;

/** Loads the built addon in a child process and checks it; throws VERIFY_FAILED otherwise. */
export function verifyTensorflow(packageDir: string, timeoutMs = 180_000): VerifyResult {
  // Read `main` directly: Node's resolver caches a package.json it did not find before the
  // package was installed in this same process.
  const pkg = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
    main?: string;
  };
  const main = path.join(packageDir, pkg.main ?? "index.js");
  const started = Date.now();
  const child = spawnSync(process.execPath, ["-e", CHECK, main], {
    encoding: "utf8",
    timeout: timeoutMs,
    maxBuffer: 16 * 1024 * 1024,
  });
  const output = `${child.stdout ?? ""}\n${child.stderr ?? ""}`;
  const line = /TRAINKIT_VERIFY (\{.*\})/.exec(child.stdout ?? "")?.[1];
  if (!line) {
    const why = child.error
      ? child.error.message
      : child.signal
        ? `the child was killed by ${child.signal}`
        : (output
            .split("\n")
            .map((l) => l.trim())
            .find((l) => /Error|error:|undefined symbol|cannot open/.test(l)) ??
          `exit ${child.status}`);
    throw new SetupError(
      "VERIFY_FAILED",
      `The built addon does not load (${why}): rerun with --force to rebuild it; if that fails too, report it with the output of \`node -e "require('${main}')"\`.`,
    );
  }
  const parsed = JSON.parse(line) as { version: string; gpu: boolean; worst: number; ms: number };
  if (!(parsed.worst <= TOLERANCE)) {
    throw new SetupError(
      "VERIFY_FAILED",
      `TensorFlow ${parsed.version} loaded, but its conv2d gradients differ from the cpu backend's by ${parsed.worst.toExponential(2)} (tolerance ${TOLERANCE}): try TF_ENABLE_ONEDNN_OPTS=0, or another --tf-version.`,
    );
  }
  return {
    tensorflowVersion: parsed.version,
    gpu: parsed.gpu,
    maxRelativeError: parsed.worst,
    seconds: (Date.now() - started) / 1000,
  };
}
