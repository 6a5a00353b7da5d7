import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseSafetensors, serializeSafetensors } from "@trainkit/checkpoint";
import { describe, expect, it } from "vitest";
import { PlateBpError } from "./errors.js";
import {
  loadPlateModel,
  parsePlateModel,
  savePlateModel,
  serializePlateModel,
} from "./model-file.js";
import {
  classifyFeatures,
  type PlateClassifier,
  predictProbabilities,
} from "./plate-classifier.js";

// 25 -> 2 -> 3, hand-set weights: h0 = tanh(x0), h1 = tanh(x1); logits = [h0, h1, 0]
function tiny(): PlateClassifier {
  const w1 = new Float32Array(25 * 2);
  w1[0 * 2 + 0] = 1;
  w1[1 * 2 + 1] = 1;
  const w2 = Float32Array.of(1, 0, 0, 0, 1, 0);
  return {
    labels: "ABC",
    features: "grid5x5",
    activation: "tanh",
    inputSize: 25,
    hiddenSize: 2,
    w1,
    b1: new Float32Array(2),
    w2,
    b2: new Float32Array(3),
  };
}

describe("plate classifier forward pass", () => {
  it("computes softmax(tanh(x W1 + b1) W2 + b2) (hand-computed)", () => {
    const x = new Float32Array(25);
    x[0] = 1;
    // logits [tanh 1, 0, 0] = [0.761594, 0, 0]; softmax = e^0.7616 / (e^0.7616 + 2)
    const e = Math.exp(Math.tanh(1));
    const p = predictProbabilities(tiny(), x);
    expect(p[0]).toBeCloseTo(e / (e + 2), 6);
    expect(p[1]).toBeCloseTo(1 / (e + 2), 6);
    const c = classifyFeatures(tiny(), x);
    expect(c).toMatchObject({ label: "A", index: 0 });
    expect(c.confidence).toBeCloseTo(e / (e + 2), 6);
  });

  it("names a wrong feature length", () => {
    expect(() => predictProbabilities(tiny(), new Float32Array(120))).toThrow(
      /takes 25 features \("grid5x5"\), got 120/,
    );
  });
});

describe("plate model files (safetensors)", () => {
  const dir = mkdtempSync(join(tmpdir(), "plate-bp-model-"));

  it("writes dense kernels [in, out] and biases as F32 with labels in the metadata", () => {
    const parsed = parseSafetensors(serializePlateModel(tiny(), { note: "x" }));
    expect(parsed.tensors["dense_1.kernel"]?.shape).toEqual([25, 2]);
    expect(parsed.tensors["dense_2.kernel"]?.shape).toEqual([2, 3]);
    expect(parsed.tensors["dense_2.bias"]?.dtype).toBe("F32");
    expect(parsed.metadata).toMatchObject({
      labels: "ABC",
      features: "grid5x5",
      activation: "tanh",
      note: "x",
    });
  });

  it("reads back what it wrote, from bytes and from a file", async () => {
    const back = parsePlateModel(serializePlateModel(tiny()));
    expect(Array.from(back.w2)).toEqual(Array.from(tiny().w2));
    const path = join(dir, "m.safetensors");
    await savePlateModel(path, tiny());
    const fromFile = loadPlateModel(path);
    expect([fromFile.labels, fromFile.hiddenSize, fromFile.inputSize]).toEqual(["ABC", 2, 25]);
  });

  it("rejects corrupt files, foreign safetensors and inconsistent shapes with INVALID_MODEL", () => {
    const bad = (f: () => unknown, re: RegExp) => {
      try {
        f();
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(PlateBpError);
        expect((e as PlateBpError).code).toBe("INVALID_MODEL");
        expect((e as Error).message).toMatch(re);
      }
    };
    bad(
      () => parsePlateModel(new Uint8Array(5), "x.safetensors"),
      /x\.safetensors: not a valid safetensors file/,
    );
    const foreign = serializeSafetensors(
      { w: { dtype: "F32", shape: [1], data: new Float32Array(1) } },
      {},
    );
    bad(
      () => parsePlateModel(foreign, "other.safetensors"),
      /metadata format is undefined, expected "trainkit-plate-bp\/1"/,
    );
    bad(
      () => serializePlateModel({ ...tiny(), b2: new Float32Array(2) }),
      /w2 must be a Float32Array of 6 values|b2 must be a Float32Array of 3 values/,
    );
    bad(
      () => serializePlateModel({ ...tiny(), features: "hog" as never }),
      /features must be .* got "hog"/,
    );
    const path = join(dir, "missing.safetensors");
    bad(() => loadPlateModel(path), /cannot read model file .*missing\.safetensors/);
    writeFileSync(join(dir, "empty.safetensors"), "");
    bad(() => loadPlateModel(join(dir, "empty.safetensors")), /not a valid safetensors file/);
  });
});
