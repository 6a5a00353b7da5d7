import type { LayersModel } from "@tensorflow/tfjs-layers";
import type { TorchModule } from "./torch-module-order.js";
import { shapeOf } from "./torch-tensor.js";

export type Layer = LayersModel["layers"][number];

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

/** Layers with weights, in order, looking inside nested models. */
export function weightedLayers(model: { layers: Layer[] }): Layer[] {
  const out: Layer[] = [];
  for (const layer of model.layers) {
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    if (Array.isArray(nested)) out.push(...weightedLayers({ layers: nested }));
    else if (layer.weights.length > 0) out.push(layer);
  }
  return out;
}

export function allLayers(model: { layers: Layer[] }): Layer[] {
  return model.layers.flatMap((layer) => {
    const nested = (layer as unknown as { layers?: Layer[] }).layers;
    return Array.isArray(nested) ? allLayers({ layers: nested }) : [layer];
  });
}

function inboundLayer(layer: Layer): Layer | undefined {
  return layer.inboundNodes[0]?.inboundLayers[0];
}

export function inputShapeOf(layer: Layer): (number | null)[] | undefined {
  try {
    const input = layer.input;
    if (!Array.isArray(input)) return [...input.shape];
  } catch {
    // no single input shape known
  }
  return undefined;
}

/** A layer config's size option (one number, a pair, or absent: default `d`) as [rows, columns]. */
export const pairOf = (v: number | number[] | undefined, d: number): [number, number] =>
  v === undefined ? [d, d] : Array.isArray(v) ? [v[0] ?? d, v[1] ?? v[0] ?? d] : [v, v];

/**
 * When `dense` reads a Flatten of a ≥3-D activation (possibly through dropout/activation layers),
 * the channels-first shape PyTorch flattened: `[C, H, W]`.
 */
export function flattenedActivation(dense: Layer): number[] | undefined {
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

/** The last part of a tfjs weight's name: `conv2d_1/kernel` → `kernel`. */
export function weightShortName(layer: Layer, index: number): string {
  const full = layer.weights[index]?.originalName ?? layer.weights[index]?.name ?? `#${index}`;
  const slash = full.lastIndexOf("/");
  return slash < 0 ? full : full.slice(slash + 1);
}

const BATCHNORM_PARAMS: Record<string, string> = {
  gamma: "weight",
  beta: "bias",
  moving_mean: "running_mean",
  moving_variance: "running_var",
};

/** The PyTorch kernel shape each supported layer's kernel comes from (tfjs kernel → PyTorch weight). */
const TORCH_WEIGHT: Record<string, (kernel: number[]) => number[]> = {
  // [kh, kw, in, out] ← [out, in, kh, kw]
  Conv2D: ([kh, kw, i, o]) => [o, i, kh, kw] as number[],
  // [kh, kw, C, M] ← [C·M, 1, kh, kw]
  DepthwiseConv2D: ([kh, kw, c, m]) => [(c as number) * (m as number), 1, kh, kw] as number[],
  // [kh, kw, out, in] ← [in, out, kh, kw]
  Conv2DTranspose: ([kh, kw, o, i]) => [i, o, kh, kw] as number[],
  // [in, out] ← [out, in]
  Dense: ([i, o]) => [o, i] as number[],
};

/**
 * The PyTorch parameters (name → shape) that a tfjs layer's weights come from, or undefined for a
 * layer `loadTorchStateDict` does not convert.
 */
export function torchParamsOf(layer: Layer): Map<string, number[]> | undefined {
  const className = layer.getClassName();
  const shapes = layer.weights.map((w) => [...w.shape] as number[]);
  if (className === "BatchNormalization") {
    const params = new Map<string, number[]>();
    shapes.forEach((shape, i) => {
      const param = BATCHNORM_PARAMS[weightShortName(layer, i)];
      if (param !== undefined) params.set(param, shape);
    });
    return params;
  }
  const weight = TORCH_WEIGHT[className];
  if (weight === undefined || shapes[0] === undefined) return undefined;
  const params = new Map([["weight", weight(shapes[0])]]);
  if (shapes[1] !== undefined) params.set("bias", shapes[1]);
  return params;
}

/**
 * Whether a PyTorch module has exactly the parameters, with the shapes, that the layer's weights
 * need: what pairs modules with layers when their names do not give the order.
 */
export function moduleFitsLayer(
  mod: TorchModule,
  wanted: Map<string, number[]> | undefined,
): boolean {
  if (wanted === undefined || wanted.size !== mod.params.size) return false;
  for (const [param, shape] of wanted) {
    const entry = mod.params.get(param);
    if (entry === undefined) return false;
    const actual = shapeOf(entry.value);
    if (actual.length !== shape.length || actual.some((d, i) => d !== shape[i])) return false;
  }
  return true;
}
