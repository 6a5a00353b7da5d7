import { type SameConvTransposeCrop, tfSameConvTransposeCrop } from "./conv-transpose-crop.js";
import { tfSamePadding } from "./same-padding.js";
import { allLayers, inputShapeOf, type Layer, pairOf } from "./torch-layers.js";

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

/** Warns about each layer of `model` whose padding no PyTorch setting reproduces. */
export function warnPaddingGaps(
  model: { layers: Layer[] },
  warn: (w: TorchPortWarning) => void,
): void {
  for (const layer of allLayers(model)) {
    if (layer.getClassName() === "Conv2DTranspose") warnSameTranspose(layer, warn);
    else warnSamePadding(layer, warn);
  }
}

/** Warns when a BatchNormalization's epsilon or momentum is not PyTorch's `eps`/`momentum`. */
export function warnBatchNorm(
  layer: Layer,
  torchModule: string,
  torch: { eps: number; momentum: number },
  warn: (w: TorchPortWarning) => void,
): void {
  const config = layer.getConfig() as { epsilon?: number; momentum?: number };
  const { eps, momentum } = torch;
  if (config.epsilon !== undefined && Math.abs(config.epsilon - eps) > 1e-12) {
    warn({
      code: "BATCHNORM_EPSILON",
      layer: layer.name,
      message: `Layer ${layer.name} has epsilon ${config.epsilon} but PyTorch BatchNorm2d module ${torchModule} uses eps ${eps}; outputs will differ where running_var is small. Build it with tf.layers.batchNormalization({ epsilon: ${eps}, momentum: ${1 - momentum} }) (see batchNormConfigFromTorch).`,
    });
  }
  if (config.momentum !== undefined && Math.abs(config.momentum - (1 - momentum)) > 1e-9) {
    warn({
      code: "BATCHNORM_MOMENTUM",
      layer: layer.name,
      message: `Layer ${layer.name} has momentum ${config.momentum}; PyTorch momentum ${momentum} means tfjs momentum ${1 - momentum} (tfjs keeps momentum·moving + (1 − momentum)·batch). This only matters when training on.`,
    });
  }
}
