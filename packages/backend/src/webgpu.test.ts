import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import * as path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import {
  describeAdapter,
  explainNoAdapter,
  type GpuLike,
  installNavigatorGpu,
  vulkanDrivers,
} from "./webgpu.js";

const dirs: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "trainkit-vulkan-"));
  dirs.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/** A Vulkan driver manifest as drivers install them: `<dir>/vulkan/icd.d/<name>`. */
function icd(dataDir: string, name: string, library: string): string {
  const folder = path.join(dataDir, "vulkan", "icd.d");
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, name);
  writeFileSync(
    file,
    JSON.stringify({
      file_format_version: "1.0.0",
      ICD: { library_path: library, api_version: "1.3.0" },
    }),
  );
  return file;
}

/** An environment whose XDG folders are all inside `root`, so the host's drivers do not count. */
function isolated(root: string, extra: NodeJS.ProcessEnv = {}): NodeJS.ProcessEnv {
  return {
    XDG_CONFIG_HOME: path.join(root, "config"),
    XDG_CONFIG_DIRS: path.join(root, "etc-xdg"),
    XDG_DATA_HOME: path.join(root, "home-share"),
    XDG_DATA_DIRS: path.join(root, "share"),
    ...extra,
  };
}

describe("explainNoAdapter", () => {
  it("names the Vulkan loader and how to install it when libvulkan.so.1 cannot be loaded", () => {
    const reason = explainNoAdapter({
      platform: "linux",
      env: {},
      vulkanLoaderError:
        "libvulkan.so.1: cannot open shared object file: No such file or directory",
    });
    expect(reason).toContain("no Vulkan loader (libvulkan.so.1: cannot open shared object file");
    expect(reason).toContain("apt install libvulkan1");
    expect(reason).toContain("LD_LIBRARY_PATH");
  });

  it("lists where it looked when the loader has no driver manifest, with the NVIDIA container fix", () => {
    const root = tempDir();
    const reason = explainNoAdapter({
      platform: "linux",
      env: isolated(root),
      vulkanLoaderError: undefined,
    });
    expect(reason).toContain("found no GPU driver");
    expect(reason).toContain(path.join(root, "share", "vulkan", "icd.d"));
    expect(reason).toContain("NVIDIA_DRIVER_CAPABILITIES");
    expect(reason).toContain("VK_DRIVER_FILES");
  });

  it("says Dawn refuses software renderers when Mesa lavapipe is the only driver", () => {
    const root = tempDir();
    icd(
      path.join(root, "share"),
      "lvp_icd.x86_64.json",
      "/usr/lib/x86_64-linux-gnu/libvulkan_lvp.so",
    );
    const reason = explainNoAdapter({
      platform: "linux",
      env: isolated(root),
      vulkanLoaderError: undefined,
    });
    expect(reason).toContain("only a software Vulkan driver is installed");
    expect(reason).toContain("lvp_icd.x86_64.json (Mesa lavapipe)");
    expect(reason).toContain("refuses");
  });

  it("points at the driver library and device files when a GPU driver is listed", () => {
    const root = tempDir();
    const file = icd(root, "nvidia_icd.json", "libGLX_nvidia.so.0");
    const reason = explainNoAdapter({
      platform: "linux",
      env: isolated(root, { VK_DRIVER_FILES: file }),
      vulkanLoaderError: undefined,
    });
    expect(reason).toContain("Vulkan drivers are listed (nvidia_icd.json)");
    expect(reason).toContain("libGLX_nvidia.so.0");
    expect(reason).toContain("/dev/nvidia*");
  });

  it("does not blame Vulkan on other platforms", () => {
    expect(
      explainNoAdapter({ platform: "darwin", env: {}, vulkanLoaderError: undefined }),
    ).toContain("on darwin (Metal");
  });
});

describe("vulkanDrivers", () => {
  it("reads VK_DRIVER_FILES (files or folders) instead of the standard folders, as the loader does", () => {
    const root = tempDir();
    icd(path.join(root, "share"), "radeon_icd.x86_64.json", "libvulkan_radeon.so");
    const own = icd(path.join(root, "own"), "nvidia_icd.json", "libGLX_nvidia.so.0");
    const listed = vulkanDrivers(isolated(root, { VK_DRIVER_FILES: path.dirname(own) }));
    expect(listed.files.map((f) => path.basename(f.file))).toEqual(["nvidia_icd.json"]);
    expect(listed.searched).toBe(`VK_DRIVER_FILES=${path.dirname(own)}`);
    const standard = vulkanDrivers(isolated(root));
    expect(standard.files).toEqual([
      {
        file: path.join(root, "share", "vulkan", "icd.d", "radeon_icd.x86_64.json"),
        library: "libvulkan_radeon.so",
      },
    ]);
  });

  it("falls back to VK_ICD_FILENAMES, the older name", () => {
    const root = tempDir();
    const file = icd(root, "lvp_icd.x86_64.json", "libvulkan_lvp.so");
    const listed = vulkanDrivers(isolated(root, { VK_ICD_FILENAMES: file }));
    expect(listed.files).toEqual([
      { file, library: "libvulkan_lvp.so", software: "Mesa lavapipe" },
    ]);
  });
});

describe("describeAdapter", () => {
  it("puts vendor and architecture first, then the description", () => {
    expect(
      describeAdapter({
        vendor: "nvidia",
        architecture: "hopper",
        device: "",
        description: "NVIDIA H100 80GB HBM3",
        isFallbackAdapter: false,
      }),
    ).toBe("nvidia hopper (NVIDIA H100 80GB HBM3)");
  });

  it("marks a software adapter and copes with empty fields", () => {
    expect(
      describeAdapter({
        vendor: "",
        architecture: "",
        device: "",
        description: "",
        isFallbackAdapter: true,
      }),
    ).toBe("unknown GPU, a software adapter");
  });
});

describe("installNavigatorGpu", () => {
  it("gives Node a navigator.gpu and WebGPU's constants, without replacing existing globals", () => {
    const g = globalThis as Record<string, unknown>;
    const hadNavigator = Object.getOwnPropertyDescriptor(g, "navigator");
    const gpu: GpuLike = { requestAdapter: async () => null };
    const usage = { MAP_READ: 1 };
    try {
      installNavigatorGpu(gpu, { GPUBufferUsage: usage, setTimeout: "not a function" });
      expect((g.navigator as { gpu: unknown }).gpu).toBe(gpu);
      expect(g.GPUBufferUsage).toBe(usage);
      expect(typeof g.setTimeout).toBe("function");
      // A second install keeps the first GPU.
      installNavigatorGpu({ requestAdapter: async () => null });
      expect((g.navigator as { gpu: unknown }).gpu).toBe(gpu);
    } finally {
      delete g.GPUBufferUsage;
      if (hadNavigator) {
        Object.defineProperty(g, "navigator", hadNavigator);
        delete (g.navigator as { gpu?: unknown }).gpu;
      } else {
        delete g.navigator;
      }
    }
  });
});
