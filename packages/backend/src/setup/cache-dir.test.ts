import { spawn } from "node:child_process";
import { existsSync, mkdirSync, readdirSync, writeFileSync } from "node:fs";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { tempDir as makeTempDir, removeTempDirs } from "../../test/support/temp-dir.js";
import { SetupError } from "../errors.js";
import { asDiskError, cacheRoot, removeStalePartials, writeCacheEntry } from "./cache-dir.js";

afterEach(removeTempDirs);
const tempDir = () => makeTempDir("trainkit-cache-");

describe("cacheRoot", () => {
  it("prefers TRAINKIT_CACHE_DIR, then XDG_CACHE_HOME, then the platform's cache folder", () => {
    expect(cacheRoot({ TRAINKIT_CACHE_DIR: "/c", XDG_CACHE_HOME: "/x" }, "linux", "/h")).toBe("/c");
    expect(cacheRoot({ XDG_CACHE_HOME: "/x" }, "linux", "/h")).toBe("/x/trainkit");
    expect(cacheRoot({}, "linux", "/h")).toBe("/h/.cache/trainkit");
    expect(cacheRoot({}, "darwin", "/h")).toBe("/h/Library/Caches/trainkit");
  });
});

describe("writeCacheEntry", () => {
  it("renames the filled folder into place only when filling succeeded", async () => {
    const root = tempDir();
    const final = path.join(root, "entry");
    await writeCacheEntry(final, async (temp) => {
      expect(path.dirname(temp)).toBe(root);
      expect(existsSync(final)).toBe(false);
      writeFileSync(path.join(temp, "lib.so"), "x");
    });
    expect(readdirSync(root)).toEqual(["entry"]);
    expect(readdirSync(final)).toEqual(["lib.so"]);
  });

  it("leaves neither the entry nor a partial folder when filling fails half-way", async () => {
    const root = tempDir();
    const final = path.join(root, "entry");
    await expect(
      writeCacheEntry(final, async (temp) => {
        writeFileSync(path.join(temp, "half.so"), "x");
        throw new Error("disk went away");
      }),
    ).rejects.toThrow("disk went away");
    expect(readdirSync(root)).toEqual([]);
  });

  it("reports a full disk as DISK_FULL, naming where the space is needed", () => {
    const error = asDiskError(Object.assign(new Error("no space"), { code: "ENOSPC" }), "/cache");
    expect(error).toBeInstanceOf(SetupError);
    expect((error as SetupError).code).toBe("DISK_FULL");
    expect((error as SetupError).message).toContain("/cache");
    expect((error as SetupError).message).toContain("TRAINKIT_CACHE_DIR");
  });

  it("removes partial folders of dead processes and keeps those of live ones", async () => {
    const root = tempDir();
    // A process that has exited: its pid is free.
    const child = spawn(process.execPath, ["-e", ""]);
    const deadPid = await new Promise<number>((resolve) =>
      child.on("exit", () => resolve(child.pid as number)),
    );
    mkdirSync(path.join(root, `entry.partial-${deadPid}-abc`));
    mkdirSync(path.join(root, `entry.partial-${process.ppid}-def`));
    removeStalePartials(root);
    expect(readdirSync(root)).toEqual([`entry.partial-${process.ppid}-def`]);
  });
});
