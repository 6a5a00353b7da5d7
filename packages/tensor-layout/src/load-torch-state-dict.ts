import { dispose, type Tensor } from "@tensorflow/tfjs-core";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import { TorchPortError } from "./errors.js";
import {
  flattenedActivation,
  inputShapeOf,
  type Layer,
  moduleFitsLayer,
  torchParamsOf,
  weightedLayers,
  weightShortName,
} from "./torch-layers.js";
import {
  groupModules,
  looksSortedByName,
  moduleName,
  orderByName,
  orderModules,
  recoverForwardOrder,
  type TorchModule,
  type TorchStateDict,
} from "./torch-module-order.js";
import { type TorchPortWarning, warnBatchNorm, warnPaddingGaps } from "./torch-port-warnings.js";
import { shapeOf, type TorchTensorLike, toFloatTensor } from "./torch-tensor.js";
import {
  convertConv2dWeight,
  convertConvTranspose2dWeight,
  convertDepthwiseConv2dWeight,
  convertFlattenedLinearWeight,
  convertLinearWeight,
} from "./torch-weights.js";

export type { TorchStateDict } from "./torch-module-order.js";
export type { TorchPortWarning } from "./torch-port-warnings.js";

export interface LoadTorchStateDictOptions {
  /**
   * The PyTorch modules (e.g. `"features.0"`) or parameter keys (`"features.0.weight"`) in forward
   * order. Needed only when the order cannot be recovered: without it, numbered modules are put in
   * number order (`features.2` before `features.10`) and named ones are paired with the layers
   * their shapes fit; when more than one pairing fits, the error names the candidates. Save
   * `list(model.state_dict().keys())` next to the weights (e.g. in the safetensors metadata) and
   * pass it here.
   */
  order?: readonly string[];
  /** `eps` of the PyTorch BatchNorm2d layers (default 1e-5, PyTorch's default). */
  batchNormEps?: number;
  /** `momentum` of the PyTorch BatchNorm2d layers (default 0.1, PyTorch's default). */
  batchNormMomentum?: number;
  /** Receives each warning (default: `console.warn` of its message). Warnings are also returned. */
  onWarning?: (warning: TorchPortWarning) => void;
}

/** One PyTorch tensor written into one tfjs weight. */
export interface TorchAssignment {
  torchKey: string;
  tfjsWeight: string;
  /** How it was converted, e.g. `"o i h w -> h w i o"`. */
  conversion: string;
  torchShape: number[];
  tfjsShape: number[];
}

export interface LoadTorchStateDictResult {
  assignments: TorchAssignment[];
  warnings: TorchPortWarning[];
}

const fmt = (shape: readonly (number | null)[]): string => `[${shape.join(", ")}]`;

/** One PyTorch module being converted for one tfjs layer. */
interface Port {
  mod: TorchModule;
  layer: Layer;
  className: string;
  tfShapes: number[][];
  /** The converted tensors, by tfjs weight index. */
  values: Tensor[];
  used: Set<string>;
  /** Every tensor made, disposed at the end. */
  created: Tensor[];
  assignments: TorchAssignment[];
  /** Appended to shape errors: what to check about the module order. */
  orderHint: string;
}

/** Converts PyTorch parameter `param` of the module for tfjs weight `weightIndex` of the layer. */
function take(
  port: Port,
  param: string,
  weightIndex: number,
  conversion: string,
  convert: (w: TorchTensorLike, key: string) => Tensor,
): void {
  const { mod, layer, className, tfShapes, orderHint } = port;
  const entry = mod.params.get(param);
  const tfName = layer.weights[weightIndex]?.name ?? `${layer.name}/#${weightIndex}`;
  if (entry === undefined) {
    throw new TorchPortError(
      "MISSING_PARAMETER",
      `tfjs weight ${tfName} of layer ${layer.name} (${className}) needs PyTorch parameter ${mod.prefix ? `${mod.prefix}.` : ""}${param}, but module ${moduleName(mod)} has only ${[...mod.params.keys()].join(", ")}.`,
    );
  }
  port.used.add(param);
  let converted: Tensor;
  try {
    converted = convert(entry.value, entry.key);
  } catch (e) {
    if (e instanceof TorchPortError) {
      throw new TorchPortError(
        e.code,
        `${e.message} (loading it into tfjs weight ${tfName} of layer ${layer.name}, ${className}, shape ${fmt(tfShapes[weightIndex] ?? [])})${orderHint}`,
      );
    }
    throw e;
  }
  port.created.push(converted);
  const want = tfShapes[weightIndex] as number[];
  if (converted.shape.join(",") !== want.join(",")) {
    throw new TorchPortError(
      "SHAPE_MISMATCH",
      `PyTorch ${entry.key} ${fmt(shapeOf(entry.value))} converts (${conversion}) to ${fmt(converted.shape)}, but tfjs weight ${tfName} of layer ${layer.name} (${className}) is ${fmt(want)}. Check that the layers line up and have the same sizes.${orderHint}`,
    );
  }
  port.values[weightIndex] = converted;
  port.assignments.push({
    torchKey: entry.key,
    tfjsWeight: tfName,
    conversion,
    torchShape: shapeOf(entry.value),
    tfjsShape: want,
  });
}

const plain = (w: TorchTensorLike, key: string): Tensor => toFloatTensor(w, key);

/** Takes the bias, when the layer has one. */
function takeBias(port: Port): void {
  if (port.layer.weights.length > 1) take(port, "bias", 1, "copy", plain);
}

function takeConv2d(port: Port): void {
  const { layer } = port;
  take(port, "weight", 0, "o i h w -> h w i o", (w, key) => {
    const s = shapeOf(w);
    const kernel = port.tfShapes[0] as number[];
    if (s.length === 4 && s[1] === 1 && kernel[2] !== 1 && s[0] === kernel[3]) {
      throw new TorchPortError(
        "SHAPE_MISMATCH",
        `PyTorch ${key} ${fmt(s)} looks like a depthwise Conv2d (groups = in_channels), but tfjs layer ${layer.name} is a Conv2D with kernel ${fmt(kernel)}; use tf.layers.depthwiseConv2d for it.`,
      );
    }
    return convertConv2dWeight(w, key);
  });
  takeBias(port);
}

function takeDense(port: Port): void {
  const activation = flattenedActivation(port.layer);
  if (activation !== undefined) {
    const [c, ...spatial] = activation;
    const names = spatial.length === 2 ? "h w" : spatial.map((_, k) => `s${k}`).join(" ");
    const sizes = names
      .split(" ")
      .map((n, k) => `${n}=${spatial[k]}`)
      .join(", ");
    take(port, "weight", 0, `o (c ${names}) -> (${names} c) o with c=${c}, ${sizes}`, (w, key) =>
      convertFlattenedLinearWeight(w, activation, key),
    );
  } else {
    take(port, "weight", 0, "o i -> i o", (w, key) => convertLinearWeight(w, key));
  }
  takeBias(port);
}

function takeBatchNorm(port: Port): void {
  const { layer } = port;
  const config = layer.getConfig() as { axis?: number };
  const rank = inputShapeOf(layer)?.length;
  if (
    config.axis !== -1 &&
    config.axis !== undefined &&
    rank !== undefined &&
    config.axis !== rank - 1
  ) {
    throw new TorchPortError(
      "UNSUPPORTED_LAYER",
      `tfjs layer ${layer.name} normalizes axis ${config.axis}; PyTorch BatchNorm2d weights are per channel and this model is expected channels-last (axis -1).`,
    );
  }
  for (const [suffix, param] of [
    ["gamma", "weight"],
    ["beta", "bias"],
    ["moving_mean", "running_mean"],
    ["moving_variance", "running_var"],
  ] as const) {
    const index = layer.weights.findIndex((_, i) => weightShortName(layer, i) === suffix);
    if (index >= 0) take(port, param, index, "copy", plain);
  }
}

/** Converts every parameter of the module for its layer (into `port.values`). */
function convertModule(port: Port): void {
  const { layer, className, mod } = port;
  if (className === "Conv2D") takeConv2d(port);
  else if (className === "DepthwiseConv2D") {
    const multiplier = (port.tfShapes[0] as number[])[3] as number;
    take(port, "weight", 0, "(c m) 1 h w -> h w c m", (w, key) =>
      convertDepthwiseConv2dWeight(w, multiplier, key),
    );
    takeBias(port);
  } else if (className === "Conv2DTranspose") {
    take(port, "weight", 0, "i o h w -> h w o i", (w, key) => convertConvTranspose2dWeight(w, key));
    takeBias(port);
  } else if (className === "Dense") takeDense(port);
  else if (className === "BatchNormalization") takeBatchNorm(port);
  else {
    throw new TorchPortError(
      "UNSUPPORTED_LAYER",
      `tfjs layer ${layer.name} is a ${className}, which loadTorchStateDict does not convert (PyTorch module ${moduleName(mod)}); supported: Conv2D, DepthwiseConv2D, Conv2DTranspose, Dense, BatchNormalization.`,
    );
  }
}

/** Fails on a PyTorch parameter no tfjs weight took, or a tfjs weight no parameter filled. */
function checkComplete(port: Port): void {
  const { mod, layer, className, values } = port;
  const unused = [...mod.params.keys()].filter((p) => !port.used.has(p));
  if (unused.length > 0) {
    const key = mod.params.get(unused[0] as string)?.key;
    throw new TorchPortError(
      "UNEXPECTED_PARAMETER",
      `PyTorch ${key} has no tfjs weight in layer ${layer.name} (${className}), whose weights are ${layer.weights.map((w) => w.name).join(", ")}. If it is a bias, build the layer with useBias: true.`,
    );
  }
  for (let k = 0; k < values.length; k++) {
    if (values[k] === undefined) {
      throw new TorchPortError(
        "MISSING_PARAMETER",
        `tfjs weight ${layer.weights[k]?.name} of layer ${layer.name} (${className}) has no PyTorch parameter in module ${moduleName(mod)} (${[...mod.params.keys()].join(", ")}). If PyTorch has bias=False, build the layer with useBias: false.`,
      );
    }
  }
}

function checkCount(modules: TorchModule[], layers: Layer[]): void {
  if (modules.length === layers.length) return;
  const torchList = modules.map((m) => `${moduleName(m)} (${[...m.params.keys()].join(", ")})`);
  const tfList = layers.map((l) => `${l.name} (${l.getClassName()})`);
  const i = Math.min(modules.length, layers.length);
  const first =
    modules.length > layers.length
      ? `PyTorch module ${torchList[i]} has no tfjs layer to go to`
      : `tfjs layer ${tfList[i]} has no PyTorch module`;
  throw new TorchPortError(
    "COUNT_MISMATCH",
    `The state_dict has ${modules.length} modules with parameters but the tfjs model has ${layers.length} layers with weights; ${first}.\n PyTorch: ${torchList.join(", ")}\n tfjs: ${tfList.join(", ")}\n Build the tfjs model with one weighted layer per PyTorch module, in the same order.`,
  );
}

/** The modules in forward order: `options.order`, or recovered from names and shapes. */
function forwardOrder(
  stateDict: TorchStateDict,
  layers: Layer[],
  order: readonly string[] | undefined,
): TorchModule[] {
  const grouped = groupModules(stateDict);
  if (order !== undefined) {
    const modules = orderModules(grouped, order);
    checkCount(modules, layers);
    return modules;
  }
  const modules = orderByName(grouped);
  checkCount(modules, layers);
  const wanted = layers.map(torchParamsOf);
  return recoverForwardOrder(
    modules,
    (mod, i) => moduleFitsLayer(mod, wanted[i]),
    looksSortedByName(stateDict),
    (i) => `tfjs layer ${layers[i]?.name} (${layers[i]?.getClassName()})`,
  );
}

/**
 * Fills a tfjs `LayersModel` with the weights of a PyTorch model of the same architecture.
 *
 * PyTorch modules (grouped from `state_dict` keys such as `features.0.weight`) are paired in forward
 * order with the tfjs layers that have weights. The forward order is recovered from the names, as
 * safetensors files store keys sorted by name (`features.10` before `features.2`): numbered modules
 * go in number order at every level, and named modules (whose order names cannot tell) are paired
 * with the layers whose weight shapes they fit; `options.order` gives it when that is ambiguous.
 * Each parameter is converted for its layer: Conv2d (`o i h w -> h w i o`), depthwise Conv2d
 * (`(c m) 1 h w -> h w c m`), ConvTranspose2d (`i o h w -> h w o i`), Linear (`o i -> i o`), and the
 * Linear after a Flatten of an image-shaped activation (`o (c h w) -> (h w c) o`), BatchNorm2d
 * (weight, bias, running_mean, running_var). `num_batches_tracked` is skipped. Everything is checked
 * before anything is written, so on error the model is unchanged.
 *
 * Warns (and returns warnings) where the tfjs model will not reproduce PyTorch: a `'same'` padded
 * conv or pool with stride > 1 whose padding is asymmetric, a `'same'` Conv2DTranspose whose crop no
 * PyTorch padding/output_padding reproduces (odd `kernel − stride`), a BatchNormalization whose epsilon or
 * momentum differs from PyTorch's.
 *
 * @throws {TorchPortError} naming the PyTorch key and the tfjs weight on a count, name or shape
 *   mismatch; `AMBIGUOUS_ORDER` naming the candidates when more than one forward order fits.
 */
export function loadTorchStateDict(
  model: LayersModel,
  stateDict: TorchStateDict,
  options: LoadTorchStateDictOptions = {},
): LoadTorchStateDictResult {
  const torch = { eps: options.batchNormEps ?? 1e-5, momentum: options.batchNormMomentum ?? 0.1 };
  const warnings: TorchPortWarning[] = [];
  const warn = (w: TorchPortWarning): void => {
    warnings.push(w);
    if (options.onWarning !== undefined) options.onWarning(w);
    else console.warn(w.message);
  };
  const layers = weightedLayers(model);
  const modules = forwardOrder(stateDict, layers, options.order);
  const orderHint =
    options.order === undefined
      ? " No order of the PyTorch modules that their names allow (numbered ones in number order) fits the tfjs layers' shapes; if the forward order differs from the module tree's, pass options.order (the state_dict keys in forward order)."
      : "";
  const assignments: TorchAssignment[] = [];
  const created: Tensor[] = [];
  try {
    const ports = modules.map((mod, i) => {
      const layer = layers[i] as Layer;
      const port: Port = {
        mod,
        layer,
        className: layer.getClassName(),
        tfShapes: layer.weights.map((w) => [...w.shape] as number[]),
        values: new Array(layer.weights.length),
        used: new Set(),
        created,
        assignments,
        orderHint,
      };
      convertModule(port);
      checkComplete(port);
      if (port.className === "BatchNormalization")
        warnBatchNorm(layer, moduleName(mod), torch, warn);
      return port;
    });
    for (const { layer, values } of ports) layer.setWeights(values);
  } finally {
    dispose(created);
  }
  warnPaddingGaps(model, warn);
  return { assignments, warnings };
}
