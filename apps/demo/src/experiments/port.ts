import { access } from "node:fs/promises";
import * as path from "node:path";
import * as tf from "@tensorflow/tfjs-core";
import type * as tfl from "@tensorflow/tfjs-layers";
import {
  type ParsedSafetensors,
  readSafetensors,
  SafetensorsError,
  type SafetensorsTensor,
} from "@trainkit/checkpoint";
import { toNHWC } from "@trainkit/tensor-layout/tfjs";
import {
  convertLinearWeight,
  loadTorchStateDict,
  type TorchAssignment,
  TorchPortError,
  type TorchPortWarning,
  type TorchStateDict,
  type TorchTensorLike,
} from "@trainkit/tensor-layout/torch";
import { InputFileError, noSafetensorsFile } from "../cli-error.js";
import { type Progress, SILENT } from "./common.js";
import { ARCHITECTURES, DEFAULT_STATE_DICT } from "./port-architectures.js";

export interface PortComparison {
  maxAbsDiff: number;
  /** max |tfjs − torch| / max |torch| */
  relativeError: number;
}

export interface PortOptions {
  /** The state_dict (default: the small CNN fixture). */
  file?: string;
  /** safetensors with `input` (NCHW) and `output` (default `<file>-io.safetensors`, if it exists). */
  reference?: string;
  progress?: Progress;
}

export interface PortData {
  file: string;
  /** The architecture named in the file's metadata, and its PyTorch description. */
  model: string;
  pytorch: string;
  assignments: TorchAssignment[];
  warnings: TorchPortWarning[];
  reference?: string;
  outputShape?: number[];
  /** The port: flatten-aware conversions from loadTorchStateDict. */
  comparison?: PortComparison;
  /** The classic bug for contrast: a plain [out,in] → [in,out] transpose after the flatten. */
  naiveComparison?: PortComparison;
  /** `comparison.relativeError < 1e-4`. */
  matches?: boolean;
  /** Every output value, PyTorch's against tfjs's, for each port. */
  points: { torch: number; tfjs: number; port: string }[];
}

/** Loads a PyTorch state_dict into the tfjs model of the same architecture and checks it. */
export async function portExperiment(options: PortOptions = {}): Promise<PortData> {
  const { log } = options.progress ?? SILENT;
  const file = path.resolve(options.file ?? DEFAULT_STATE_DICT);
  const weights = await readTensors(file, "the state_dict");
  const { name, arch, order } = architectureOf(file, weights);
  log();
  log(`Port: ${path.basename(file)} (${name}: ${arch.pytorch})`);
  const model = arch.build();
  try {
    const { assignments, warnings } = loadInto(model, weights, order, file);
    for (const a of assignments) {
      log(
        `  ${a.torchKey.padEnd(22)} [${a.torchShape.join(",")}] -> ${a.tfjsWeight} [${a.tfjsShape.join(",")}]  ${a.conversion}`,
      );
    }
    for (const w of warnings) log(`  warning ${w.code}: ${w.message}`);
    const reference = await referenceFile(file, options.reference, log);
    const checked = reference
      ? await checkAgainst(model, weights, assignments, reference)
      : { points: [] };
    return { file, model: name, pytorch: arch.pytorch, assignments, warnings, ...checked };
  } finally {
    model.dispose();
  }
}

async function readTensors(file: string, what: string): Promise<ParsedSafetensors> {
  try {
    await access(file);
  } catch {
    throw noSafetensorsFile(what, file);
  }
  try {
    return await readSafetensors(file);
  } catch (error) {
    if (error instanceof SafetensorsError) {
      throw new InputFileError(
        file,
        `'${file}' is not a valid safetensors file (${error.code}): ${error.message}`,
      );
    }
    throw new InputFileError(file, `cannot read ${what} '${file}': ${(error as Error).message}`);
  }
}

/** The architecture named by the file's metadata, and the PyTorch key order if it is given. */
function architectureOf(file: string, weights: ParsedSafetensors) {
  const name = weights.metadata?.model;
  const arch = name !== undefined ? ARCHITECTURES[name] : undefined;
  if (name === undefined || !arch) {
    const known = Object.keys(ARCHITECTURES)
      .map((k) => `'${k}'`)
      .join(", ");
    throw new InputFileError(
      file,
      `'${file}' names the architecture ${name === undefined ? "(none: no 'model' in its metadata)" : `'${name}'`}; trainkit port knows ${known}. Save the state_dict with metadata {"model": <name>, "state_dict_keys": json.dumps(list(state_dict.keys()))}.`,
    );
  }
  const keys = weights.metadata?.state_dict_keys;
  const order = keys ? (JSON.parse(keys) as string[]) : undefined;
  return { name, arch, order };
}

function loadInto(
  model: tfl.LayersModel,
  weights: ParsedSafetensors,
  order: string[] | undefined,
  file: string,
) {
  const warnings: TorchPortWarning[] = [];
  try {
    const { assignments } = loadTorchStateDict(
      model,
      weights.tensors as unknown as TorchStateDict,
      { ...(order ? { order } : {}), onWarning: (w) => warnings.push(w) },
    );
    return { assignments, warnings };
  } catch (error) {
    if (error instanceof TorchPortError) {
      throw new InputFileError(file, `cannot port '${file}' (${error.code}): ${error.message}`);
    }
    throw error;
  }
}

/** `--reference`, else `<weights>-io.safetensors` when it exists, else none. */
async function referenceFile(
  file: string,
  given: string | undefined,
  log: Progress["log"],
): Promise<string | undefined> {
  if (given) return path.resolve(given);
  const byName = file.replace(/\.safetensors$/, "-io.safetensors");
  try {
    await access(byName);
    return byName;
  } catch {
    log(`  no reference output (${path.basename(byName)} not found; give --reference)`);
    return undefined;
  }
}

function compare(a: Float32Array, b: Float32Array): PortComparison {
  let maxAbsDiff = 0;
  let maxRef = 0;
  for (let i = 0; i < b.length; i++) {
    maxAbsDiff = Math.max(maxAbsDiff, Math.abs((a[i] as number) - (b[i] as number)));
    maxRef = Math.max(maxRef, Math.abs(b[i] as number));
  }
  return { maxAbsDiff, relativeError: maxAbsDiff / (maxRef || 1) };
}

function asFloat32(t: SafetensorsTensor, name: string, file: string): Float32Array {
  if (t.dtype !== "F32") {
    throw new InputFileError(
      file,
      `'${name}' in '${file}' is ${t.dtype}; the reference must be F32.`,
    );
  }
  return t.data as Float32Array;
}

/** The ported model's output against PyTorch's, and the plain-transpose bug's for contrast. */
async function checkAgainst(
  model: tfl.LayersModel,
  weights: ParsedSafetensors,
  assignments: TorchAssignment[],
  reference: string,
): Promise<Omit<PortData, "file" | "model" | "pytorch" | "assignments" | "warnings">> {
  const io = await readTensors(reference, "the reference");
  const { input, output } = io.tensors;
  if (!input || !output) {
    throw new InputFileError(
      reference,
      `'${reference}' needs tensors named "input" (NCHW) and "output"; it has ${Object.keys(io.tensors).join(", ") || "none"}.`,
    );
  }
  const x = asFloat32(input, "input", reference);
  const expected = asFloat32(output, "output", reference);
  const predict = async () => {
    const out = tf.tidy(
      () => model.predict(toNHWC(tf.tensor(x, input.shape), "NCHW")) as tf.Tensor,
    );
    try {
      return Float32Array.from(await out.data());
    } finally {
      out.dispose();
    }
  };
  const pointsOf = (y: Float32Array, port: string) =>
    Array.from(y, (tfjs, i) => ({ torch: expected[i] as number, tfjs, port }));
  const y = await predict();
  const comparison = compare(y, expected);
  const naive = await withPlainTranspose(model, weights, assignments, predict);
  return {
    reference,
    outputShape: output.shape,
    comparison,
    ...(naive ? { naiveComparison: compare(naive, expected) } : {}),
    matches: comparison.relativeError < 1e-4,
    points: [
      ...(naive ? pointsOf(naive, "plain transpose after flatten (the bug)") : []),
      ...pointsOf(y, "loadTorchStateDict"),
    ],
  };
}

/**
 * The silent bug, for contrast: the Linear after the flatten loaded with a plain transpose;
 * the model's output then (none when no Linear follows a flatten). Leaves the wrong weights in.
 */
async function withPlainTranspose(
  model: tfl.LayersModel,
  weights: ParsedSafetensors,
  assignments: TorchAssignment[],
  predict: () => Promise<Float32Array>,
): Promise<Float32Array | undefined> {
  const flattened = assignments.find((a) => a.conversion.startsWith("o (c h w)"));
  if (!flattened) return undefined;
  const dense = model.layers.find((l) =>
    l.weights.some((w) => w.originalName === flattened.tfjsWeight),
  );
  const weightTensor = weights.tensors[flattened.torchKey] as TorchTensorLike | undefined;
  if (!dense || !weightTensor) return undefined;
  const wrong = convertLinearWeight(weightTensor);
  dense.setWeights([wrong, ...dense.getWeights().slice(1)]);
  wrong.dispose();
  return predict();
}
