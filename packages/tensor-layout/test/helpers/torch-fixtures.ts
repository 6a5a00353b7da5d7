import { fileURLToPath } from "node:url";
import { readSafetensors, type SafetensorsTensor } from "@trainkit/checkpoint";
import type { TorchPortWarning } from "../../src/torch.js";

/** A fixture written by scripts/make-torch-fixtures.py: PyTorch weights, input and output. */
export interface TorchFixture {
  stateDict: Record<string, SafetensorsTensor>;
  /** The state_dict key order PyTorch had (safetensors sorts keys by name). */
  keys: string[];
  input: SafetensorsTensor;
  output: SafetensorsTensor;
  metadata: Record<string, string>;
}

export async function loadTorchFixture(name: string): Promise<TorchFixture> {
  const path = (file: string) => fileURLToPath(new URL(`../../fixtures/${file}`, import.meta.url));
  const weights = await readSafetensors(path(`${name}.safetensors`));
  const io = await readSafetensors(path(`${name}-io.safetensors`));
  const keys = JSON.parse(weights.metadata.state_dict_keys ?? "[]") as string[];
  const input = io.tensors.input;
  const output = io.tensors.output;
  if (input === undefined || output === undefined)
    throw new Error(`${name}-io.safetensors lacks input/output`);
  return { stateDict: weights.tensors, keys, input, output, metadata: weights.metadata };
}

/** max |a − b| / max |b|: the error relative to the reference's scale. */
export function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  if (actual.length !== expected.length) return Number.POSITIVE_INFINITY;
  let diff = 0;
  let scale = 0;
  for (let i = 0; i < expected.length; i++) {
    diff = Math.max(diff, Math.abs((actual[i] as number) - (expected[i] as number)));
    scale = Math.max(scale, Math.abs(expected[i] as number));
  }
  return diff / scale;
}

/** A warning sink for `loadTorchStateDict`'s `onWarning`, and the warnings it collected. */
export function collectWarnings(): {
  warnings: TorchPortWarning[];
  onWarning: (w: TorchPortWarning) => void;
} {
  const warnings: TorchPortWarning[] = [];
  return { warnings, onWarning: (w) => warnings.push(w) };
}
