/** The rungs of the backend ladder, fastest first. */
export type BackendCandidate = "tensorflow-gpu" | "webgpu" | "tensorflow-cpu" | "wasm" | "cpu";

/** The tfjs backend name a candidate runs as. */
export type BackendName = "tensorflow" | "webgpu" | "wasm" | "cpu";

export type Device = "gpu" | "cpu";

export interface CandidateInfo {
  readonly candidate: BackendCandidate;
  readonly backendName: BackendName;
  readonly packageName: string;
  readonly device: Device;
  readonly description: string;
}

export const CANDIDATES: Readonly<Record<BackendCandidate, CandidateInfo>> = {
  "tensorflow-gpu": {
    candidate: "tensorflow-gpu",
    backendName: "tensorflow",
    packageName: "@tensorflow/tfjs-node-gpu",
    device: "gpu",
    description: "TensorFlow C library on an NVIDIA GPU",
  },
  webgpu: {
    candidate: "webgpu",
    backendName: "webgpu",
    packageName: "@tensorflow/tfjs-backend-webgpu",
    device: "gpu",
    description: "WebGPU on Dawn (the `webgpu` package) over Vulkan",
  },
  "tensorflow-cpu": {
    candidate: "tensorflow-cpu",
    backendName: "tensorflow",
    packageName: "@tensorflow/tfjs-node",
    device: "cpu",
    description: "TensorFlow C library on the CPU",
  },
  wasm: {
    candidate: "wasm",
    backendName: "wasm",
    packageName: "@tensorflow/tfjs-backend-wasm",
    device: "cpu",
    description: "WebAssembly with XNNPACK (SIMD) and trainkit's gradient kernels",
  },
  cpu: {
    candidate: "cpu",
    backendName: "cpu",
    packageName: "@tensorflow/tfjs-backend-cpu",
    device: "cpu",
    description: "plain JavaScript (slowest; always works)",
  },
};

/** The order tried when nothing is preferred. */
export const DEFAULT_ORDER: readonly BackendCandidate[] = [
  "tensorflow-gpu",
  "webgpu",
  "tensorflow-cpu",
  "wasm",
  "cpu",
];

export function isCandidate(value: unknown): value is BackendCandidate {
  return typeof value === "string" && Object.hasOwn(CANDIDATES, value);
}
