import { spawn } from "node:child_process";
import { copyFile, mkdtemp, readdir, readFile, rm, truncate, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SafetensorsError } from "../src/index.js";
import {
  CheckpointError,
  CheckpointManager,
  loadCheckpoint,
  verifyCheckpoint,
} from "../src/tfjs.js";
import { makeModel, SeededRandom, tf, useCpu } from "./helpers/tf.js";

const child = new URL("./helpers/crash-child.ts", import.meta.url).pathname;
let dir: string;
beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), "ckpt-crash-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Runs the child until it has started `savesBeforeKill` saves, waits `delayMs`, then SIGKILLs it. */
function runAndKill(
  ckptDir: string,
  savesBeforeKill: number,
  delayMs: number,
): Promise<{ lines: string[] }> {
  return new Promise((resolve, reject) => {
    const p = spawn(process.execPath, ["--import", "tsx", child, ckptDir], {
      cwd: new URL("..", import.meta.url).pathname,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let buf = "";
    let started = 0;
    let err = "";
    p.stderr.on("data", (c) => {
      err += c;
    });
    p.stdout.on("data", (chunk: Buffer) => {
      buf += chunk.toString();
      let nl = buf.indexOf("\n");
      while (nl >= 0) {
        const line = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        lines.push(line);
        if (line.startsWith("saving") && ++started === savesBeforeKill) {
          setTimeout(() => p.kill("SIGKILL"), delayMs);
        }
        nl = buf.indexOf("\n");
      }
    });
    p.on("exit", (code, signal) => {
      if (signal === "SIGKILL") resolve({ lines });
      else reject(new Error(`child exited with ${code}: ${err}`));
    });
  });
}

describe("crash safety", () => {
  it("SIGKILL at random moments during saves never loses a completed checkpoint nor leaves a broken one", async () => {
    const ckptDir = join(dir, "killed");
    const rand = new SeededRandom(99);
    let lastSaved = 0;
    let killedMidSave = 0;
    const kills = 6;
    for (let k = 0; k < kills; k++) {
      const { lines } = await runAndKill(
        ckptDir,
        2 + Math.floor(rand.next() * 4),
        Math.floor(rand.next() * 25),
      );
      const resumed = Number(lines[0]?.split(" ")[1]);
      expect(resumed, "restarted from the newest completed checkpoint").toBeGreaterThanOrEqual(
        lastSaved,
      );
      for (const l of lines) if (l.startsWith("saved ")) lastSaved = Number(l.split(" ")[1]);
      if (lines.at(-1)?.startsWith("saving")) killedMidSave++;

      const manager = new CheckpointManager({ dir: ckptDir });
      const latest = await manager.latest();
      if (lastSaved > 0) {
        expect(latest, "latest() finds a valid checkpoint").not.toBeNull();
        expect(latest?.step).toBeGreaterThanOrEqual(lastSaved);
      }
      // every file under a final name is complete and verifies: never a torn checkpoint
      for (const f of await readdir(ckptDir)) {
        if (f.endsWith(".safetensors") && !f.startsWith("."))
          await verifyCheckpoint(join(ckptDir, f));
      }
    }
    const model = makeModel({ inputs: 128, hidden: 512, outputs: 128 });
    model.compile({ optimizer: tf.train.adam(0.001), loss: "meanSquaredError" });
    const restored = await new CheckpointManager({ dir: ckptDir }).restore({ model });
    expect(restored?.state.step).toBeGreaterThanOrEqual(lastSaved);
    expect(killedMidSave, "most kills land inside a save").toBeGreaterThan(0);
    console.info(
      `[crash-safety] ${kills} SIGKILLs, ${killedMidSave} during a save; last completed step ${lastSaved}`,
    );
  });

  it("detects truncation at every structural boundary, and latest() falls back to the older checkpoint", async () => {
    const d = join(dir, "truncated");
    const model = makeModel();
    model.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    await model.trainOnBatch(tf.ones([2, 4]), tf.ones([2, 3]));
    const manager = new CheckpointManager({ dir: d, maxToKeep: 5 });
    await manager.save({ model, step: 1, epoch: 0 });
    const full = (await manager.save({ model, step: 2, epoch: 0 })).path;
    const bytes = new Uint8Array(await readFile(full));
    const n = Number(new DataView(bytes.buffer, bytes.byteOffset).getBigUint64(0, true));
    const header = JSON.parse(new TextDecoder().decode(bytes.subarray(8, 8 + n)));
    const boundaries = new Set<number>([
      0,
      1,
      7,
      8,
      9,
      8 + (n >> 1),
      8 + n - 1,
      8 + n,
      bytes.length - 1,
    ]);
    for (const [k, v] of Object.entries(header)) {
      if (k === "__metadata__") continue;
      const [b, e] = (v as { data_offsets: [number, number] }).data_offsets;
      for (const o of [b, b + 1, e - 1, e]) boundaries.add(8 + n + o);
    }
    const copy = join(d, "ckpt-0000000002.safetensors");
    const backup = join(dir, "full-copy.safetensors");
    await copyFile(full, backup);
    let checked = 0;
    for (const len of [...boundaries]
      .filter((l) => l >= 0 && l < bytes.length)
      .sort((a, b) => a - b)) {
      await copyFile(backup, copy);
      await truncate(copy, len);
      const err = await verifyCheckpoint(copy).then(
        () => null,
        (e: unknown) => e,
      );
      expect(err, `truncated to ${len} bytes`).toBeInstanceOf(SafetensorsError);
      expect(["HEADER_TOO_SMALL", "INVALID_HEADER_LENGTH", "OFFSETS_PAST_END"]).toContain(
        (err as SafetensorsError).code,
      );
      expect((await manager.latest())?.step, `latest() with a ${len}-byte newest file`).toBe(1);
      checked++;
    }
    expect(checked).toBeGreaterThan(20);
    // bytes appended after the data, and a flipped data byte, are caught too
    await writeFile(copy, Buffer.concat([Buffer.from(bytes), Buffer.from([0])]));
    await expect(verifyCheckpoint(copy)).rejects.toMatchObject({ code: "TRAILING_BYTES" });
    const flipped = Buffer.from(bytes);
    flipped[8 + n + 3] = (flipped[8 + n + 3] as number) ^ 0x10;
    await writeFile(copy, flipped);
    await expect(verifyCheckpoint(copy)).rejects.toBeInstanceOf(CheckpointError);
    expect((await manager.latest())?.step).toBe(1);
    // stale temp files are skipped by latest() and removed on request
    await writeFile(join(d, ".ckpt-0000000003.safetensors.abc123.tmp"), bytes.subarray(0, 100));
    expect((await manager.latest())?.step).toBe(1);
    expect(await manager.removeTempFiles()).toEqual([".ckpt-0000000003.safetensors.abc123.tmp"]);
    await loadCheckpoint((await manager.latest())?.path as string, { model });
  });
});
