import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";

/** One successful case from fixtures/einops-cases.json (made by scripts/make-einops-fixtures.py). */
export interface EinopsCase {
  op: "rearrange" | "reduce" | "repeat";
  pattern: string;
  shape: number[];
  axes: Record<string, number>;
  reduction?: string;
  input?: string;
  outputShape: number[];
  output: number[];
}

/** One case where einops raised, with its message. */
export interface EinopsErrorCase {
  op: "rearrange" | "reduce" | "repeat";
  pattern: string;
  shape: number[];
  axes: Record<string, number>;
  reduction?: string;
  einopsError: string;
  einopsMessage: string;
}

const file = fileURLToPath(new URL("../../fixtures/einops-cases.json", import.meta.url));
export const einopsFixtures = JSON.parse(readFileSync(file, "utf8")) as {
  generator: string;
  cases: EinopsCase[];
  errors: EinopsErrorCase[];
};

/** The input the script fed einops: 0, 1, 2, ... (or `arange % 3 + 1` for products). */
export function fixtureInput(c: { shape: number[]; input?: string }): tf.Tensor {
  const n = c.shape.reduce((a, b) => a * b, 1);
  const values = Array.from({ length: n }, (_, i) => (c.input === undefined ? i : (i % 3) + 1));
  return tf.tensor(values, c.shape, "float32");
}
