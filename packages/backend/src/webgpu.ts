import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { BackendError } from "./errors.js";

/** The npm package with Dawn's WebGPU for Node (a prebuilt `dawn.node` ships inside it). */
export const WEBGPU_PACKAGE = "webgpu";
/** The version of `webgpu` trainkit is tested with. */
export const WEBGPU_PACKAGE_VERSION = "0.6.2";

/** How long Dawn may take to answer `requestAdapter` before the rung gives up. */
const ADAPTER_TIMEOUT_MS = 15_000;

/** The GPU Dawn offers, as `GPUAdapterInfo` describes it. */
export interface GpuAdapterSummary {
  vendor: string;
  architecture: string;
  device: string;
  description: string;
  /** True for a software (CPU) adapter. */
  isFallbackAdapter: boolean;
}

/** The few WebGPU shapes used here, so no WebGPU type package is needed to build against. */
interface AdapterInfoLike {
  vendor?: string;
  architecture?: string;
  device?: string;
  description?: string;
  isFallbackAdapter?: boolean;
}
interface AdapterLike {
  info?: AdapterInfoLike;
  isFallbackAdapter?: boolean;
  requestAdapterInfo?: () => Promise<AdapterInfoLike>;
}
export interface GpuLike {
  requestAdapter(options?: { powerPreference?: string }): Promise<AdapterLike | null>;
}
interface DawnModule {
  create: (options: string[]) => GpuLike;
  globals: Record<string, unknown>;
}

type Importer = (specifier: string) => Promise<unknown>;

function firstLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return (message.split("\n")[0] ?? message).trim();
}

function dawnModule(mod: unknown): DawnModule {
  const m = (mod ?? {}) as Partial<DawnModule> & { default?: Partial<DawnModule> };
  const api = typeof m.create === "function" ? m : (m.default ?? m);
  if (typeof api.create !== "function" || typeof api.globals !== "object") {
    throw new BackendError(
      "INIT_FAILED",
      `${WEBGPU_PACKAGE} loaded but exports no create() and globals: install webgpu@${WEBGPU_PACKAGE_VERSION}.`,
    );
  }
  return api as DawnModule;
}

/** Loads `webgpu` (Dawn), turning Node's loading errors into one actionable sentence. */
async function loadDawn(load: Importer): Promise<DawnModule> {
  let mod: unknown;
  try {
    mod = await load(WEBGPU_PACKAGE);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const code = (error as { code?: unknown } | null)?.code;
    if (
      (code === "ERR_MODULE_NOT_FOUND" || code === "MODULE_NOT_FOUND") &&
      /Cannot find (?:module|package) 'webgpu'/.test(message)
    ) {
      throw new BackendError(
        "NOT_INSTALLED",
        `${WEBGPU_PACKAGE} is not installed: \`npm i ${WEBGPU_PACKAGE}@${WEBGPU_PACKAGE_VERSION} ` +
          "@tensorflow/tfjs-backend-webgpu@4.22.0` (Dawn's WebGPU for Node; its dawn.node is " +
          "prebuilt in the package, nothing is downloaded at install time).",
        { cause: error },
      );
    }
    if (/dawn\.node/.test(message) && /Cannot find module/.test(message)) {
      throw new BackendError(
        "NATIVE_ADDON_MISSING",
        `${WEBGPU_PACKAGE} has no prebuilt dawn.node for ${process.platform}-${process.arch} ` +
          "(it ships linux-x64, linux-arm64, darwin, win32-x64 and win32-arm64).",
        { cause: error },
      );
    }
    if (code === "ERR_DLOPEN_FAILED" || /GLIBC|ELF|undefined symbol/.test(message)) {
      throw new BackendError(
        "NATIVE_ADDON_BROKEN",
        `${WEBGPU_PACKAGE}'s dawn.node cannot be loaded (${firstLine(error)}): on Linux it needs ` +
          "glibc 2.34 or newer and a libstdc++ with GLIBCXX_3.4.30 (GCC 12 or newer).",
        { cause: error },
      );
    }
    throw error;
  }
  return dawnModule(mod);
}

function timeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BackendError("NO_ADAPTER", `${what} did not answer within ${ms / 1000} s.`)),
      ms,
    );
    timer.unref();
  });
  return Promise.race([promise, expired]).finally(() => clearTimeout(timer));
}

/** The `navigator` of this process, or undefined (Node 20 has none). */
function currentNavigator(): { gpu?: GpuLike } | undefined {
  return (globalThis as { navigator?: { gpu?: GpuLike } }).navigator;
}

/**
 * Makes `gpu` the process's `navigator.gpu` and adds WebGPU's global constants
 * (`GPUBufferUsage`, `GPUMapMode`, ...) that are not there yet; tfjs-backend-webgpu reads both,
 * and registers its backend only if `navigator.gpu` exists when it is first imported.
 */
export function installNavigatorGpu(gpu: GpuLike, globals: Record<string, unknown> = {}): void {
  const g = globalThis as Record<string, unknown>;
  for (const [name, value] of Object.entries(globals)) {
    if (!(name in g)) Object.defineProperty(g, name, { value, configurable: true, writable: true });
  }
  const nav = currentNavigator();
  if (nav === undefined) {
    Object.defineProperty(g, "navigator", {
      value: { gpu },
      configurable: true,
      writable: true,
    });
  } else if (nav.gpu === undefined) {
    Object.defineProperty(nav, "gpu", { value: gpu, configurable: true, writable: true });
  }
}

async function summarize(adapter: AdapterLike): Promise<GpuAdapterSummary> {
  const info: AdapterInfoLike =
    adapter.info ?? (adapter.requestAdapterInfo ? await adapter.requestAdapterInfo() : {});
  return {
    vendor: info.vendor ?? "",
    architecture: info.architecture ?? "",
    device: info.device ?? "",
    description: info.description ?? "",
    isFallbackAdapter: info.isFallbackAdapter ?? adapter.isFallbackAdapter ?? false,
  };
}

/** One line for people: "nvidia hopper (NVIDIA H100 80GB HBM3)". */
export function describeAdapter(adapter: GpuAdapterSummary): string {
  const name = [adapter.vendor, adapter.architecture].filter((s) => s !== "").join(" ");
  const detail = adapter.description || adapter.device;
  const text = [name || "unknown GPU", detail ? `(${detail})` : ""].filter(Boolean).join(" ");
  return adapter.isFallbackAdapter ? `${text}, a software adapter` : text;
}

export interface WebGpuProbe {
  gpu: GpuLike;
  adapter: GpuAdapterSummary;
}

/**
 * Loads Dawn (the `webgpu` package) unless the process already has a `navigator.gpu`, asks it
 * for a high-performance adapter and, when there is one, installs `navigator.gpu` for
 * tfjs-backend-webgpu. When there is none, throws a `BackendError` `NO_ADAPTER` that says why
 * (no Vulkan loader, no Vulkan driver, only a software renderer that Dawn refuses).
 */
export async function probeWebGpu(load: Importer): Promise<WebGpuProbe> {
  let gpu = currentNavigator()?.gpu;
  let globals: Record<string, unknown> = {};
  if (gpu === undefined) {
    const dawn = await loadDawn(load);
    if (process.platform === "linux") {
      // Without the Vulkan loader Dawn can find nothing; say so without starting it (it would
      // only print its own warnings to stderr).
      const loaderError = vulkanLoaderError();
      if (loaderError !== undefined) {
        const machine = {
          platform: process.platform,
          env: process.env,
          vulkanLoaderError: loaderError,
        };
        throw new BackendError(
          "NO_ADAPTER",
          `Dawn found no GPU adapter: ${explainNoAdapter(machine)}`,
        );
      }
    }
    gpu = dawn.create([]);
    globals = dawn.globals;
  }
  const adapter = await timeout(
    gpu.requestAdapter({ powerPreference: "high-performance" }),
    ADAPTER_TIMEOUT_MS,
    "Dawn's requestAdapter",
  );
  if (adapter === null || adapter === undefined) {
    throw new BackendError("NO_ADAPTER", `Dawn found no GPU adapter: ${explainNoAdapter()}`);
  }
  installNavigatorGpu(gpu, globals);
  return { gpu, adapter: await summarize(adapter) };
}

/** What the reason for a missing adapter is built from; read from the machine by default. */
export interface AdapterEnvironment {
  platform: NodeJS.Platform;
  env: NodeJS.ProcessEnv;
  /** Why `libvulkan.so.1` cannot be loaded, or undefined when it can. */
  vulkanLoaderError: string | undefined;
}

/** Tries to load the Vulkan loader the way Dawn does (dlopen of libvulkan.so.1). */
function vulkanLoaderError(): string | undefined {
  try {
    process.dlopen({ exports: {} }, "libvulkan.so.1");
  } catch (error) {
    const message = firstLine(error);
    // The library loaded; it is just not a Node addon.
    if (/did not self-register/.test(message)) return undefined;
    return message;
  }
  return undefined;
}

const SOFTWARE_DRIVERS: ReadonlyArray<[RegExp, string]> = [
  [/lvp|lavapipe/i, "Mesa lavapipe"],
  [/swiftshader/i, "SwiftShader"],
];

interface IcdFile {
  file: string;
  library: string;
  software?: string;
}

function icdFilesIn(entry: string): string[] {
  try {
    if (statSync(entry).isDirectory()) {
      return readdirSync(entry)
        .filter((name) => name.endsWith(".json"))
        .sort()
        .map((name) => path.join(entry, name));
    }
    return [entry];
  } catch {
    return [];
  }
}

function readIcd(file: string): IcdFile {
  let library = "";
  try {
    const json = JSON.parse(readFileSync(file, "utf8")) as { ICD?: { library_path?: string } };
    library = json.ICD?.library_path ?? "";
  } catch {
    // An unreadable file is still listed; the loader would skip it.
  }
  const software = SOFTWARE_DRIVERS.find(
    ([re]) => re.test(path.basename(file)) || re.test(library),
  );
  return { file, library, ...(software ? { software: software[1] } : {}) };
}

/** The Vulkan driver manifests (ICD files) the Vulkan loader would read, and where it looked. */
export function vulkanDrivers(env: NodeJS.ProcessEnv): { files: IcdFile[]; searched: string } {
  const split = (value: string | undefined) => (value ?? "").split(":").filter((s) => s !== "");
  const explicit = split(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  const extra = split(env.VK_ADD_DRIVER_FILES);
  let places: string[];
  let searched: string;
  if (explicit.length > 0) {
    places = [...explicit, ...extra];
    searched = `${env.VK_DRIVER_FILES !== undefined ? "VK_DRIVER_FILES" : "VK_ICD_FILENAMES"}=${explicit.join(":")}`;
  } else {
    const home = os.homedir();
    const configDirs = [
      env.XDG_CONFIG_HOME ?? path.join(home, ".config"),
      ...split(env.XDG_CONFIG_DIRS ?? "/etc/xdg"),
      "/etc",
    ];
    const dataDirs = [
      env.XDG_DATA_HOME ?? path.join(home, ".local", "share"),
      ...split(env.XDG_DATA_DIRS ?? "/usr/local/share:/usr/share"),
    ];
    const dirs = [...configDirs, ...dataDirs].map((d) => path.join(d, "vulkan", "icd.d"));
    places = [...extra, ...dirs];
    searched = dirs.filter((d, i) => dirs.indexOf(d) === i).join(", ");
  }
  const files = places.flatMap(icdFilesIn).filter((f, i, all) => all.indexOf(f) === i);
  return { files: files.filter((f) => existsSync(f)).map(readIcd), searched };
}

/**
 * Why Dawn offered no adapter, in one sentence with the fix: the Vulkan loader is missing, no
 * Vulkan driver is installed, only a software one is (Dawn refuses those), or the drivers listed
 * did not produce a GPU.
 */
export function explainNoAdapter(
  machine: AdapterEnvironment = {
    platform: process.platform,
    env: process.env,
    vulkanLoaderError: process.platform === "linux" ? vulkanLoaderError() : undefined,
  },
): string {
  if (machine.platform !== "linux") {
    return `no GPU that Dawn can use on ${machine.platform} (Metal on macOS, D3D12 or Vulkan on Windows).`;
  }
  if (machine.vulkanLoaderError !== undefined) {
    return (
      `no Vulkan loader (${machine.vulkanLoaderError}): install it (Debian/Ubuntu: ` +
      "`apt install libvulkan1`; Fedora: `dnf install vulkan-loader`) or put libvulkan.so.1 on " +
      "LD_LIBRARY_PATH. Dawn runs WebGPU on Vulkan and also needs a GPU's Vulkan driver."
    );
  }
  const { files, searched } = vulkanDrivers(machine.env);
  if (files.length === 0) {
    return (
      `the Vulkan loader is there but found no GPU driver (no ICD file in ${searched}): install ` +
      "your GPU's Vulkan driver; in an NVIDIA container add 'graphics' to " +
      "NVIDIA_DRIVER_CAPABILITIES, or point VK_DRIVER_FILES at the driver's nvidia_icd.json."
    );
  }
  const names = files.map((f) => `${path.basename(f.file)}${f.software ? ` (${f.software})` : ""}`);
  if (files.every((f) => f.software !== undefined)) {
    return (
      `only a software Vulkan driver is installed (${names.join(", ")}), and Dawn refuses ` +
      "software renderers: WebGPU here needs a GPU and its Vulkan driver."
    );
  }
  const libraries = files
    .filter((f) => f.software === undefined && f.library !== "")
    .map((f) => f.library);
  return (
    `Vulkan drivers are listed (${names.join(", ")}) but none offered Dawn a GPU: check that the ` +
    `driver library they name (${libraries.join(", ") || "library_path"}) can be loaded, that ` +
    "the GPU's device files (/dev/nvidia*, /dev/dri/*) are accessible here, and that the driver " +
    "supports Vulkan 1.1."
  );
}
