import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { describe, expect, it } from "vitest";
import { TorchPortError } from "./errors.js";
import { loadTorchStateDict, type TorchStateDict } from "./load-torch-state-dict.js";

const quiet = { onWarning: () => {} };

function raw(shape: number[], fill = 0.5) {
  const n = shape.reduce((a, b) => a * b, 1);
  return { dtype: "F32", shape, data: new Float32Array(n).fill(fill) };
}

function convDense(useBias = true): tfl.LayersModel {
  return tfl.sequential({
    layers: [
      tfl.layers.conv2d({
        inputShape: [4, 4, 2],
        filters: 3,
        kernelSize: 3,
        padding: "same",
        useBias,
      }),
      tfl.layers.flatten(),
      tfl.layers.dense({ units: 2 }),
    ],
  });
}

function goodDict(): Record<string, ReturnType<typeof raw>> {
  return {
    "conv.weight": raw([3, 2, 3, 3]),
    "conv.bias": raw([3]),
    "fc.weight": raw([2, 48]),
    "fc.bias": raw([2]),
  };
}

function catchPortError(fn: () => unknown): TorchPortError {
  try {
    fn();
  } catch (e) {
    expect(e).toBeInstanceOf(TorchPortError);
    return e as TorchPortError;
  }
  throw new Error("expected a TorchPortError");
}

describe("loadTorchStateDict", () => {
  it("accepts a record, a Map or an array of entries, and tfjs tensors as values", () => {
    const dicts: TorchStateDict[] = [
      goodDict(),
      new Map(Object.entries(goodDict())),
      Object.entries(goodDict()),
      {
        "conv.weight": tf.ones([3, 2, 3, 3]),
        "conv.bias": tf.ones([3]),
        "fc.weight": tf.ones([2, 48]),
        "fc.bias": tf.ones([2]),
      },
    ];
    for (const dict of dicts) {
      const model = convDense();
      const r = loadTorchStateDict(model, dict, quiet);
      expect(r.assignments.map((a) => a.tfjsWeight)).toEqual(model.weights.map((w) => w.name));
      expect(Array.from(model.layers[0]?.getWeights()[1]?.dataSync() ?? [])).not.toEqual([0, 0, 0]);
      model.dispose();
    }
  });

  it("writes the weights so that a conv sees the same numbers as in PyTorch", () => {
    // A 1×1 conv from 2 to 1 channel with weight [[w0],[w1]]: y = w0·x0 + w1·x1 + b
    const model = tfl.sequential({
      layers: [tfl.layers.conv2d({ inputShape: [1, 1, 2], filters: 1, kernelSize: 1 })],
    });
    loadTorchStateDict(
      model,
      { "c.weight": tf.tensor4d([3, -1], [1, 2, 1, 1]), "c.bias": tf.tensor1d([0.5]) },
      quiet,
    );
    const y = model.predict(tf.tensor4d([2, 5], [1, 1, 1, 2])) as tf.Tensor;
    expect(y.dataSync()[0]).toBeCloseTo(3 * 2 - 5 + 0.5);
    model.dispose();
  });

  it("logs warnings with console.warn when no onWarning is given", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({
          inputShape: [4, 4, 1],
          filters: 1,
          kernelSize: 3,
          strides: 2,
          padding: "same",
        }),
      ],
    });
    const original = console.warn;
    const seen: unknown[] = [];
    console.warn = (m: unknown) => seen.push(m);
    try {
      const r = loadTorchStateDict(model, { "c.weight": raw([1, 1, 3, 3]), "c.bias": raw([1]) });
      expect(r.warnings).toHaveLength(1);
    } finally {
      console.warn = original;
    }
    expect(String(seen[0])).toContain("padding 'same' with strides [2, 2] on a 4×4 input");
    model.dispose();
  });

  it("fails on a module count mismatch, naming the first unpaired module and both lists", () => {
    const model = convDense();
    const dict = { ...goodDict(), "extra.weight": raw([2, 2]) };
    const e = catchPortError(() => loadTorchStateDict(model, dict, quiet));
    expect(e.code).toBe("COUNT_MISMATCH");
    expect(e.message).toContain(
      "has 3 modules with parameters but the tfjs model has 2 layers with weights",
    );
    expect(e.message).toContain("PyTorch module extra (weight) has no tfjs layer");
    expect(e.message).toContain("tfjs: ");
    model.dispose();
  });

  it("fails on a shape mismatch naming the PyTorch key and the tfjs weight, and writes nothing", () => {
    const model = convDense();
    const before = model.layers[0]?.getWeights()[0]?.dataSync().slice();
    const dict = { ...goodDict(), "fc.weight": raw([2, 40]) };
    const e = catchPortError(() => loadTorchStateDict(model, dict, quiet));
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("fc.weight has 40 inputs");
    expect(e.message).toContain(`tfjs weight ${model.layers[2]?.weights[0]?.name}`);
    expect(model.layers[0]?.getWeights()[0]?.dataSync()).toEqual(before);
    model.dispose();
  });

  it("fails on a kernel of the wrong size with both shapes", () => {
    const model = convDense();
    const e = catchPortError(() =>
      loadTorchStateDict(model, { ...goodDict(), "conv.weight": raw([3, 2, 5, 5]) }, quiet),
    );
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain(
      "PyTorch conv.weight [3, 2, 5, 5] converts (o i h w -> h w i o) to [5, 5, 2, 3]",
    );
    expect(e.message).toContain("is [3, 3, 2, 3]");
    model.dispose();
  });

  it("says to build the layer with useBias: true when PyTorch has a bias tfjs lacks", () => {
    const model = convDense(false);
    const e = catchPortError(() => loadTorchStateDict(model, goodDict(), quiet));
    expect(e.code).toBe("UNEXPECTED_PARAMETER");
    expect(e.message).toContain("PyTorch conv.bias has no tfjs weight");
    expect(e.message).toContain("useBias: true");
    model.dispose();
  });

  it("says to build the layer with useBias: false when PyTorch has no bias", () => {
    const model = convDense(true);
    const { "conv.bias": _dropped, ...dict } = goodDict();
    const e = catchPortError(() => loadTorchStateDict(model, dict, quiet));
    expect(e.code).toBe("MISSING_PARAMETER");
    expect(e.message).toContain("needs PyTorch parameter conv.bias");
    model.dispose();
  });

  it("points a depthwise PyTorch weight at tf.layers.depthwiseConv2d", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 2, kernelSize: 3, useBias: false }),
      ],
    });
    const e = catchPortError(() =>
      loadTorchStateDict(model, { "dw.weight": raw([2, 1, 3, 3]) }, quiet),
    );
    expect(e.code).toBe("SHAPE_MISMATCH");
    expect(e.message).toContain("looks like a depthwise Conv2d");
    expect(e.message).toContain("tf.layers.depthwiseConv2d");
    model.dispose();
  });

  it("refuses layers it cannot convert, naming them", () => {
    const model = tfl.sequential({
      layers: [tfl.layers.embedding({ inputDim: 5, outputDim: 2, inputLength: 3 })],
    });
    const e = catchPortError(() => loadTorchStateDict(model, { "emb.weight": raw([5, 2]) }, quiet));
    expect(e.code).toBe("UNSUPPORTED_LAYER");
    expect(e.message).toContain("is a Embedding");
    expect(e.message).toContain(
      "supported: Conv2D, DepthwiseConv2D, Conv2DTranspose, Dense, BatchNormalization",
    );
    model.dispose();
  });

  it("validates options.order", () => {
    const model = convDense();
    const bad = catchPortError(() =>
      loadTorchStateDict(model, goodDict(), { ...quiet, order: ["conv", "head"] }),
    );
    expect(bad.code).toBe("INVALID_ARGUMENT");
    expect(bad.message).toContain('options.order names "head"');
    const missing = catchPortError(() =>
      loadTorchStateDict(model, goodDict(), { ...quiet, order: ["conv.weight"] }),
    );
    expect(missing.code).toBe("INVALID_ARGUMENT");
    expect(missing.message).toContain("leaves out module fc");
    model.dispose();
  });

  it("uses a plain transpose for a Dense that does not follow a Flatten", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3 }),
        tfl.layers.globalAveragePooling2d({}),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const r = loadTorchStateDict(
      model,
      {
        "c.weight": raw([3, 2, 3, 3]),
        "c.bias": raw([3]),
        "fc.weight": raw([2, 3]),
        "fc.bias": raw([2]),
      },
      quiet,
    );
    expect(r.assignments.find((a) => a.torchKey === "fc.weight")?.conversion).toBe("o i -> i o");
    model.dispose();
  });

  it("finds the Flatten through a Dropout", () => {
    const model = tfl.sequential({
      layers: [
        tfl.layers.conv2d({ inputShape: [4, 3, 2], filters: 3, kernelSize: 1 }),
        tfl.layers.flatten(),
        tfl.layers.dropout({ rate: 0.5 }),
        tfl.layers.dense({ units: 2 }),
      ],
    });
    const r = loadTorchStateDict(
      model,
      {
        "c.weight": raw([3, 2, 1, 1]),
        "c.bias": raw([3]),
        "fc.weight": raw([2, 36]),
        "fc.bias": raw([2]),
      },
      quiet,
    );
    expect(r.assignments.find((a) => a.torchKey === "fc.weight")?.conversion).toBe(
      "o (c h w) -> (h w c) o with c=3, h=4, w=3",
    );
    model.dispose();
  });

  it("judges a 'same' conv2dTranspose by kernel − stride per axis, not by the forward-conv rule", () => {
    // 4×4 input, kernel [4, 3], stride 2: rows k − s = 2 (PyTorch p=1 exactly), columns 1 (odd).
    // The forward-conv 'same' split of a 4-wide input (1 total) would be asymmetric on both axes;
    // for the transposed conv only the columns are.
    const make = (kernelSize: [number, number]) =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2dTranspose({
            inputShape: [4, 4, 1],
            filters: 1,
            kernelSize,
            strides: 2,
            padding: "same",
          }),
        ],
      });
    const mixed = make([4, 3]);
    const { warnings } = loadTorchStateDict(
      mixed,
      { "up.weight": raw([1, 1, 4, 3]), "up.bias": raw([1]) },
      quiet,
    );
    expect(warnings.map((w) => [w.code, w.layer])).toEqual([
      ["SAME_PADDING_TRANSPOSE", mixed.layers[0]?.name],
    ]);
    expect(warnings[0]?.message).toContain("kernel [4, 3] and strides [2, 2]");
    expect(warnings[0]?.message).toContain("rows 1 top / 1 bottom and columns 0 left / 1 right");
    expect(warnings[0]?.message).toContain("shifted by one column");
    expect(warnings[0]?.message).toContain(
      "For rows padding=1, output_padding=0 and columns padding=1, output_padding=1: cropping: [[1, 1], [1, 0]].",
    );
    mixed.dispose();

    for (const kernel of [4, 2, 1]) {
      // k − s even or negative: PyTorch (p=(k−s)/2) or (p=0, op=s−k) is reproduced exactly
      const exact = make([kernel, kernel]);
      const r = loadTorchStateDict(
        exact,
        { "up.weight": raw([1, 1, kernel, kernel]), "up.bias": raw([1]) },
        quiet,
      );
      expect(r.warnings, `kernel ${kernel}`).toEqual([]);
      exact.dispose();
    }
  });

  describe("forward order without options.order", () => {
    // stem Conv2d(2,4,3) -> left Conv2d(4,4,3) -> right Conv2d(4,4,3): left and right have the same
    // shapes, so once the keys are sorted by name nothing tells which of them runs first.
    function twin(): tfl.LayersModel {
      const conv = (filters: number, inputShape?: number[]) =>
        tfl.layers.conv2d({
          ...(inputShape ? { inputShape } : {}),
          filters,
          kernelSize: 3,
          padding: "same",
          useBias: false,
        });
      return tfl.sequential({ layers: [conv(4, [4, 4, 2]), conv(4), conv(4)] });
    }
    const stem = () => raw([4, 2, 3, 3], 0.1);
    const sortedKeys = () => ({
      "left.weight": raw([4, 4, 3, 3], 0.2),
      "right.weight": raw([4, 4, 3, 3], 0.3),
      "stem.weight": stem(),
    });

    it("fails with AMBIGUOUS_ORDER naming the candidates when sorted named modules fit two ways", () => {
      const model = twin();
      const e = catchPortError(() => loadTorchStateDict(model, sortedKeys(), quiet));
      expect(e.code).toBe("AMBIGUOUS_ORDER");
      const [, second, third] = model.layers.map((l) => l.name);
      expect(e.message).toContain(`tfjs layer ${second} (Conv2D) could take left or right`);
      expect(e.message).toContain(`tfjs layer ${third} (Conv2D) could take right or left`);
      expect(e.message).toContain("Pass options.order");
      model.dispose();
    });

    it("loads the ambiguous case with options.order", () => {
      const model = twin();
      const r = loadTorchStateDict(model, sortedKeys(), {
        ...quiet,
        order: ["stem", "right", "left"],
      });
      expect(r.assignments.map((a) => a.torchKey)).toEqual([
        "stem.weight",
        "right.weight",
        "left.weight",
      ]);
      expect(model.layers[1]?.getWeights()[0]?.dataSync()[0]).toBeCloseTo(0.3);
      model.dispose();
    });

    it("keeps the given order of keys that are not sorted by name (a state_dict in module order)", () => {
      const model = twin();
      const inModuleOrder = new Map([
        ["stem.weight", stem()],
        ["right.weight", raw([4, 4, 3, 3], 0.3)],
        ["left.weight", raw([4, 4, 3, 3], 0.2)],
      ]);
      const r = loadTorchStateDict(model, inModuleOrder, quiet);
      expect(r.assignments.map((a) => a.torchKey)).toEqual([
        "stem.weight",
        "right.weight",
        "left.weight",
      ]);
      model.dispose();
    });

    it("pairs named modules by shape when only one order fits", () => {
      const model = tfl.sequential({
        layers: [
          tfl.layers.conv2d({ inputShape: [4, 4, 2], filters: 3, kernelSize: 3, useBias: false }),
          tfl.layers.batchNormalization({ epsilon: 1e-5, momentum: 0.9 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 2 }),
        ],
      });
      const r = loadTorchStateDict(
        model,
        {
          "bn.bias": raw([3]),
          "bn.num_batches_tracked": { dtype: "I64", shape: [], data: new BigInt64Array(1) },
          "bn.running_mean": raw([3]),
          "bn.running_var": raw([3]),
          "bn.weight": raw([3]),
          "conv.weight": raw([3, 2, 3, 3]),
          "fc.bias": raw([2]),
          "fc.weight": raw([2, 12]),
        },
        quiet,
      );
      expect(r.assignments.map((a) => a.torchKey)).toEqual([
        "conv.weight",
        "bn.weight",
        "bn.bias",
        "bn.running_mean",
        "bn.running_var",
        "fc.weight",
        "fc.bias",
      ]);
      model.dispose();
    });
  });
});
