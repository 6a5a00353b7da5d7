import { describe, expect, it } from "vitest";
import { SetupError } from "../errors.js";
import {
  addonCacheKey,
  DEFAULT_TENSORFLOW_VERSION,
  napiBuildVersion,
  tensorflowWheelPlan,
} from "./tensorflow-wheel.js";

const linuxCpu = { platform: "linux", arch: "x64", gpu: false, tfVersion: "2.21.0" };

function planError(target: Parameters<typeof tensorflowWheelPlan>[0]): SetupError {
  try {
    tensorflowWheelPlan(target);
  } catch (error) {
    expect(error).toBeInstanceOf(SetupError);
    return error as SetupError;
  }
  throw new Error("expected a SetupError");
}

describe("tensorflowWheelPlan: platform -> wheel -> file names", () => {
  it("pins the default TensorFlow in one place", () => {
    expect(DEFAULT_TENSORFLOW_VERSION).toBe("2.21.0");
  });

  it("Linux x86-64 CPU: the tensorflow-cpu wheel, its .so.2 libraries under the binding's names", () => {
    const plan = tensorflowWheelPlan(linuxCpu);
    expect(plan.requirement).toBe("tensorflow-cpu==2.21.0");
    expect(plan.withDependencies).toBe(false);
    expect(plan.wheelPrefix).toBe("tensorflow_cpu-2.21.0-");
    expect(plan.tfjsPackage).toBe("@tensorflow/tfjs-node");
    expect(plan.libraries).toEqual([
      {
        wheelPath: "tensorflow/libtensorflow_cc.so.2",
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
    ]);
    expect(plan.headerRoots).toEqual(["tensorflow/c/c_api.h", "tensorflow/c/eager/c_api.h"]);
    expect(plan.includePrefix).toBe("tensorflow/include/");
    expect(plan.layoutDirs).toEqual([]);
    expect(plan.cacheKey).toBe("2.21.0-linux-x64-cpu");
    expect(plan.tested).toBe(true);
  });

  it("Linux GPU: tensorflow[and-cuda] with its CUDA wheels kept in the nvidia/ layout, tfjs-node-gpu", () => {
    const plan = tensorflowWheelPlan({ ...linuxCpu, gpu: true });
    expect(plan.requirement).toBe("tensorflow[and-cuda]==2.21.0");
    expect(plan.withDependencies).toBe(true);
    expect(plan.wheelPrefix).toBe("tensorflow-2.21.0-");
    expect(plan.tfjsPackage).toBe("@tensorflow/tfjs-node-gpu");
    expect(plan.layoutDirs).toEqual(["nvidia"]);
    expect(plan.cacheKey).toBe("2.21.0-linux-x64-gpu");
    expect(plan.tested).toBe(false);
  });

  it("Linux arm64: the plain tensorflow wheel is the CPU build", () => {
    const plan = tensorflowWheelPlan({ ...linuxCpu, arch: "arm64" });
    expect(plan.requirement).toBe("tensorflow==2.21.0");
    expect(plan.wheelPrefix).toBe("tensorflow-2.21.0-");
    expect(plan.tested).toBe(false);
  });

  it("macOS arm64: the .2.dylib libraries under the binding's names, and an rpath for the addon", () => {
    const plan = tensorflowWheelPlan({ ...linuxCpu, platform: "darwin", arch: "arm64" });
    expect(plan.requirement).toBe("tensorflow==2.21.0");
    expect(plan.libraries.map((l) => l.wheelPath)).toEqual([
      "tensorflow/libtensorflow_cc.2.dylib",
      "tensorflow/libtensorflow_framework.2.dylib",
    ]);
    expect(plan.libraries[0]?.depsNames).toContain("libtensorflow.2.dylib");
    expect(plan.postBuild).toEqual([
      "install_name_tool",
      "-add_rpath",
      "@loader_path/../../deps/lib",
    ]);
    expect(plan.cacheKey).toBe("2.21.0-darwin-arm64-cpu");
  });

  it.each([
    [{ platform: "darwin", arch: "x64" }, "macOS x86-64"],
    [{ platform: "win32", arch: "x64" }, "WSL2"],
    [{ platform: "linux", arch: "arm64", gpu: true }, "CUDA wheels for Linux x86-64 only"],
    [{ platform: "darwin", arch: "arm64", gpu: true }, "no CUDA on macOS"],
    [{ platform: "freebsd", arch: "x64" }, "Linux (x86-64, arm64) and macOS arm64"],
  ])(
    "%o has no wheel: a NO_WHEEL_FOR_PLATFORM error that says why and names wasm",
    (target, why) => {
      const error = planError({ ...linuxCpu, ...target });
      expect(error.code).toBe("NO_WHEEL_FOR_PLATFORM");
      expect(error.message).toContain(why);
      expect(error.message).toContain('prefer: "wasm"');
    },
  );

  it("rejects a version that is not one, naming the default", () => {
    const error = planError({ ...linuxCpu, tfVersion: "latest" });
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('"latest"');
    expect(error.message).toContain("2.21.0");
  });
});

describe("napiBuildVersion", () => {
  it("takes the highest N-API version of the package that this Node supports (node-pre-gyp's rule)", () => {
    expect(napiBuildVersion([3, 4, 5, 6, 7, 8], 9)).toBe(8);
    expect(napiBuildVersion([3, 4, 5, 6, 7, 8], 6)).toBe(6);
  });

  it("fails with the fix when Node is too old for every version", () => {
    expect(() => napiBuildVersion([8], 3)).toThrow(/needs one of 8: upgrade Node/);
  });
});

describe("addonCacheKey", () => {
  it("keys a built addon by binding, TensorFlow build and Node ABI", () => {
    const plan = tensorflowWheelPlan(linuxCpu);
    expect(addonCacheKey(plan, "4.22.0", "115", 8)).toBe(
      "tfjs-node-4.22.0_tf-2.21.0-linux-x64-cpu_node-abi115-napi8",
    );
    expect(addonCacheKey(plan, "4.22.0", "127", 8)).not.toBe(
      addonCacheKey(plan, "4.22.0", "115", 8),
    );
  });
});
