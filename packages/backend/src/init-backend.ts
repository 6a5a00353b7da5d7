import { existsSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { pathToFileURL } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import {
  type BackendCandidate,
  type BackendName,
  CANDIDATES,
  type CandidateInfo,
  DEFAULT_ORDER,
  type Device,
  isCandidate,
} from "./candidates.js";
import { BackendError, type BackendErrorCode } from "./errors.js";
import { addonMissing, classifyLoadError } from "./internal/classify-load-error.js";
import { restoreIsNullOrUndefined } from "./internal/node-compat.js";
import { oneDnnSetting } from "./setup/one-dnn.js";
import { addonFile } from "./setup/tensorflow-status.js";
import {
  INTRA_OP_THREADS_VARIABLE,
  type TensorflowThreadsSetting,
  tensorflowThreadsSetting,
} from "./setup/tensorflow-threads.js";
import { registerTensorflowKernels } from "./tensorflow-kernels.js";
import { registerWasmGradients } from "./wasm-gradients.js";
import { describeAdapter, type GpuAdapterSummary, probeWebGpu } from "./webgpu.js";

/** A backend to ask for: a rung of the ladder, `tensorflow` (GPU, else CPU) or `auto`. */
export type BackendRequest = BackendCandidate | "tensorflow" | "auto";

export interface InitBackendOptions {
  /**
   * One backend to use, failing with a `BackendError` when it cannot load, or `'auto'`
   * (the default) for the fastest that works. `'tensorflow'` accepts the GPU or the CPU build.
   * Defaults to the `TRAINKIT_BACKEND` environment variable, then `'auto'`.
   */
  prefer?: BackendRequest;
  /**
   * The order to try when nothing is preferred. Default: tensorflow-gpu, webgpu, tensorflow-cpu,
   * wasm, cpu.
   */
  order?: readonly BackendCandidate[];
  /**
   * Where to resolve the backend packages from (a directory or a file path/URL). By default
   * they are resolved from `@trainkit/backend` itself; set this to your app's directory when
   * your package manager does not hoist (pnpm, Yarn PnP).
   */
  resolveFrom?: string | URL;
  /**
   * Imports a package by name, instead of `import()` (and instead of `resolveFrom`). For bundled
   * apps, whose packages are not in a node_modules folder: map each name to a literal
   * `import("<name>")` so the bundler includes it and still loads it lazily.
   */
  importPackage?: (packageName: string) => Promise<unknown>;
  /** Threads for XNNPACK on wasm (default: what tfjs picks, one per core where threads work). */
  wasmThreads?: number;
  /**
   * On the tensorflow rungs, register trainkit's faster kernels for training
   * (`registerTensorflowKernels()`: Relu's gradient as one op, oneDNN's max pooling). Default
   * true; false keeps tfjs-node's own kernels.
   */
  tensorflowKernels?: boolean;
  /**
   * On the tensorflow rungs: how many threads TensorFlow's kernels use (its intra-op threads).
   * TensorFlow reads this once, when its library loads, so it applies to the first `initBackend`
   * that loads it; asking a later call for another count is an `INVALID_OPTION` error. Default:
   * `TF_NUM_INTRAOP_THREADS` if set, else TensorFlow's own (one per core). Choose it by
   * measurement: on 2 cores, 1 thread trains the small demo CNN about 25% faster (no thread
   * hand-offs for its many small kernels, and the other core stays free for JavaScript), while a
   * wide CNN is 20-40% slower with 1 thread (see docs/benchmarks.md).
   */
  tensorflowThreads?: number;
}

export interface BackendAttempt {
  name: BackendCandidate;
  ok: boolean;
  /** Why it was skipped, or what was chosen. */
  reason: string;
  /** Set when `ok` is false. */
  code?: BackendErrorCode;
}

export interface BackendChoice {
  /** The tfjs backend now active (`tf.getBackend()`). */
  name: BackendName;
  /** The rung of the ladder that won. */
  candidate: BackendCandidate;
  device: Device;
  /** The npm package that provides it. */
  packageName: string;
  /** Every rung tried, in order, with the reason each faster one was skipped. */
  tried: BackendAttempt[];
  /** XNNPACK threads, on wasm. */
  threads?: number;
  /** The GPU, on webgpu. */
  adapter?: GpuAdapterSummary;
  /** The TensorFlow version the native addon really loaded (`TF_Version`), on tensorflow. */
  tensorflowVersion?: string;
  /** Whether TensorFlow's oneDNN optimisations are on, on tensorflow. */
  oneDnn?: boolean;
  /** TensorFlow's intra-op threads (see `tensorflowThreads`), on tensorflow. */
  tensorflowThreads?: number;
  /**
   * trainkit's faster kernels in effect, on tensorflow (see `registerTensorflowKernels`); absent
   * with `tensorflowKernels: false`.
   */
  tensorflowKernels?: string[];
}

type Importer = (specifier: string) => Promise<unknown>;

/** This module's location in either build (CommonJS has `__filename`, ESM `import.meta.url`). */
function selfLocation(): string {
  return typeof __filename === "string" ? __filename : import.meta.url;
}

function anchorFor(resolveFrom: string | URL | undefined): string {
  if (resolveFrom === undefined) return selfLocation();
  let base = resolveFrom instanceof URL ? resolveFrom.pathname : resolveFrom;
  if (base.startsWith("file:")) base = new URL(base).pathname;
  // createRequire wants a file; a directory gets a file name that need not exist.
  return base.endsWith("/") || path.extname(base) === "" ? path.join(base, "noop.js") : base;
}

/**
 * For the tensorflow packages: is the native addon there? Checked before importing, because a
 * tfjs-node without its addon registers all its kernels and only then fails, and the next
 * tensorflow package would register them a second time. `undefined` when it cannot tell.
 */
function tensorflowAddonPresent(
  packageName: string,
  resolveFrom: string | URL | undefined,
): boolean | undefined {
  try {
    const require = createRequire(anchorFor(resolveFrom));
    const root = path.dirname(require.resolve(`${packageName}/package.json`));
    return existsSync(addonFile(root));
  } catch {
    return undefined;
  }
}

function makeImporter(resolveFrom: string | URL | undefined): Importer {
  if (resolveFrom === undefined) return (specifier) => import(specifier);
  const require = createRequire(anchorFor(resolveFrom));
  return async (specifier) => {
    const resolved = require.resolve(specifier);
    return import(pathToFileURL(resolved).href);
  };
}

function requestFromEnv(): BackendRequest | undefined {
  const value = process.env.TRAINKIT_BACKEND?.trim();
  return value ? (value as BackendRequest) : undefined;
}

function validateRequest(value: unknown, source: string): BackendRequest {
  if (value === "auto" || value === "tensorflow" || isCandidate(value)) return value;
  const valid = ["auto", "tensorflow", ...DEFAULT_ORDER].map((v) => `'${v}'`).join(", ");
  throw new BackendError(
    "INVALID_OPTION",
    `${source} is ${JSON.stringify(value)}, which is not a backend; use one of ${valid}.`,
  );
}

function ladderFor(
  request: BackendRequest,
  order: readonly BackendCandidate[],
): BackendCandidate[] {
  if (request === "auto") return [...order];
  if (request === "tensorflow") return ["tensorflow-gpu", "tensorflow-cpu"];
  return [request];
}

/** The tfjs backend instance, typed for the fields the tensorflow backend has. */
interface TensorflowBackendFields {
  isUsingGpuDevice?: boolean;
  isGPUPackage?: boolean;
}

interface BackendModuleApi {
  setThreadsCount?: (threads: number) => void;
  getThreadsCount?: () => number;
}

/** Named exports of a CommonJS package imported as ESM may sit on `default` only. */
function moduleApi(mod: unknown): BackendModuleApi {
  const m = (mod ?? {}) as BackendModuleApi & { default?: BackendModuleApi };
  return typeof m.getThreadsCount === "function" ? m : (m.default ?? m);
}

async function activate(backendName: BackendName): Promise<void> {
  const ok = await tf.setBackend(backendName);
  if (!ok) throw new Error(`tf.setBackend('${backendName}') returned false`);
  await tf.ready();
}

/** Registers the faster tensorflow kernels unless asked not to: their names, and a phrase. */
function fasterTensorflowKernels(options: InitBackendOptions): {
  text: string;
  result: { tensorflowKernels?: string[] };
} {
  if (options.tensorflowKernels === false) return { text: "", result: {} };
  const { registered } = registerTensorflowKernels();
  const count = registered.length;
  return {
    text: count > 0 ? `, ${count} faster kernel${count === 1 ? "" : "s"}` : "",
    result: { tensorflowKernels: registered },
  };
}

/**
 * The intra-op thread count TensorFlow took when this process loaded it, once something loaded
 * it. TensorFlow reads `TF_NUM_INTRAOP_THREADS` once, so later requests can only be checked.
 */
let threadsAtLoad: TensorflowThreadsSetting | undefined;

/**
 * Sets TensorFlow's thread count before its library loads (`options.tensorflowThreads` into
 * `TF_NUM_INTRAOP_THREADS`), or checks a request against the count it loaded with.
 */
function tensorflowThreadsFor(requested: number | undefined): TensorflowThreadsSetting {
  const loaded = threadsAtLoad !== undefined || tf.findBackendFactory("tensorflow") !== null;
  if (!loaded && requested !== undefined) {
    process.env[INTRA_OP_THREADS_VARIABLE] = String(requested);
  }
  threadsAtLoad ??= tensorflowThreadsSetting(
    process.env,
    undefined,
    !loaded && requested !== undefined,
  );
  if (requested !== undefined && requested !== threadsAtLoad.threads) {
    throw new BackendError(
      "INVALID_OPTION",
      `options.tensorflowThreads is ${requested}, but TensorFlow is already loaded in this ` +
        `process with ${threadsAtLoad.description} and reads its thread count only once. Pass ` +
        "tensorflowThreads to the first initBackend call of the process (or set " +
        `${INTRA_OP_THREADS_VARIABLE} before Node starts).`,
    );
  }
  return threadsAtLoad;
}

/** What a rung that loaded says: the reason line and the choice's optional fields that apply. */
type CandidateOutcome = { reason: string } & Pick<
  BackendChoice,
  "threads" | "adapter" | "tensorflowVersion" | "oneDnn" | "tensorflowThreads" | "tensorflowKernels"
>;

async function tryCandidate(
  info: CandidateInfo,
  load: Importer,
  options: InitBackendOptions,
  loadedTensorflow: { pkg?: string },
): Promise<CandidateOutcome> {
  const { backendName, packageName } = info;

  if (backendName === "webgpu") {
    // Dawn first: tfjs-backend-webgpu registers its backend only if navigator.gpu exists when
    // it is first imported, and an adapter (or the reason there is none) is the news here.
    const { adapter } = await probeWebGpu(load);
    await load(packageName);
    if (tf.findBackendFactory(backendName) === null) {
      throw new BackendError(
        "NOT_REGISTERED",
        `${packageName} loaded but registered no 'webgpu' backend: it was imported before ` +
          "navigator.gpu existed (let initBackend import it), or it registered with another " +
          "copy of @tensorflow/tfjs-core (use 4.22.x everywhere and run `npm dedupe`).",
      );
    }
    await activate(backendName);
    return { reason: `${info.description}: ${describeAdapter(adapter)}`, adapter };
  }

  if (
    backendName === "tensorflow" &&
    loadedTensorflow.pkg &&
    loadedTensorflow.pkg !== packageName
  ) {
    // tfjs-node-gpu is already loaded and registered 'tensorflow'; loading tfjs-node as well
    // would register the same backend twice. The GPU build runs on the CPU just as well.
    const threads = tensorflowThreadsFor(options.tensorflowThreads);
    await activate("tensorflow");
    const kernels = fasterTensorflowKernels(options);
    return {
      reason: `${loadedTensorflow.pkg} (already loaded) runs on the CPU, ${threads.description}${kernels.text}`,
      tensorflowThreads: threads.threads,
      ...kernels.result,
    };
  }

  if (
    backendName === "tensorflow" &&
    options.importPackage === undefined &&
    tensorflowAddonPresent(packageName, options.resolveFrom) === false
  ) {
    const missing = addonMissing(info);
    throw new BackendError(missing.code, missing.reason);
  }
  const tfThreads =
    backendName === "tensorflow" ? tensorflowThreadsFor(options.tensorflowThreads) : undefined;
  if (backendName === "tensorflow") restoreIsNullOrUndefined();
  const api = moduleApi(await load(packageName));
  if (backendName === "wasm") {
    registerWasmGradients();
    if (options.wasmThreads !== undefined) api.setThreadsCount?.(options.wasmThreads);
  }
  if (backendName === "tensorflow") loadedTensorflow.pkg = packageName;

  if (tf.findBackendFactory(backendName) === null) {
    throw new BackendError(
      "NOT_REGISTERED",
      `${packageName} loaded but registered no '${backendName}' backend with this copy of ` +
        "@tensorflow/tfjs-core: two copies are installed. Use one version (4.22.x) of every " +
        "@tensorflow package and run `npm dedupe`.",
    );
  }
  await activate(backendName);

  if (backendName === "tensorflow") {
    const fields = tf.backend() as unknown as TensorflowBackendFields;
    if (info.device === "gpu" && fields.isUsingGpuDevice !== true) {
      throw new BackendError(
        "NO_GPU",
        `${packageName} loaded but TensorFlow found no usable GPU (no NVIDIA driver, or the CUDA ` +
          "libraries its TensorFlow was built for cannot be loaded: CUDA 12 from " +
          "`npx trainkit-backend setup tensorflow --gpu`, CUDA 11.2 / cuDNN 8.1 for tfjs-node-gpu's " +
          "own libtensorflow 2.9.1), so it would run on the CPU.",
      );
    }
    const binding = (fields as { binding?: { TF_Version?: unknown } }).binding;
    const version = typeof binding?.TF_Version === "string" ? binding.TF_Version : undefined;
    const oneDnn = oneDnnSetting();
    const what = version
      ? info.description.replace("TensorFlow", `TensorFlow ${version}`)
      : info.description;
    const kernels = fasterTensorflowKernels(options);
    return {
      reason: `${what} via ${packageName}, ${oneDnn.description}, ${tfThreads?.description ?? ""}${kernels.text}`,
      ...(version !== undefined ? { tensorflowVersion: version } : {}),
      oneDnn: oneDnn.on,
      ...(tfThreads !== undefined ? { tensorflowThreads: tfThreads.threads } : {}),
      ...kernels.result,
    };
  }
  if (backendName === "wasm") {
    const threads = api.getThreadsCount?.();
    const threadText =
      threads !== undefined ? `, ${threads} thread${threads === 1 ? "" : "s"}` : "";
    return {
      reason: `${info.description}${threadText}`,
      ...(threads !== undefined ? { threads } : {}),
    };
  }
  return { reason: info.description };
}

/**
 * Picks the fastest tfjs backend that actually works here and makes it the active one:
 * TensorFlow on a GPU (`@tensorflow/tfjs-node-gpu`), WebGPU on Dawn (`webgpu` and
 * `@tensorflow/tfjs-backend-webgpu`), TensorFlow on the CPU
 * (`@tensorflow/tfjs-node`), wasm (`@tensorflow/tfjs-backend-wasm`, with trainkit's gradient
 * kernels so conv nets train), then plain JS (`@tensorflow/tfjs-backend-cpu`).
 *
 * Each rung is really loaded and initialised; the result says which won and why every faster
 * one was skipped. With `prefer` naming one backend, failure to load it is a `BackendError`
 * naming the package to install and the cause.
 */
export async function initBackend(options: InitBackendOptions = {}): Promise<BackendChoice> {
  const fromEnv = options.prefer === undefined ? requestFromEnv() : undefined;
  const request = validateRequest(
    options.prefer ?? fromEnv ?? "auto",
    options.prefer !== undefined
      ? "options.prefer"
      : fromEnv !== undefined
        ? "TRAINKIT_BACKEND"
        : "prefer",
  );
  const order = options.order ?? DEFAULT_ORDER;
  for (const candidate of order) {
    if (!isCandidate(candidate)) validateRequest(candidate, "an entry of options.order");
  }
  if (
    options.wasmThreads !== undefined &&
    !(Number.isInteger(options.wasmThreads) && options.wasmThreads >= 1)
  ) {
    throw new BackendError(
      "INVALID_OPTION",
      `options.wasmThreads is ${options.wasmThreads}; use a whole number of threads, 1 or more.`,
    );
  }
  if (
    options.tensorflowThreads !== undefined &&
    !(Number.isInteger(options.tensorflowThreads) && options.tensorflowThreads >= 1)
  ) {
    throw new BackendError(
      "INVALID_OPTION",
      `options.tensorflowThreads is ${options.tensorflowThreads}; use a whole number of ` +
        "threads, 1 or more (leave it out for TensorFlow's default, one per core).",
    );
  }

  const load = options.importPackage ?? makeImporter(options.resolveFrom);
  const tried: BackendAttempt[] = [];
  const loadedTensorflow: { pkg?: string } = {};
  let firstFailure: { code: BackendErrorCode; reason: string; cause: unknown } | undefined;

  for (const candidate of ladderFor(request, order)) {
    const info = CANDIDATES[candidate];
    try {
      // tryCandidate sets only the fields that apply, so they spread as they are
      const { reason, ...details } = await tryCandidate(info, load, options, loadedTensorflow);
      tried.push({ name: candidate, ok: true, reason });
      return {
        name: info.backendName,
        candidate,
        device: info.device,
        packageName:
          loadedTensorflow.pkg && info.backendName === "tensorflow"
            ? loadedTensorflow.pkg
            : info.packageName,
        tried,
        ...details,
      };
    } catch (error) {
      const failure =
        error instanceof BackendError
          ? { code: error.code, reason: error.message }
          : classifyLoadError(info, error);
      tried.push({ name: candidate, ok: false, reason: failure.reason, code: failure.code });
      // The error to throw: the first failure of an installed package says the most.
      if (firstFailure === undefined || firstFailure.code === "NOT_INSTALLED") {
        firstFailure = { ...failure, cause: error };
      }
    }
  }

  const summary = tried.map((t) => `  ${t.name}: ${t.reason}`).join("\n");
  if (request !== "auto" && firstFailure) {
    throw new BackendError(
      firstFailure.code,
      `The backend asked for ('${request}') cannot be used:\n${summary}`,
      { cause: firstFailure.cause },
    );
  }
  throw new BackendError(
    "NONE_AVAILABLE",
    `No tfjs backend could be loaded:\n${summary}\nInstall @tensorflow/tfjs-backend-cpu@4.22.0 (plain JS, always works).`,
    { cause: firstFailure?.cause },
  );
}

/**
 * A human-readable account of a choice: the winner first, then why each faster backend was
 * skipped and how to get it.
 */
export function describeBackend(choice: BackendChoice): string {
  const lines = [
    `Backend: ${choice.candidate} (${choice.device.toUpperCase()}) - ${choice.tried.at(-1)?.reason ?? ""}`,
  ];
  for (const attempt of choice.tried) {
    if (!attempt.ok) lines.push(`  skipped ${attempt.name}: ${attempt.reason}`);
  }
  return lines.join("\n");
}
