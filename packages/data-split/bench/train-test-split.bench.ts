/**
 * trainTestSplit on 10M rows × 4 float32 features + int32 labels (10 classes), plain and
 * stratified, against a bare seeded Fisher–Yates + row copy measured in the same run, and against
 * scikit-learn's figures on the same machine (given in the package issue; not re-measured here).
 *
 *   npm run bench -w @trainkit/data-split            (N=10000000 by default; BENCH_ROWS to change)
 */
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { trainTestSplit } from "../src/index.js";

const N = Number(process.env.BENCH_ROWS ?? 10_000_000);
const D = 4;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const SKLEARN = { plain: [1.9, 2.1], stratified: [5.6, 5.6] } as const;

const X = new Float32Array(N * D);
for (let i = 0; i < X.length; i++) X[i] = i * 0.5;
const y = new Int32Array(N);
for (let i = 0; i < N; i++) y[i] = (i * 7) % 10;
const x = { data: X, shape: [N, D] };

/** The floor: seeded Fisher–Yates over all rows, then one gather copy of X and y. */
function floor(seed: number): number {
  const rng = xoroshiro128plus(seed);
  const perm = new Int32Array(N);
  for (let i = 0; i < N; i++) perm[i] = i;
  for (let i = N - 1; i > 0; i--) {
    const shift = Math.clz32(i);
    let j: number;
    do {
      j = rng.next() >>> shift;
    } while (j > i);
    const t = perm[i] as number;
    perm[i] = perm[j] as number;
    perm[j] = t;
  }
  const ox = new Float32Array(N * D);
  const oy = new Int32Array(N);
  for (let k = 0; k < N; k++) {
    const s = perm[k] as number;
    const a = s * D;
    const o = k * D;
    ox[o] = X[a] as number;
    ox[o + 1] = X[a + 1] as number;
    ox[o + 2] = X[a + 2] as number;
    ox[o + 3] = X[a + 3] as number;
    oy[k] = y[s] as number;
  }
  return (ox[0] as number) + (oy[0] as number);
}

type Kind = "floor" | "plain" | "stratified";
const runners: Record<Kind, (seed: number) => unknown> = {
  floor: (s) => floor(s),
  plain: (s) => trainTestSplit([x, y], { seed: s }),
  stratified: (s) => trainTestSplit([x, y], { seed: s, stratify: y }),
};

// Warm up the JIT on a small input first.
trainTestSplit([{ data: X.subarray(0, 400_000), shape: [100_000, D] }, y.subarray(0, 100_000)], {
  seed: 1,
});
trainTestSplit([{ data: X.subarray(0, 400_000), shape: [100_000, D] }, y.subarray(0, 100_000)], {
  seed: 1,
  stratify: y.subarray(0, 100_000),
});

// Rounds are interleaved (floor, plain, stratified, floor, …) so that load from other processes
// on a shared machine hits all three alike; min and median over the rounds are reported.
const times: Record<Kind, number[]> = { floor: [], plain: [], stratified: [] };
for (let r = 0; r < RUNS; r++) {
  for (const kind of ["floor", "plain", "stratified"] as const) {
    const start = performance.now();
    runners[kind](r);
    times[kind].push((performance.now() - start) / 1000);
  }
}
function summary(t: number[]): { min: number; median: number } {
  const s = t.slice().sort((a, b) => a - b);
  return { min: s[0] as number, median: s[Math.floor(s.length / 2)] as number };
}
const results = {
  floor: summary(times.floor),
  plain: summary(times.plain),
  stratified: summary(times.stratified),
};

const f = (v: number) => v.toFixed(3);
console.log(
  `trainTestSplit, ${N.toLocaleString("en")} rows × ${D} float32 + int32 labels, ${RUNS} runs (seconds, min / median)`,
);
console.log(`Node ${process.version}`);
console.log(
  `floor (seeded Fisher–Yates + row copy): ${f(results.floor.min)} / ${f(results.floor.median)}`,
);
for (const kind of ["plain", "stratified"] as const) {
  const r = results[kind];
  const [lo, hi] = SKLEARN[kind];
  console.log(
    `${kind}: ${f(r.min)} / ${f(r.median)}  | vs scikit-learn ${lo}${hi !== lo ? `–${hi}` : ""} s: ${f(r.median / lo)}× of its time (median)  | vs floor: ${f(r.median / results.floor.median)}×`,
  );
}
