import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import * as path from "node:path";

/**
 * An app directory whose node_modules holds the real wasm, cpu and core packages (symlinked, so
 * Node loads the very same module instances as the tests) and, where asked, a stand-in for
 * @tensorflow/tfjs-node or -node-gpu that fails to load the way the real package does.
 *
 * The real tfjs-node cannot install here (its install script downloads libtensorflow), so its
 * failure modes are reproduced with real Node loading errors: a missing addon file, a corrupt
 * one, and a real shared object whose libtensorflow or CUDA dependency is missing.
 */
export class AppDir {
  readonly dir: string;
  private readonly require = createRequire(import.meta.url);

  constructor() {
    this.dir = mkdtempSync(path.join(tmpdir(), "trainkit-backend-"));
    for (const pkg of [
      "@tensorflow/tfjs-core",
      "@tensorflow/tfjs-backend-wasm",
      "@tensorflow/tfjs-backend-cpu",
    ]) {
      const real = path.dirname(this.require.resolve(`${pkg}/package.json`));
      const link = path.join(this.dir, "node_modules", pkg);
      mkdirSync(path.dirname(link), { recursive: true });
      symlinkSync(real, link, "dir");
    }
  }

  private writePackage(name: string, indexJs: string): string {
    const root = path.join(this.dir, "node_modules", name);
    mkdirSync(path.join(root, "lib", "napi-v8"), { recursive: true });
    writeFileSync(
      path.join(root, "package.json"),
      JSON.stringify({ name, version: "4.22.0", main: "index.js" }),
    );
    writeFileSync(path.join(root, "index.js"), indexJs);
    return root;
  }

  /** Loads lib/napi-v8/tfjs_binding.node the way tfjs-node does; `addon` decides what is there. */
  tfjsNode(name: string, addon: "missing" | "corrupt" | { needs: string }): void {
    const root = this.writePackage(
      name,
      // Like tfjs-node, it has side effects before it reaches for its addon.
      "globalThis.trainkitStandinImported = (globalThis.trainkitStandinImported || 0) + 1;\n" +
        "module.exports = require(require('path').join(__dirname, 'lib', 'napi-v8', 'tfjs_binding.node'));\n",
    );
    const binding = path.join(root, "lib", "napi-v8", "tfjs_binding.node");
    if (addon === "corrupt") writeFileSync(binding, "this is not an ELF shared object\n");
    if (typeof addon === "object") buildSharedObject(binding, addon.needs);
  }

  /** A package that registers a 'tensorflow' backend (a cpu backend underneath). */
  tensorflowBackend(name: string, usingGpu: boolean): void {
    const root = this.writePackage(
      name,
      [
        "const tf = require('@tensorflow/tfjs-core');",
        "const { MathBackendCPU } = require('@tensorflow/tfjs-backend-cpu');",
        "tf.registerBackend('tensorflow', () => {",
        "  const backend = new MathBackendCPU();",
        "  backend.isGPUPackage = true;",
        `  backend.isUsingGpuDevice = ${usingGpu};`,
        "  return backend;",
        "});",
        "",
      ].join("\n"),
    );
    // Its (unused) addon file is in place, as after a successful setup.
    writeFileSync(path.join(root, "lib", "napi-v8", "tfjs_binding.node"), "");
  }

  remove(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function hasCompiler(): boolean {
  try {
    execFileSync("cc", ["--version"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

/**
 * Compiles a real shared object that needs `soname` (say libtensorflow.so.2), against a stub
 * that is deleted afterwards: loading it fails in the dynamic loader exactly as tfjs-node's
 * addon does when libtensorflow or CUDA is missing.
 */
function buildSharedObject(output: string, soname: string): void {
  const work = mkdtempSync(path.join(tmpdir(), "trainkit-so-"));
  try {
    const stubName = soname.replace(/^lib/, "").replace(/\.so.*$/, "");
    writeFileSync(path.join(work, "stub.c"), "int trainkit_stub(void) { return 0; }\n");
    writeFileSync(
      path.join(work, "addon.c"),
      "int trainkit_stub(void);\nint trainkit_addon(void) { return trainkit_stub(); }\n",
    );
    execFileSync("cc", [
      "-shared",
      "-fPIC",
      `-Wl,-soname,${soname}`,
      "-o",
      path.join(work, soname),
      path.join(work, "stub.c"),
    ]);
    execFileSync("ln", ["-sf", soname, path.join(work, `lib${stubName}.so`)]);
    execFileSync("cc", [
      "-shared",
      "-fPIC",
      "-o",
      output,
      path.join(work, "addon.c"),
      `-L${work}`,
      `-l${stubName}`,
    ]);
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}
