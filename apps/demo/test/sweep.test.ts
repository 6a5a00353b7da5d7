import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { startRedisServer } from "@trainkit/sweep/bullmq";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type OwnRedis, startOwnRedis } from "../src/sweep/redis-server.js";
import { hasChromium, openReport } from "./helpers/browser.js";
import { appDir, env, nodeArgs, type Run, removeTempDirs, tempDir } from "./helpers/trainkit.js";

/** Runs the real CLI in a child process without blocking, so that independent runs overlap. */
function trainkitAsync(...args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env, cwd: appDir });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => {
      stdout += d;
    });
    child.stderr.on("data", (d) => {
      stderr += d;
    });
    const timer = setTimeout(() => child.kill("SIGKILL"), 120_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** The one line a refused command prints (stderr minus the backend's lines, of which there are none). */
function expectOneLineError(run: Run, ...fragments: string[]): void {
  expect(run.code, run.stderr).toBe(2);
  expect(run.stdout).toBe("");
  const text = run.stderr.trim();
  expect(text.split("\n"), text).toHaveLength(1);
  expect(text.startsWith("trainkit: ")).toBe(true);
  for (const f of fragments) expect(text).toContain(f);
}

const EXAMPLE = path.join(appDir, "examples", "plate-schedules.sweep.yaml");

/** Pids of the live processes whose command line holds `text` (from /proc). */
function processesWith(text: string): number[] {
  return readdirSync("/proc")
    .filter((name) => /^\d+$/.test(name))
    .filter((pid) => {
      try {
        return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(text);
      } catch {
        return false; // gone meanwhile
      }
    })
    .map(Number);
}

/** 2 schedules × 2 folds of the small (--quick-sized) plate data, 3 epochs, ASHA at epoch 1. */
const TINY = `# a sweep for tests: 4 trials of a few seconds
name: tiny
seed: 5
space:
  schedule: { type: grid, values: [constant, onecycle] }
  lr: 0.01
  quick: true
folds: { splitter: stratifiedKFold, nSplits: 2, shuffle: true }
metric: { name: val_accuracy, mode: max }
budget: { epochs: 3 }
scheduler: { type: asha, gracePeriod: 1, reductionFactor: 2 }
`;

interface TrialJson {
  id: string;
  config: Record<string, unknown>;
  fold: number;
  seed: number;
  status: string;
  epochs: number;
  metric: number | null;
  attempts: number;
  resumes: number;
}
interface SweepJson {
  sweep: string;
  trials: TrialJson[];
  configs: { config: Record<string, unknown>; completed: number; stopped: number }[];
}

function expectSweepJson(stdout: string, trials: number): SweepJson {
  const json = JSON.parse(stdout) as SweepJson; // exactly one JSON object on stdout
  expect(Object.keys(json).sort()).toEqual(["configs", "sweep", "trials"]);
  expect(json.sweep).toMatch(/^s[0-9a-f]{32}$/);
  expect(json.trials).toHaveLength(trials);
  for (const t of json.trials) {
    expect(Object.keys(t).sort()).toEqual(
      ["attempts", "config", "epochs", "fold", "id", "metric", "resumes", "seed", "status"].sort(),
    );
    expect(t.id).toMatch(/^t\d+-[0-9a-f]{8}$/);
    expect(["completed", "stopped"]).toContain(t.status);
    expect(typeof t.metric).toBe("number");
    expect(t.epochs).toBeGreaterThanOrEqual(1);
    expect(t.attempts).toBe(1);
    expect(t.resumes).toBe(0);
  }
  expect(json.configs).toHaveLength(2);
  return json;
}

let redis: OwnRedis;
let dir: string;
let tiny: string;

beforeAll(async () => {
  redis = await startOwnRedis();
  dir = tempDir("sweep");
  tiny = path.join(dir, "tiny.sweep.yaml");
  writeFileSync(tiny, TINY);
});

afterAll(async () => {
  await redis?.stop();
  removeTempDirs();
});

describe("trainkit sweep validate", () => {
  it("accepts the shipped example: 6 configs × 5 folds of the plate-bp trainable, ASHA rungs 2 and 6", async () => {
    const run = await trainkitAsync("sweep", "validate", EXAMPLE, "--json");
    expect(run.code, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result).toMatchObject({
      trials: 30,
      configs: 6,
      folds: 5,
      repeats: 1,
      trainable: "plate-bp",
      metric: { name: "val_accuracy", mode: "max" },
      rungs: [2, 6],
    });
    expect(run.stderr).toContain("valid. sweep s");
  });

  it("refuses bad definitions with one line that names the key (exit 2)", async () => {
    const bad = (name: string, text: string) => {
      const file = path.join(dir, name);
      writeFileSync(file, text);
      return file;
    };
    const unknownKey = bad(
      "unknown-key.yaml",
      TINY.replace("reductionFactor: 2", "reduction_factor: 2"),
    );
    const emptySpace = bad("empty-space.yaml", TINY.replace(/space:\n( {2}.*\n)+/, "space: {}\n"));
    const factorOne = bad(
      "factor-one.yaml",
      TINY.replace("reductionFactor: 2", "reductionFactor: 1"),
    );
    const badYaml = bad("bad.yaml", "seed: 1\nspace: { lr: [0.1\n");
    const unknownParam = bad(
      "unknown-param.yaml",
      TINY.replace("lr: 0.01", "lr: 0.01\n  momentum: 0.9"),
    );
    const badMetric = bad("bad-metric.yaml", TINY.replace("name: val_accuracy", "name: val_loss"));
    const runs = await Promise.all([
      trainkitAsync("sweep", "validate", unknownKey),
      trainkitAsync("sweep", "validate", emptySpace),
      trainkitAsync("sweep", "validate", factorOne),
      trainkitAsync("sweep", "validate", badYaml),
      trainkitAsync("sweep", "validate", unknownParam),
      trainkitAsync("sweep", "validate", badMetric),
      trainkitAsync("sweep", "validate", path.join(dir, "missing.yaml")),
    ]);
    expectOneLineError(runs[0] as Run, "unknown-key.yaml", "scheduler.reduction_factor");
    expectOneLineError(runs[1] as Run, "empty-space.yaml", "space");
    expectOneLineError(runs[2] as Run, "factor-one.yaml", "scheduler.reductionFactor");
    expectOneLineError(runs[3] as Run, "bad.yaml", "not valid YAML or JSON", "line");
    expectOneLineError(runs[4] as Run, "space.momentum", "schedule, lr, kind, quick");
    expectOneLineError(runs[5] as Run, "metric.name", "val_loss", "val_accuracy");
    expectOneLineError(runs[6] as Run, "missing.yaml", "no such file");
  });
});

describe("trainkit sweep with Redis", () => {
  it("fails fast with one line on an unreachable Redis, and on an unknown sweep id", async () => {
    const [unreachable, unknown, noRedis] = await Promise.all([
      trainkitAsync("sweep", "submit", tiny, "--redis", "redis://127.0.0.1:1"),
      trainkitAsync(
        "sweep",
        "status",
        "s0123456789abcdef0123456789abcdef",
        "--redis",
        redis.socket,
      ),
      trainkitAsync("sweep", "report", "s0123"),
    ]);
    // A hang would end in the 120 s kill, without exit code 2.
    expectOneLineError(unreachable, "cannot reach Redis", "127.0.0.1:1", "ECONNREFUSED");
    expectOneLineError(unknown, "no sweep s0123456789abcdef0123456789abcdef");
    expectOneLineError(noRedis, "--redis");
  });

  it("run against a Redis it must refuse: one line naming the setting, exit 2, no worker left", async () => {
    const unsafe = await startRedisServer({ args: ["--maxmemory-policy", "allkeys-lru"] });
    try {
      const out = path.join(dir, "refused");
      const run = await trainkitAsync(
        ...["sweep", "run", tiny, "--workers", "2", "--redis", unsafe.socket, "--out", out],
      );
      expectOneLineError(run, "maxmemory-policy allkeys-lru", "noeviction");
      // The workers start before the submit (they load meanwhile): the refusal stopped them.
      expect(existsSync(path.join(out, "workers", "worker-2.log"))).toBe(true);
      expect(processesWith(path.join(out, "checkpoints"))).toEqual([]);
    } finally {
      await unsafe.stop();
    }
  });

  it("submits idempotently and cancels what waits", async () => {
    // Another seed, so another sweep than the runs below.
    const file = path.join(dir, "to-cancel.sweep.yaml");
    writeFileSync(file, TINY.replace("seed: 5", "seed: 6"));
    const first = await trainkitAsync("sweep", "submit", file, "--redis", redis.socket, "--json");
    expect(first.code, first.stderr).toBe(0);
    const submitted = JSON.parse(first.stdout);
    expect(submitted).toMatchObject({ trials: 4, added: 4, existing: 0 });
    const again = await trainkitAsync("sweep", "submit", file, "--redis", redis.socket, "--json");
    expect(JSON.parse(again.stdout)).toMatchObject({
      sweepId: submitted.sweepId,
      added: 0,
      existing: 4,
    });
    const cancel = await trainkitAsync(
      "sweep",
      "cancel",
      submitted.sweepId,
      "--redis",
      redis.socket,
      "--json",
    );
    expect(cancel.code, cancel.stderr).toBe(0);
    expect(JSON.parse(cancel.stdout)).toEqual({ sweep: submitted.sweepId, removed: 4, running: 0 });
    const status = await trainkitAsync(
      "sweep",
      "status",
      submitted.sweepId,
      "--redis",
      redis.socket,
      "--json",
    );
    expect(JSON.parse(status.stdout)).toMatchObject({
      trials: 4,
      failed: 4,
      waiting: 0,
      done: true,
    });
  });

  it("run --workers 2 with its own Redis: progress, the report, one JSON object with every trial", async () => {
    const out = path.join(dir, "own");
    const run = await trainkitAsync("sweep", "run", tiny, "--workers", "2", "--out", out, "--json");
    expect(run.code, run.stderr).toBe(0);
    const json = expectSweepJson(run.stdout, 4);
    expect(json.trials.some((t) => t.status === "completed")).toBe(true);
    expect(run.stderr).toMatch(/redis-server \(pid \d+\) on .*redis\.sock/);
    expect(run.stderr).toMatch(
      /4\/4 done \(\d completed, \d stopped, 0 failed\), 0 running, 0 waiting; best val_accuracy/,
    );
    const report = path.join(out, "report.html");
    const html = readFileSync(report, "utf8");
    for (const part of ["Configs over folds", 'data-chart="curves"', "Timings", "Resumes"]) {
      expect(html.includes(part), part).toBe(true);
    }
    expect(existsSync(path.join(out, "workers", "worker-2.log"))).toBe(true);
    if (hasChromium) {
      const page = await openReport(report);
      expect(page.errors).toEqual([]);
      expect(page.external).toEqual([]);
      expect(page.charts.map((c) => c.id)).toEqual(["curves", "timeline"]);
      for (const c of page.charts) expect(c.items).toBeGreaterThan(0);
    }
  });

  it("run killed with SIGKILL takes its Redis and its workers with it, within seconds", async () => {
    const out = path.join(dir, "killed");
    const child = spawn(
      process.execPath,
      [...nodeArgs, "sweep", "run", EXAMPLE, "--workers", "2", "--out", out],
      { env, cwd: appDir },
    );
    // Without --json the progress goes to stdout.
    let output = "";
    child.stderr.resume();
    const exited = new Promise((resolve) => child.on("close", resolve));
    // Once both workers run a trial: the pids of Redis (printed) and of the workers (in their ids).
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no trial started: ${output}`)), 60_000);
      child.stdout.on("data", (d) => {
        output += d;
        if (/, 2 running,/.test(output)) {
          clearTimeout(timer);
          resolve();
        }
      });
    });
    const redisPid = Number(/redis-server \(pid (\d+)\)/.exec(output)?.[1]);
    // A worker takes trials as soon as it is connected, so its "waiting for trials" line (which
    // holds its pid) can reach its log a moment after its first trial shows as running.
    const workerPidOf = (i: number) => {
      const log = readFileSync(path.join(out, "workers", `worker-${i}.log`), "utf8");
      return Number(/^worker \S+-(\d+)-[0-9a-f]+: waiting for trials/m.exec(log)?.[1]);
    };
    let workerPids = [1, 2].map(workerPidOf);
    for (let waited = 0; workerPids.some(Number.isNaN) && waited < 10_000; waited += 100) {
      await new Promise((r) => setTimeout(r, 100));
      workerPids = [1, 2].map(workerPidOf);
    }
    const alive = (pid: number) => {
      try {
        process.kill(pid, 0);
        return true;
      } catch {
        return false;
      }
    };
    const pids = { redis: redisPid, workers: workerPids };
    expect(
      [redisPid, ...workerPids].every((pid) => pid > 0 && alive(pid)),
      `every process alive before the kill: ${JSON.stringify(pids)}`,
    ).toBe(true);
    child.kill("SIGKILL");
    await exited;
    const deadline = Date.now() + 12_000;
    while (Date.now() < deadline && [redisPid, ...workerPids].some(alive)) {
      await new Promise((r) => setTimeout(r, 100));
    }
    expect({ redis: alive(redisPid), workers: workerPids.map(alive) }).toEqual({
      redis: false,
      workers: [false, false],
    });
  });

  it("run against a given Redis leaves the sweep there for status and report, with the same results", async () => {
    const out = path.join(dir, "given");
    // --backend goes to the workers (cpu: the quickest to start, for a few seconds of training).
    const run = await trainkitAsync(
      "sweep",
      "run",
      tiny,
      "--workers",
      "2",
      "--redis",
      redis.socket,
      "--out",
      out,
      "--backend",
      "cpu",
      "--json",
    );
    expect(run.code, run.stderr).toBe(0);
    const ran = expectSweepJson(run.stdout, 4);
    expect(readFileSync(path.join(out, "workers", "worker-1.log"), "utf8")).toContain(
      "Backend: cpu",
    );
    const [status, report] = await Promise.all([
      trainkitAsync("sweep", "status", ran.sweep, "--redis", redis.socket, "--json"),
      trainkitAsync(
        "sweep",
        "report",
        ran.sweep,
        "--redis",
        redis.socket,
        "--out",
        path.join(dir, "again"),
        "--json",
      ),
    ]);
    expect(JSON.parse(status.stdout)).toMatchObject({
      trials: 4,
      running: 0,
      waiting: 0,
      done: true,
    });
    expect(report.code, report.stderr).toBe(0);
    expect(JSON.parse(report.stdout)).toEqual(ran);
    expect(existsSync(path.join(dir, "again", "report.html"))).toBe(true);
  });
});
