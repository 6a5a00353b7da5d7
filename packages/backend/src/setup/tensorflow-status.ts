import { existsSync, readFileSync } from "node:fs";
import { createRequire } from "node:module";
import * as path from "node:path";
import { napiBuildVersion } from "./tensorflow-wheel.js";

/** Is a tensorflow rung ready to load, and who put it there? Found without loading it. */
export interface TensorflowSetupStatus {
  packageName: string;
  /** The package folder, when it is installed. */
  packageDir?: string;
  /** The native addon file exists. */
  addonBuilt: boolean;
  /** TensorFlow's library is in the package's `deps/lib` (a link that resolves). */
  librariesLinked: boolean;
  /** `trainkit-backend setup tensorflow` linked it (its stamp is there). */
  setUpByTrainkit: boolean;
  ready: boolean;
}

const LIBRARIES = ["libtensorflow_cc.so.2", "libtensorflow_cc.2.dylib", "libtensorflow.so.2.9.1"];

/**
 * Where tfjs-node's loader looks for the addon: `lib/napi-v<N>/tfjs_binding.node`, N the highest of
 * the package's `napi_versions` this Node supports (8 on Node 20).
 */
export function addonFile(packageDir: string): string {
  let versions = [8];
  try {
    const pkg = JSON.parse(readFileSync(path.join(packageDir, "package.json"), "utf8")) as {
      binary?: { napi_versions?: number[] };
    };
    versions = pkg.binary?.napi_versions ?? versions;
  } catch {
    // keep the default
  }
  let napi = 8;
  try {
    napi = napiBuildVersion(versions, Number(process.versions.napi ?? 8));
  } catch {
    // a Node too old for every version: the file cannot exist either way
  }
  return path.join(packageDir, "lib", `napi-v${napi}`, "tfjs_binding.node");
}

/**
 * Checks the files of `@tensorflow/tfjs-node` (or `-gpu`) as resolved from `resolveFrom`
 * (a directory; default: the working directory), without importing it.
 */
export function tensorflowSetupStatus(
  options: { gpu?: boolean; resolveFrom?: string } = {},
): TensorflowSetupStatus {
  const packageName = options.gpu ? "@tensorflow/tfjs-node-gpu" : "@tensorflow/tfjs-node";
  const none = {
    packageName,
    addonBuilt: false,
    librariesLinked: false,
    setUpByTrainkit: false,
    ready: false,
  };
  let packageDir: string;
  try {
    const require = createRequire(path.join(options.resolveFrom ?? process.cwd(), "noop.js"));
    packageDir = path.dirname(require.resolve(`${packageName}/package.json`));
  } catch {
    return none;
  }
  const addonBuilt = existsSync(addonFile(packageDir));
  const librariesLinked = LIBRARIES.some((l) =>
    existsSync(path.join(packageDir, "deps", "lib", l)),
  );
  const setUpByTrainkit = existsSync(path.join(packageDir, "deps", "trainkit-setup.json"));
  return {
    packageName,
    packageDir,
    addonBuilt,
    librariesLinked,
    setUpByTrainkit,
    ready: addonBuilt && librariesLinked,
  };
}
