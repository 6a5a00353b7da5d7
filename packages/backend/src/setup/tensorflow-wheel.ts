import { SetupError } from "../errors.js";

/** The TensorFlow release the setup builds on unless told otherwise. Change it here only. */
export const DEFAULT_TENSORFLOW_VERSION = "2.21.0";

/** The tfjs-node release whose binding is built (its C++ sources compile against TF 2.x). */
export const TFJS_NODE_VERSION = "4.22.0";

export interface WheelTarget {
  /** `process.platform`. */
  platform: string;
  /** `process.arch`. */
  arch: string;
  /** Build the GPU flavour (`@tensorflow/tfjs-node-gpu` on CUDA 12 wheels). */
  gpu: boolean;
  /** TensorFlow version, e.g. `2.21.0`. */
  tfVersion: string;
}

/** One file taken from the wheel into the cache, and the names it gets in tfjs-node's `deps/lib`. */
export interface WheelLibrary {
  /** Path inside the wheel (and inside the cache entry). */
  wheelPath: string;
  /** Names under `deps/lib` that point at it: its own name first, then the binding's names. */
  depsNames: readonly string[];
}

/** Everything the setup needs to know about one platform, as plain data. */
export interface WheelPlan {
  target: WheelTarget;
  /** What `pip download` is asked for. */
  requirement: string;
  /** Whether pip also fetches the requirement's dependencies (the CUDA wheels for `--gpu`). */
  withDependencies: boolean;
  /** File-name prefix of the main wheel, e.g. `tensorflow_cpu-2.21.0-`. */
  wheelPrefix: string;
  /** The npm package whose binding is built. */
  tfjsPackage: "@tensorflow/tfjs-node" | "@tensorflow/tfjs-node-gpu";
  libraries: readonly WheelLibrary[];
  /** Headers the binding includes; the setup follows their `#include`s inside the wheel. */
  headerRoots: readonly string[];
  /** Prefix of the header tree inside the wheel. */
  includePrefix: string;
  /**
   * Folders of the dependency wheels kept in their site-packages layout and linked beside
   * `deps/lib`, so that TensorFlow's own `$ORIGIN/../<dir>` run paths find them.
   */
  layoutDirs: readonly string[];
  /** Run after the addon is built, with the addon's path appended (macOS: add the run path). */
  postBuild?: readonly string[];
  /** Cache key: TensorFlow version, platform, CPU or GPU. */
  cacheKey: string;
  /** Tested on this project's CI, or only written from the wheels' documented layout. */
  tested: boolean;
}

const VERSION = /^\d+\.\d+(\.\d+)?([a-z]+\d*)?$/;

/**
 * The platform -> wheel -> file-name mapping: which TensorFlow wheel to download for a
 * platform, which files to take from it, and under which names tfjs-node's binding finds them.
 *
 * Linux x86-64 CPU is the route this project's CI builds and tests. Linux GPU and macOS arm64
 * follow the wheels' documented layout and are marked `tested: false`.
 */
export function tensorflowWheelPlan(target: WheelTarget): WheelPlan {
  const { platform, arch, gpu, tfVersion } = target;
  if (!VERSION.test(tfVersion)) {
    throw new SetupError(
      "INVALID_OPTION",
      `--tf-version is ${JSON.stringify(tfVersion)}, which is not a TensorFlow version; use one like ${DEFAULT_TENSORFLOW_VERSION}.`,
    );
  }
  const flavour = gpu ? "gpu" : "cpu";
  const cacheKey = `${tfVersion}-${platform}-${arch}-${flavour}`;
  const headerRoots = ["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"];
  const includePrefix = "tensorflow/include/";

  if (platform === "linux" && (arch === "x64" || arch === "arm64")) {
    if (gpu && arch !== "x64") {
      throw noWheel(target, "TensorFlow publishes its CUDA wheels for Linux x86-64 only");
    }
    // x86-64 has a CPU-only wheel; on arm64 the plain `tensorflow` wheel is the CPU build.
    const project = gpu || arch === "arm64" ? "tensorflow" : "tensorflow-cpu";
    return {
      target,
      requirement: gpu ? `tensorflow[and-cuda]==${tfVersion}` : `${project}==${tfVersion}`,
      withDependencies: gpu,
      wheelPrefix: `${project.replace("-", "_")}-${tfVersion}-`,
      tfjsPackage: gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node",
      libraries: [
        {
          wheelPath: "tensorflow/libtensorflow_cc.so.2",
          // -ltensorflow at link time; the 2.9.1 name makes tfjs-node's install script skip
          // its download if anyone runs it again.
          depsNames: ["libtensorflow_cc.so.2", "libtensorflow.so", "libtensorflow.so.2.9.1"],
        },
        {
          wheelPath: "tensorflow/libtensorflow_framework.so.2",
          depsNames: [
            "libtensorflow_framework.so.2",
            "libtensorflow_framework.so",
            "libtensorflow_framework.so.2.9.1",
          ],
        },
      ],
      headerRoots,
      includePrefix,
      layoutDirs: gpu ? ["nvidia"] : [],
      cacheKey,
      tested: !gpu && arch === "x64",
    };
  }
  if (platform === "darwin" && arch === "arm64") {
    if (gpu) throw noWheel(target, "there is no CUDA on macOS (use the CPU build)");
    return {
      target,
      requirement: `tensorflow==${tfVersion}`,
      withDependencies: false,
      wheelPrefix: `tensorflow-${tfVersion}-`,
      tfjsPackage: "@tensorflow/tfjs-node",
      libraries: [
        {
          wheelPath: "tensorflow/libtensorflow_cc.2.dylib",
          depsNames: ["libtensorflow_cc.2.dylib", "libtensorflow.2.dylib", "libtensorflow.dylib"],
        },
        {
          wheelPath: "tensorflow/libtensorflow_framework.2.dylib",
          depsNames: ["libtensorflow_framework.2.dylib", "libtensorflow_framework.dylib"],
        },
      ],
      headerRoots,
      includePrefix,
      layoutDirs: [],
      // The wheel's libraries are named @rpath/libtensorflow_cc.2.dylib: give the addon that
      // run path (the binding's own post-build step only renames libtensorflow.2.dylib).
      postBuild: ["install_name_tool", "-add_rpath", "@loader_path/../../deps/lib"],
      cacheKey,
      tested: false,
    };
  }
  if (platform === "darwin") {
    throw noWheel(
      target,
      "TensorFlow stopped publishing macOS x86-64 wheels after 2.16; tfjs-node's own download still supports it",
    );
  }
  if (platform === "win32") {
    throw noWheel(
      target,
      "the Windows wheels ship TensorFlow inside a Python extension, without the C library the binding links; use WSL2",
    );
  }
  throw noWheel(target, "TensorFlow publishes wheels for Linux (x86-64, arm64) and macOS arm64");
}

function noWheel(target: WheelTarget, why: string): SetupError {
  const what = `${target.platform}-${target.arch}${target.gpu ? " with --gpu" : ""}`;
  return new SetupError(
    "NO_WHEEL_FOR_PLATFORM",
    `There is no TensorFlow wheel to build on for ${what}: ${why}. The wasm backend works everywhere (\`initBackend({ prefer: "wasm" })\`).`,
  );
}

/**
 * The N-API version tfjs-node's loader looks for: the highest of the package's `napi_versions`
 * that this Node supports (node-pre-gyp's rule), e.g. 8 on Node 20.
 */
export function napiBuildVersion(packageVersions: readonly number[], nodeNapi: number): number {
  const usable = packageVersions.filter((v) => v <= nodeNapi);
  if (usable.length === 0) {
    throw new SetupError(
      "BUILD_FAILED",
      `This Node supports N-API ${nodeNapi}, but the binding needs one of ${packageVersions.join(", ")}: upgrade Node.`,
    );
  }
  return Math.max(...usable);
}

/** The cache key of a built addon: binding, TensorFlow build and the running Node's ABI. */
export function addonCacheKey(
  plan: WheelPlan,
  tfjsVersion: string,
  nodeAbi: string,
  napi: number,
): string {
  const pkg = plan.tfjsPackage.replace("@tensorflow/", "");
  return `${pkg}-${tfjsVersion}_tf-${plan.cacheKey}_node-abi${nodeAbi}-napi${napi}`;
}
