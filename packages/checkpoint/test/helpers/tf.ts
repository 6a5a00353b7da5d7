import "@tensorflow/tfjs-backend-cpu";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";

export { tf, tfl };

export async function useCpu(): Promise<void> {
  await tf.setBackend("cpu");
  await tf.ready();
}

/** mulberry32: a small seeded PRNG whose whole state is one uint32 (saved in checkpoints). */
export class SeededRandom {
  constructor(public state: number) {}
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  /** Fisher-Yates permutation of 0..n-1 */
  permutation(n: number): number[] {
    const p = Array.from({ length: n }, (_, i) => i);
    for (let i = n - 1; i > 0; i--) {
      const j = Math.floor(this.next() * (i + 1));
      [p[i], p[j]] = [p[j] as number, p[i] as number];
    }
    return p;
  }
}

/** A small MLP with seeded initializers, so every process builds the same weights. */
export function makeModel(
  opts: { inputs?: number; hidden?: number; outputs?: number; seed?: number } = {},
) {
  const { inputs = 4, hidden = 8, outputs = 3, seed = 1 } = opts;
  const model = tfl.sequential();
  model.add(
    tfl.layers.dense({
      inputShape: [inputs],
      units: hidden,
      activation: "relu",
      kernelInitializer: tfl.initializers.glorotUniform({ seed }),
      biasInitializer: "zeros",
    }),
  );
  model.add(
    tfl.layers.dense({
      units: outputs,
      kernelInitializer: tfl.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return model;
}

/** Deterministic regression data from a seed. */
export function makeData(n: number, inputs: number, outputs: number, seed = 7) {
  const r = new SeededRandom(seed);
  const x = Float32Array.from({ length: n * inputs }, () => r.next() * 2 - 1);
  const y = Float32Array.from({ length: n * outputs }, () => r.next() * 2 - 1);
  return { x, y, n, inputs, outputs };
}

export async function weightBytes(model: { weights: { read(): tf.Tensor }[] }): Promise<string[]> {
  const out: string[] = [];
  for (const w of model.weights) {
    const d = (await w.read().data()) as Float32Array;
    out.push(Buffer.from(d.buffer, d.byteOffset, d.byteLength).toString("hex"));
  }
  return out;
}
