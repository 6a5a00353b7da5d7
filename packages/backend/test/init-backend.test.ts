import { createRequire } from "node:module";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError, describeBackend, initBackend } from "../src/index.js";
import { AppDir, hasCompiler } from "./standins.js";

const apps: AppDir[] = [];
function app(): AppDir {
  const dir = new AppDir();
  apps.push(dir);
  return dir;
}

afterEach(async () => {
  for (const dir of apps.splice(0)) dir.remove();
  if (tf.findBackendFactory("tensorflow") !== null) tf.removeBackend("tensorflow");
  delete process.env.TRAINKIT_BACKEND;
});

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe("initBackend: the ladder", () => {
  it("falls through the tensorflow packages when they are absent and lands on wasm, saying why", async () => {
    const choice = await initBackend({ resolveFrom: app().dir });
    expect(choice.name).toBe("wasm");
    expect(choice.device).toBe("cpu");
    expect(tf.getBackend()).toBe("wasm");
    expect(choice.tried.map((t) => [t.name, t.ok, t.code])).toEqual([
      ["tensorflow-gpu", false, "NOT_INSTALLED"],
      ["webgpu", false, "NOT_INSTALLED"],
      ["tensorflow-cpu", false, "NOT_INSTALLED"],
      ["wasm", true, undefined],
    ]);
    expect(choice.tried[0]?.reason).toContain("npx trainkit-backend setup tensorflow --gpu");
    expect(choice.tried[1]?.reason).toContain(
      "npm i webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0",
    );
    expect(choice.tried[2]?.reason).toContain("`npx trainkit-backend setup tensorflow`");
    expect(describeBackend(choice)).toMatch(/^Backend: wasm \(CPU\)/);
    expect(describeBackend(choice)).toContain("skipped tensorflow-gpu");
    // The wasm backend really trains conv nets: its gradient kernels are registered.
    expect(tf.getKernel("Conv2DBackpropFilter", "wasm")).toBeDefined();
  });

  it("honours a custom order and ends on the plain cpu backend", async () => {
    const choice = await initBackend({ order: ["cpu", "wasm"] });
    expect(choice.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(choice.tried).toEqual([
      { name: "cpu", ok: true, reason: expect.stringContaining("plain JavaScript") },
    ]);
  });

  it("reads TRAINKIT_BACKEND when no preference is passed", async () => {
    process.env.TRAINKIT_BACKEND = "cpu";
    expect((await initBackend()).name).toBe("cpu");
  });
});

describe("initBackend: the tensorflow path", () => {
  it("uses tfjs-node-gpu on the GPU when TensorFlow reports a GPU device", async () => {
    const dir = app();
    dir.tensorflowBackend("@tensorflow/tfjs-node-gpu", true);
    const choice = await initBackend({ resolveFrom: dir.dir });
    expect(choice).toMatchObject({
      name: "tensorflow",
      device: "gpu",
      candidate: "tensorflow-gpu",
    });
    expect(choice.packageName).toBe("@tensorflow/tfjs-node-gpu");
    expect(tf.getBackend()).toBe("tensorflow");
  });

  it("reports a GPU build that found no GPU, and runs it on the CPU", async () => {
    const dir = app();
    dir.tensorflowBackend("@tensorflow/tfjs-node-gpu", false);
    const choice = await initBackend({ resolveFrom: dir.dir });
    expect(choice.tried[0]).toMatchObject({ name: "tensorflow-gpu", ok: false, code: "NO_GPU" });
    expect(choice.tried[0]?.reason).toContain("setup tensorflow --gpu");
    expect(choice).toMatchObject({
      name: "tensorflow",
      device: "cpu",
      candidate: "tensorflow-cpu",
    });
    expect(choice.packageName).toBe("@tensorflow/tfjs-node-gpu");
  });

  it("uses tfjs-node on the CPU when only it is installed", async () => {
    const dir = app();
    dir.tensorflowBackend("@tensorflow/tfjs-node", false);
    const choice = await initBackend({ resolveFrom: dir.dir });
    expect(choice).toMatchObject({
      name: "tensorflow",
      device: "cpu",
      candidate: "tensorflow-cpu",
    });
    expect(choice.tried[0]).toMatchObject({ name: "tensorflow-gpu", code: "NOT_INSTALLED" });
  });

  it("registers no faster kernels on a 'tensorflow' backend that is not tfjs-node's, and can be told not to try", async () => {
    const dir = app();
    dir.tensorflowBackend("@tensorflow/tfjs-node", false);
    const choice = await initBackend({ resolveFrom: dir.dir });
    // the stand-in has no TensorFlow binding: registerTensorflowKernels skips every kernel
    expect(choice.tensorflowKernels).toEqual([]);
    expect(choice.tried.at(-1)?.reason).not.toMatch(/faster kernel/);
    expect(tf.getKernel("ReluGrad", "tensorflow")).toBeUndefined();
    const without = await initBackend({ resolveFrom: dir.dir, tensorflowKernels: false });
    expect(without.name).toBe("tensorflow");
    expect(without.tensorflowKernels).toBeUndefined();
  });
});

describe("initBackend: a backend asked for that cannot load is a clear error", () => {
  it("names the package to install when it is absent", async () => {
    const error = await rejection(
      initBackend({ prefer: "tensorflow-gpu", resolveFrom: app().dir }),
    );
    expect(error.code).toBe("NOT_INSTALLED");
    expect(error.message).toContain("'tensorflow-gpu'");
    expect(error.message).toContain("npx trainkit-backend setup tensorflow --gpu");
    expect(error.message).toContain("downloads libtensorflow 2.9.1");
  });

  it("names the setup command when the native addon was never built, without importing the package", async () => {
    const dir = app();
    dir.tfjsNode("@tensorflow/tfjs-node", "missing");
    const before = (globalThis as { trainkitStandinImported?: number }).trainkitStandinImported;
    const error = await rejection(initBackend({ prefer: "tensorflow-cpu", resolveFrom: dir.dir }));
    expect(error.code).toBe("NATIVE_ADDON_MISSING");
    expect(error.message).toContain("tfjs_binding.node");
    expect(error.message).toContain("downloads libtensorflow 2.9.1 and fails offline");
    expect(error.message).toContain("`npx trainkit-backend setup tensorflow`");
    // A tfjs-node without addon registers its kernels before it fails: it must not be imported.
    expect((globalThis as { trainkitStandinImported?: number }).trainkitStandinImported).toBe(
      before,
    );
  });

  it("still classifies a missing addon when a custom importer loads the package", async () => {
    const dir = app();
    dir.tfjsNode("@tensorflow/tfjs-node-gpu", "missing");
    const require = createRequire(path.join(dir.dir, "noop.js"));
    const error = await rejection(
      initBackend({
        prefer: "tensorflow-gpu",
        importPackage: async (name) => require(name),
      }),
    );
    expect(error.code).toBe("NATIVE_ADDON_MISSING");
    expect(error.message).toContain("`npx trainkit-backend setup tensorflow --gpu`");
  });

  it("says the addon is corrupt when the dynamic loader rejects it", async () => {
    const dir = app();
    dir.tfjsNode("@tensorflow/tfjs-node-gpu", "corrupt");
    const error = await rejection(initBackend({ prefer: "tensorflow", resolveFrom: dir.dir }));
    expect(error.code).toBe("NATIVE_ADDON_BROKEN");
    expect(error.message).toMatch(/invalid ELF header|file too short/);
    expect(error.message).toContain("`npx trainkit-backend setup tensorflow --gpu --force`");
  });

  it.runIf(hasCompiler())(
    "says libtensorflow is missing when the addon cannot find it",
    async () => {
      const dir = app();
      dir.tfjsNode("@tensorflow/tfjs-node", { needs: "libtensorflow.so.2" });
      const error = await rejection(
        initBackend({ prefer: "tensorflow-cpu", resolveFrom: dir.dir }),
      );
      expect(error.code).toBe("LIBTENSORFLOW_MISSING");
      expect(error.message).toContain("libtensorflow.so.2");
      expect(error.message).toContain("`npx trainkit-backend setup tensorflow` puts");
    },
  );

  it.runIf(hasCompiler())("names the CUDA library that is missing for the GPU build", async () => {
    const dir = app();
    dir.tfjsNode("@tensorflow/tfjs-node-gpu", { needs: "libcudart.so.11.0" });
    const error = await rejection(initBackend({ prefer: "tensorflow-gpu", resolveFrom: dir.dir }));
    expect(error.code).toBe("CUDA_MISSING");
    expect(error.message).toContain("libcudart.so.11.0");
    expect(error.message).toContain("setup tensorflow --gpu` brings the CUDA 12 libraries");
  });

  it("rejects an unknown backend name, listing the valid ones", async () => {
    const error = await rejection(initBackend({ prefer: "webgl" as never }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('"webgl"');
    expect(error.message).toContain("'wasm'");
  });

  it("rejects an unknown TRAINKIT_BACKEND value, naming the variable", async () => {
    process.env.TRAINKIT_BACKEND = "gpu";
    const error = await rejection(initBackend());
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("TRAINKIT_BACKEND");
  });

  it("rejects a thread count that is not a positive whole number", async () => {
    const error = await rejection(initBackend({ prefer: "wasm", wasmThreads: 0 }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain("wasmThreads is 0");
    const before = process.env.TF_NUM_INTRAOP_THREADS;
    for (const bad of [0, 1.5, -2, Number.NaN]) {
      const e = await rejection(initBackend({ prefer: "cpu", tensorflowThreads: bad }));
      expect(e.code).toBe("INVALID_OPTION");
      expect(e.message).toContain(`tensorflowThreads is ${bad}`);
    }
    // rejected before anything loads: TensorFlow's variable is left alone
    expect(process.env.TF_NUM_INTRAOP_THREADS).toBe(before);
  });
});
