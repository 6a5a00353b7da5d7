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

async function time(fn: () => Promise<unknown>): Promise<number> {
  const s = performance.now();
  await fn();
  return (performance.now() - s) / 1000;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? (s[m] as number) : ((s[m - 1] as number) + (s[m] as number)) / 2;
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
  const runs = Number(process.env.BENCH_ROUNDS ?? (mb >= 1000 ? 5 : 7));
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

  // tfjs's own in-memory format, captured once, for tfjs's own loading cost
  let artifacts: tf.io.ModelArtifacts | undefined;
  await model.save(
    tf.io.withSaveHandler(async (a) => {
      artifacts = a;
      return { modelArtifactsInfo: { dateSaved: new Date(), modelTopologyType: "JSON" } };
    }),
  );
  const saved = artifacts as tf.io.ModelArtifacts;

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
    tfjsLoad: async () => {
      const named = tf.io.decodeWeights(
        saved.weightData as ArrayBuffer,
        saved.weightSpecs as tf.io.WeightsManifestEntry[],
      );
      model.loadWeights(named);
      tf.dispose(Object.values(named));
    },
  };
  // Rounds interleave the operations so that machine noise hits all of them alike;
  // best and median of the rounds.
  const samples: Record<string, number[]> = {};
  for (const name of Object.keys(ops)) samples[name] = [];
  for (let r = 0; r < runs; r++) {
    for (const [name, fn] of Object.entries(ops)) samples[name]?.push(await time(fn));
  }
  const stat = (name: string) => {
    const xs = samples[name] as number[];
    return { best: Math.min(...xs), median: median(xs) };
  };
  const gbs = (t: number) => (dataBytes / 1e9 / t).toFixed(2);
  const row = (label: string, name: string, base: string) => {
    const t = stat(name);
    const b = stat(base);
    const pct = (x: number, y: number) => `${Math.round((100 * y) / x)}%`;
    return `| ${mb} MB | ${label} | ${gbs(t.best)} / ${gbs(t.median)} | ${pct(t.best, b.best)} / ${pct(t.median, b.median)} |`;
  };
  rows.push(
    row("plain fs.writeFile (no fsync)", "plainWrite", "plainWrite"),
    row("plain write + fsync (durable floor)", "plainSync", "plainWrite"),
    row("writeSafetensors (temp + fsync + rename + dir fsync)", "stWrite", "plainWrite"),
    row("saveCheckpoint (tfjs model, + CRC-32, durable)", "ckSave", "plainWrite"),
    row("tfjs model.save to memory", "tfjsSave", "plainWrite"),
    row("plain fs.readFile", "plainRead", "plainRead"),
    row("readSafetensors (validated, typed arrays)", "stRead", "plainRead"),
    row("loadCheckpoint (CRC-32 verify + setWeights)", "ckLoad", "plainRead"),
    row("tfjs decodeWeights + loadWeights from memory", "tfjsLoad", "plainRead"),
  );
  console.log(rows.slice(-9).join("\n"));
  model.dispose();
  await rm(plainPath, { force: true });
  await rm(stPath, { force: true });
  await rm(ckPath, { force: true });
}
await rm(dir, { recursive: true, force: true });
console.log(
  "\n| size | operation | GB/s best / median | vs plain best / median |\n|---|---|---|---|",
);
console.log(rows.join("\n"));
