import { existsSync } from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import * as tfl from "@tensorflow/tfjs-layers";
import { batchNormConfigFromTorch } from "@trainkit/tensor-layout/torch";

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

/** The tfjs layers the ported architectures use, by name. */
const LAYERS = {
  conv2d: tfl.layers.conv2d,
  depthwiseConv2d: tfl.layers.depthwiseConv2d,
  conv2dTranspose: tfl.layers.conv2dTranspose,
  batchNormalization: tfl.layers.batchNormalization,
  reLU: tfl.layers.reLU,
  maxPooling2d: tfl.layers.maxPooling2d,
  averagePooling2d: tfl.layers.averagePooling2d,
  zeroPadding2d: tfl.layers.zeroPadding2d,
  flatten: tfl.layers.flatten,
  dense: tfl.layers.dense,
};

/** One layer: its kind and its config (none for flatten and ReLU). */
type LayerSpec = {
  [K in keyof typeof LAYERS]: [K, ...Parameters<(typeof LAYERS)[K]>];
}[keyof typeof LAYERS];

/** A sequential model of `layers`, in order. */
function sequential(layers: LayerSpec[]): tfl.LayersModel {
  const make = (kind: keyof typeof LAYERS, config?: unknown): tfl.layers.Layer =>
    (LAYERS[kind] as (config?: unknown) => tfl.layers.Layer)(config);
  return tfl.sequential({ layers: layers.map(([kind, config]) => make(kind, config)) });
}

const SAME_RELU = { padding: "same", activation: "relu" } as const;
const VALID_RELU = { padding: "valid", activation: "relu" } as const;

/** small-cnn, channels-last. */
function smallCnn(): tfl.LayersModel {
  return sequential([
    ["conv2d", { inputShape: [16, 12, 3], filters: 8, kernelSize: 3, ...SAME_RELU }],
    ["maxPooling2d", { poolSize: 2 }],
    // PyTorch's padding=1 at stride 2 pads 1 on each side; tfjs 'same' would pad 0/1.
    ["zeroPadding2d", { padding: 1 }],
    ["conv2d", { filters: 16, kernelSize: 3, strides: 2, ...VALID_RELU }],
    ["flatten"],
    ["dense", { units: 10 }],
  ]);
}

/** bn-depthwise-cnn, channels-last; PyTorch's BatchNorm eps and momentum. */
function bnDepthwiseCnn(): tfl.LayersModel {
  const bn = batchNormConfigFromTorch({ eps: 1e-5, momentum: 0.1 });
  return sequential([
    [
      "conv2d",
      { inputShape: [10, 8, 3], filters: 8, kernelSize: 3, padding: "same", useBias: false },
    ],
    ["batchNormalization", bn],
    ["reLU"],
    ["depthwiseConv2d", { kernelSize: 3, depthMultiplier: 2, padding: "same" }],
    ["batchNormalization", bn],
    ["reLU"],
    ["conv2dTranspose", { filters: 4, kernelSize: 2, strides: 2, ...VALID_RELU }],
    ["averagePooling2d", { poolSize: 4 }],
    ["flatten"],
    ["dense", { units: 6 }],
  ]);
}

/**
 * tfjs models of the PyTorch architectures we can port, by the `model` name in the
 * safetensors metadata. Same layers in the same order, channels-last.
 */
export const ARCHITECTURES: Record<string, { pytorch: string; build: () => tfl.LayersModel }> = {
  "small-cnn": {
    pytorch:
      "Conv2d(3,8,3,p=1) → ReLU → MaxPool2d(2) → Conv2d(8,16,3,s=2,p=1) → ReLU → flatten → Linear(192,10), on 3x16x12",
    build: smallCnn,
  },
  "bn-depthwise-cnn": {
    pytorch:
      "Conv2d(3,8,3,p=1,bias=False) → BN → ReLU → Conv2d(8,16,3,p=1,groups=8) → BN → ReLU → ConvTranspose2d(16,4,2,s=2) → ReLU → AvgPool2d(4) → flatten → Linear(80,6), on 3x10x8",
    build: bnDepthwiseCnn,
  },
};
