import { execFile } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const run = promisify(execFile);
const child = new URL("./helpers/resume-child.ts", import.meta.url).pathname;

async function train(...args: string[]): Promise<{ step: number; weights: string[] }> {
  const { stdout } = await run(process.execPath, ["--import", "tsx", child, ...args], {
    cwd: new URL("..", import.meta.url).pathname,
  });
  return JSON.parse(stdout.trim().split("\n").pop() as string);
}

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "ckpt-resume-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe("exact resume across processes (cpu backend)", () => {
  it("train 10 steps straight == train 6, save, load in a NEW process, train 4: bit-identical weights", async () => {
    const p = join(dir, "mid-epoch.safetensors");
    const [straight, first] = await Promise.all([train("10"), train("10", "save", "6", p)]);
    expect(first.step).toBe(6);
    expect(first.weights).not.toEqual(straight.weights);
    const resumed = await train("10", "resume", p);
    expect(resumed.step).toBe(10);
    expect(resumed.weights).toEqual(straight.weights);
  });
});
