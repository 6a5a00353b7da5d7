import { spawn, spawnSync } from "node:child_process";
import { existsSync, readdirSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { tensorflowSetupStatus } from "../src/index.js";
import { hasCompiler } from "./standins.js";
import { fakeProject, tensorflowLikeFiles, writeWheel } from "./support/fake-wheel.js";
import { removeTempDirs, tempDir } from "./support/temp-dir.js";

const packageRoot = fileURLToPath(new URL("..", import.meta.url));
const cli = path.join(packageRoot, "src", "cli.ts");
afterAll(removeTempDirs);

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function setup(args: string[], env: NodeJS.ProcessEnv = {}): Run {
  const result = spawnSync(
    process.execPath,
    ["--import", "tsx", cli, "setup", "tensorflow", ...args],
    { cwd: packageRoot, encoding: "utf8", env: { ...process.env, ...env }, timeout: 120_000 },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The one line a failed setup ends with. */
function lastLine(run: Run): string {
  return run.stderr.trim().split("\n").at(-1) ?? "";
}

/** A fake project, a fresh cache, and a wheel (valid unless told otherwise). */
async function scene(options: Parameters<typeof tensorflowLikeFiles>[0] = {}) {
  const project = fakeProject();
  const work = tempDir("trainkit-setup-");
  const cache = path.join(work, "cache");
  const wheel = await writeWheel(
    path.join(work, "tensorflow_cpu-2.21.0-cp311-cp311-manylinux_2_27_x86_64.whl"),
    tensorflowLikeFiles(options),
  );
  const args = ["--project", project.dir, "--cache-dir", cache];
  return { project, cache, wheel, args };
}

describe("trainkit-backend setup tensorflow: each bad case ends in one line naming the fix (exit 2)", () => {
  it("a wheel that is corrupt, leaving no cache entry behind", async () => {
    const { wheel, args, cache } = await scene();
    const { truncateSync, statSync } = await import("node:fs");
    truncateSync(wheel, Math.floor(statSync(wheel).size * 0.6));
    const run = setup([...args, "--wheel", wheel]);
    expect(run.code).toBe(2);
    expect(lastLine(run)).toMatch(
      /^trainkit-backend: .* is not a usable wheel \(.*\): delete it and download it again/,
    );
    expect(readdirSync(path.join(cache, "tensorflow"))).toEqual([]);
  });

  it("python3 missing (no wheel given, nothing cached)", async () => {
    const { args } = await scene();
    const run = setup([...args, "--python", "/nonexistent/python3"]);
    expect(run.code).toBe(2);
    expect(lastLine(run)).toMatch(
      /^trainkit-backend: \/nonexistent\/python3 is not on PATH.*install Python 3.*--wheel <file>/,
    );
  });

  it("a Python without pip", async () => {
    const { args } = await scene();
    // `node` is an executable that fails `-m pip --version` just as a Python without pip does.
    const run = setup([...args, "--python", process.execPath]);
    expect(run.code).toBe(2);
    expect(lastLine(run)).toMatch(/has no pip .*ensurepip/);
  });

  it.runIf(spawnSync("python3", ["-m", "pip", "--version"]).status === 0)(
    "pip cannot find the wheel (a version that does not exist)",
    async () => {
      const { args } = await scene();
      const run = setup([...args, "--tf-version", "0.0.1"]);
      expect(run.code).toBe(2);
      expect(lastLine(run)).toMatch(
        /pip (found no tensorflow-cpu==0\.0\.1 for this Python and platform|could not download tensorflow-cpu==0\.0\.1).*--wheel <file>; pip's output is in .*\.log/,
      );
    },
  );

  it.each([
    ["win32", "x64", "use WSL2"],
    ["darwin", "x64", "stopped publishing macOS x86-64 wheels after 2.16"],
  ])(
    "a platform without a wheel (%s-%s) names why and the wasm fallback",
    async (platform, arch, why) => {
      const { args } = await scene();
      // The process runs as if on that platform (the mapping itself is tested per platform).
      const pretend = `data:text/javascript,Object.defineProperty(process,"platform",{value:"${platform}"});Object.defineProperty(process,"arch",{value:"${arch}"});`;
      const run = spawnSync(
        process.execPath,
        ["--import", pretend, "--import", "tsx", cli, "setup", "tensorflow", ...args],
        // Node takes a Windows temp dir from TEMP: without it, "undefined\\temp" under cwd
        {
          cwd: packageRoot,
          encoding: "utf8",
          env: { ...process.env, TEMP: tmpdir(), TMP: tmpdir() },
        },
      );
      expect(run.status).toBe(2);
      expect(run.stderr.trim().split("\n")).toHaveLength(1);
      expect(run.stderr).toContain(
        `There is no TensorFlow wheel to build on for ${platform}-${arch}: `,
      );
      expect(run.stderr).toContain(why);
      expect(run.stderr).toContain("The wasm backend works everywhere");
    },
  );

  it("a version that is not one", async () => {
    const { args } = await scene();
    const run = setup([...args, "--tf-version", "not-a-version"]);
    expect(run.code).toBe(2);
    expect(lastLine(run)).toContain(
      '--tf-version is "not-a-version", which is not a TensorFlow version',
    );
  });

  it("the compiler missing: the libraries are cached, the build is not tried", async () => {
    const { args, wheel, cache } = await scene();
    const run = setup([...args, "--wheel", wheel], { CXX: "/nonexistent/c++" });
    expect(run.code).toBe(2);
    expect(lastLine(run)).toMatch(
      /\/nonexistent\/c\+\+ is not on PATH.*install a compiler \(Debian\/Ubuntu: `apt-get install g\+\+ make`/,
    );
    expect(
      existsSync(path.join(cache, "tensorflow", "2.21.0-linux-x64-cpu", "manifest.json")),
    ).toBe(process.platform === "linux" && process.arch === "x64");
  });

  it.runIf(hasCompiler() && process.platform === "linux")(
    "a failing build names the compiler's error and keeps its log",
    async () => {
      const { args, wheel, cache } = await scene({
        cApi: "#error this TensorFlow header is broken\n",
      });
      const run = setup([...args, "--wheel", wheel]);
      expect(run.code).toBe(2);
      const line = lastLine(run);
      expect(line).toMatch(
        /Building the @tensorflow\/tfjs-node addon failed \(.*this TensorFlow header is broken.*\): the compiler output is in (\S+\.log)\.$/,
      );
      const log = /compiler output is in (\S+\.log)\.$/.exec(line)?.[1] as string;
      expect(log.startsWith(path.join(cache, "logs"))).toBe(true);
      expect(readFileSync(log, "utf8")).toContain("this TensorFlow header is broken");
      const addons = path.join(cache, "addons");
      expect(existsSync(addons) ? readdirSync(addons) : []).toEqual([]);
    },
  );

  it("an unknown command and an unknown flag", () => {
    const unknown = spawnSync(process.execPath, ["--import", "tsx", cli, "setup", "pytorch"], {
      cwd: packageRoot,
      encoding: "utf8",
    });
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain(
      "unknown command 'setup pytorch'; the command is `setup tensorflow`",
    );
    const flag = setup(["--frobnicate"]);
    expect(flag.code).toBe(2);
    expect(flag.stderr).toContain("Unknown option '--frobnicate'");
  });
});

describe("trainkit-backend setup tensorflow: the cache", () => {
  it("Ctrl-C during extraction leaves no cache entry that looks valid", async () => {
    const { args, wheel, cache } = await scene({ libraryBytes: 256 << 20 });
    const child = spawn(
      process.execPath,
      ["--import", "tsx", cli, "setup", "tensorflow", ...args, "--wheel", wheel],
      {
        cwd: packageRoot,
        stdio: ["ignore", "pipe", "pipe"],
      },
    );
    let stderr = "";
    let sent = false;
    const exit = new Promise<number | null>((resolve) => child.on("exit", (code) => resolve(code)));
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
      if (!sent && /\(0%\)/.test(stderr)) {
        sent = true;
        child.kill("SIGINT");
      }
    });
    expect(await exit).toBe(130);
    expect(stderr).toContain("interrupted (SIGINT); nothing half-written was kept");
    expect(readdirSync(path.join(cache, "tensorflow"))).toEqual([]);
  });
});

const status = tensorflowSetupStatus({ resolveFrom: packageRoot });
describe.runIf(status.setUpByTrainkit || process.env.TRAINKIT_REQUIRE_TENSORFLOW === "1")(
  "trainkit-backend setup tensorflow: on this machine's real setup",
  () => {
    it("a second run finds everything in place, verifies and says so", () => {
      // The first puts this checkout in place if another cache was used before; then nothing is left to do.
      expect(setup([], {}).code).toBe(0);
      const run = setup([], {});
      expect(run.code).toBe(0);
      expect(run.stdout).toMatch(
        /^Already set up: TensorFlow \d+\.\d+\.\d+ under @tensorflow\/tfjs-node \(oneDNN (on|off).*conv gradients match the cpu backend to .*initBackend\(\) now picks tensorflow-cpu\.$/m,
      );
      expect(run.stderr).toContain("[5/5] verify in a child process");
    });
  },
);
