/**
 * NCHW → NHWC of a [64, 64, 128, 128] float32 tensor (256 MiB):
 * - our typed-array path (transposeArray / toNHWC on { data, shape }),
 * - tf.transpose on the cpu backend,
 * against a plain copy of the same bytes (TypedArray.prototype.set, i.e. memcpy): the floor.
 *
 * Run: npm run bench -w @trainkit/tensor-layout
 * Bandwidth = tensor bytes / time (each byte read once and written once in every variant).
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { toNHWC, transposeArray } from "../src/index.js";

const shape = [64, 64, 128, 128];
const perm = [0, 2, 3, 1];
const n = shape.reduce((a, b) => a * b, 1);
const bytes = n * 4;
const REPS = Number(process.env.BENCH_REPS ?? 5);

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

function time(reps: number, fn: () => void): { median: number; best: number } {
  fn(); // warm-up (JIT, page faults of preallocated buffers)
  const ts: number[] = [];
  for (let r = 0; r < reps; r++) {
    const t0 = performance.now();
    fn();
    ts.push(performance.now() - t0);
  }
  return { median: median(ts), best: Math.min(...ts) };
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = (i % 1000) * 0.001 - 0.5;
  const copyDst = new Float32Array(n);
  const out = new Float32Array(n);

  const rows: Array<[string, { median: number; best: number }]> = [];
  rows.push(["plain copy, preallocated (dst.set(src))", time(REPS, () => copyDst.set(src))]);
  rows.push([
    "transposeArray, preallocated output",
    time(REPS, () => transposeArray(src, shape, perm, out)),
  ]);
  rows.push(["plain copy, new array (src.slice())", time(REPS, () => void src.slice())]);
  rows.push([
    "toNHWC({ data, shape }, 'NCHW'), new array",
    time(REPS, () => void toNHWC({ data: src, shape }, "NCHW")),
  ]);
  const t = tf.tensor(src, shape, "float32");
  rows.push([
    "tf.transpose (cpu backend), new tensor",
    time(Math.min(REPS, 2), () => {
      const y = tf.transpose(t, perm);
      y.dataSync();
      y.dispose();
    }),
  ]);
  t.dispose();

  // spot-check the result
  const [, C, H, W] = shape as [number, number, number, number];
  for (let k = 0; k < 1000; k++) {
    const i = Math.floor(Math.random() * n);
    const b = Math.floor(i / (C * H * W));
    const c = Math.floor(i / (H * W)) % C;
    const h = Math.floor(i / W) % H;
    const w = i % W;
    if (out[((b * H + h) * W + w) * C + c] !== src[i]) throw new Error(`wrong value at ${i}`);
  }

  const copyPre = rows[0]?.[1].median as number;
  const copyNew = rows[2]?.[1].median as number;
  console.log(
    `NCHW -> NHWC, [${shape.join(", ")}] float32 (${(bytes / 2 ** 20).toFixed(0)} MiB), ${REPS} reps, median (best)`,
  );
  console.log(
    `node ${process.version}, tfjs-core ${tf.version_core}, backend ${tf.getBackend()}\n`,
  );
  console.log("| variant | time ms | GB/s | vs copy |");
  console.log("| --- | ---: | ---: | ---: |");
  rows.forEach(([name, r], i) => {
    const base = i === 0 || i === 1 ? copyPre : copyNew;
    const gbs = bytes / (r.median / 1000) / 1e9;
    console.log(
      `| ${name} | ${r.median.toFixed(0)} (${r.best.toFixed(0)}) | ${gbs.toFixed(2)} | ${((base / r.median) * 100).toFixed(0)}% |`,
    );
  });
  console.log(
    "\n'vs copy' = copy time / variant time: preallocated rows against the preallocated copy, allocating rows against src.slice().",
  );
}

void main();
