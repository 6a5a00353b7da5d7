import { dispose, type Tensor } from "@tensorflow/tfjs-core";
import type { LayersModel } from "@tensorflow/tfjs-layers";
import { type SameConvTransposeCrop, tfSameConvTransposeCrop } from "./conv-transpose-crop.js";
import { tfSamePadding } from "./same-padding.js";
import { TorchPortError } from "./torch-port-error.js";
import { shapeOf, type TorchTensorLike, toFloatTensor } from "./torch-tensor.js";
import {
  convertConv2dWeight,
  convertConvTranspose2dWeight,
  convertDepthwiseConv2dWeight,
  convertFlattenedLinearWeight,
  convertLinearWeight,
} from "./torch-weights.js";

type Layer = LayersModel["layers"][number];

/** A PyTorch `state_dict`: parameter name → tensor, in the module's registration order. */
export type TorchStateDict =
  | Record<string, TorchTensorLike>
  | Map<string, TorchTensorLike>
  | ReadonlyArray<readonly [string, TorchTensorLike]>;

/** Something {@link loadTorchStateDict} noticed that can make the port disagree with PyTorch. */
export interface TorchPortWarning {
  code:
    | "SAME_PADDING_STRIDE"
    | "SAME_PADDING_TRANSPOSE"
    | "BATCHNORM_EPSILON"
    | "BATCHNORM_MOMENTUM";
  /** The tfjs layer concerned. */
  layer: string;
  message: string;
}

export interface LoadTorchStateDictOptions {
  /**
   * The PyTorch modules (e.g. `"features.0"`) or parameter keys (`"features.0.weight"`) in forward
   * order, when the state_dict's own order is lost: safetensors files store tensors sorted by name,
   * so `classifier.weight` comes before `features.0.weight`. Save `list(model.state_dict().keys())`
   * next to the weights (e.g. in the safetensors metadata) and pass it here.
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

interface TorchModule {
  prefix: string;
  params: Map<string, { key: string; value: TorchTensorLike }>;
}

/** Layers that pass a flattened vector through unchanged in order (elementwise). */
const ORDER_PRESERVING = new Set([
  "Dropout",
  "AlphaDropout",
  "GaussianDropout",
  "GaussianNoise",
  "Activation",
  "ReLU",
  "LeakyReLU",
  "ELU",
  "ThresholdedReLU",
]);

const fmt = (shape: readonly (number | null)[]): string => `[${shape.join(", ")}]`;

function entriesOf(stateDict: TorchStateDict): Array<readonly [string, TorchTensorLike]> {
  if (stateDict instanceof Map) return [...stateDict.entries()];
  if (Array.isArray(stateDict)) return [...stateDict];
  return Object.entries(stateDict as Record<string, TorchTensorLike>);
}

/** Groups `features.0.weight`, `features.0.bias`, ... by module, keeping first-seen order. */
function groupModules(stateDict: TorchStateDict): TorchModule[] {
  const modules = new Map<string, TorchModule>();
  for (const [key, value] of entriesOf(stateDict)) {
    const dot = key.lastIndexOf(".");
    const prefix = dot < 0 ? "" : key.slice(0, dot);
    const param = key.slice(dot + 1);
    if (param === "num_batches_tracked") continue;
    let mod = modules.get(prefix);
    if (mod === undefined) {
      mod = { prefix, params: new Map() };
      modules.set(prefix, mod);
    }
    mod.params.set(param, { key, value });
  }
  return [...modules.values()];
}

/** Puts modules in the order given by module names or parameter keys. */
function orderModules(modules: TorchModule[], order: readonly string[] | undefined): TorchModule[] {
  if (order === undefined) return modules;
  const byPrefix = new Map(modules.map((m) => [m.prefix, m]));
  const keyToPrefix = new Map<string, string>();
  for (const m of modules) for (const { key } of m.params.values()) keyToPrefix.set(key, m.prefix);
  const result: TorchModule[] = [];
  const seen = new Set<string>();
  for (const entry of order) {
    const prefix = keyToPrefix.get(entry) ?? (byPrefix.has(entry) ? entry : undefined);
    if (prefix === undefined) {
      if (entry.endsWith(".num_batches_tracked")) continue;
      throw new TorchPortError(
        "INVALID_ARGUMENT",
        `options.order names ${JSON.stringify(entry)}, which is neither a module nor a key of the state_dict; modules are ${modules.map((m) => m.prefix || "(root)").join(", ")}.`,
      );
    }
    if (seen.has(prefix)) continue;
    seen.add(prefix);
    result.push(byPrefix.get(prefix) as TorchModule);
  }
  const missing = modules.filter((m) => !seen.has(m.prefix));
  if (missing.length > 0) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `options.order leaves out module ${missing.map((m) => m.prefix || "(root)").join(", ")} of the state_dict; list every module (or every key) once, in forward order.`,
    );
  }
  return result;
}

/** Layers with weights, in order, looking inside nested models. */
function weightedLayers(model: { layers: Layer[] }): Layer[] {
  const out: Layer[] = [];
  for (const layer of model.layers) {
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) out.push(...weightedLayers({ layers: nested }));
    else if (layer.weights.length > 0) out.push(layer);
  }
  return out;
}

function allLayers(model: { layers: Layer[] }): Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    return Array.isArray(nested) ? allLayers({ layers: nested }) : [layer];
  });
}

function inboundLayer(layer: Layer): Layer | undefined {
  return layer.inboundNodes[0]?.inboundLayers[0];
}

function inputShapeOf(layer: Layer): (number | null)[] | undefined {
  try {
    const input = layer.input;
    if (!Array.isArray(input)) return [...input.shape];
  } catch {
    // no single input shape known
  }
  return undefined;
}

/** A layer config's size option (one number, a pair, or absent: default `d`) as [rows, columns]. */
const pairOf = (v: number | number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : Array.isArray(v) ? [v[0] ?? d, v[1] ?? v[0] ?? d] : [v, v];

/**
 * When `dense` reads a Flatten of a ≥3-D activation (possibly through dropout/activation layers),
 * the channels-first shape PyTorch flattened: `[C, H, W]`.
 */
function flattenedActivation(dense: Layer): number[] | undefined {
  let prev = inboundLayer(dense);
  while (prev !== undefined && ORDER_PRESERVING.has(prev.getClassName())) prev = inboundLayer(prev);
  if (prev === undefined || prev.getClassName() !== "Flatten") return undefined;
  const shape = inputShapeOf(prev);
  if (shape === undefined || shape.length < 4 || shape.slice(1).some((d) => d === null))
    return undefined;
  const dims = shape.slice(1) as number[];
  const channelsFirst =
    (prev.getConfig() as { dataFormat?: string }).dataFormat === "channelsFirst";
  // Keras/tfjs flatten order is spatial..., C for both data formats.
  return channelsFirst ? dims : [dims[dims.length - 1] as number, ...dims.slice(0, -1)];
}

function weightShortName(layer: Layer, index: number): string {
  const full = layer.weights[index]?.originalName ?? layer.weights[index]?.name ?? `#${index}`;
  const slash = full.lastIndexOf("/");
  return slash < 0 ? full : full.slice(slash + 1);
}

function warnSamePadding(layer: Layer, warn: (w: TorchPortWarning) => void): void {
  const config = layer.getConfig() as {
    padding?: string;
    strides?: number | number[];
    kernelSize?: number | number[];
    poolSize?: number | number[];
    dilationRate?: number | number[];
    dataFormat?: string;
  };
  if (config.padding !== "same") return;
  const strides = pairOf(config.strides ?? config.poolSize, 1);
  if (strides[0] === 1 && strides[1] === 1) return;
  const kernel = pairOf(config.kernelSize ?? config.poolSize, 1);
  const dilation = pairOf(config.dilationRate, 1);
  const shape = inputShapeOf(layer);
  const spatial =
    shape === undefined || shape.length !== 4
      ? undefined
      : config.dataFormat === "channelsFirst"
        ? [shape[2], shape[3]]
        : [shape[1], shape[2]];
  const recipe =
    "For a PyTorch layer with padding=p, build it as tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]] }) followed by this layer with padding: 'valid'.";
  if (spatial === undefined || spatial.some((d) => d === null || d === undefined)) {
    warn({
      code: "SAME_PADDING_STRIDE",
      layer: layer.name,
      message: `Layer ${layer.name} uses padding 'same' with strides [${strides.join(", ")}]: TensorFlow pads the extra row/column at the bottom/right when the total padding is odd, PyTorch's padding=p pads both sides equally, so outputs can differ. ${recipe}`,
    });
    return;
  }
  const pads = [0, 1].map((i) =>
    tfSamePadding(
      spatial[i] as number,
      kernel[i] as number,
      strides[i] as number,
      dilation[i] as number,
    ),
  );
  if (!pads.some((p) => p.asymmetric)) return;
  const [h, w] = pads as [ReturnType<typeof tfSamePadding>, ReturnType<typeof tfSamePadding>];
  warn({
    code: "SAME_PADDING_STRIDE",
    layer: layer.name,
    message: `Layer ${layer.name} uses padding 'same' with strides [${strides.join(", ")}] on a ${spatial.join("×")} input: TensorFlow pads rows ${h.before} top / ${h.after} bottom and columns ${w.before} left / ${w.after} right, which no symmetric PyTorch padding=p matches, so outputs will differ. ${recipe}`,
  });
}

/**
 * A `'same'` Conv2DTranspose crops `floor((k − s)/2)` rows at the top and the rest at the bottom of
 * the full output; when `k − s` is odd and positive no PyTorch padding/output_padding does that.
 */
function warnSameTranspose(layer: Layer, warn: (w: TorchPortWarning) => void): void {
  const config = layer.getConfig() as {
    padding?: string;
    strides?: number | number[];
    kernelSize?: number | number[];
  };
  if (config.padding !== "same") return;
  const kernel = pairOf(config.kernelSize, 1);
  const strides = pairOf(config.strides, 1);
  const crops = [0, 1].map((i) =>
    tfSameConvTransposeCrop(1, kernel[i] as number, strides[i] as number),
  );
  if (crops.every((c) => c.torch !== undefined)) return;
  const shifted =
    crops[0]?.torch !== undefined
      ? "column"
      : crops[1]?.torch !== undefined
        ? "row"
        : "row and column";
  const [h, w] = crops as [SameConvTransposeCrop, SameConvTransposeCrop];
  // The PyTorch layer with the same output size: padding (T+1)/2, output_padding 1 where T = k − s is odd.
  const likely = crops.map((c) => c.torch ?? { padding: c.after, outputPadding: 1 });
  const example = likely.every((t) => t.outputPadding <= t.padding)
    ? ` For ${likely.map((t, i) => `${i === 0 ? "rows" : "columns"} padding=${t.padding}, output_padding=${t.outputPadding}`).join(" and ")}: cropping: [${likely.map((t) => `[${t.padding}, ${t.padding - t.outputPadding}]`).join(", ")}].`
    : "";
  warn({
    code: "SAME_PADDING_TRANSPOSE",
    layer: layer.name,
    message: `Layer ${layer.name} is a conv2dTranspose with padding 'same', kernel [${kernel.join(", ")}] and strides [${strides.join(", ")}]: TensorFlow crops the full output by rows ${h.before} top / ${h.after} bottom and columns ${w.before} left / ${w.after} right, which no PyTorch ConvTranspose2d padding/output_padding reproduces (PyTorch crops padding at the top/left and padding − output_padding at the bottom/right; the PyTorch layer of the same output size, padding (k − s + 1)/2 with output_padding 1, gives the same shape shifted by one ${shifted}), so outputs will differ. Build it with padding: 'valid' followed by tf.layers.cropping2D({ cropping: [[p, p − op], [p, p − op]] }) for PyTorch padding=p, output_padding=op (torchConvTransposeCrop computes it, also for op > p).${example}`,
  });
}

/**
 * Fills a tfjs `LayersModel` with the weights of a PyTorch model of the same architecture.
 *
 * PyTorch modules (grouped from `state_dict` keys such as `features.0.weight`) are paired in order
 * with the tfjs layers that have weights. Each parameter is converted for its layer: Conv2d
 * (`o i h w -> h w i o`), depthwise Conv2d (`(c m) 1 h w -> h w c m`), ConvTranspose2d
 * (`i o h w -> h w o i`), Linear (`o i -> i o`), and the Linear after a Flatten of an image-shaped
 * activation (`o (c h w) -> (h w c) o`), BatchNorm2d (weight, bias, running_mean, running_var).
 * `num_batches_tracked` is skipped. Everything is checked before anything is written, so on error
 * the model is unchanged.
 *
 * Warns (and returns warnings) where the tfjs model will not reproduce PyTorch: a `'same'` padded
 * conv or pool with stride > 1 whose padding is asymmetric, a `'same'` Conv2DTranspose whose crop no
 * PyTorch padding/output_padding reproduces (odd `kernel − stride`), a BatchNormalization whose epsilon or
 * momentum differs from PyTorch's.
 *
 * @throws {TorchPortError} naming the PyTorch key and the tfjs weight on a count, name or shape mismatch.
 */
export function loadTorchStateDict(
  model: LayersModel,
  stateDict: TorchStateDict,
  options: LoadTorchStateDictOptions = {},
): LoadTorchStateDictResult {
  const eps = options.batchNormEps ?? 1e-5;
  const momentum = options.batchNormMomentum ?? 0.1;
  const warnings: TorchPortWarning[] = [];
  const warn = (w: TorchPortWarning): void => {
    warnings.push(w);
    if (options.onWarning !== undefined) options.onWarning(w);
    else console.warn(w.message);
  };

  const modules = orderModules(groupModules(stateDict), options.order);
  const orderHint =
    options.order === undefined
      ? " If the weights come from a safetensors file, its keys are sorted by name, not in module order: pass options.order (the state_dict key order)."
      : "";
  const layers = weightedLayers(model);
  if (modules.length !== layers.length) {
    const torchList = modules.map(
      (m) => `${m.prefix || "(root)"} (${[...m.params.keys()].join(", ")})`,
    );
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

  const assignments: TorchAssignment[] = [];
  const pending: Array<{ layer: Layer; values: Tensor[] }> = [];
  const created: Tensor[] = [];
  try {
    modules.forEach((mod, i) => {
      const layer = layers[i] as Layer;
      const className = layer.getClassName();
      const tfShapes = layer.weights.map((w) => [...w.shape] as number[]);
      const values: Tensor[] = new Array(layer.weights.length);
      const used = new Set<string>();

      const take = (
        param: string,
        weightIndex: number,
        conversion: string,
        convert: (w: TorchTensorLike, key: string) => Tensor,
      ): void => {
        const entry = mod.params.get(param);
        const tfName = layer.weights[weightIndex]?.name ?? `${layer.name}/#${weightIndex}`;
        if (entry === undefined) {
          throw new TorchPortError(
            "MISSING_PARAMETER",
            `tfjs weight ${tfName} of layer ${layer.name} (${className}) needs PyTorch parameter ${mod.prefix ? `${mod.prefix}.` : ""}${param}, but module ${mod.prefix || "(root)"} has only ${[...mod.params.keys()].join(", ")}.`,
          );
        }
        used.add(param);
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
        created.push(converted);
        const want = tfShapes[weightIndex] as number[];
        if (converted.shape.join(",") !== want.join(",")) {
          throw new TorchPortError(
            "SHAPE_MISMATCH",
            `PyTorch ${entry.key} ${fmt(shapeOf(entry.value))} converts (${conversion}) to ${fmt(converted.shape)}, but tfjs weight ${tfName} of layer ${layer.name} (${className}) is ${fmt(want)}. Check that the layers line up and have the same sizes.${orderHint}`,
          );
        }
        values[weightIndex] = converted;
        assignments.push({
          torchKey: entry.key,
          tfjsWeight: tfName,
          conversion,
          torchShape: shapeOf(entry.value),
          tfjsShape: want,
        });
      };
      const plain = (w: TorchTensorLike, key: string): Tensor => {
        const t = toFloatTensor(w, key);
        return t;
      };
      const weightIndex = (suffix: string): number =>
        layer.weights.findIndex((w) => weightShortName(layer, layer.weights.indexOf(w)) === suffix);

      switch (className) {
        case "Conv2D": {
          take("weight", 0, "o i h w -> h w i o", (w, key) => {
            const s = shapeOf(w);
            const kernel = tfShapes[0] as number[];
            if (s.length === 4 && s[1] === 1 && kernel[2] !== 1 && s[0] === kernel[3]) {
              throw new TorchPortError(
                "SHAPE_MISMATCH",
                `PyTorch ${key} ${fmt(s)} looks like a depthwise Conv2d (groups = in_channels), but tfjs layer ${layer.name} is a Conv2D with kernel ${fmt(kernel)}; use tf.layers.depthwiseConv2d for it.`,
              );
            }
            return convertConv2dWeight(w, key);
          });
          if (layer.weights.length > 1) take("bias", 1, "copy", plain);
          break;
        }
        case "DepthwiseConv2D": {
          const multiplier = (tfShapes[0] as number[])[3] as number;
          take("weight", 0, "(c m) 1 h w -> h w c m", (w, key) =>
            convertDepthwiseConv2dWeight(w, multiplier, key),
          );
          if (layer.weights.length > 1) take("bias", 1, "copy", plain);
          break;
        }
        case "Conv2DTranspose": {
          take("weight", 0, "i o h w -> h w o i", (w, key) => convertConvTranspose2dWeight(w, key));
          if (layer.weights.length > 1) take("bias", 1, "copy", plain);
          break;
        }
        case "Dense": {
          const activation = flattenedActivation(layer);
          if (activation !== undefined) {
            const [c, ...spatial] = activation;
            const names = spatial.length === 2 ? "h w" : spatial.map((_, k) => `s${k}`).join(" ");
            take(
              "weight",
              0,
              `o (c ${names}) -> (${names} c) o with c=${c}, ${names
                .split(" ")
                .map((n, k) => `${n}=${spatial[k]}`)
                .join(", ")}`,
              (w, key) => convertFlattenedLinearWeight(w, activation, key),
            );
          } else {
            take("weight", 0, "o i -> i o", (w, key) => convertLinearWeight(w, key));
          }
          if (layer.weights.length > 1) take("bias", 1, "copy", plain);
          break;
        }
        case "BatchNormalization": {
          const config = layer.getConfig() as {
            epsilon?: number;
            momentum?: number;
            axis?: number;
          };
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
            const index = weightIndex(suffix);
            if (index >= 0) take(param, index, "copy", plain);
          }
          if (config.epsilon !== undefined && Math.abs(config.epsilon - eps) > 1e-12) {
            warn({
              code: "BATCHNORM_EPSILON",
              layer: layer.name,
              message: `Layer ${layer.name} has epsilon ${config.epsilon} but PyTorch BatchNorm2d module ${mod.prefix || "(root)"} uses eps ${eps}; outputs will differ where running_var is small. Build it with tf.layers.batchNormalization({ epsilon: ${eps}, momentum: ${1 - momentum} }) (see batchNormConfigFromTorch).`,
            });
          }
          if (config.momentum !== undefined && Math.abs(config.momentum - (1 - momentum)) > 1e-9) {
            warn({
              code: "BATCHNORM_MOMENTUM",
              layer: layer.name,
              message: `Layer ${layer.name} has momentum ${config.momentum}; PyTorch momentum ${momentum} means tfjs momentum ${1 - momentum} (tfjs keeps momentum·moving + (1 − momentum)·batch). This only matters when training on.`,
            });
          }
          break;
        }
        default:
          throw new TorchPortError(
            "UNSUPPORTED_LAYER",
            `tfjs layer ${layer.name} is a ${className}, which loadTorchStateDict does not convert (PyTorch module ${mod.prefix || "(root)"}); supported: Conv2D, DepthwiseConv2D, Conv2DTranspose, Dense, BatchNormalization.`,
          );
      }

      const unused = [...mod.params.keys()].filter((p) => !used.has(p));
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
            `tfjs weight ${layer.weights[k]?.name} of layer ${layer.name} (${className}) has no PyTorch parameter in module ${mod.prefix || "(root)"} (${[...mod.params.keys()].join(", ")}). If PyTorch has bias=False, build the layer with useBias: false.`,
          );
        }
      }
      pending.push({ layer, values });
    });

    for (const { layer, values } of pending) layer.setWeights(values);
  } finally {
    dispose(created);
  }
  for (const layer of allLayers(model)) {
    if (layer.getClassName() === "Conv2DTranspose") warnSameTranspose(layer, warn);
    else warnSamePadding(layer, warn);
  }
  return { assignments, warnings };
}
