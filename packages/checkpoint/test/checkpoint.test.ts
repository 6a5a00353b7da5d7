import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  fromBfloat16,
  fromFloat16,
  readSafetensors,
  toBfloat16,
  toFloat16,
  writeSafetensors,
} from "../src/index.js";
import {
  CheckpointError,
  explainCheckpoint,
  loadCheckpoint,
  loadWeights,
  readCheckpointInfo,
  saveCheckpoint,
  saveWeights,
} from "../src/tfjs.js";
import { makeData, makeModel, tf, tfl, useCpu, weightBytes } from "./helpers/tf.js";

let dir: string;
beforeAll(async () => {
  await useCpu();
  dir = await mkdtemp(join(tmpdir(), "ckpt-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function trained(optimizer: tf.Optimizer, steps = 3, seed = 1) {
  const model = makeModel({ seed });
  model.compile({ optimizer, loss: "meanSquaredError" });
  const d = makeData(8, 4, 3);
  const x = tf.tensor2d(d.x, [8, 4]);
  const y = tf.tensor2d(d.y, [8, 3]);
  for (let i = 0; i < steps; i++) await model.trainOnBatch(x, y);
  return { model, x, y };
}

async function optimizerState(opt: tf.Optimizer) {
  const ws = await opt.getWeights();
  const out = await Promise.all(
    ws.map(async (w) => ({
      name: w.name,
      shape: w.tensor.shape,
      data: Array.from(await w.tensor.data()),
    })),
  );
  ws[0]?.tensor.dispose();
  return out;
}

async function expectCode(p: Promise<unknown>, code: string, ...mentions: RegExp[]) {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(CheckpointError);
  expect((err as CheckpointError).code).toBe(code);
  for (const m of mentions) expect((err as Error).message).toMatch(m);
}

describe("saveCheckpoint / loadCheckpoint", () => {
  it("restores weights, Adam slots (into an Adam that has not created them yet), iterations and state", async () => {
    const a = await trained(tf.train.adam(0.01));
    const p = join(dir, "adam.safetensors");
    await saveCheckpoint(p, {
      model: a.model,
      step: 3,
      epoch: 1,
      schedule: { lr: 0.01, lastEpoch: 1 },
      rng: { state: 12345 },
      metrics: { loss: 0.5 },
      extra: { note: "hi" },
    });
    const b = makeModel({ seed: 99 });
    const optB = tf.train.adam(0.01);
    b.compile({ optimizer: optB, loss: "meanSquaredError" });
    expect((await optimizerState(optB)).length).toBe(1); // only iter: no slots yet
    const before = tf.memory().numTensors;
    const loaded = await loadCheckpoint(p, { model: b });
    expect(tf.memory().numTensors - before).toBe(8); // 4 weights x 2 new slot variables, nothing leaked
    expect(loaded.matchedBy).toBe("position"); // auto-named layers differ within one process
    expect(loaded.optimizerRestored).toBe(true);
    expect(loaded.state).toMatchObject({
      step: 3,
      epoch: 1,
      schedule: { lr: 0.01, lastEpoch: 1 },
      rng: { state: 12345 },
      metrics: { loss: 0.5 },
      extra: { note: "hi" },
    });
    expect(await weightBytes(b)).toEqual(await weightBytes(a.model));
    const sa = await optimizerState(a.model.optimizer);
    const sb = await optimizerState(optB);
    expect(sb.map((s) => s.data)).toEqual(sa.map((s) => s.data));
    expect(optB.iterations).toBe(3);
    // one more identical step on both gives bit-identical weights (hidden accBeta state restored too)
    await a.model.trainOnBatch(a.x, a.y);
    await b.trainOnBatch(a.x, a.y);
    expect(await weightBytes(b)).toEqual(await weightBytes(a.model));
  });

  it("a checkpoint saved before Adam's first step resets the slots of a trained Adam", async () => {
    const fresh = makeModel();
    fresh.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const p = join(dir, "untrained.safetensors");
    await saveCheckpoint(p, { model: fresh, step: 0, epoch: 0 });
    const info = await readCheckpointInfo(p);
    expect(info.optimizer?.slots).toEqual([]);
    const t = await trained(tf.train.adam(0.01));
    const before = tf.memory().numTensors;
    await loadCheckpoint(p, { model: t.model });
    expect(tf.memory().numTensors - before).toBe(-8); // the 8 old slot variables were freed
    expect((await optimizerState(t.model.optimizer)).length).toBe(1);
    expect(t.model.optimizer.iterations).toBe(0);
  });

  it("restores by name in a model with the same layer names", async () => {
    const build = () => {
      const m = tfl.sequential();
      m.add(
        tfl.layers.dense({
          name: "hidden",
          inputShape: [4],
          units: 8,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 3 }),
        }),
      );
      m.add(
        tfl.layers.dense({
          name: "head",
          units: 3,
          kernelInitializer: tfl.initializers.glorotUniform({ seed: 4 }),
        }),
      );
      return m;
    };
    const a = build();
    const p = join(dir, "named.safetensors");
    await saveCheckpoint(p, { model: a, optimizer: null, step: 0, epoch: 0 });
    for (const l of a.layers) l.dispose();
    const b = build();
    expect(b.weights.map((w) => w.originalName)).toEqual([
      "hidden/kernel",
      "hidden/bias",
      "head/kernel",
      "head/bias",
    ]);
    const r = await loadCheckpoint(p, { model: b, optimizer: null });
    expect(r.matchedBy).toBe("name");
  });

  it("refuses a checkpoint of another architecture, leaving the model untouched", async () => {
    const a = await trained(tf.train.adam(0.01));
    const p = join(dir, "arch.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const other = makeModel({ hidden: 5 });
    other.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    const before = await weightBytes(other);
    await expectCode(
      loadCheckpoint(p, { model: other }),
      "SHAPE_MISMATCH",
      /\[4, 5\]/,
      /\[4, 8\]/,
      /different architecture/,
    );
    expect(await weightBytes(other)).toEqual(before);
    const bigger = tfl.sequential({ layers: [tfl.layers.dense({ inputShape: [4], units: 3 })] });
    await expectCode(
      loadCheckpoint(p, { model: bigger, optimizer: null }),
      "WEIGHT_COUNT_MISMATCH",
      /4 weights/,
      /has 2/,
    );
    await expectCode(
      loadCheckpoint(p, { model: makeModel(), optimizer: null, match: "name" }),
      "MISSING_WEIGHT",
      /match: "position"/,
    );
  });

  it("refuses another optimizer class, and a checkpoint without optimizer state", async () => {
    const a = await trained(tf.train.adam(0.01));
    const p = join(dir, "opt.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const m = makeModel();
    await expectCode(
      loadCheckpoint(p, { model: m, optimizer: tf.train.sgd(0.1) }),
      "OPTIMIZER_MISMATCH",
      /Adam/,
      /SGD/,
      /optimizer: null/,
    );
    const q = join(dir, "noopt.safetensors");
    await saveCheckpoint(q, { model: a.model, optimizer: null, step: 3, epoch: 0 });
    await expectCode(
      loadCheckpoint(q, { model: m, optimizer: tf.train.adam(0.1) }),
      "MISSING_OPTIMIZER_STATE",
      /without optimizer state/,
    );
    const r = await loadCheckpoint(q, { model: m, optimizer: null });
    expect(r.optimizerRestored).toBe(false);
    expect(await weightBytes(m)).toEqual(await weightBytes(a.model));
  });

  it("reports a missing slot by name instead of shifting slots by position", async () => {
    const a = await trained(tf.train.adam(0.01));
    const p = join(dir, "slots.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const { tensors, metadata } = await readSafetensors(p);
    const slotName = Object.keys(tensors).find(
      (k) => k.startsWith("optimizer/") && k.endsWith("/bias/v"),
    ) as string;
    delete tensors[slotName];
    const edited = join(dir, "slots-edited.safetensors");
    await writeSafetensors(edited, tensors, metadata);
    const m = makeModel();
    m.compile({ optimizer: tf.train.adam(0.01), loss: "meanSquaredError" });
    await expectCode(
      loadCheckpoint(edited, { model: m, verify: false }),
      "MISSING_OPTIMIZER_STATE",
      /slot "v"/,
      /bias/,
    );
  });

  it("detects corrupted data with the CRC-32 before touching the model", async () => {
    const a = await trained(tf.train.sgd(0.1));
    const p = join(dir, "crc.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const bytes = await readFile(p);
    bytes[bytes.length - 5] = (bytes[bytes.length - 5] as number) ^ 0x01;
    await writeFile(p, bytes);
    const m = makeModel({ seed: 5 });
    const before = await weightBytes(m);
    await expectCode(
      loadCheckpoint(p, { model: m, optimizer: null }),
      "CHECKSUM_MISMATCH",
      /CRC-32/,
      /older checkpoint/,
    );
    expect(await weightBytes(m)).toEqual(before);
  });

  it("rejects bad arguments, non-checkpoints and optimizers that cannot export state", async () => {
    const m = makeModel();
    await expectCode(
      saveCheckpoint(join(dir, "x.safetensors"), { model: m, step: -1, epoch: 0 }),
      "INVALID_ARGUMENT",
      /step is -1/,
    );
    await expectCode(
      saveCheckpoint(join(dir, "x.safetensors"), { model: m, step: 1, epoch: 0, extra: { n: 1n } }),
      "INVALID_ARGUMENT",
      /BigInt/,
    );
    const plain = join(dir, "plain.safetensors");
    await writeSafetensors(plain, { a: { dtype: "F32", shape: [1], data: new Float32Array(1) } });
    await expectCode(loadCheckpoint(plain, { model: m }), "NOT_A_CHECKPOINT", /readSafetensors/);
    const w = join(dir, "release.safetensors");
    await saveWeights(w, m);
    await expectCode(loadCheckpoint(w, { model: m }), "NOT_A_CHECKPOINT", /loadWeights/);
    m.compile({ optimizer: tf.train.adamax(0.01), loss: "meanSquaredError" });
    await expectCode(
      saveCheckpoint(join(dir, "y.safetensors"), { model: m, step: 0, epoch: 0 }),
      "UNSUPPORTED_OPTIMIZER",
      /Adamax/,
      /optimizer: null/,
    );
  });
});

describe("more refusals, each with its code", () => {
  it("a newer format version, an edited dtype, extra stored weights, slots for outside variables", async () => {
    const a = await trained(tf.train.sgd(0.1));
    const p = join(dir, "base.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const { tensors, metadata } = await readSafetensors(p);
    // the CRC covers the tensor data, so these header edits keep it valid
    const v2 = join(dir, "v2.safetensors");
    await writeSafetensors(v2, tensors, { ...metadata, "trainkit.format_version": "2" });
    await expectCode(
      loadCheckpoint(v2, { model: makeModel() }),
      "UNSUPPORTED_VERSION",
      /version 2/,
      /Upgrade/,
    );
    const model = JSON.parse(metadata["trainkit.model"] as string);
    model.weights[0].dtype = "int32";
    const dt = join(dir, "dtype.safetensors");
    await writeSafetensors(dt, tensors, { ...metadata, "trainkit.model": JSON.stringify(model) });
    await expectCode(
      loadCheckpoint(dt, { model: makeModel(), optimizer: null }),
      "DTYPE_MISMATCH",
      /float32/,
      /int32/,
    );

    const named = (layers: string[]) =>
      tfl.sequential({
        layers: layers.map((name, i) =>
          tfl.layers.dense({ name, units: 4, ...(i === 0 ? { inputShape: [4] } : {}) }),
        ),
      });
    const two = join(dir, "two-layers.safetensors");
    await saveCheckpoint(two, { model: named(["l1", "l2"]), optimizer: null, step: 0, epoch: 0 });
    await expectCode(
      loadCheckpoint(two, { model: named(["l1"]), optimizer: null, match: "name" }),
      "UNEXPECTED_WEIGHT",
      /"l2\/kernel"/,
    );

    const outside = tf.variable(tf.zeros([2]));
    const opt = tf.train.adam(0.1);
    opt.minimize(() => tf.sum(outside) as tf.Scalar, false, [outside]);
    await expectCode(
      saveCheckpoint(join(dir, "o.safetensors"), {
        model: makeModel(),
        optimizer: opt,
        step: 1,
        epoch: 0,
      }),
      "SLOT_WITHOUT_WEIGHT",
      /belongs to no weight/,
    );
  });
});

describe("saveWeights / loadWeights (release files)", () => {
  it("float16 and bfloat16 releases store round-to-nearest-even values in half the bytes", async () => {
    const a = await trained(tf.train.sgd(0.1));
    const f32 = join(dir, "w32.safetensors");
    await saveWeights(f32, a.model, { metadata: { format: "pt" } });
    const st32 = await readSafetensors(f32);
    expect(st32.metadata.format).toBe("pt");
    for (const dtype of ["float16", "bfloat16"] as const) {
      const p = join(dir, `w-${dtype}.safetensors`);
      await saveWeights(p, a.model, { dtype });
      const st = await readSafetensors(p);
      const names = Object.keys(st32.tensors);
      expect(Object.keys(st.tensors).sort()).toEqual([...names].sort());
      let bytes32 = 0;
      let bytes16 = 0;
      for (const n of names) {
        const src = st32.tensors[n]?.data as Float32Array;
        const half = st.tensors[n]?.data as Uint16Array;
        expect(st.tensors[n]?.dtype).toBe(dtype === "float16" ? "F16" : "BF16");
        expect(half).toEqual(dtype === "float16" ? toFloat16(src) : toBfloat16(src));
        bytes32 += src.byteLength;
        bytes16 += half.byteLength;
      }
      expect(bytes16 * 2).toBe(bytes32);
      const m = makeModel({ seed: 9 });
      const r = await loadWeights(p, m);
      expect(r.dtype).toBe(dtype);
      const decode = dtype === "float16" ? fromFloat16 : fromBfloat16;
      for (const [i, w] of m.weights.entries()) {
        const want = decode(
          st.tensors[a.model.weights[i]?.originalName as string]?.data as Uint16Array,
        );
        expect(await w.read().data()).toEqual(want);
      }
    }
    await expectCode(
      saveWeights(join(dir, "bad.safetensors"), a.model, { dtype: "int8" as "float16" }),
      "INVALID_ARGUMENT",
      /"int8"/,
      /float16/,
    );
  });

  it("explainCheckpoint predicts the exact size of each release", async () => {
    const a = await trained(tf.train.adam(0.01));
    const p = join(dir, "explain.safetensors");
    await saveCheckpoint(p, { model: a.model, step: 3, epoch: 0 });
    const ex = await explainCheckpoint(p);
    for (const dtype of ["float32", "float16", "bfloat16"] as const) {
      const r = join(dir, `rel-${dtype}.safetensors`);
      const saved = await saveWeights(r, a.model, { dtype });
      expect(ex.release[dtype], dtype).toBe(saved.bytes);
    }
    expect(ex.text).toMatch(
      /multiplier over the weights: 3\.000x \(Adam: 2 slot\(s\) per weight: m, v\)/,
    );
  });
});
