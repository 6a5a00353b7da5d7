import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { beforeAll, describe, expect, it, vi } from "vitest";
import { ScheduleError, unfreezeSchedule } from "../src/index.js";
import { GradualUnfreezing, layerGroupsTopFirst } from "../src/tfjs.js";
import { useCpu } from "./setup-tf.js";

beforeAll(useCpu);

function twoLayerModel() {
  return tfl.sequential({
    layers: [
      tfl.layers.dense({
        units: 3,
        inputShape: [4],
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 1 }),
      }),
      tfl.layers.dense({
        units: 1,
        kernelInitializer: tfl.initializers.glorotUniform({ seed: 2 }),
      }),
    ],
  });
}

const kernel = (m: tfl.LayersModel, i: number) =>
  Array.from(m.layers[i]?.getWeights()[0]?.dataSync() ?? []);
const data = () => ({
  x: tf.tidy(() => tf.randomNormal([8, 4], 0, 1, "float32", 3)),
  y: tf.tidy(() => tf.randomNormal([8, 1], 0, 1, "float32", 4)),
});

describe("layer warm-up: the two measured tfjs 4.22 traps", () => {
  it("a layer frozen at compile time and unfrozen without recompiling silently never trains", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const { x, y } = data();
    const model = twoLayerModel();
    (model.layers[0] as tfl.layers.Layer).trainable = false;
    model.compile({ optimizer: tf.train.adam(0.05), loss: "meanSquaredError" });
    const bottom = kernel(model, 0);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 });
    (model.layers[0] as tfl.layers.Layer).trainable = true;
    await model.fit(x, y, { epochs: 3, batchSize: 8, verbose: 0 });
    expect(kernel(model, 0)).toEqual(bottom); // never trained, no error
    // GradualUnfreezing refuses such a model instead of silently not training
    const err = await model
      .fit(x, y, {
        epochs: 1,
        verbose: 0,
        callbacks: [new GradualUnfreezing({ schedule: () => 2 })],
      })
      .catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ScheduleError);
    expect((err as ScheduleError).code).toBe("COMPILED_FROZEN");
    expect((err as ScheduleError).message).toMatch(/was frozen when the model was compiled/);
    expect((err as ScheduleError).message).toMatch(/compile once/);
    model.dispose();
    tf.dispose([x, y]);
    warn.mockRestore();
  });

  it("recompiling with the same Adam after unfreezing crashes: its slots are stored by position", async () => {
    const { x, y } = data();
    const model = twoLayerModel();
    const adam = tf.train.adam(0.05);
    (model.layers[0] as tfl.layers.Layer).trainable = false;
    model.compile({ optimizer: adam, loss: "meanSquaredError" });
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 }); // slots: [top kernel 3x1, top bias 1]
    (model.layers[0] as tfl.layers.Layer).trainable = true;
    model.compile({ optimizer: adam, loss: "meanSquaredError" }); // list is now [4x3, 3, 3x1, 1]
    await expect(model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0 })).rejects.toThrow(
      /broadcast|shape/i,
    );
    model.dispose();
    adam.dispose();
    tf.dispose([x, y]);
  });
});

describe("GradualUnfreezing: compile once, toggle trainable", () => {
  it("trains exactly the unfrozen groups, top first, and keeps Adam's state", async () => {
    const warn = vi.spyOn(console, "warn").mockImplementation(() => {});
    const before = tf.memory().numTensors;
    const { x, y } = data();
    const model = twoLayerModel();
    const adam = tf.train.adam(0.05);
    model.compile({ optimizer: adam, loss: "meanSquaredError" });
    expect(layerGroupsTopFirst(model).map((g) => g[0]?.name)).toEqual([
      model.layers[1]?.name,
      model.layers[0]?.name,
    ]);
    const unfreezing = new GradualUnfreezing({ schedule: unfreezeSchedule({ numGroups: 2 }) });

    const bottom0 = kernel(model, 0);
    const top0 = kernel(model, 1);
    await model.fit(x, y, { epochs: 1, batchSize: 8, verbose: 0, callbacks: [unfreezing] });
    expect(kernel(model, 0)).toEqual(bottom0); // frozen: untouched
    expect(kernel(model, 1)).not.toEqual(top0); // trained
    const topName = model.layers[1]?.trainableWeights[0]?.name ?? "";
    const moments = async () => {
      const ws = await adam.getWeights();
      const m = Array.from(ws.find((w) => w.name === `${topName}/m`)?.tensor.dataSync() ?? []);
      ws[0]?.tensor.dispose(); // "iter" is a fresh scalar; the slots are Adam's live variables
      return m;
    };
    const m1 = await moments();
    expect(m1.some((v) => v !== 0)).toBe(true);

    // The gradient the next update will see for the top kernel, at the current weights.
    const topKernel = model.layers[1]?.trainableWeights[0]?.read() as tf.Variable;
    const g = tf.tidy(() => {
      const { grads } = tf.variableGrads(
        () => tf.mean(tf.square(tf.sub(model.apply(x) as tf.Tensor, y))) as tf.Scalar,
        [topKernel],
      );
      return grads[topKernel.name] as tf.Tensor;
    });
    const gv = Array.from(g.dataSync());
    g.dispose();

    await model.fit(x, y, {
      epochs: 2,
      initialEpoch: 1,
      batchSize: 8,
      verbose: 0,
      callbacks: [unfreezing],
    });
    expect(unfreezing.history).toEqual([
      { epoch: 0, unfrozen: 1 },
      { epoch: 1, unfrozen: 2 },
    ]);
    expect(kernel(model, 0)).not.toEqual(bottom0); // unfrozen: now trains
    expect(adam.iterations).toBe(2);
    // Adam's first moment continued from m1 (state kept), not restarted from 0:
    const m2 = await moments();
    m2.forEach((v, i) => {
      expect(v).toBeCloseTo(0.9 * (m1[i] as number) + 0.1 * (gv[i] as number), 6);
    });
    model.dispose();
    adam.dispose();
    tf.dispose([x, y]);
    expect(tf.memory().numTensors).toBe(before);
    warn.mockRestore();
  });
});
