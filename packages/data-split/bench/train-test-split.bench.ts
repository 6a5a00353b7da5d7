/**
 * trainTestSplit on 10M rows × 4 float32 features + int32 labels (10 classes), plain and
 * stratified, against a bare seeded Fisher–Yates + row copy and against scikit-learn's
 * train_test_split, both measured in the same run, round by round (scikit-learn through
 * bench/sklearn_baseline.py in a Python child process; where no Python with scikit-learn is found,
 * the ratios use the issue's figures for the development machine instead).
 *
 *   npm run bench -w @trainkit/data-split            (N=10000000 by default; BENCH_ROWS to change;
 *                                                     BENCH_VERBOSE=1 also prints every round)
 */
import { spawn, spawnSync } from "node:child_process";
import { createInterface } from "node:readline";
import { fileURLToPath } from "node:url";
import { xoroshiro128plus } from "pure-rand/generator/xoroshiro128plus";
import { trainTestSplit } from "../src/index.js";
import { trainTestSplit as trainTestSplitTensors } from "../src/tfjs.js";

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

/**
 * Fresh output memory: allocate and first write arrays of the split's output size. Every split
 * pays this; Node's ArrayBuffers take one page fault per 4 KiB page, where numpy asks for
 * transparent huge pages (measured on the Python side as "memory").
 */
function freshMemory(): number {
  const ox = new Float32Array(N * D);
  const oy = new Int32Array(N);
  ox.fill(1);
  oy.fill(1);
  return (ox[1] as number) + (oy[1] as number);
}

type Kind = "memory" | "floor" | "plain" | "stratified";
const runners: Record<Kind, (seed: number) => unknown> = {
  memory: () => freshMemory(),
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

// scikit-learn in a Python child process, when one with scikit-learn is found (BENCH_PYTHON names
// the interpreter): it runs its own rounds between ours, so both see the same machine state.
interface Sklearn {
  version: string;
  run(kind: "memory" | "plain" | "stratified", seed: number): Promise<number>;
  close(): void;
}
async function startSklearn(): Promise<Sklearn | null> {
  const candidates = process.env.BENCH_PYTHON
    ? [process.env.BENCH_PYTHON]
    : ["/usr/bin/python3", "python3"];
  const python = candidates.find(
    (p) => spawnSync(p, ["-c", "import sklearn"], { stdio: "ignore" }).status === 0,
  );
  if (!python) return null;
  const script = fileURLToPath(new URL("./sklearn_baseline.py", import.meta.url));
  const child = spawn(python, [script, "--serve"], {
    env: { ...process.env, BENCH_ROWS: String(N) },
    stdio: ["pipe", "pipe", "inherit"],
  });
  const lines = createInterface({ input: child.stdout })[Symbol.asyncIterator]();
  const next = async (): Promise<string> => {
    const r = await lines.next();
    if (r.done) throw new Error("the scikit-learn process ended early (see its error above)");
    return r.value;
  };
  const ready = await next();
  return {
    version: ready.replace(/^ready /, ""),
    async run(kind, seed) {
      child.stdin.write(`${kind} ${seed}\n`);
      return Number(await next());
    },
    close() {
      child.stdin.end();
    },
  };
}
const sklearn = await startSklearn();

// Rounds are interleaved (memory, floor, plain, stratified, then numpy's memory and scikit-learn's
// plain and stratified, …)
// so that load from other processes on a shared machine hits all of them alike; min and median
// over the rounds are reported, and the ratio to scikit-learn is the median of the per-round ratios.
const times: Record<Kind, number[]> = { memory: [], floor: [], plain: [], stratified: [] };
const skTimes: Record<"memory" | "plain" | "stratified", number[]> = {
  memory: [],
  plain: [],
  stratified: [],
};
for (let r = 0; r < RUNS; r++) {
  for (const kind of ["memory", "floor", "plain", "stratified"] as const) {
    const start = performance.now();
    runners[kind](r);
    times[kind].push((performance.now() - start) / 1000);
  }
  if (sklearn) {
    skTimes.memory.push(await sklearn.run("memory", r));
    skTimes.plain.push(await sklearn.run("plain", r));
    skTimes.stratified.push(await sklearn.run("stratified", r));
  }
}
sklearn?.close();
if (process.env.BENCH_VERBOSE) console.log(JSON.stringify({ times, skTimes }));
function summary(t: number[]): { min: number; median: number } {
  const s = t.slice().sort((a, b) => a - b);
  return { min: s[0] as number, median: s[Math.floor(s.length / 2)] as number };
}
const results = {
  memory: summary(times.memory),
  floor: summary(times.floor),
  plain: summary(times.plain),
  stratified: summary(times.stratified),
};

const f = (v: number) => v.toFixed(3);
console.log(
  `trainTestSplit, ${N.toLocaleString("en")} rows × ${D} float32 + int32 labels, ${RUNS} rounds (seconds, min / median)`,
);
console.log(
  `Node ${process.version}; ${sklearn ? sklearn.version : "scikit-learn not found: ratios use the issue's figures"}`,
);
console.log(
  `fresh output memory (allocate + fill ${((N * (D + 1) * 4) / 2 ** 20).toFixed(0)} MiB): Node ${f(results.memory.min)} / ${f(results.memory.median)}${sklearn ? `  | numpy, same rounds: ${f(summary(skTimes.memory).min)} / ${f(summary(skTimes.memory).median)}` : ""}`,
);
console.log(
  `floor (seeded Fisher–Yates + row copy): ${f(results.floor.min)} / ${f(results.floor.median)}`,
);
for (const kind of ["plain", "stratified"] as const) {
  const r = results[kind];
  const vsFloor = `vs floor: ${f(r.median / results.floor.median)}×`;
  if (sklearn) {
    const sk = summary(skTimes[kind]);
    const perRound = summary(times[kind].map((t, i) => t / (skTimes[kind][i] as number)));
    console.log(
      `${kind}: ${f(r.min)} / ${f(r.median)}  | scikit-learn, same rounds: ${f(sk.min)} / ${f(sk.median)}  | ours / scikit-learn: ${f(perRound.median)}× (median of per-round ratios; best round ${f(perRound.min)}×)  | ${vsFloor}`,
    );
  } else {
    const [lo, hi] = SKLEARN[kind];
    console.log(
      `${kind}: ${f(r.min)} / ${f(r.median)}  | vs scikit-learn ${lo}${hi !== lo ? `–${hi}` : ""} s (the issue's figures): ${f(r.median / lo)}× of its time (median)  | ${vsFloor}`,
    );
  }
}

// Tensors on tfjs's cpu backend: `@trainkit/data-split/tfjs` copies rows with typed arrays there;
// the baseline is tf.gather (GatherV2) of the same rows, as the adapter did before.
{
  await import("@tensorflow/tfjs-backend-cpu");
  const tf = await import("@tensorflow/tfjs-core");
  await tf.setBackend("cpu");
  const rows = Math.min(N, 1_000_000);
  const xs = tf.tensor2d(X.subarray(0, rows * D), [rows, D]);
  const ys = tf.tensor1d(y.subarray(0, rows), "int32");
  const order = new Int32Array(rows);
  for (let i = 0; i < rows; i++) order[i] = (i * 7919) % rows;
  const ours: number[] = [];
  const gathered: number[] = [];
  for (let r = 0; r < RUNS; r++) {
    let start = performance.now();
    const parts = trainTestSplitTensors([xs, ys], { seed: r });
    for (const p of parts) p.dataSync();
    ours.push((performance.now() - start) / 1000);
    tf.dispose(parts);
    start = performance.now();
    const idx = tf.tensor1d(order, "int32");
    const g = [tf.gather(xs, idx, 0), tf.gather(ys, idx, 0)];
    for (const t of g) t.dataSync();
    gathered.push((performance.now() - start) / 1000);
    tf.dispose([...g, idx]);
  }
  const a = summary(ours);
  const b = summary(gathered);
  console.log(
    `tensors on the cpu backend, ${rows.toLocaleString("en")} rows: trainTestSplit (typed arrays) ${f(a.min)} / ${f(a.median)}  | tf.gather of the same rows ${f(b.min)} / ${f(b.median)}  | ${f(b.median / a.median)}x faster (medians)`,
  );
  tf.dispose([xs, ys]);
}
