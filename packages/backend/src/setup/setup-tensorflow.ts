import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
} from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { SetupError } from "../errors.js";
import { asDiskError, cacheRoot, removeStalePartials, writeCacheEntry } from "./cache-dir.js";
import { extractFromWheel, quotedIncludes, writeJson } from "./extract-wheel.js";
import {
  addonCacheKey,
  DEFAULT_TENSORFLOW_VERSION,
  napiBuildVersion,
  TFJS_NODE_VERSION,
  tensorflowWheelPlan,
  type WheelPlan,
} from "./tensorflow-wheel.js";
import {
  checkCompiler,
  checkPip,
  findNodeDir,
  findNodeGyp,
  pythonCommand,
  runLogged,
} from "./toolchain.js";
import { type VerifyResult, verifyTensorflow } from "./verify-tensorflow.js";

/** What the setup reports while it works, for a progress display. */
export type SetupEvent =
  | { kind: "step"; index: number; total: number; title: string }
  | { kind: "info"; message: string }
  | { kind: "progress"; done: number; total: number; unit: "bytes" | "seconds" };

export interface SetupTensorflowOptions {
  /** Where `@tensorflow/tfjs-node` is installed and resolved from. Default: the working directory. */
  projectDir?: string;
  /** A wheel file (or, for `gpu`, a folder of wheels) to use instead of downloading. */
  wheel?: string;
  /** TensorFlow version. Default: `DEFAULT_TENSORFLOW_VERSION`. */
  tfVersion?: string;
  /** Build `@tensorflow/tfjs-node-gpu` on `tensorflow[and-cuda]` (CUDA 12 wheels). */
  gpu?: boolean;
  /** The Python that runs pip. Default: `TRAINKIT_PYTHON`, else `python3`. */
  python?: string;
  /** A prefix holding `include/node` (default: the running Node's own). */
  nodedir?: string;
  /** The cache folder. Default: `cacheRoot()` (`TRAINKIT_CACHE_DIR`, `~/.cache/trainkit`, …). */
  cacheDir?: string;
  /** Rebuild the addon and relink even when everything is in place. */
  force?: boolean;
  onEvent?: (event: SetupEvent) => void;
}

export interface SetupTensorflowResult {
  /** TensorFlow version that the addon really loaded (`TF_Version`). */
  tensorflowVersion: string;
  /** The npm package set up. */
  packageName: string;
  packageDir: string;
  cacheDir: string;
  /** Nothing needed doing: the package was already linked to a built addon. */
  alreadySetUp: boolean;
  /** Steps that were served from the cache. */
  fromCache: string[];
  verify: VerifyResult;
  seconds: number;
  plan: WheelPlan;
}

const STAMP = "trainkit-setup.json";
const TOTAL_STEPS = 5;

interface Stamp {
  cacheKey: string;
  addonKey: string;
  libraryDir: string;
}

function resolvePackageDir(projectDir: string, name: string): string | undefined {
  try {
    const require = createRequire(path.join(projectDir, "noop.js"));
    return path.dirname(require.resolve(`${name}/package.json`));
  } catch {
    return undefined;
  }
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(readFileSync(file, "utf8")) as T;
  } catch {
    return undefined;
  }
}

function npmCommand(): { command: string; prefix: string[] } {
  const execpath = process.env.npm_execpath;
  if (execpath && /npm-cli\.js$/.test(execpath)) {
    return { command: process.execPath, prefix: [execpath] };
  }
  return { command: process.platform === "win32" ? "npm.cmd" : "npm", prefix: [] };
}

async function ensurePackage(
  plan: WheelPlan,
  projectDir: string,
  logDir: string,
  emit: (e: SetupEvent) => void,
): Promise<string> {
  const name = plan.tfjsPackage;
  const existing = resolvePackageDir(projectDir, name);
  const version = existing
    ? readJson<{ version?: string }>(path.join(existing, "package.json"))?.version
    : undefined;
  if (existing && version?.startsWith("4.22.")) {
    emit({ kind: "info", message: `${name}@${version} is installed (${existing})` });
    return existing;
  }
  const spec = `${name}@${TFJS_NODE_VERSION}`;
  const why = existing ? `${name}@${version} is installed, not 4.22` : `${name} is not installed`;
  emit({
    kind: "info",
    message: `${why}: npm install --no-save --ignore-scripts ${spec} (its download script stays off; package.json is not changed)`,
  });
  const npm = npmCommand();
  const logFile = path.join(logDir, `npm-install-${Date.now()}.log`);
  let result: Awaited<ReturnType<typeof runLogged>>;
  try {
    result = await runLogged(
      npm.command,
      [...npm.prefix, "install", "--no-save", "--ignore-scripts", "--no-audit", "--no-fund", spec],
      { cwd: projectDir, logFile },
    );
  } catch (error) {
    throw new SetupError(
      "NPM_INSTALL_FAILED",
      `npm could not be started (${(error as Error).message}): run the setup through npm (\`npx trainkit-backend …\`) or put npm on PATH.`,
      { cause: error, logPath: logFile },
    );
  }
  const installed = resolvePackageDir(projectDir, name);
  if (result.code !== 0 || !installed) {
    const last = result.tail.trim().split("\n").at(-1) ?? "";
    throw new SetupError(
      "NPM_INSTALL_FAILED",
      `\`npm install --no-save --ignore-scripts ${spec}\` failed in ${projectDir} (${last}): check npm's registry access; the full output is in ${logFile}.`,
      { logPath: logFile },
    );
  }
  emit({ kind: "info", message: `installed ${spec} in ${installed}` });
  return installed;
}

function findCachedWheels(dir: string, plan: WheelPlan): string[] {
  if (!existsSync(dir)) return [];
  const files = readdirSync(dir).filter((f) => f.endsWith(".whl"));
  const main = files.find((f) => f.startsWith(plan.wheelPrefix));
  if (!main) return [];
  return plan.withDependencies ? files.map((f) => path.join(dir, f)) : [path.join(dir, main)];
}

async function obtainWheels(
  plan: WheelPlan,
  options: SetupTensorflowOptions,
  cache: string,
  logDir: string,
  emit: (e: SetupEvent) => void,
): Promise<string[]> {
  if (options.wheel) {
    const given = path.resolve(options.wheel);
    if (!existsSync(given)) {
      throw new SetupError(
        "INVALID_OPTION",
        `--wheel ${given} does not exist: give the path of a downloaded ${plan.wheelPrefix}*.whl.`,
      );
    }
    const wheels = statSync(given).isDirectory() ? findCachedWheels(given, plan) : [given];
    if (wheels.length === 0) {
      throw new SetupError("INVALID_OPTION", `--wheel ${given} holds no ${plan.wheelPrefix}*.whl.`);
    }
    emit({
      kind: "info",
      message: `using ${wheels.length === 1 ? wheels[0] : `${wheels.length} wheels in ${given}`}`,
    });
    return wheels;
  }
  const wheelDir = path.join(cache, "wheels", plan.cacheKey);
  const cached = findCachedWheels(wheelDir, plan);
  if (cached.length > 0) {
    emit({ kind: "info", message: `wheel from the cache: ${cached[0]}` });
    return cached;
  }
  const python = pythonCommand(options.python);
  checkPip(python);
  const args = ["-m", "pip", "download", "--only-binary=:all:", "--progress-bar", "off"];
  if (!plan.withDependencies) args.push("--no-deps");
  const logFile = path.join(logDir, `pip-download-${Date.now()}.log`);
  emit({
    kind: "info",
    message: `${python} ${args.slice(0, 3).join(" ")} ${plan.requirement} (pip's own index settings apply)`,
  });
  await writeCacheEntry(wheelDir, async (temp) => {
    const started = Date.now();
    const result = await runLogged(python, [...args, "-d", temp, plan.requirement], {
      logFile,
      onLine: () =>
        emit({ kind: "progress", done: (Date.now() - started) / 1000, total: 0, unit: "seconds" }),
    });
    if (result.code !== 0 || findCachedWheels(temp, plan).length === 0) {
      const notFound = /No matching distribution|Could not find a version/i.test(result.tail);
      const last = result.tail.trim().split("\n").filter(Boolean).at(-1) ?? `exit ${result.code}`;
      throw new SetupError(
        "WHEEL_NOT_FOUND",
        notFound
          ? `pip found no ${plan.requirement} for this Python and platform: check --tf-version (default ${DEFAULT_TENSORFLOW_VERSION}) and pip's index settings (PIP_INDEX_URL), or download the wheel elsewhere and pass --wheel <file>; pip's output is in ${logFile}.`
          : `pip could not download ${plan.requirement} (${last}): check the network or pip's index settings, or pass --wheel <file>; pip's output is in ${logFile}.`,
        { logPath: logFile },
      );
    }
  });
  const wheels = findCachedWheels(wheelDir, plan);
  emit({ kind: "info", message: `downloaded ${path.basename(wheels[0] ?? "")}` });
  return wheels;
}

/** The `#include "…"`s of the binding's own sources (some reach past TensorFlow's C API). */
function bindingIncludes(packageDir: string): string[] {
  const dir = path.join(packageDir, "binding");
  if (!existsSync(dir)) return [];
  return readdirSync(dir)
    .filter((f) => /\.(cc|h)$/.test(f))
    .flatMap((f) => quotedIncludes(readFileSync(path.join(dir, f), "utf8")));
}

async function ensureLibraries(
  plan: WheelPlan,
  packageDir: string,
  options: SetupTensorflowOptions,
  cache: string,
  logDir: string,
  emit: (e: SetupEvent) => void,
  fromCache: string[],
): Promise<string> {
  const entry = path.join(cache, "tensorflow", plan.cacheKey);
  if (existsSync(path.join(entry, "manifest.json"))) {
    fromCache.push("libraries");
    emit({
      kind: "info",
      message: `TensorFlow ${plan.target.tfVersion} libraries from the cache: ${entry}`,
    });
    return entry;
  }
  const wheels = await obtainWheels(plan, options, cache, logDir, emit);
  const main = wheels.find((w) => path.basename(w).startsWith(plan.wheelPrefix)) ?? wheels[0];
  await writeCacheEntry(entry, async (temp) => {
    const files: string[] = [];
    const report = (done: number, total: number) =>
      emit({ kind: "progress", done, total, unit: "bytes" });
    const mainResult = await extractFromWheel(
      main as string,
      temp,
      {
        files: plan.libraries.map((l) => l.wheelPath),
        headerRoots: plan.headerRoots,
        optionalHeaderRoots: bindingIncludes(packageDir),
        includePrefix: plan.includePrefix,
      },
      (p) => report(p.done, p.total),
    );
    files.push(...mainResult.written);
    for (const wheel of wheels) {
      if (wheel === main || plan.layoutDirs.length === 0) continue;
      const extra = await extractFromWheel(wheel, temp, {
        files: [],
        prefixes: plan.layoutDirs.map((d) => `${d}/`),
      });
      files.push(...extra.written);
    }
    writeJson(path.join(temp, "manifest.json"), {
      tfVersion: plan.target.tfVersion,
      requirement: plan.requirement,
      wheels: wheels.map((w) => path.basename(w)),
      files,
    });
  });
  emit({ kind: "info", message: `extracted the libraries and headers into ${entry}` });
  return entry;
}

/** Points tfjs-node's `deps/` at the cache entry under the names its binding wants. */
function linkDeps(plan: WheelPlan, packageDir: string, libraryDir: string): void {
  const deps = path.join(packageDir, "deps");
  rmSync(deps, { recursive: true, force: true });
  mkdirSync(path.join(deps, "lib"), { recursive: true });
  for (const lib of plan.libraries) {
    const target = path.join(libraryDir, ...lib.wheelPath.split("/"));
    const [own, ...aliases] = lib.depsNames;
    symlinkSync(target, path.join(deps, "lib", own as string));
    for (const alias of aliases) symlinkSync(own as string, path.join(deps, "lib", alias));
  }
  symlinkSync(
    path.join(libraryDir, ...plan.includePrefix.split("/").filter(Boolean)),
    path.join(deps, "include"),
    "dir",
  );
  for (const dir of plan.layoutDirs) {
    symlinkSync(path.join(libraryDir, dir), path.join(deps, dir), "dir");
  }
}

/** The line of a failed build that says most: the compiler's error, else node-gyp's. */
function firstBuildError(output: string): string | undefined {
  const lines = output.split("\n").map((l) => l.trim());
  for (const pattern of [
    /(^|\s)(fatal )?error: |#error/, // gcc and clang
    /^gyp: /, // gyp's own reason (a missing file, a bad binding.gyp)
    /^gyp ERR! (?!stack|System|command|cwd|node -v|node-gyp -v|not ok)/,
    /\berror\b/i,
  ]) {
    const hit = lines.find(
      (l) => pattern.test(l) && !l.startsWith("gyp WARN") && !l.startsWith("gyp info"),
    );
    if (hit) return hit;
  }
  return undefined;
}

async function ensureAddon(
  plan: WheelPlan,
  packageDir: string,
  addonEntry: string,
  napi: number,
  options: SetupTensorflowOptions,
  logDir: string,
  emit: (e: SetupEvent) => void,
  fromCache: string[],
): Promise<void> {
  const installed = path.join(packageDir, "lib", `napi-v${napi}`, "tfjs_binding.node");
  const cached = path.join(addonEntry, "tfjs_binding.node");
  if (!options.force && existsSync(cached)) {
    fromCache.push("addon");
    mkdirSync(path.dirname(installed), { recursive: true });
    copyFileSync(cached, installed);
    emit({ kind: "info", message: `addon from the cache (built for this Node's ABI): ${cached}` });
    return;
  }
  checkCompiler();
  const python = pythonCommand(options.python);
  const nodeGyp = findNodeGyp(packageDir);
  const nodedir = findNodeDir(options.nodedir);
  const logFile = path.join(logDir, `build-addon-${Date.now()}.log`);
  emit({
    kind: "info",
    message: `node-gyp against the headers in ${path.join(nodedir, "include", "node")} (log: ${logFile})`,
  });
  const started = Date.now();
  const timer = setInterval(
    () =>
      emit({ kind: "progress", done: (Date.now() - started) / 1000, total: 0, unit: "seconds" }),
    1000,
  );
  let result: Awaited<ReturnType<typeof runLogged>>;
  try {
    result = await runLogged(
      process.execPath,
      [
        nodeGyp,
        "rebuild",
        `--nodedir=${nodedir}`,
        `--python=${python}`,
        "--module_name=tfjs_binding",
        `--module_path=${path.dirname(installed)}`,
        `--napi_build_version=${napi}`,
        "--jobs=max",
      ],
      { cwd: packageDir, logFile },
    );
  } finally {
    clearInterval(timer);
  }
  if (result.code !== 0 || !existsSync(installed)) {
    // The first error in the whole log: later ones are often consequences of it.
    const errorLine =
      firstBuildError(readFileSync(logFile, "utf8")) ?? `exit ${result.code ?? result.signal}`;
    throw new SetupError(
      "BUILD_FAILED",
      `Building the ${plan.tfjsPackage} addon failed (${errorLine}): the compiler output is in ${logFile}.`,
      { logPath: logFile },
    );
  }
  if (plan.postBuild) {
    const [command, ...args] = plan.postBuild;
    const post = spawnSync(command as string, [...args, installed], { encoding: "utf8" });
    if (post.status !== 0) {
      throw new SetupError(
        "BUILD_FAILED",
        `\`${plan.postBuild.join(" ")}\` failed on the addon (${(post.stderr || String(post.error)).trim()}).`,
      );
    }
  }
  await writeCacheEntry(addonEntry, async (temp) => {
    copyFileSync(installed, path.join(temp, "tfjs_binding.node"));
  });
  emit({
    kind: "info",
    message: `built in ${((Date.now() - started) / 1000).toFixed(0)} s; kept in ${addonEntry}`,
  });
}

/**
 * Builds `@tensorflow/tfjs-node` (or `-node-gpu`) on the TensorFlow that pip ships today,
 * instead of the libtensorflow 2.9.1 its install script downloads:
 *
 * 1. installs the package without its install script (`--no-save --ignore-scripts`);
 * 2. gets the TensorFlow wheel (the file given, the cache, or `pip download`), and extracts
 *    the two libraries and the headers the binding includes into a per-user cache, atomically;
 * 3. links them into the package's `deps/`;
 * 4. builds the addon with node-gyp against the running Node's headers, and caches it by ABI;
 * 5. verifies in a child process: loads it, reads `TF_Version`, compares a conv gradient
 *    with the `cpu` backend.
 *
 * A second run finds everything in place and only verifies. Failures are `SetupError`s whose
 * message names the fix.
 */
export async function setupTensorflow(
  options: SetupTensorflowOptions = {},
): Promise<SetupTensorflowResult> {
  const started = Date.now();
  const emit = options.onEvent ?? (() => {});
  const projectDir = path.resolve(options.projectDir ?? process.cwd());
  const plan = tensorflowWheelPlan({
    platform: process.platform,
    arch: process.arch,
    gpu: options.gpu ?? false,
    tfVersion: options.tfVersion ?? DEFAULT_TENSORFLOW_VERSION,
  });
  const cache = path.resolve(options.cacheDir ?? cacheRoot());
  const logDir = path.join(cache, "logs");
  try {
    mkdirSync(logDir, { recursive: true });
  } catch (error) {
    throw asDiskError(error, cache);
  }
  const fromCache: string[] = [];

  emit({
    kind: "step",
    index: 1,
    total: TOTAL_STEPS,
    title: `${plan.tfjsPackage}@${TFJS_NODE_VERSION}`,
  });
  const packageDir = await ensurePackage(plan, projectDir, logDir, emit);
  const pkg = readJson<{ version: string; binary?: { napi_versions?: number[] } }>(
    path.join(packageDir, "package.json"),
  );
  const napi = napiBuildVersion(
    pkg?.binary?.napi_versions ?? [8],
    Number(process.versions.napi ?? 8),
  );
  const addonKey = addonCacheKey(
    plan,
    pkg?.version ?? TFJS_NODE_VERSION,
    process.versions.modules,
    napi,
  );
  const addonEntry = path.join(cache, "addons", addonKey);
  const libraryDir = path.join(cache, "tensorflow", plan.cacheKey);
  const stampFile = path.join(packageDir, "deps", STAMP);
  const stamp = readJson<Stamp>(stampFile);
  const addonPath = path.join(packageDir, "lib", `napi-v${napi}`, "tfjs_binding.node");
  const inPlace =
    !options.force &&
    stamp?.cacheKey === plan.cacheKey &&
    stamp.addonKey === addonKey &&
    stamp.libraryDir === libraryDir &&
    existsSync(addonPath) &&
    plan.libraries.every((l) =>
      existsSync(path.join(packageDir, "deps", "lib", l.depsNames[0] as string)),
    );

  if (!inPlace) {
    emit({
      kind: "step",
      index: 2,
      total: TOTAL_STEPS,
      title: `TensorFlow ${plan.target.tfVersion} (${plan.requirement})`,
    });
    const entry = await ensureLibraries(plan, packageDir, options, cache, logDir, emit, fromCache);
    emit({
      kind: "step",
      index: 3,
      total: TOTAL_STEPS,
      title: `link into ${path.join(packageDir, "deps")}`,
    });
    rmSync(stampFile, { force: true });
    linkDeps(plan, packageDir, entry);
    emit({ kind: "step", index: 4, total: TOTAL_STEPS, title: "native addon" });
    await ensureAddon(plan, packageDir, addonEntry, napi, options, logDir, emit, fromCache);
  } else {
    emit({ kind: "info", message: "libraries linked and addon built by an earlier setup" });
  }

  emit({ kind: "step", index: 5, total: TOTAL_STEPS, title: "verify in a child process" });
  const verify = verifyTensorflow(packageDir);
  if (!inPlace)
    writeJson(stampFile, { cacheKey: plan.cacheKey, addonKey, libraryDir } satisfies Stamp);
  removeStalePartials(path.join(cache, "tensorflow"));
  return {
    tensorflowVersion: verify.tensorflowVersion,
    packageName: plan.tfjsPackage,
    packageDir,
    cacheDir: cache,
    alreadySetUp: inPlace,
    fromCache,
    verify,
    seconds: (Date.now() - started) / 1000,
    plan,
  };
}
