import { spawn, spawnSync } from "node:child_process";
import { createWriteStream, existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { SetupError } from "../errors.js";

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The last lines of stdout and stderr together. */
  tail: string;
}

/**
 * Runs a command, its output going to `logFile` (and to `onLine`, line by line). Resolves with
 * the exit status; rejects only when the command cannot be started (`ENOENT`, …).
 */
export function runLogged(
  command: string,
  args: readonly string[],
  options: {
    cwd?: string;
    env?: NodeJS.ProcessEnv;
    logFile?: string;
    onLine?: (line: string) => void;
  } = {},
): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    const log = options.logFile ? createWriteStream(options.logFile, { flags: "a" }) : undefined;
    log?.write(`$ ${command} ${args.join(" ")}\n`);
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const lines: string[] = [];
    let partial = "";
    const take = (chunk: Buffer) => {
      log?.write(chunk);
      const text = partial + chunk.toString("utf8");
      const parts = text.split(/\r?\n|\r/);
      partial = parts.pop() ?? "";
      for (const line of parts) {
        lines.push(line);
        if (lines.length > 40) lines.shift();
        options.onLine?.(line);
      }
    };
    child.stdout.on("data", take);
    child.stderr.on("data", take);
    child.on("error", (error) => {
      log?.end();
      reject(error);
    });
    child.on("close", (code, signal) => {
      if (partial) lines.push(partial);
      const finish = () => resolve({ code, signal, tail: lines.join("\n") });
      if (log) log.end(finish);
      else finish();
    });
  });
}

/** Is `command` an executable on PATH (or a path to one)? */
export function onPath(command: string, env: NodeJS.ProcessEnv = process.env): boolean {
  if (command.includes("/") || command.includes("\\")) return existsSync(command);
  const exts = process.platform === "win32" ? (env.PATHEXT ?? ".EXE;.CMD").split(";") : [""];
  for (const dir of (env.PATH ?? "").split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) if (existsSync(path.join(dir, command + ext))) return true;
  }
  return false;
}

/** The Python that runs pip and node-gyp's gyp: `--python`, `TRAINKIT_PYTHON`, else `python3`. */
export function pythonCommand(explicit?: string, env: NodeJS.ProcessEnv = process.env): string {
  return explicit ?? env.TRAINKIT_PYTHON ?? (process.platform === "win32" ? "python" : "python3");
}

/** Fails with PYTHON_MISSING / PIP_MISSING when pip cannot run. */
export function checkPip(python: string): void {
  if (!onPath(python)) {
    throw new SetupError(
      "PYTHON_MISSING",
      `${python} is not on PATH, and the setup needs it to download the TensorFlow wheel: install Python 3 (Debian/Ubuntu: \`apt-get install python3-pip\`), or download the wheel elsewhere and pass --wheel <file>.`,
    );
  }
  const probe = spawnSync(python, ["-m", "pip", "--version"], { encoding: "utf8" });
  if (probe.error || probe.status !== 0) {
    throw new SetupError(
      "PIP_MISSING",
      `${python} has no pip (\`${python} -m pip --version\` failed): install it (Debian/Ubuntu: \`apt-get install python3-pip\`; elsewhere \`${python} -m ensurepip\`), or pass --wheel <file>.`,
    );
  }
}

/**
 * node-gyp as npm ships it: from npm's own environment, beside the running Node, or installed
 * in the project.
 */
export function findNodeGyp(
  projectDir: string,
  env: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
): string {
  const script = path.join("node-gyp", "bin", "node-gyp.js");
  const bundled = path.join("npm", "node_modules", script);
  const candidates: string[] = [];
  if (env.npm_config_node_gyp) candidates.push(env.npm_config_node_gyp);
  // …/npm/bin/npm-cli.js -> …/npm/node_modules/node-gyp/bin/node-gyp.js
  if (env.npm_execpath)
    candidates.push(path.join(path.dirname(env.npm_execpath), "..", "node_modules", script));
  // <prefix>/bin/node -> <prefix>/lib/node_modules/npm/… (Unix); node.exe's folder (Windows).
  candidates.push(
    path.join(path.dirname(path.dirname(execPath)), "lib", "node_modules", bundled),
    path.join(path.dirname(execPath), "node_modules", bundled),
  );
  try {
    candidates.push(
      createRequire(path.join(projectDir, "noop.js")).resolve("node-gyp/bin/node-gyp.js"),
    );
  } catch {
    // not installed in the project
  }
  const found = candidates.find((c) => existsSync(c));
  if (!found) {
    throw new SetupError(
      "NODE_GYP_MISSING",
      "node-gyp was not found (npm normally ships it): install it with `npm i -g node-gyp`, or set npm_config_node_gyp to its bin/node-gyp.js.",
    );
  }
  return found;
}

/**
 * The folder holding the running Node's headers (`include/node/node_api.h`), so node-gyp needs
 * no download: `--nodedir`, `npm_config_nodedir`, else the prefix of the Node executable.
 */
export function findNodeDir(
  explicit?: string,
  env: NodeJS.ProcessEnv = process.env,
  execPath: string = process.execPath,
): string {
  const candidates = [explicit, env.npm_config_nodedir, path.dirname(path.dirname(execPath))];
  for (const dir of candidates) {
    if (dir && existsSync(path.join(dir, "include", "node", "node_api.h"))) return dir;
  }
  const prefix = path.dirname(path.dirname(execPath));
  throw new SetupError(
    "NODE_HEADERS_MISSING",
    `The running Node (${execPath}) has no headers under ${path.join(prefix, "include", "node")}: install a Node build that ships them (nodejs.org's builds do; Debian/Ubuntu: \`apt-get install libnode-dev\`), or pass --nodedir <prefix with include/node>.`,
  );
}

/** Fails with COMPILER_MISSING when the C++ compiler or make that node-gyp drives is absent. */
export function checkCompiler(
  env: NodeJS.ProcessEnv = process.env,
  platform = process.platform,
): void {
  if (platform === "win32") return;
  const cxx = (env.CXX ?? "").split(" ")[0] || (platform === "darwin" ? "clang++" : "g++");
  const make = env.MAKE ?? "make";
  const missing = [cxx, make].filter((c) => !onPath(c, env));
  // Plain `c++` is a fine fallback for the default g++ (node-gyp's Makefile uses $(CXX) or c++).
  if (missing.length === 1 && missing[0] === cxx && !env.CXX && onPath("c++", env)) return;
  if (missing.length > 0) {
    const fix =
      platform === "darwin"
        ? "`xcode-select --install`"
        : "Debian/Ubuntu: `apt-get install g++ make`; Fedora: `dnf install gcc-c++ make`";
    throw new SetupError(
      "COMPILER_MISSING",
      `${missing.join(" and ")} ${missing.length === 1 ? "is" : "are"} not on PATH, and the binding is C++ built with node-gyp: install a compiler (${fix}).`,
    );
  }
}
