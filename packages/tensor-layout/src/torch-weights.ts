import { reshape, type Tensor, tidy, transpose } from "@tensorflow/tfjs-core";
import { TorchPortError } from "./errors.js";
import { shapeOf, type TorchTensorLike, toFloatTensor } from "./torch-tensor.js";

function fmt(shape: readonly number[]): string {
  return `[${shape.join(", ")}]`;
}

function expectRank(
  w: TorchTensorLike,
  rank: number,
  what: string,
  layout: string,
  name: string,
): number[] {
  const shape = shapeOf(w);
  if (shape.length !== rank) {
    throw new TorchPortError(
      "SHAPE_MISMATCH",
      `${name} has shape ${fmt(shape)}, but a ${what} weight is ${rank}-D ${layout}.`,
    );
  }
  return shape;
}

/**
 * PyTorch `Conv2d` weight `[out, in, kh, kw]` (groups = 1) → tfjs `conv2d` kernel
 * `[kh, kw, in, out]` (einops: `o i h w -> h w i o`). Returns a new tensor.
 */
export function convertConv2dWeight(w: TorchTensorLike, name = "Conv2d weight"): Tensor {
  expectRank(w, 4, "Conv2d", "[out, in, kh, kw]", name);
  return tidy(() => transpose(toFloatTensor(w, name), [2, 3, 1, 0]));
}

/**
 * PyTorch depthwise `Conv2d` (groups = in_channels = C, out = C·M) weight `[C·M, 1, kh, kw]` →
 * tfjs `depthwiseConv2d` kernel `[kh, kw, C, M]` (einops: `(c m) 1 h w -> h w c m`).
 * PyTorch's output channel `c·M + m` is input channel `c`'s `m`-th filter, as in tfjs.
 * `depthMultiplier` is M (default 1). Returns a new tensor.
 */
export function convertDepthwiseConv2dWeight(
  w: TorchTensorLike,
  depthMultiplier = 1,
  name = "depthwise Conv2d weight",
): Tensor {
  const [outChannels, one, kh, kw] = expectRank(
    w,
    4,
    "depthwise Conv2d",
    "[C·M, 1, kh, kw]",
    name,
  ) as [number, number, number, number];
  if (one !== 1) {
    throw new TorchPortError(
      "SHAPE_MISMATCH",
      `${name} has shape ${fmt(shapeOf(w))}: dimension 1 is ${one}, but a depthwise Conv2d (groups = in_channels) has 1 input channel per group; a groups=1 Conv2d maps to a tfjs conv2d (convertConv2dWeight).`,
    );
  }
  if (
    !Number.isInteger(depthMultiplier) ||
    depthMultiplier < 1 ||
    outChannels % depthMultiplier !== 0
  ) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `Depth multiplier ${depthMultiplier} does not divide the ${outChannels} output channels of ${name}; pass out_channels / in_channels of the PyTorch layer.`,
    );
  }
  const channels = outChannels / depthMultiplier;
  return tidy(() =>
    transpose(reshape(toFloatTensor(w, name), [channels, depthMultiplier, kh, kw]), [2, 3, 0, 1]),
  );
}

/**
 * PyTorch `ConvTranspose2d` weight `[in, out, kh, kw]` (groups = 1) → tfjs `conv2dTranspose`
 * kernel `[kh, kw, out, in]` (einops: `i o h w -> h w o i`). Returns a new tensor.
 */
export function convertConvTranspose2dWeight(
  w: TorchTensorLike,
  name = "ConvTranspose2d weight",
): Tensor {
  expectRank(w, 4, "ConvTranspose2d", "[in, out, kh, kw]", name);
  return tidy(() => transpose(toFloatTensor(w, name), [2, 3, 1, 0]));
}

/** PyTorch `Linear` weight `[out, in]` → tfjs `dense` kernel `[in, out]`. Returns a new tensor. */
export function convertLinearWeight(w: TorchTensorLike, name = "Linear weight"): Tensor {
  expectRank(w, 2, "Linear", "[out, in]", name);
  return tidy(() => transpose(toFloatTensor(w, name), [1, 0]));
}

/**
 * The silent one: a PyTorch `Linear` that follows `x.flatten(1)` / `x.view(N, -1)` of an NCHW
 * activation has weight `[out, C·H·W]`, with inputs in C, H, W order. The tfjs model flattens an
 * NHWC activation, in H, W, C order, so the kernel must be `[H·W·C, out]`
 * (einops: `o (c h w) -> (h w c) o`). A plain transpose gives the right shape and wrong outputs.
 *
 * `activationShape` is the activation's shape without the batch axis, channels first:
 * `[C, H, W]` (or `[C, L]`, `[C, D, H, W]`). Returns a new tensor.
 */
export function convertFlattenedLinearWeight(
  w: TorchTensorLike,
  activationShape: readonly number[],
  name = "Linear weight",
): Tensor {
  const [out, features] = expectRank(w, 2, "Linear", "[out, in]", name) as [number, number];
  const product = activationShape.reduce((a, b) => a * b, 1);
  if (
    activationShape.length < 2 ||
    !activationShape.every((d) => Number.isInteger(d) && d > 0) ||
    product !== features
  ) {
    throw new TorchPortError(
      "SHAPE_MISMATCH",
      `${name} has ${features} inputs, but the flattened activation ${fmt(activationShape)} (C, then spatial axes) has ${product}; pass the [C, H, W] shape of the tensor PyTorch flattened.`,
    );
  }
  const rank = activationShape.length;
  // [out, C, S1..Sk] -> [S1..Sk, C, out]
  const perm = [...Array.from({ length: rank - 1 }, (_, i) => i + 2), 1, 0];
  return tidy(() =>
    reshape(transpose(reshape(toFloatTensor(w, name), [out, ...activationShape]), perm), [
      features,
      out,
    ]),
  );
}

/** PyTorch `BatchNorm2d` parameters and buffers, as named in its `state_dict`. */
export interface TorchBatchNorm {
  weight?: TorchTensorLike;
  bias?: TorchTensorLike;
  running_mean: TorchTensorLike;
  running_var: TorchTensorLike;
}

/** tfjs `batchNormalization` weights, in the order `layer.getWeights()` lists them. */
export interface TfjsBatchNorm {
  gamma?: Tensor;
  beta?: Tensor;
  movingMean: Tensor;
  movingVariance: Tensor;
}

/**
 * PyTorch `BatchNorm2d` → tfjs `batchNormalization` (channels last): weight → gamma,
 * bias → beta, running_mean → movingMean, running_var → movingVariance; all 1-D of length C.
 * Build the tfjs layer with {@link batchNormConfigFromTorch} so epsilon and momentum match.
 * Returns new tensors.
 */
export function convertBatchNorm2d(bn: TorchBatchNorm, name = "BatchNorm2d"): TfjsBatchNorm {
  const length = shapeOf(bn.running_mean)[0];
  for (const [key, value] of Object.entries(bn)) {
    if (value === undefined) continue;
    const shape = shapeOf(value as TorchTensorLike);
    if (shape.length !== 1 || shape[0] !== length) {
      throw new TorchPortError(
        "SHAPE_MISMATCH",
        `${name}.${key} has shape ${fmt(shape)}, but BatchNorm2d parameters are 1-D of length C = ${length} (the length of running_mean).`,
      );
    }
  }
  const result: TfjsBatchNorm = {
    movingMean: toFloatTensor(bn.running_mean, `${name}.running_mean`),
    movingVariance: toFloatTensor(bn.running_var, `${name}.running_var`),
  };
  if (bn.weight !== undefined) result.gamma = toFloatTensor(bn.weight, `${name}.weight`);
  if (bn.bias !== undefined) result.beta = toFloatTensor(bn.bias, `${name}.bias`);
  return result;
}

/**
 * The tfjs `batchNormalization` arguments that behave like a PyTorch `BatchNorm2d`:
 * `epsilon = eps` (PyTorch default 1e-5; tfjs defaults to 1e-3) and `momentum = 1 − momentum`
 * (PyTorch updates `running = (1 − m)·running + m·batch` with m = 0.1; tfjs keeps
 * `momentum·moving + (1 − momentum)·batch`, so 0.9; tfjs defaults to 0.99).
 */
export function batchNormConfigFromTorch(torch: { eps?: number; momentum?: number } = {}): {
  epsilon: number;
  momentum: number;
  axis: number;
} {
  const eps = torch.eps ?? 1e-5;
  const momentum = torch.momentum ?? 0.1;
  if (!(eps > 0) || !(momentum >= 0 && momentum <= 1)) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `BatchNorm2d eps ${eps} / momentum ${momentum} out of range: eps must be > 0 and momentum in [0, 1] (PyTorch defaults 1e-5 and 0.1).`,
    );
  }
  return { epsilon: eps, momentum: 1 - momentum, axis: -1 };
}
