/**
 * NCHW → NHWC of a [64, 64, 128, 128] float32 tensor (256 MiB):
 * - our typed-array path (transposeArray / toNHWC on { data, shape }), which uses the WebAssembly
 *   SIMD kernel here, and the same call forced onto the pure-JS kernel for comparison,
 * - toNHWC on a tensor and tf.transpose, both on the cpu backend,
 * against a plain copy of the same bytes (TypedArray.prototype.set, i.e. memcpy): the floor.
 *
 * Then 3-channel image batches, [64, 3, 224, 224] uint8 and float32, NCHW → NHWC and back, into
 * preallocated outputs, against the same copy.
 *
 * Run: npm run bench -w @trainkit/tensor-layout   (BENCH_ROUNDS sets the rounds, default 7)
 * Variants run interleaved, one of each per round, so a load spike on a shared machine hits all of
 * them; "vs copy" is the median over rounds of (copy time / variant time) within the same round.
 * Bandwidth = tensor bytes / time (each byte read once and written once in every variant).
 */
import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { transposeArray } from "../src/index.js";
import { simdKernels } from "../src/internal/simd-transpose.js";
import { toNHWC } from "../src/tfjs.js";
import { transposeArrayWith } from "../src/transpose-array.js";

const shape = [64, 64, 128, 128];
const perm = [0, 2, 3, 1];
const n = shape.reduce((a, b) => a * b, 1);
const bytes = n * 4;
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
/** tf.transpose takes seconds here: run it in this many rounds only. */
const TF_ROUNDS = 2;

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

interface Variant {
  name: string;
  /** Index of the copy variant this one is compared with. */
  base: number;
  fn: () => void;
  rounds: number;
  times: number[];
}

async function main(): Promise<void> {
  await tf.setBackend("cpu");
  const src = new Float32Array(n);
  for (let i = 0; i < n; i++) src[i] = (i % 1000) * 0.001 - 0.5;
  const copyDst = new Float32Array(n);
  const out = new Float32Array(n);
  const outJs = new Float32Array(n);
  const t = tf.tensor(src, shape, "float32");

  const variants: Variant[] = [];
  const add = (name: string, base: number, fn: () => void, rounds = ROUNDS): void => {
    variants.push({ name, base, fn, rounds, times: [] });
  };
  add("plain copy, preallocated (dst.set(src))", 0, () => copyDst.set(src));
  add("transposeArray, preallocated output", 0, () => transposeArray(src, shape, perm, out));
  add("  same, JS kernel forced (no SIMD)", 0, () =>
    transposeArrayWith(src, shape, perm, outJs, "js"),
  );
  add("plain copy, new array (src.slice())", 3, () => void src.slice());
  add(
    "toNHWC({ data, shape }, 'NCHW'), new array",
    3,
    () => void toNHWC({ data: src, shape }, "NCHW"),
  );
  add("toNHWC(tensor, 'NCHW') (cpu backend: the typed-array kernel), new tensor", 3, () => {
    const y = toNHWC(t, "NCHW");
    y.dataSync();
    y.dispose();
  });
  add(
    "tf.transpose (cpu backend), new tensor",
    3,
    () => {
      const y = tf.transpose(t, perm);
      y.dataSync();
      y.dispose();
    },
    TF_ROUNDS,
  );

  // Warm-up (JIT, wasm tier-up, page faults of preallocated buffers), then interleaved rounds.
  for (const v of variants) if (v.rounds === ROUNDS) v.fn();
  for (let r = 0; r < ROUNDS; r++) {
    for (const v of variants) {
      if (r >= v.rounds) continue;
      const t0 = performance.now();
      v.fn();
      v.times.push(performance.now() - t0);
    }
  }
  t.dispose();

  // spot-check both outputs
  const [, C, H, W] = shape as [number, number, number, number];
  for (let k = 0; k < 1000; k++) {
    const i = Math.floor(Math.random() * n);
    const b = Math.floor(i / (C * H * W));
    const c = Math.floor(i / (H * W)) % C;
    const h = Math.floor(i / W) % H;
    const w = i % W;
    const o = ((b * H + h) * W + w) * C + c;
    if (out[o] !== src[i] || outJs[o] !== src[i]) throw new Error(`wrong value at ${i}`);
  }

  console.log(
    `NCHW -> NHWC, [${shape.join(", ")}] float32 (${(bytes / 2 ** 20).toFixed(0)} MiB), ${ROUNDS} interleaved rounds (tf.transpose: ${TF_ROUNDS}), median (best)`,
  );
  console.log(
    `node ${process.version}, tfjs-core ${tf.version_core}, backend ${tf.getBackend()}, wasm SIMD kernel: ${simdKernels() ? "yes" : "no (JS kernel)"}\n`,
  );
  console.log("| variant | time ms | GB/s | vs copy |");
  console.log("| --- | ---: | ---: | ---: |");
  for (const v of variants) {
    const base = variants[v.base] as Variant;
    const ratios = v.times.map((x, r) => (base.times[r] as number) / x);
    const m = median(v.times);
    const gbs = bytes / (m / 1000) / 1e9;
    console.log(
      `| ${v.name} | ${m.toFixed(0)} (${Math.min(...v.times).toFixed(0)}) | ${gbs.toFixed(2)} | ${(median(ratios) * 100).toFixed(0)}% |`,
    );
  }
  console.log(
    "\n'vs copy' = median over rounds of copy time / variant time in the same round: preallocated rows against the preallocated copy, allocating rows against src.slice().",
  );
  images();
}

/** 3-channel image batches both ways, each type in its own interleaved rounds with its copy. */
function images(): void {
  const nchw = [64, 3, 224, 224];
  const nhwc = [64, 224, 224, 3];
  const size = nchw.reduce((a, b) => a * b, 1);
  console.log(
    `\n3-channel images, [${nchw.join(", ")}], preallocated outputs, ${ROUNDS} interleaved rounds, median (best)\n`,
  );
  console.log("| type | variant | time ms | vs copy |");
  console.log("| --- | --- | ---: | ---: |");
  for (const [type, Ctor] of [
    ["uint8", Uint8Array],
    ["float32", Float32Array],
  ] as const) {
    const src = new Ctor(size);
    for (let i = 0; i < size; i++) src[i] = i % 251;
    const dst = new Ctor(size);
    dst.set(src);
    const runs: [string, () => void][] = [
      ["plain copy (dst.set(src))", () => dst.set(src)],
      ["NCHW → NHWC", () => transposeArray(src, nchw, [0, 2, 3, 1], dst)],
      ["NHWC → NCHW", () => transposeArray(src, nhwc, [0, 3, 1, 2], dst)],
    ];
    const times = runs.map(() => [] as number[]);
    for (const [, fn] of runs) fn();
    for (let r = 0; r < ROUNDS; r++) {
      runs.forEach(([, fn], k) => {
        const t0 = performance.now();
        fn();
        (times[k] as number[]).push(performance.now() - t0);
      });
    }
    runs.forEach(([name], k) => {
      const ts = times[k] as number[];
      const ratios = ts.map((x, r) => ((times[0] as number[])[r] as number) / x);
      console.log(
        `| ${type} | ${name} | ${median(ts).toFixed(1)} (${Math.min(...ts).toFixed(1)}) | ${(median(ratios) * 100).toFixed(0)}% |`,
      );
    });
  }
}

void main();
