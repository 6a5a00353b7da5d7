// Save/load throughput of checkpoints against the plain-file floor.
// Run: npm run bench -w @trainkit/checkpoint            (100 MB and 1 GB)
//      BENCH_SIZES_MB=100 npm run bench -w @trainkit/checkpoint
// GB/s = 1e9 bytes per second of tensor data. Reads are warm-cache (file just written).
import "@tensorflow/tfjs-backend-cpu";
import { mkdtemp, open, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { readSafetensors, serializeSafetensors, writeSafetensors } from "../src/index.js";
import { loadCheckpoint, saveCheckpoint } from "../src/tfjs.js";

await tf.setBackend("cpu");
const sizes = (process.env.BENCH_SIZES_MB ?? "100,1000").split(",").map(Number);
const dir = await mkdtemp(join(tmpdir(), "ckpt-bench-"));

async function best(runs: number, fn: () => Promise<unknown>): Promise<number> {
  let t = Number.POSITIVE_INFINITY;
  for (let i = 0; i < runs; i++) {
    const s = performance.now();
    await fn();
    t = Math.min(t, performance.now() - s);
  }
  return t / 1000;
}

/** A model of `layers` square dense layers holding about `mb` MB of float32 weights. */
function bigModel(mb: number) {
  const layers = 4;
  const side = Math.floor(Math.sqrt((mb * 1e6) / 4 / layers));
  const m = tfl.sequential();
  for (let i = 0; i < layers; i++) {
    m.add(
      tfl.layers.dense({
        units: side,
        useBias: false,
        kernelInitializer: "ones",
        ...(i === 0 ? { inputShape: [side] } : {}),
      }),
    );
  }
  return m;
}

const rows: string[] = [];
for (const mb of sizes) {
  const model = bigModel(mb);
  const optimizer = null;
  const runs = mb >= 1000 ? 3 : 5;
  const tensors: Record<string, { dtype: "F32"; shape: number[]; data: Float32Array }> = {};
  for (const w of model.weights) {
    tensors[w.originalName] = {
      dtype: "F32",
      shape: w.shape as number[],
      data: (await w.read().data()) as Float32Array,
    };
  }
  const bytes = serializeSafetensors(tensors);
  const dataBytes = model.weights.reduce(
    (s, w) => s + (w.shape as number[]).reduce((a, b) => a * b, 1) * 4,
    0,
  );
  const plainPath = join(dir, "plain.bin");
  const stPath = join(dir, "weights.safetensors");
  const ckPath = join(dir, "ckpt.safetensors");

  const ops: Record<string, () => Promise<unknown>> = {
    plainWrite: () => writeFile(plainPath, bytes),
    plainSync: async () => {
      const fh = await open(plainPath, "w");
      await fh.writeFile(bytes);
      await fh.sync();
      await fh.close();
    },
    stWrite: () => writeSafetensors(stPath, tensors),
    ckSave: () => saveCheckpoint(ckPath, { model, optimizer, step: 1, epoch: 0 }),
    tfjsSave: () =>
      model.save(
        tf.io.withSaveHandler(async () => ({
          modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" },
        })),
      ),
    plainRead: () => readFile(plainPath),
    stRead: () => readSafetensors(stPath),
    ckLoad: () => loadCheckpoint(ckPath, { model, optimizer }),
  };
  // Rounds interleave the operations so that machine noise hits all of them alike; best of the rounds.
  const t: Record<string, number> = {};
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(ops))
      t[name] = Math.min(t[name] ?? Number.POSITIVE_INFINITY, await best(1, fn));
  }
  const tPlainWrite = t.plainWrite as number;
  const tPlainSync = t.plainSync as number;
  const tStWrite = t.stWrite as number;
  const tCkSave = t.ckSave as number;
  const tTfjsSave = t.tfjsSave as number;
  const tPlainRead = t.plainRead as number;
  const tStRead = t.stRead as number;
  const tCkLoad = t.ckLoad as number;

  const gbs = (t: number) => (dataBytes / 1e9 / t).toFixed(2);
  const pct = (a: number, b: number) => `${Math.round((100 * b) / a)}%`;
  rows.push(
    `| ${mb} MB | plain fs.writeFile (no fsync) | ${gbs(tPlainWrite)} | 100% |`,
    `| ${mb} MB | plain write + fsync (durable floor) | ${gbs(tPlainSync)} | ${pct(tPlainSync, tPlainWrite)} |`,
    `| ${mb} MB | writeSafetensors (temp + fsync + rename + dir fsync) | ${gbs(tStWrite)} | ${pct(tStWrite, tPlainWrite)} |`,
    `| ${mb} MB | saveCheckpoint (tfjs model, + CRC-32, durable) | ${gbs(tCkSave)} | ${pct(tCkSave, tPlainWrite)} |`,
    `| ${mb} MB | tfjs model.save to memory | ${gbs(tTfjsSave)} | ${pct(tTfjsSave, tPlainWrite)} |`,
    `| ${mb} MB | plain fs.readFile | ${gbs(tPlainRead)} | 100% |`,
    `| ${mb} MB | readSafetensors (validated, typed arrays) | ${gbs(tStRead)} | ${pct(tStRead, tPlainRead)} |`,
    `| ${mb} MB | loadCheckpoint (CRC-32 verify + setWeights) | ${gbs(tCkLoad)} | ${pct(tCkLoad, tPlainRead)} |`,
  );
  console.log(rows.slice(-8).join("\n"));
  model.dispose();
  await rm(plainPath, { force: true });
  await rm(stPath, { force: true });
  await rm(ckPath, { force: true });
}
await rm(dir, { recursive: true, force: true });
console.log("\n| size | operation | GB/s | vs plain |\n|---|---|---|---|");
console.log(rows.join("\n"));
