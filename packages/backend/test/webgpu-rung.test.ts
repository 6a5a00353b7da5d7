import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError, describeBackend, initBackend } from "../src/index.js";
import { AppDir } from "./standins.js";

// This machine (like CI) has no GPU: the real `webgpu` package (Dawn) loads, and Dawn offers no
// adapter. These tests check that the rung says why and gets out of the way quickly.

const NO_ADAPTER_REASONS =
  /no Vulkan loader \(libvulkan\.so\.1|found no GPU driver|only a software Vulkan driver|none offered Dawn a GPU/;

const apps: AppDir[] = [];
afterEach(() => {
  for (const dir of apps.splice(0)) dir.remove();
});

async function rejection(promise: Promise<unknown>): Promise<BackendError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe("initBackend: the webgpu rung on a machine without a GPU", () => {
  it("falls through to the next rung within a second, saying why Dawn has no adapter", async () => {
    const started = performance.now();
    const choice = await initBackend({ order: ["webgpu", "cpu"] });
    const ms = performance.now() - started;
    expect(choice.name).toBe("cpu");
    expect(tf.getBackend()).toBe("cpu");
    expect(choice.adapter).toBeUndefined();
    expect(choice.tried[0]).toMatchObject({ name: "webgpu", ok: false, code: "NO_ADAPTER" });
    expect(choice.tried[0]?.reason).toMatch(/^Dawn found no GPU adapter: /);
    expect(choice.tried[0]?.reason).toMatch(NO_ADAPTER_REASONS);
    expect(describeBackend(choice)).toContain("skipped webgpu: Dawn found no GPU adapter");
    // Measured here: about 0.1 s (Dawn loads in ~60 ms and answers at once); the bound leaves
    // room for a busy two-core machine.
    expect(ms).toBeLessThan(3000);
    // No backend was registered for a GPU that is not there.
    expect(tf.findBackendFactory("webgpu")).toBeNull();
  });

  it("sits between the tensorflow GPU and CPU builds in the default order", async () => {
    const choice = await initBackend();
    expect(choice.tried.map((t) => t.name).slice(0, 3)).toEqual([
      "tensorflow-gpu",
      "webgpu",
      "tensorflow-cpu",
    ]);
  });

  it("asked for explicitly, it is a BackendError naming the backend and why", async () => {
    const error = await rejection(initBackend({ prefer: "webgpu" }));
    expect(error.code).toBe("NO_ADAPTER");
    expect(error.message).toContain("('webgpu') cannot be used");
    expect(error.message).toMatch(NO_ADAPTER_REASONS);
  });

  it("asked for where `webgpu` is not installed, it names both packages to install", async () => {
    const dir = new AppDir();
    apps.push(dir);
    const error = await rejection(initBackend({ prefer: "webgpu", resolveFrom: dir.dir }));
    expect(error.code).toBe("NOT_INSTALLED");
    expect(error.message).toContain("npm i webgpu@0.6.2 @tensorflow/tfjs-backend-webgpu@4.22.0");
  });

  it("accepts 'webgpu' in TRAINKIT_BACKEND", async () => {
    process.env.TRAINKIT_BACKEND = "webgpu";
    try {
      const error = await rejection(initBackend());
      expect(error.code).toBe("NO_ADAPTER");
    } finally {
      delete process.env.TRAINKIT_BACKEND;
    }
  });
});

describe("initBackend: importPackage, for bundled apps", () => {
  it("imports the backend packages through the function given", async () => {
    const asked: string[] = [];
    const choice = await initBackend({
      prefer: "cpu",
      importPackage: (name) => {
        asked.push(name);
        return import("@tensorflow/tfjs-backend-cpu");
      },
    });
    expect(choice.name).toBe("cpu");
    expect(asked).toEqual(["@tensorflow/tfjs-backend-cpu"]);
  });

  it("reports a package the function cannot provide as not installed", async () => {
    const notBundled = (name: string) =>
      Promise.reject(
        Object.assign(new Error(`Cannot find package '${name}' imported from the bundle`), {
          code: "ERR_MODULE_NOT_FOUND",
        }),
      );
    const error = await rejection(initBackend({ prefer: "webgpu", importPackage: notBundled }));
    expect(error.code).toBe("NOT_INSTALLED");
    expect(error.message).toContain("npm i webgpu@0.6.2");
  });
});
