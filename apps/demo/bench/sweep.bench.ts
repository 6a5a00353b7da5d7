/**
 * `trainkit sweep` on this machine, with the plate-bp trainable:
 *
 * 1. throughput: the shipped example (`examples/plate-schedules.sweep.yaml`, 30 trials) run by
 *    `trainkit sweep run --workers n` for n = 1 and 2, as shipped (ASHA) and as a full grid (no
 *    scheduler): wall time, trials and epochs per minute, scaling efficiency T1 / (n · Tn), and
 *    what ASHA saved (epochs) and whether it found the same best config; each run next to n plain
 *    training processes side by side, what the machine gives n processes with no sweep at all,
 *    and the workers' median epoch in the first seconds (while their JIT compilers warm up) and
 *    after, from their logs;
 * 2. overhead per trial: 3 trials of about 10 s each, run inline by a fresh process (the trainable
 *    with no Redis and no checkpoints) and through the queue by a fresh worker process (Redis
 *    start, submit, round trips, checkpoint I/O, hand-offs), and what the worker measured itself;
 *    then the same warm, in one process (`--part=overhead-warm`): one Redis and one in-process
 *    worker, inline and queued runs of the same trials alternating.
 * 3. cores (`--part=cores`, Linux): what one worker takes from the second core, and so the most
 *    2 workers can gain on this machine: the shipped example with 1 worker free, held to one core
 *    (taskset), and two such runs side by side on a core each.
 *
 *   npm run bench:sweep -w @trainkit/demo                    (every part)
 *   npm run bench:sweep -w @trainkit/demo -- --part=overhead --epochs=150 --rounds=3
 *   npm run bench:sweep -w @trainkit/demo -- --part=overhead-warm --rounds=6
 *   npm run bench:sweep -w @trainkit/demo -- --part=cores --rounds=3
 */
import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { parseArgs } from "node:util";
import { describeBackend, initBackend } from "@trainkit/backend";
import { CheckpointManager } from "@trainkit/checkpoint/tfjs";
import { expandTrials, foldIndices, type TrialContext, validateSweep } from "@trainkit/sweep";
import {
  collectSweep,
  startRedisServer,
  startSweepWorker,
  submitSweep,
  waitForSweep,
} from "@trainkit/sweep/bullmq";
import { rowCacheDir } from "../src/plates/row-cache.js";
import { createPlateTrainable, plateRows } from "../src/sweep/plate-trainable.js";

const { values } = parseArgs({
  options: {
    part: { type: "string", default: "all" },
    // About 10 s a trial here, the size the overhead target is stated for.
    epochs: { type: "string", default: "150" },
    workers: { type: "string", default: "1,2" },
    rounds: { type: "string", default: "3" },
  },
});
const APP = new URL("..", import.meta.url).pathname;
const EXAMPLE = path.join(APP, "examples", "plate-schedules.sweep.yaml");
const SOURCE = ["--conditions=@trainkit/source", "--import", "tsx"];
const CLI = [...SOURCE, path.join(APP, "src", "cli.ts")];
const BENCH = [...SOURCE, new URL(import.meta.url).pathname];
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

const PLAIN_EPOCHS = 30;

/**
 * The same training with no sweep at all: n processes side by side, each running the inline
 * trials (3 trials of {@link PLAIN_EPOCHS} epochs) from a fresh start; the time of the slowest.
 * With n = 2 against n = 1 it tells what this machine gives two training processes at that
 * moment: the most any scheduler of 2 worker processes could reach.
 */
async function plainProcesses(n: number): Promise<{ total: number; trials: string }> {
  const runs = await Promise.all(Array.from({ length: n }, () => runInlineProcess(PLAIN_EPOCHS)));
  // Each process's trials: the first pays the JIT's warm-up, the last is warm.
  const trials = runs.map((r) => r.trials.map((ms) => (ms / 1000).toFixed(2)).join(", "));
  return { total: Math.max(...runs.map((r) => r.total)), trials: trials.join(" | ") };
}

async function throughput(): Promise<void> {
  const shipped = readFileSync(EXAMPLE, "utf8");
  const full = path.join(work, "full-grid.sweep.yaml");
  writeFileSync(full, shipped.replace(/^scheduler:.*$/m, ""));
  const counts = values.workers.split(",").map(Number);
  // The rows as any run after the first finds them: in the row cache (plain processes and workers
  // alike then read them instead of rendering them), unless TRAINKIT_ROW_CACHE=0.
  await plateRows({ kind: "alphanumerics", quick: false });
  console.log(`row cache: ${rowCacheDir() ?? "off (TRAINKIT_ROW_CACHE=0)"}`);
  // Each count runs twice, in the order 1, 2, 2, 1, so that a drift in the machine's speed
  // weighs on both; each figure is the faster of the two. Just before each sweep run, the same
  // number of plain training processes run side by side: the 2-core host's speed for two
  // processes swings widely (its virtual cores share the real ones with other work), and this
  // measures what the machine gave two processes in the same minutes.
  const order = [...counts, ...[...counts].reverse()];
  const rows: string[] = [];
  for (const [label, file] of [
    ["ASHA (as shipped)", EXAMPLE],
    ["full grid", full],
  ] as const) {
    const best = new Map<number, { wall: number; span: number; json: RunJson }>();
    const plain = new Map<number, number>();
    for (const [i, n] of order.entries()) {
      const { total: plainMs, trials } = await plainProcesses(n);
      plain.set(n, Math.min(plainMs, plain.get(n) ?? Number.POSITIVE_INFINITY));
      console.log(
        `plain training, ${n} process(es) side by side (${n} × 3 trials of ${PLAIN_EPOCHS} epochs): ${(plainMs / 1000).toFixed(1)} s (trials, s: ${trials})`,
      );
      const redis = await startRedisServer();
      try {
        const out = path.join(work, `out-${label.length}-${i}`);
        const args = ["sweep", "run", file, "--workers", String(n), "--redis", redis.socket];
        const run = await cli([...args, "--json", "--out", out]);
        if (run.code !== 0) throw new Error(`sweep run ${file} --workers ${n} exited ${run.code}`);
        const json = JSON.parse(run.stdout) as RunJson;
        const { attempts } = await collectSweep(json.sweep, { connection: redis.socket });
        const span = attemptSpan(attempts);
        // What the workers measured: their attempts' time per epoch, and the share of it in the
        // sweep's own work (Redis round trips, checkpoint I/O).
        const busy = attempts.reduce((sum, a) => sum + ((a.endedAt as number) - a.startedAt), 0);
        const own = attempts.reduce((sum, a) => sum + a.overheadMs, 0);
        const epochsRun = json.trials.reduce((sum, t) => sum + t.epochs, 0);
        const phases = epochPhases(path.join(out, "workers"));
        console.log(
          `${label}, ${n} worker(s): wall ${(run.ms / 1000).toFixed(1)} s, trials from first start to last end ${(span / 1000).toFixed(1)} s; ${(busy / epochsRun).toFixed(0)} ms of a worker per epoch, ${((own / busy) * 100).toFixed(1)}% of it Redis and checkpoints; median epoch (2nd on of a trial) ${phases}`,
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
      const plainOne = plain.get(1);
      const plainN = plain.get(n) as number;
      const plainSpeedup = plainOne === undefined ? "" : `${((n * plainOne) / plainN).toFixed(2)}x`;
      rows.push(
        `| ${label} | ${n} | ${(r.wall / 1000).toFixed(1)} s | ${perMin(r.wall)} | ${eff(one?.wall, r.wall)} | ${(r.span / 1000).toFixed(1)} s | ${perMin(r.span)} | ${eff(one?.span, r.span)} | ${(plainN / 1000).toFixed(1)} s, ${plainSpeedup} | ${epochs} | ${stopped} | ${bestConfig(json)} |`,
      );
    }
  }
  console.log(
    "\n| sweep | workers | wall (run: Redis, worker start-up, trials, report) | trials/min | efficiency T1/(n·Tn) (speed-up) | first trial start to last end | trials/min | efficiency (speed-up) | no sweep: n plain processes side by side (speed-up) | epochs | stopped | best config (mean val_accuracy) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
  for (const r of rows) console.log(r);
}

/**
 * A context for running the trainable inline: no Redis, no checkpoints, every report continues.
 * Not `runTrialInline` of @trainkit/sweep, which writes the trial's checkpoints: their I/O is part
 * of the overhead measured here, so the baseline has none.
 */
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

/**
 * The trials run inline in a fresh process of their own (`--part=inline`), as a user would run
 * them without a sweep: node, tfjs, the backend and the rows are paid there too. Resolves with
 * the time from spawning that process to the end of its last trial, and each trial's time.
 */
function runInlineProcess(epochs: number): Promise<{ total: number; trials: number[] }> {
  const spawnedAt = Date.now();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...BENCH, "--part=inline", `--epochs=${epochs}`], {
      cwd: APP,
      stdio: ["ignore", "pipe", "inherit"],
    });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.on("close", (code) => {
      const line = stdout.trim().split("\n").pop() ?? "";
      if (code !== 0 || !line.startsWith("{")) {
        reject(new Error(`the inline run exited ${code}: ${stdout}`));
        return;
      }
      const { endedAt, trials } = JSON.parse(line) as { endedAt: number; trials: number[] };
      resolve({ total: endedAt - spawnedAt, trials });
    });
  });
}

/**
 * The same trials through the queue: a Redis of its own, submit, one fresh worker process.
 * `total` runs from before Redis starts to the end of the last trial.
 */
async function runQueued(definition: object, round: number) {
  const startedAt = Date.now();
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
    await waitForSweep(sweepId, { connection: redis.socket, pollMs: 250 });
    worker.kill("SIGTERM");
    const { attempts } = await collectSweep(sweepId, { connection: redis.socket });
    const lastEnd = Math.max(...attempts.map((a) => a.endedAt as number));
    return {
      total: lastEnd - startedAt,
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
 * Inline and queued runs alternate for `--rounds` rounds, each in fresh processes; each figure is
 * its fastest round (other processes on the machine only ever add time).
 */
async function overhead(): Promise<void> {
  const epochs = Number(values.epochs);
  const rounds = Number(values.rounds);
  const definition = overheadDefinition(epochs, 11);
  const inline: Awaited<ReturnType<typeof runInlineProcess>>[] = [];
  const queued: Awaited<ReturnType<typeof runQueued>>[] = [];
  for (let r = 0; r < rounds; r++) {
    inline.push(await runInlineProcess(epochs));
    queued.push(await runQueued(definition, r));
  }
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const trials = inline[0]?.trials.length ?? 0;
  const inlineTotal = Math.min(...inline.map((i) => i.total));
  const queuedTotal = Math.min(...queued.map((q) => q.total));
  const perTrial = Math.min(...inline.map((i) => mean(i.trials)));
  const pct = (ms: number) => `${((ms / perTrial) * 100).toFixed(1)}%`;
  const perTrialOverhead = (queuedTotal - inlineTotal) / trials;
  console.log(
    `\n${trials} trials of ${epochs} epochs (plate-bp, 1 TensorFlow thread), fastest of ${rounds} rounds`,
  );
  console.log("| | whole run | per trial | overhead per trial |");
  console.log("| --- | --- | --- | --- |");
  console.log(
    `| inline: a fresh process (node, tfjs, backend, rows) runs the ${trials} trials | ${s(inlineTotal)} | ${s(perTrial)} | |`,
  );
  console.log(
    `| through the queue: Redis start, submit, a fresh worker process runs the ${trials} trials | ${s(queuedTotal)} | | ${s(perTrialOverhead)} = **${pct(perTrialOverhead)}** |`,
  );
  // Measured inside the worker, so other processes' load cancels out: the attempt's time in
  // Redis round trips and checkpoint I/O, plus the hand-off to the next trial.
  const own = queued.flatMap((q) => q.overheads);
  const handoff = mean(queued.flatMap((q) => q.handoffs));
  const training = queued.flatMap((q) => q.attempts.map((a, i) => a - (q.overheads[i] as number)));
  const inside = mean(own) + handoff;
  console.log(
    `| measured inside the worker: Redis round trips and checkpoint I/O ${mean(own).toFixed(0)} ms + hand-off ${handoff.toFixed(0)} ms per trial | | | ${s(inside)} = ${((inside / mean(training)) * 100).toFixed(1)}% of the trial's training |`,
  );
  for (const [r, q] of queued.entries()) {
    const i = inline[r];
    console.log(
      `round ${r + 1}: inline ${s(i?.total ?? 0)} (trials ${i?.trials.map((x) => (x / 1000).toFixed(2)).join(", ")} s); queued ${s(q.total)} (worker start-up ${s(q.startup)}, trials ${q.attempts.map((x) => (x / 1000).toFixed(2)).join(", ")} s, overhead ${q.overheads.join(", ")} ms, hand-offs ${q.handoffs.map((x) => x.toFixed(0)).join(", ")} ms)`,
    );
  }
}

/**
 * The same comparison with everything warm, in this one process: tfjs, the backend and the rows
 * loaded once, one Redis and one worker (`startSweepWorker`) started once. Each round runs 3
 * trials inline and the same 3 trials through the queue (submit to the last result), in
 * alternating order so that a drift of the machine's speed weighs on both; the figure is the
 * median over the rounds of the queued run's extra time per trial.
 */
async function overheadWarm(): Promise<void> {
  const epochs = Number(values.epochs);
  const rounds = Number(values.rounds);
  console.error(describeBackend(await initBackend({ tensorflowThreads: 1 })));
  const redis = await startRedisServer();
  const worker = await startSweepWorker({
    connection: redis.socket,
    trainable: (_name, sweep) => createPlateTrainable(sweep),
  });
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  const median = (xs: number[]) => {
    const sorted = [...xs].sort((a, b) => a - b);
    const mid = sorted.length >> 1;
    return sorted.length % 2
      ? (sorted[mid] as number)
      : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
  };
  const extra: number[] = [];
  const perTrial: number[] = [];
  try {
    // A first round that is not counted: the first trials of a process run slower (JIT, caches).
    for (let r = -1; r < rounds; r++) {
      // Each round its own sweep (its own seed, so its own id and trials); inline runs the same.
      const definition = overheadDefinition(epochs, 100 + r);
      const inline = async () => {
        const started = performance.now();
        await runInline(definition);
        return performance.now() - started;
      };
      const queued = async () => {
        const startedAt = Date.now();
        const { sweepId } = await submitSweep(definition, {
          connection: redis.socket,
          checkpointDir: path.join(work, `warm-${r}`),
        });
        await waitForSweep(sweepId, { connection: redis.socket, pollMs: 250 });
        const { attempts } = await collectSweep(sweepId, { connection: redis.socket });
        return Math.max(...attempts.map((a) => a.endedAt as number)) - startedAt;
      };
      let i: number;
      let q: number;
      if (r % 2 === 0) {
        i = await inline();
        q = await queued();
      } else {
        q = await queued();
        i = await inline();
      }
      const trials = expandTrials(definition).length;
      console.log(
        `warm round ${r + 1}${r < 0 ? " (not counted)" : ""}: inline ${s(i)}, queued ${s(q)}, ${((q - i) / trials).toFixed(0)} ms a trial`,
      );
      if (r < 0) continue;
      extra.push((q - i) / trials);
      perTrial.push(i / trials);
    }
  } finally {
    await worker.close();
    await redis.stop();
  }
  const m = median(extra);
  console.log(
    `\nwarm, in one process, ${rounds} rounds of 3 trials of ${epochs} epochs: inline ${s(median(perTrial))} a trial (median); the queue adds ${m.toFixed(0)} ms a trial (median; from ${Math.min(...extra).toFixed(0)} to ${Math.max(...extra).toFixed(0)} ms) = **${((m / median(perTrial)) * 100).toFixed(1)}%**`,
  );
}

/** The worker processes of a sweep running now whose checkpoints go under `out`. */
function workerPids(out: string): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const args = readFileSync(`/proc/${entry}/cmdline`, "utf8").split("\0");
      const i = args.indexOf("sweep");
      if (i >= 0 && args[i + 1] === "worker" && args.some((a) => a.startsWith(out))) {
        pids.push(Number(entry));
      }
    } catch {
      // Gone between the listing and the read.
    }
  }
  return pids;
}

/** CPU seconds (user + system) of a process's main thread, and of all its other threads. */
function threadCpu(pid: number): { main: number; others: number } | null {
  const ticks = 100; // USER_HZ, the unit of /proc's times on Linux
  try {
    let main = 0;
    let others = 0;
    for (const tid of readdirSync(`/proc/${pid}/task`)) {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, "utf8");
      // Fields after the command name in brackets: utime and stime are the 12th and 13th.
      const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
      const cpu = (Number(fields[11]) + Number(fields[12])) / ticks;
      if (tid === String(pid)) main += cpu;
      else others += cpu;
    }
    return { main, others };
  } catch {
    return null;
  }
}

/** The first seconds of the trials, while every worker's JIT compiler is still busy. */
const WARM_UP_MS = 4000;

/**
 * Each worker's epochs as its log times them (report to report, from a trial's 2nd epoch on: no
 * trial set-up, no first epoch), split at {@link WARM_UP_MS} after the first trial's start: the
 * median epoch while the workers warm up, and after. With 2 workers on 2 cores, the warm-up is
 * where each loses most against 1 worker (their compiler threads want a third core).
 */
function epochPhases(logDir: string): string {
  const line = /^(\d\d):(\d\d):(\d\d\.\d+) (t\d+-\w+): (?:start|epoch (\d+) )/;
  const epochs: { at: number; ms: number }[] = [];
  let first = Number.POSITIVE_INFINITY;
  for (const file of readdirSync(logDir).filter((f) => f.endsWith(".log"))) {
    const last = new Map<string, { at: number; epoch: number }>();
    for (const text of readFileSync(path.join(logDir, file), "utf8").split("\n")) {
      const m = line.exec(text);
      if (m === null) continue;
      const at = (Number(m[1]) * 3600 + Number(m[2]) * 60 + Number(m[3])) * 1000;
      const trial = m[4] as string;
      const epoch = m[5] === undefined ? 0 : Number(m[5]);
      if (epoch === 0) first = Math.min(first, at);
      const before = last.get(trial);
      // (a pair across midnight, UTC, is left out)
      if (epoch >= 2 && before?.epoch === epoch - 1 && at >= before.at) {
        epochs.push({ at, ms: at - before.at });
      }
      last.set(trial, { at, epoch });
    }
  }
  const median = (xs: number[]) => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length === 0 ? Number.NaN : (s[Math.floor((s.length - 1) / 2)] as number);
  };
  const early = epochs.filter((e) => e.at - first < WARM_UP_MS).map((e) => e.ms);
  const later = epochs.filter((e) => e.at - first >= WARM_UP_MS).map((e) => e.ms);
  return `${median(early).toFixed(0)} ms in the first ${WARM_UP_MS / 1000} s (${early.length}), ${median(later).toFixed(0)} ms after (${later.length})`;
}

/** The steady part of a sweep: from its first trial's start to its last trial's end, ms. */
function attemptSpan(attempts: { startedAt: number; endedAt: number | null }[]): number {
  return (
    Math.max(...attempts.map((a) => a.endedAt as number)) -
    Math.min(...attempts.map((a) => a.startedAt))
  );
}

/**
 * `sweep run --workers 1` of the shipped example on a Redis of its own, all of it on the cores
 * given to `taskset -c` (every core when undefined), sampling the worker's threads' CPU time from
 * /proc.
 */
async function sampledRun(label: string, cpus: string | undefined) {
  // A folder of its own each time: on a Redis given with --redis, `sweep run` keeps the
  // checkpoints it finds, and a later run would resume from them.
  const out = mkdtempSync(path.join(work, `cores-${label}-`));
  const redis = await startRedisServer();
  try {
    if (cpus !== undefined) spawnSync("taskset", ["-p", "-c", cpus, String(redis.pid)]);
    const args = [...CLI, "sweep", "run", EXAMPLE, "--workers", "1", "--redis", redis.socket];
    const command = [...args, "--json", "--out", out];
    const started = performance.now();
    const child =
      cpus === undefined
        ? spawn(process.execPath, command, { cwd: APP, stdio: ["ignore", "pipe", "ignore"] })
        : spawn("taskset", ["-c", cpus, process.execPath, ...command], {
            cwd: APP,
            stdio: ["ignore", "pipe", "ignore"],
          });
    let stdout = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    const last = new Map<number, { main: number; others: number }>();
    const timer = setInterval(() => {
      for (const pid of workerPids(out)) {
        const cpu = threadCpu(pid);
        if (cpu) last.set(pid, cpu);
      }
    }, 200);
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    clearInterval(timer);
    if (code !== 0) throw new Error(`sweep run (${label}) exited ${code}`);
    const wall = performance.now() - started;
    const { sweep } = JSON.parse(stdout) as RunJson;
    const { attempts } = await collectSweep(sweep, { connection: redis.socket });
    const cpu = [...last.values()].reduce(
      (sum, c) => ({ main: sum.main + c.main, others: sum.others + c.others }),
      { main: 0, others: 0 },
    );
    return { wall, span: attemptSpan(attempts), ...cpu };
  } finally {
    await redis.stop();
  }
}

/**
 * What one worker takes from the second core, and so the most 2 workers can gain here: the
 * shipped example with 1 worker (a) free to use both cores, (b) held to one core with `taskset
 * -c 0` (with its `sweep run` and Redis), as each of 2 workers is when both cores train, and (c)
 * two such runs side by side, each held to a core of its own. Alone, a worker's main thread
 * trains while V8's compiler and garbage collector threads use the other core; with 2 workers each
 * core must carry one worker's main thread and its helpers. (a) / ((c) / 2) is then the steady
 * state's ceiling for 2 workers; the same from the CPU time of (a)'s worker, 2 · main thread /
 * all threads, is steadier (the host's speed changes from minute to minute); with the part that
 * does not scale (start-up and report; at least what it is with 1 worker) added, the wall time's.
 * Linux only (taskset, /proc).
 */
async function cores(): Promise<void> {
  if (process.platform !== "linux" || spawnSync("taskset", ["-V"]).error !== undefined) {
    console.log("cores: skipped (needs Linux's taskset, from util-linux, and /proc)");
    return;
  }
  const rounds = Number(values.rounds);
  await plateRows({ kind: "alphanumerics", quick: false });
  const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
  console.log(
    "| round | (a) 1 worker, both cores: wall, steady (worker CPU: main thread + other threads) | (b) 1 worker held to 1 core: wall, steady | (c) 2 such runs side by side, a core each: steady | ceiling for 2 workers, steady, from times: (a) / ((c) / 2) | from CPU: 2 · main / (main + other) | wall, from CPU: (a) / ((a) steady / that + (a)'s fixed part) |",
  );
  console.log("| --- | --- | --- | --- | --- | --- | --- |");
  for (let r = 1; r <= rounds; r++) {
    const free = await sampledRun("free", undefined);
    const pinned = await sampledRun("pinned", "0");
    const pair = await Promise.all([sampledRun("pair-0", "0"), sampledRun("pair-1", "1")]);
    const pairSpan = Math.max(...pair.map((p) => p.span));
    // Alone, the worker's main thread trains without pause while its other threads run on the
    // second core; two workers each carry both on one core.
    const byCpu = (2 * free.main) / (free.main + free.others);
    console.log(
      `| ${r} | ${s(free.wall)}, ${s(free.span)} (${free.main.toFixed(1)} s + ${free.others.toFixed(1)} s) | ${s(pinned.wall)}, ${s(pinned.span)} | ${pair.map((p) => s(p.span)).join(", ")} | ${(free.span / (pairSpan / 2)).toFixed(2)}x | ${byCpu.toFixed(2)}x | ${(free.wall / (free.span / byCpu + free.wall - free.span)).toFixed(2)}x |`,
    );
  }
}

try {
  if (values.part === "inline") {
    // One process's share of a two-process run: `--part=inline & --part=inline` in a shell.
    // A run of the trials in this process alone, as a user would train without a sweep; the
    // overhead part starts it fresh for every round. One JSON line on stdout.
    console.error(describeBackend(await initBackend({ tensorflowThreads: 1 })));
    const trials = await runInline(overheadDefinition(Number(values.epochs), 11));
    console.log(JSON.stringify({ endedAt: Date.now(), trials }));
  }
  if (values.part === "all" || values.part === "overhead") await overhead();
  if (values.part === "all" || values.part === "overhead-warm") await overheadWarm();
  if (values.part === "all" || values.part === "throughput") await throughput();
  if (values.part === "all" || values.part === "cores") await cores();
} finally {
  rmSync(work, { recursive: true, force: true });
}
process.exit(0);
