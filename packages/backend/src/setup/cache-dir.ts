import { existsSync, mkdirSync, readdirSync, renameSync, rmSync } from "node:fs";
import { homedir } from "node:os";
import * as path from "node:path";
import { SetupError } from "../errors.js";

/**
 * The per-user cache of the setup: `TRAINKIT_CACHE_DIR`, else `$XDG_CACHE_HOME/trainkit`,
 * `~/Library/Caches/trainkit` (macOS), `%LOCALAPPDATA%\trainkit`, or `~/.cache/trainkit`.
 */
export function cacheRoot(
  env: NodeJS.ProcessEnv = process.env,
  platform: string = process.platform,
  home: string = homedir(),
): string {
  if (env.TRAINKIT_CACHE_DIR) return path.resolve(env.TRAINKIT_CACHE_DIR);
  if (env.XDG_CACHE_HOME) return path.join(env.XDG_CACHE_HOME, "trainkit");
  if (platform === "darwin") return path.join(home, "Library", "Caches", "trainkit");
  if (platform === "win32" && env.LOCALAPPDATA) return path.join(env.LOCALAPPDATA, "trainkit");
  return path.join(home, ".cache", "trainkit");
}

const PARTIAL = ".partial-";

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes what an interrupted write left in `dir`: the files or folders named
 * `<name>.partial-<pid>` or `<name>.partial-<pid>-<suffix>` whose process is gone (this process's
 * own count as gone). They never look like cache entries, so this only frees the space.
 */
export function removeStalePartials(dir: string): void {
  if (!existsSync(dir)) return;
  for (const name of readdirSync(dir)) {
    const at = name.indexOf(PARTIAL);
    if (at < 0) continue;
    const pid = Number(name.slice(at + PARTIAL.length).split("-")[0]);
    if (Number.isInteger(pid) && pid !== process.pid && pidAlive(pid)) continue;
    rmSync(path.join(dir, name), { recursive: true, force: true });
  }
}

/** Temporary folders of this process, removed on exit unless they were committed. */
const pending = new Set<string>();
let exitHookInstalled = false;

function removePending(): void {
  for (const dir of pending) rmSync(dir, { recursive: true, force: true });
  pending.clear();
}

/**
 * Fills a cache entry atomically: `fill` writes into a fresh temporary folder beside `finalDir`,
 * which is renamed to `finalDir` only after `fill` resolved. A failure, Ctrl-C or a full disk
 * leaves no folder under the final name. Returns `finalDir`.
 */
export async function writeCacheEntry(
  finalDir: string,
  fill: (tempDir: string) => Promise<void>,
): Promise<string> {
  const parent = path.dirname(finalDir);
  mkdirSync(parent, { recursive: true });
  removeStalePartials(parent);
  if (!exitHookInstalled) {
    process.once("exit", removePending);
    exitHookInstalled = true;
  }
  const temp = `${finalDir}${PARTIAL}${process.pid}-${Date.now().toString(36)}`;
  pending.add(temp);
  try {
    mkdirSync(temp, { recursive: true });
    await fill(temp);
    rmSync(finalDir, { recursive: true, force: true });
    renameSync(temp, finalDir);
    pending.delete(temp);
    return finalDir;
  } catch (error) {
    rmSync(temp, { recursive: true, force: true });
    pending.delete(temp);
    throw asDiskError(error, parent);
  }
}

/** Turns ENOSPC/EDQUOT into a SetupError that says where the space is needed. */
export function asDiskError(error: unknown, where: string): unknown {
  const code = (error as NodeJS.ErrnoException | null)?.code;
  if (code === "ENOSPC" || code === "EDQUOT") {
    return new SetupError(
      "DISK_FULL",
      `The disk holding ${where} is full (the TensorFlow libraries need about 1 GB there): free some space or point TRAINKIT_CACHE_DIR at a larger disk.`,
      { cause: error },
    );
  }
  return error;
}

/** Removes this process's temporary folders now (the CLI calls it on SIGINT/SIGTERM). */
export function abandonPendingEntries(): void {
  removePending();
}
