/**
 * `trainkit sweep` on this machine, with the plate-bp trainable:
 *
 * 1. throughput: the shipped example (`examples/plate-schedules.sweep.yaml`, 30 trials) run by
 *    `trainkit sweep run --workers n` for n = 1 and 2, as shipped (ASHA) and as a full grid (no
 *    scheduler): wall time, trials and epochs per minute, scaling efficiency T1 / (n · Tn), and
 *    what ASHA saved (epochs) and whether it found the same best config;
 * 2. overhead per trial: 3 trials of about 10 s each run inline (the trainable with no Redis and no
 *    checkpoints) and through the queue by one worker process (Redis round trips, checkpoint I/O,
 *    hand-offs), and that worker's start-up.
 *
 *   npm run bench:sweep -w @trainkit/demo                    (both parts)
 *   npm run bench:sweep -w @trainkit/demo -- --part=overhead --epochs=40
 */
import { spawn } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { describeBackend, initBackend } from "@trainkit/backend";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { expandTrials, foldIndices, type TrialContext, validateSweep } from "@trainkit/sweep";
import { collectSweep, startRedisServer, submitSweep, waitForSweep } from "@trainkit/sweep/bullmq";
import { createPlateTrainable } from "../src/sweep/plate-trainable.js";

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    epochs: { type: "string", default: "30" },
    workers: { type: "string", default: "1,2" },
    rounds: { type: "string", default: "2" },
  },
});
const APP = new URL("..", import.meta.url).pathname;
const EXAMPLE = path.join(APP, "examples", "plate-schedules.sweep.yaml");
const CLI = ["--conditions=@trainkit/source", "--import", "tsx", path.join(APP, "src", "cli.ts")];
const work = mkdtempSync(path.join(tmpdir(), "sweep-bench-"));

interface RunJson {
  sweep: string;
  trials: { status: string; epochs: number }[];
  configs: { config: Record<string, unknown>; mean: number | null }[];
}

/** Runs the CLI; resolves with its stdout, wall time and exit code. */
function cli(args: string[]): Promise<{ code: number | null; stdout: string; ms: number }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [...CLI, ...args], {
      cwd: APP,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.on("close", (code) => resolve({ code, stdout, ms: performance.now() - started }));
  });
}

function bestConfig(json: RunJson): string {
  const withMean = json.configs.filter((c) => c.mean !== null);
  const best = withMean.reduce((a, b) => ((a.mean as number) >= (b.mean as number) ? a : b));
  return `${best.config.schedule} lr ${best.config.lr} (${(best.mean as number).toFixed(4)})`;
}

async function throughput(): Promise<void> {
  const shipped = readFileSync(EXAMPLE, "utf8");
  const full = path.join(work, "full-grid.sweep.yaml");
  writeFileSync(
    full,
    shipped.replace(/^scheduler:.*$/m, "").replace("trainable: plate-bp", "trainable: plate-bp"),
  );
  const counts = values.workers.split(",").map(Number);
  // Each count runs twice, in the order 1, 2, 2, 1, so that a drift in the machine's speed
  // weighs on both; each figure is the faster of the two.
  const order = [...counts, ...[...counts].reverse()];
  const rows: string[] = [];
  for (const [label, file] of [
    ["ASHA (as shipped)", EXAMPLE],
    ["full grid", full],
  ] as const) {
    const best = new Map<number, { wall: number; span: number; json: RunJson }>();
    for (const [i, n] of order.entries()) {
      const redis = await startRedisServer();
      try {
        const out = path.join(work, `out-${label.length}-${i}`);
        const args = ["sweep", "run", file, "--workers", String(n), "--redis", redis.socket];
        const run = await cli([...args, "--json", "--out", out]);
        if (run.code !== 0) throw new Error(`sweep run ${file} --workers ${n} exited ${run.code}`);
        const json = JSON.parse(run.stdout) as RunJson;
        const { attempts } = await collectSweep(json.sweep, { connection: redis.socket });
        const span =
          Math.max(...attempts.map((a) => a.endedAt as number)) -
          Math.min(...attempts.map((a) => a.startedAt));
        console.log(
          `${label}, ${n} worker(s): wall ${(run.ms / 1000).toFixed(1)} s, trials from first start to last end ${(span / 1000).toFixed(1)} s`,
        );
        const seen = best.get(n);
        best.set(n, {
          wall: Math.min(run.ms, seen?.wall ?? Number.POSITIVE_INFINITY),
          span: Math.min(span, seen?.span ?? Number.POSITIVE_INFINITY),
          json,
        });
      } finally {
        await redis.stop();
      }
    }
    const one = best.get(1);
    for (const n of counts) {
      const r = best.get(n);
      if (r === undefined) continue;
      const { json } = r;
      const epochs = json.trials.reduce((sum, t) => sum + t.epochs, 0);
      const stopped = json.trials.filter((t) => t.status === "stopped").length;
      const perMin = (ms: number) => ((json.trials.length / ms) * 60_000).toFixed(1);
      const eff = (t1: number | undefined, tn: number) =>
        t1 === undefined ? "" : `${(t1 / (n * tn)).toFixed(2)} (${(t1 / tn).toFixed(2)}x)`;
      rows.push(
        `| ${label} | ${n} | ${(r.wall / 1000).toFixed(1)} s | ${perMin(r.wall)} | ${eff(one?.wall, r.wall)} | ${(r.span / 1000).toFixed(1)} s | ${perMin(r.span)} | ${eff(one?.span, r.span)} | ${epochs} | ${stopped} | ${bestConfig(json)} |`,
      );
    }
  }
  console.log(
    "\n| sweep | workers | wall (run: Redis, worker start-up, trials, report) | trials/min | efficiency T1/(n·Tn) (speed-up) | first trial start to last end | trials/min | efficiency (speed-up) | epochs | stopped | best config (mean val_accuracy) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
}

/** A context for running the trainable inline: no Redis, no checkpoints, every report continues. */
function inlineContext(dir: string): TrialContext {
  const never = new AbortController().signal;
  return {
    signal: never,
    report: async () => "continue",
    checkpoints: {
      dir,
      manager: async (options) =>
        new CheckpointManager({ ...options, dir, saveEverySteps: Number.MAX_SAFE_INTEGER }),
      restore: async () => null,
      save: async () => ({ path: "" }),
      resumedFrom: async () => {},
      guard: async () => {},
    },
  };
}

function overheadDefinition(epochs: number, seed: number) {
  return {
    name: "overhead",
    trainable: "plate-bp",
    seed,
    space: { schedule: "constant", lr: 0.001, kind: "alphanumerics" },
    folds: { splitter: "stratifiedKFold", nSplits: 3, shuffle: true },
    metric: { name: "val_accuracy", mode: "max" },
    budget: { epochs },
  };
}

/** The trials of the sweep run one after another in this process, with no Redis: ms each. */
async function runInline(definition: object): Promise<number[]> {
  const sweep = validateSweep(definition);
  const trainable = createPlateTrainable(sweep);
  const data = await trainable.data?.();
  const times: number[] = [];
  for (const trial of expandTrials(sweep)) {
    const split = foldIndices(
      sweep.folds as never,
      trial.fold,
      { length: data?.size ?? 0 },
      data?.y,
    );
    const run = {
      ...trial,
      sweepId: "inline",
      attempt: 1,
      folds: { train: Int32Array.from(split.train), test: Int32Array.from(split.test) },
    };
    const started = performance.now();
    await trainable.run(run, inlineContext(path.join(work, `inline-${trial.id}-${started}`)));
    times.push(performance.now() - started);
  }
  return times;
}

/** The same trials through the queue, one worker process: each attempt, hand-offs, start-up. */
async function runQueued(definition: object, round: number) {
  const redis = await startRedisServer();
  try {
    const { sweepId } = await submitSweep(definition, {
      connection: redis.socket,
      checkpointDir: path.join(work, `queued-${round}`),
    });
    const spawnedAt = Date.now();
    const worker = spawn(
      process.execPath,
      [...CLI, "sweep", "worker", "--redis", redis.socket, "--tf-threads", "1"],
      { cwd: APP, stdio: ["ignore", "ignore", "inherit"] },
    );
    await waitForSweep(sweepId, { connection: redis.socket, pollMs: 1000 });
    worker.kill("SIGTERM");
    const { attempts } = await collectSweep(sweepId, { connection: redis.socket });
    return {
      attempts: attempts.map((a) => (a.endedAt as number) - a.startedAt),
      overheads: attempts.map((a) => a.overheadMs),
      handoffs: attempts.slice(1).map((a, i) => a.startedAt - (attempts[i]?.endedAt as number)),
      startup: (attempts[0]?.startedAt as number) - spawnedAt,
    };
  } finally {
    await redis.stop();
  }
}

/**
 * Inline and queued runs alternate for `--rounds` rounds; each trial's figure is its fastest
 * round (other processes on the machine only ever add time).
 */
async function overhead(): Promise<void> {
  const epochs = Number(values.epochs);
  const rounds = Number(values.rounds);
  const definition = overheadDefinition(epochs, 11);
  console.log(describeBackend(await initBackend({ tensorflowThreads: 1 })));
  const inline: number[][] = [];
  const queued: Awaited<ReturnType<typeof runQueued>>[] = [];
  for (let r = 0; r < rounds; r++) {
    inline.push(await runInline(definition));
    queued.push(await runQueued(definition, r));
  }
  const fastest = (rows: number[][]) =>
    (rows[0] ?? []).map((_, i) => Math.min(...rows.map((row) => row[i] as number)));
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const perInline = mean(fastest(inline));
  const perAttempt = mean(fastest(queued.map((q) => q.attempts)));
  const handoff = mean(queued.flatMap((q) => q.handoffs));
  const startup = Math.min(...queued.map((q) => q.startup));
  const perQueued = perAttempt + handoff;
  const pct = (x: number) => `${((x / perInline) * 100).toFixed(1)}%`;
  const trials = inline[0]?.length ?? 0;
  console.log(
    `\n${trials} trials of ${epochs} epochs (plate-bp, 1 TensorFlow thread), fastest of ${rounds} rounds`,
  );
  console.log("| | per trial | overhead |");
  console.log("| --- | --- | --- |");
  console.log(`| inline (no Redis, no checkpoints) | ${(perInline / 1000).toFixed(2)} s | |`);
  console.log(
    `| through the queue (attempt + hand-off of ${handoff.toFixed(0)} ms) | ${(perQueued / 1000).toFixed(2)} s | ${pct(perQueued - perInline)} |`,
  );
  console.log(
    `| worker start-up (node, tfjs, backend, data), once per worker | ${(startup / 1000).toFixed(2)} s | ${pct(startup / trials)} per trial over ${trials} trials |`,
  );
  // Measured inside the worker, so other processes' load cancels out: the attempt's time in
  // Redis round trips and checkpoint I/O, plus the hand-off to the next trial.
  const own = queued.flatMap((q) => q.overheads);
  const training = queued.flatMap((q) => q.attempts.map((a, i) => a - (q.overheads[i] as number)));
  const inside = mean(own) + handoff;
  console.log(
    `| measured inside the worker: Redis round trips and checkpoint I/O ${mean(own).toFixed(0)} ms + hand-off ${handoff.toFixed(0)} ms per trial | ${(inside / 1000).toFixed(3)} s | ${((inside / mean(training)) * 100).toFixed(1)}% of the trial's training |`,
  );
  for (const [r, q] of queued.entries()) {
    console.log(
      `round ${r + 1}: inline ${inline[r]?.map((x) => (x / 1000).toFixed(2)).join(", ")} s; queued ${q.attempts.map((x) => (x / 1000).toFixed(2)).join(", ")} s; overhead ${q.overheads.join(", ")} ms; hand-offs ${q.handoffs.map((x) => x.toFixed(0)).join(", ")} ms; start-up ${(q.startup / 1000).toFixed(2)} s`,
    );
  }
}

try {
  if (values.part === "inline") {
    // One process's share of a two-process run: `--part=inline & --part=inline` in a shell.
    await initBackend({ tensorflowThreads: 1 });
    const started = performance.now();
    const times = await runInline(overheadDefinition(Number(values.epochs), 11));
    console.log(
      `inline: ${times.map((x) => (x / 1000).toFixed(2)).join(", ")} s; total ${((performance.now() - started) / 1000).toFixed(1)} s`,
    );
  }
  if (values.part === "all" || values.part === "overhead") await overhead();
  if (values.part === "all" || values.part === "throughput") await throughput();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
