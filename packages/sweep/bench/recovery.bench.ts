// Recovery after `kill -9` of a worker mid-epoch: how long until another worker starts the trial
// again, and how much work it redoes, with BullMQ's default lock and stall-check settings (30 s /
// 30 s) and with the test settings (2 s / 1 s).
//
//   npm run bench -w @trainkit/sweep            (both settings, 3 kills each)
//   npm run bench -w @trainkit/sweep -- --rounds=1 --settings=test
//
// Worker processes run the semantics tests' tiny trainable (test/fixtures/worker-process.ts), one
// batch every 40 ms, a checkpoint every 4 batches; the victim is killed a random number of batches
// after a checkpoint.
import { type ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseArgs } from "node:util";
import { startRedisServer, submitSweep, waitForSweep } from "../src/bullmq.js";
import { expandTrials } from "../src/index.js";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "3" },
    settings: { type: "string", default: "both" },
  },
});
const rounds = Number(values.rounds);
const SETTINGS = {
  default: { lockMs: 30_000, stalledMs: 30_000 },
  test: { lockMs: 2000, stalledMs: 1000 },
} as const;
const chosen =
  values.settings === "both"
    ? (["test", "default"] as const)
    : [values.settings as keyof typeof SETTINGS];

const PACKAGE = new URL("..", import.meta.url).pathname;
const SAVE_EVERY = 4;

interface Line {
  type: string;
  trialId?: string;
  at: number;
  pid: number;
  step?: number;
}

function startWorker(env: NodeJS.ProcessEnv): { child: ChildProcess; lines: Line[] } {
  const child = spawn(
    process.execPath,
    ["--conditions=@trainkit/source", "--import", "tsx", "test/fixtures/worker-process.ts"],
    { cwd: PACKAGE, env: { ...process.env, ...env }, stdio: ["pipe", "pipe", "inherit"] },
  );
  const lines: Line[] = [];
  let pending = "";
  child.stdout?.setEncoding("utf8");
  child.stdout?.on("data", (chunk: string) => {
    pending += chunk;
    for (let nl = pending.indexOf("\n"); nl >= 0; nl = pending.indexOf("\n")) {
      const text = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      if (text.startsWith("{")) lines.push(JSON.parse(text) as Line);
    }
  });
  return { child, lines };
}

async function until<T>(what: string, fn: () => T | undefined, ms: number): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = fn();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

const readLog = (file: string) =>
  (existsSync(file) ? readFileSync(file, "utf8") : "")
    .trim()
    .split("\n")
    .filter((l) => l !== "")
    .map((l) => JSON.parse(l) as { ev: string; pid: number; step: number; trial: string });

async function oneKill(name: keyof typeof SETTINGS, round: number) {
  const { lockMs, stalledMs } = SETTINGS[name];
  const redis = await startRedisServer();
  const dir = mkdtempSync(join(tmpdir(), "sweep-recovery-"));
  const log = join(dir, "trainable.jsonl");
  const env = {
    TINY_REDIS: redis.socket,
    TINY_QUEUE: "recovery",
    TINY_CKPT_DIR: join(dir, "ckpt"),
    TINY_LOCK_MS: String(lockMs),
    TINY_STALLED_MS: String(stalledMs),
    TINY_TRAINABLE_LOG: log,
    TINY_EXIT_WITH_PARENT: "1",
  };
  const workers = [startWorker(env), startWorker(env)];
  try {
    await until(
      "two ready workers",
      () => (workers.every((w) => w.lines.some((l) => l.type === "ready")) ? true : undefined),
      30_000,
    );
    const definition = {
      name: `recovery-${name}-${round}`,
      seed: 100 + round,
      space: { lr: 0.01, saveEvery: SAVE_EVERY, stepDelayMs: 40 },
      metric: { name: "val_loss", mode: "min" },
      budget: { epochs: 4 },
    };
    const [trial] = expandTrials(definition);
    const trialId = trial?.id as string;
    const { sweepId } = await submitSweep(definition, {
      connection: redis.socket,
      queueName: "recovery",
    });
    const victim = await until(
      "the first start",
      () => workers.find((w) => w.lines.some((l) => l.type === "start")),
      30_000,
    );
    const rescuer = workers.find((w) => w !== victim) as (typeof workers)[number];
    // Kill 1 to 3 batches after the second checkpoint of the second epoch.
    const killAt = 16 + 2 * SAVE_EVERY + 1 + (round % 3);
    await until(
      `step ${killAt}`,
      () => readLog(log).find((l) => l.ev === "batch" && l.step >= killAt) ?? undefined,
      60_000,
    );
    const killedAt = Date.now();
    victim.child.kill("SIGKILL");
    const trained = readLog(log).filter((l) => l.ev === "batch" && l.pid === victim.child.pid);
    const lastStep = Math.max(...trained.map((l) => l.step));
    const started = await until(
      "the restart",
      () => rescuer.lines.find((l) => l.type === "start" && l.trialId === trialId),
      200_000,
    );
    const resumed = await until(
      "the resume",
      () => rescuer.lines.find((l) => l.type === "resume"),
      30_000,
    );
    await waitForSweep(sweepId, { connection: redis.socket, queueName: "recovery", pollMs: 100 });
    return {
      settings: name,
      recoveryMs: started.at - killedAt,
      redone: lastStep - (resumed.step as number),
      batchMs: 40,
    };
  } finally {
    for (const w of workers) w.child.kill("SIGKILL");
    await redis.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const rows: { settings: string; recoveryMs: number; redone: number }[] = [];
for (const name of chosen) {
  for (let round = 0; round < rounds; round++) {
    const r = await oneKill(name, round);
    rows.push(r);
    console.log(
      `${name} (lock ${SETTINGS[name].lockMs} ms, stall check ${SETTINGS[name].stalledMs} ms): back on another worker after ${(r.recoveryMs / 1000).toFixed(1)} s; ${r.redone} batches redone (checkpoint every ${SAVE_EVERY})`,
    );
  }
}
for (const name of chosen) {
  const mine = rows.filter((r) => r.settings === name);
  const ms = mine.map((r) => r.recoveryMs);
  console.log(
    `| ${name} | ${SETTINGS[name].lockMs / 1000} s / ${SETTINGS[name].stalledMs / 1000} s | ${(Math.min(...ms) / 1000).toFixed(1)}–${(Math.max(...ms) / 1000).toFixed(1)} s | ${Math.max(...mine.map((r) => r.redone))} of ${SAVE_EVERY} |`,
  );
}
