import { existsSync } from "node:fs";
import { access } from "node:fs/promises";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as tf from "@tensorflow/tfjs-core";
import * as tfl from "@tensorflow/tfjs-layers";
import { readSafetensors, SafetensorsError, type SafetensorsTensor } from "@trainkit/checkpoint";
import { toNHWC } from "@trainkit/tensor-layout";
import {
  batchNormConfigFromTorch,
  convertLinearWeight,
  loadTorchStateDict,
  type TorchAssignment,
  TorchPortError,
  type TorchPortWarning,
  type TorchStateDict,
  type TorchTensorLike,
} from "@trainkit/tensor-layout/torch";
import { InputFileError } from "../cli-error.js";
import type { Context } from "../context.js";
import { scatterChart } from "../report/charts.js";
import { Report } from "../report/report.js";
import { type BackendSummary, backendSummary, reportSubtitle } from "./common.js";

/** The app's folder (the one with its package.json), from src/ or from the built dist/. */
function appRoot(): string {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  while (!existsSync(path.join(dir, "package.json")) && path.dirname(dir) !== dir) {
    dir = path.dirname(dir);
  }
  return dir;
}

const FIXTURES = path.join(appRoot(), "fixtures");
export const DEFAULT_STATE_DICT = path.join(FIXTURES, "small-cnn.safetensors");

/**
 * tfjs models of the PyTorch architectures we can port, by the `model` name in the
 * safetensors metadata. Same layers in the same order, channels-last.
 */
const ARCHITECTURES: Record<string, { pytorch: string; build: () => tfl.LayersModel }> = {
  "small-cnn": {
    pytorch:
      "Conv2d(3,8,3,p=1) → ReLU → MaxPool2d(2) → Conv2d(8,16,3,s=2,p=1) → ReLU → flatten → Linear(192,10), on 3x16x12",
    build: () =>
      tfl.sequential({
        layers: [
          tfl.layers.conv2d({
            inputShape: [16, 12, 3],
            filters: 8,
            kernelSize: 3,
            padding: "same",
            activation: "relu",
          }),
          tfl.layers.maxPooling2d({ poolSize: 2 }),
          // PyTorch's padding=1 at stride 2 pads 1 on each side; tfjs 'same' would pad 0/1.
          tfl.layers.zeroPadding2d({
            padding: [
              [1, 1],
              [1, 1],
            ],
          }),
          tfl.layers.conv2d({
            filters: 16,
            kernelSize: 3,
            strides: 2,
            padding: "valid",
            activation: "relu",
          }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 10 }),
        ],
      }),
  },
  "bn-depthwise-cnn": {
    pytorch:
      "Conv2d(3,8,3,p=1,bias=False) → BN → ReLU → Conv2d(8,16,3,p=1,groups=8) → BN → ReLU → ConvTranspose2d(16,4,2,s=2) → ReLU → AvgPool2d(4) → flatten → Linear(80,6), on 3x10x8",
    build: () => {
      const bn = batchNormConfigFromTorch({ eps: 1e-5, momentum: 0.1 });
      return tfl.sequential({
        layers: [
          tfl.layers.conv2d({
            inputShape: [10, 8, 3],
            filters: 8,
            kernelSize: 3,
            padding: "same",
            useBias: false,
          }),
          tfl.layers.batchNormalization(bn),
          tfl.layers.reLU(),
          tfl.layers.depthwiseConv2d({ kernelSize: 3, depthMultiplier: 2, padding: "same" }),
          tfl.layers.batchNormalization(bn),
          tfl.layers.reLU(),
          tfl.layers.conv2dTranspose({
            filters: 4,
            kernelSize: 2,
            strides: 2,
            padding: "valid",
            activation: "relu",
          }),
          tfl.layers.averagePooling2d({ poolSize: 4 }),
          tfl.layers.flatten(),
          tfl.layers.dense({ units: 6 }),
        ],
      });
    },
  },
};

export interface PortComparison {
  maxAbsDiff: number;
  /** max |tfjs − torch| / max |torch| */
  relativeError: number;
}

export interface PortResult {
  command: "port";
  backend: BackendSummary;
  file: string;
  model: string;
  assignments: TorchAssignment[];
  warnings: TorchPortWarning[];
  reference?: string;
  outputShape?: number[];
  /** The port: flatten-aware conversions from loadTorchStateDict. */
  comparison?: PortComparison;
  /** The classic bug for contrast: a plain [out,in] → [in,out] transpose after the flatten. */
  naiveComparison?: PortComparison;
  matches?: boolean;
  report: string;
  seconds: number;
}

async function readTensors(file: string, what: string) {
  try {
    await access(file);
  } catch {
    throw new InputFileError(
      file,
      `cannot read ${what} '${file}': no such file. Give the path of a .safetensors file.`,
    );
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

/** Loads a PyTorch state_dict into the tfjs model of the same architecture and checks it. */
export async function runPort(ctx: Context): Promise<PortResult> {
  const { flags, log } = ctx;
  const started = performance.now();
  const file = path.resolve(flags.args[0] ?? DEFAULT_STATE_DICT);
  const weights = await readTensors(file, "the state_dict");
  const modelName = weights.metadata?.model;
  const arch = modelName !== undefined ? ARCHITECTURES[modelName] : undefined;
  if (!arch) {
    throw new InputFileError(
      file,
      `'${file}' names the architecture ${modelName === undefined ? "(none: no 'model' in its metadata)" : `'${modelName}'`}; trainkit port knows ${Object.keys(
        ARCHITECTURES,
      )
        .map((k) => `'${k}'`)
        .join(
          ", ",
        )}. Save the state_dict with metadata {"model": <name>, "state_dict_keys": json.dumps(list(state_dict.keys()))}.`,
    );
  }
  const order = weights.metadata?.state_dict_keys
    ? (JSON.parse(weights.metadata.state_dict_keys) as string[])
    : undefined;
  log();
  log(`Port: ${path.basename(file)} (${modelName}: ${arch.pytorch})`);
  const model = arch.build();
  const stateDict = weights.tensors as unknown as TorchStateDict;
  const warnings: TorchPortWarning[] = [];
  let assignments: TorchAssignment[];
  try {
    ({ assignments } = loadTorchStateDict(model, stateDict, {
      ...(order ? { order } : {}),
      onWarning: (w) => warnings.push(w),
    }));
  } catch (error) {
    model.dispose();
    if (error instanceof TorchPortError) {
      throw new InputFileError(file, `cannot port '${file}' (${error.code}): ${error.message}`);
    }
    throw error;
  }
  for (const a of assignments) {
    log(
      `  ${a.torchKey.padEnd(22)} [${a.torchShape.join(",")}] -> ${a.tfjsWeight} [${a.tfjsShape.join(",")}]  ${a.conversion}`,
    );
  }
  for (const w of warnings) log(`  warning ${w.code}: ${w.message}`);

  const defaultReference = file.replace(/\.safetensors$/, "-io.safetensors");
  let referenceFile: string | undefined = flags.reference
    ? path.resolve(flags.reference)
    : undefined;
  if (!referenceFile) {
    try {
      await access(defaultReference);
      referenceFile = defaultReference;
    } catch {
      log(`  no reference output (${path.basename(defaultReference)} not found; give --reference)`);
    }
  }
  let comparison: PortComparison | undefined;
  let naiveComparison: PortComparison | undefined;
  let outputShape: number[] | undefined;
  const points: { torch: number; tfjs: number; port: string }[] = [];
  if (referenceFile) {
    const io = await readTensors(referenceFile, "the reference");
    const input = io.tensors.input;
    const output = io.tensors.output;
    if (!input || !output) {
      throw new InputFileError(
        referenceFile,
        `'${referenceFile}' needs tensors named "input" (NCHW) and "output"; it has ${Object.keys(io.tensors).join(", ") || "none"}.`,
      );
    }
    const x = asFloat32(input, "input", referenceFile);
    const expected = asFloat32(output, "output", referenceFile);
    outputShape = output.shape;
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
    const y = await predict();
    comparison = compare(y, expected);
    // The silent bug, for contrast: the Linear after the flatten with a plain transpose.
    const flattened = assignments.find((a) => a.conversion.startsWith("o (c h w)"));
    if (flattened) {
      const dense = model.layers.find((l) =>
        l.weights.some((w) => w.originalName === flattened.tfjsWeight),
      );
      const weightTensor = weights.tensors[flattened.torchKey] as TorchTensorLike | undefined;
      if (dense && weightTensor) {
        const wrong = convertLinearWeight(weightTensor);
        const kept = dense.getWeights();
        dense.setWeights([wrong, ...kept.slice(1)]);
        wrong.dispose();
        const yNaive = await predict();
        naiveComparison = compare(yNaive, expected);
        yNaive.forEach((v, i) => {
          points.push({
            torch: expected[i] as number,
            tfjs: v,
            port: "plain transpose after flatten (the bug)",
          });
        });
      }
    }
    y.forEach((v, i) => {
      points.push({ torch: expected[i] as number, tfjs: v, port: "loadTorchStateDict" });
    });
  }
  model.dispose();
  const matches = comparison ? comparison.relativeError < 1e-4 : undefined;

  const report = new Report(`trainkit port: ${path.basename(file)} into tfjs`, [
    ...reportSubtitle(ctx),
    `${modelName}: ${arch.pytorch}`,
  ]);
  const s = report.section("Weights");
  s.text(
    "PyTorch computes in NCHW and tfjs in NHWC: conv kernels are permuted, and a Linear after a flatten needs its input axis reordered from (c h w) to (h w c). A plain transpose there loads without complaint and gives wrong outputs.",
  ).table(
    ["PyTorch key", "shape", "tfjs weight", "shape", "conversion"],
    assignments.map((a) => [
      a.torchKey,
      `[${a.torchShape.join(", ")}]`,
      a.tfjsWeight,
      `[${a.tfjsShape.join(", ")}]`,
      a.conversion,
    ]),
  );
  if (warnings.length > 0) s.pre(warnings.map((w) => `${w.code}: ${w.message}`).join("\n"));
  if (comparison && referenceFile) {
    const out = report.section("Outputs against PyTorch");
    out.text(
      `Reference: ${path.basename(referenceFile)} (PyTorch's eval() output for its input). Match when max |tfjs − torch| / max |torch| < 1e-4.`,
    );
    out.chart(
      scatterChart({
        id: "port-outputs",
        title: "tfjs output vs PyTorch output",
        data: points,
        x: { field: "torch", title: "PyTorch" },
        y: { field: "tfjs", title: "tfjs" },
        color: { field: "port" },
        caption: "On the diagonal: the same numbers.",
      }),
    );
    out.table(
      ["port", "max |diff|", "relative error", "verdict"],
      [
        [
          "loadTorchStateDict",
          comparison.maxAbsDiff.toExponential(2),
          comparison.relativeError.toExponential(2),
          matches ? "matches" : "DIFFERS",
        ],
        ...(naiveComparison
          ? [
              [
                "plain transpose after flatten",
                naiveComparison.maxAbsDiff.toExponential(2),
                naiveComparison.relativeError.toExponential(2),
                naiveComparison.relativeError < 1e-4 ? "matches" : "differs (the silent bug)",
              ],
            ]
          : []),
      ],
    );
  }
  const reportPath = await report.write(flags.out);
  const seconds = (performance.now() - started) / 1000;
  if (comparison) {
    log(
      `output vs PyTorch: max |diff| ${comparison.maxAbsDiff.toExponential(2)}, relative ${comparison.relativeError.toExponential(2)}: ${matches ? "matches (< 1e-4)" : "DIFFERS"}`,
    );
  }
  if (naiveComparison) {
    log(
      `with a plain transpose after the flatten instead: relative ${naiveComparison.relativeError.toExponential(2)} (the silent bug)`,
    );
  }
  log(`report: ${reportPath} (${seconds.toFixed(1)} s)`);
  return {
    command: "port",
    backend: backendSummary(ctx),
    file,
    model: modelName as string,
    assignments,
    warnings,
    ...(referenceFile ? { reference: referenceFile } : {}),
    ...(outputShape ? { outputShape } : {}),
    ...(comparison ? { comparison } : {}),
    ...(naiveComparison ? { naiveComparison } : {}),
    ...(matches !== undefined ? { matches } : {}),
    report: reportPath,
    seconds,
  };
}
