import { MathBackendCPU } from "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import { afterEach, describe, expect, it } from "vitest";
import { BackendError } from "./errors.js";
import { registerTensorflowKernels, TENSORFLOW_FASTER_KERNELS } from "./tensorflow-kernels.js";

// The kernels themselves are tested on the real tensorflow rung (test/tensorflow-kernels.test.ts).

afterEach(() => {
  if (tf.findBackendFactory("tensorflow") !== null) tf.removeBackend("tensorflow");
});

function thrown(f: () => unknown): BackendError {
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(BackendError);
  return error as BackendError;
}

describe("registerTensorflowKernels without tfjs-node", () => {
  it("names its kernels", () => {
    expect(TENSORFLOW_FASTER_KERNELS).toEqual(["ReluGrad", "MaxPool", "MaxPoolGrad"]);
  });

  it("throws NOT_REGISTERED, naming the package to load, when no 'tensorflow' backend is registered", () => {
    expect(tf.findBackendFactory("tensorflow")).toBeNull();
    const error = thrown(() => registerTensorflowKernels());
    expect(error.code).toBe("NOT_REGISTERED");
    expect(error.message).toContain("no 'tensorflow' backend is registered");
    expect(error.message).toContain("@tensorflow/tfjs-node");
  });

  it("skips every kernel, saying why, for a 'tensorflow' backend that is not tfjs-node's", () => {
    tf.registerBackend("tensorflow", () => new MathBackendCPU());
    const reluGradient = tf.getGradient("Relu");
    const result = registerTensorflowKernels();
    expect(result.registered).toEqual([]);
    expect(result.skipped.map((s) => s.name)).toEqual([...TENSORFLOW_FASTER_KERNELS]);
    for (const s of result.skipped) expect(s.reason).toMatch(/has no TensorFlow binding/);
    // nothing changed: no kernel for 'tensorflow', tfjs's own gradient for Relu
    for (const name of TENSORFLOW_FASTER_KERNELS) {
      expect(tf.getKernel(name, "tensorflow"), name).toBeUndefined();
    }
    expect(tf.getGradient("Relu")).toBe(reluGradient);
  });

  it("rejects a kernel name it does not have, listing those it has", () => {
    tf.registerBackend("tensorflow", () => new MathBackendCPU());
    const error = thrown(() => registerTensorflowKernels({ kernels: ["Conv2D"] }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).toContain('"Conv2D"');
    expect(error.message).toContain("'MaxPoolGrad'");
    expect(registerTensorflowKernels({ kernels: ["MaxPool"] }).skipped.map((s) => s.name)).toEqual([
      "MaxPool",
    ]);
  });

  it("rejects BatchMatMul, saying in one line why it was removed and what to pass instead", () => {
    tf.registerBackend("tensorflow", () => new MathBackendCPU());
    const error = thrown(() => registerTensorflowKernels({ kernels: ["ReluGrad", "BatchMatMul"] }));
    expect(error.code).toBe("INVALID_OPTION");
    expect(error.message).not.toContain("\n");
    expect(error.message).toContain('"BatchMatMul", which trainkit no longer replaces');
    expect(error.message).toMatch(/MatMul.*corrupts memory on AVX-512 CPUs when a signal arrives/);
    expect(error.message).toContain("tfjs-node's own BatchMatMulV2 is used");
    expect(error.message).toContain("'ReluGrad', 'MaxPool', 'MaxPoolGrad'");
    // nothing was registered before the error
    expect(tf.getKernel("ReluGrad", "tensorflow")).toBeUndefined();
  });
});
