import { spawn, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const tsx = createRequire(import.meta.url).resolve("tsx");
export const appDir = path.join(here, "..", "..");
const cli = path.join(appDir, "src", "cli.ts");
export const nodeArgs = ["--conditions=@trainkit/source", "--import", tsx, cli];
/** The tests pick the backend the user would get (no TRAINKIT_BACKEND from the environment). */
export const env = { ...process.env, TRAINKIT_BACKEND: "" };

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs the real CLI in a child process, as a user would. */
export function trainkit(...args: string[]): Run {
  return trainkitWithEnv({}, ...args);
}

/** {@link trainkit} with these environment variables set as well. */
export function trainkitWithEnv(vars: Record<string, string>, ...args: string[]): Run {
  const result = spawnSync(process.execPath, [...nodeArgs, ...args], {
    encoding: "utf8",
    timeout: 170_000,
    env: { ...env, ...vars },
    cwd: appDir,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Like {@link trainkit}, with --json: the parsed result. Fails with the stderr if it failed. */
export function trainkitJson<T = Record<string, unknown>>(
  ...args: string[]
): { result: T; run: Run } {
  const run = trainkit(...args, "--json");
  if (run.code !== 0)
    throw new Error(`trainkit ${args.join(" ")} exited ${run.code}:\n${run.stderr}`);
  return { result: JSON.parse(run.stdout) as T, run };
}

const made: string[] = [];

/** A new temporary folder; {@link removeTempDirs} deletes those of the test file. */
export function tempDir(prefix: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), `trainkit-${prefix}-`));
  made.push(dir);
  return dir;
}

export function removeTempDirs(): void {
  for (const dir of made.splice(0)) rmSync(dir, { recursive: true, force: true });
}

/**
 * Starts the CLI, sends SIGINT once `trigger` matches its output, and resolves when it exits.
 */
export function interruptWhen(
  args: string[],
  trigger: RegExp,
): Promise<Run & { signalled: boolean }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...nodeArgs, ...args], { env, cwd: appDir });
    let stdout = "";
    let stderr = "";
    let signalled = false;
    const check = () => {
      if (!signalled && trigger.test(stdout + stderr)) {
        signalled = true;
        child.kill("SIGINT");
      }
    };
    child.stdout.on("data", (d) => {
      stdout += d;
      check();
    });
    child.stderr.on("data", (d) => {
      stderr += d;
      check();
    });
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`timed out:\n${stdout}\n${stderr}`));
    }, 150_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr, signalled });
    });
  });
}
