import { TorchPortError } from "./errors.js";

/**
 * Where PyTorch's `ConvTranspose2d(k, s, padding=p, output_padding=op, dilation=d)` output sits in
 * the full transposed-conv output along one spatial axis, and the tfjs layers that reproduce it.
 */
export interface ConvTransposeCrop {
  /** PyTorch's output length: `(in − 1)·s − 2p + d·(k − 1) + op + 1`. */
  outSize: number;
  /** Length of the full output, tfjs `conv2dTranspose` with `padding: 'valid'`: `(in − 1)·s + d·(k − 1) + 1`. */
  fullSize: number;
  /** Rows (columns) PyTorch drops from the top (left) of the full output: `p`. */
  before: number;
  /**
   * Rows (columns) PyTorch drops from the bottom (right): `p − op`. Negative when `op > p`: then
   * PyTorch appends `op − p` rows past the full output, which hold only the bias.
   */
  after: number;
  /**
   * tfjs recipe, step 1: zero rows (columns) to append to the layer's input at the bottom (right)
   * before the `'valid'` transposed conv, `ceil(max(op − p, 0) / s)`. Non-zero only when `op > p`:
   * the full output then grows by `s` rows per zero row, rows that get nothing but the bias.
   */
  inputPadAfter: number;
  /**
   * tfjs recipe, step 2: `[top, bottom]` (or `[left, right]`) for `tf.layers.cropping2D` after the
   * `'valid'` transposed conv: `[p, p − op + inputPadAfter·s]`.
   */
  cropping: [number, number];
  /**
   * True when tfjs `conv2dTranspose` with `padding: 'same'` gives exactly PyTorch's output (see
   * {@link tfSameConvTransposeCrop}). Always false for `d > 1`: tfjs's transposed conv has no dilation.
   */
  tfSame: boolean;
}

/** How tfjs / TensorFlow `conv2dTranspose` with `padding: 'same'` crops one spatial axis. */
export interface SameConvTransposeCrop {
  /** Output length: `in·s`. */
  outSize: number;
  /** Length of the full (`'valid'`) output: `(in − 1)·s + k`. */
  fullSize: number;
  /** Rows dropped from the top: `floor(max(k − s, 0) / 2)`, the forward conv's `'same'` split. */
  before: number;
  /**
   * Rows dropped from the bottom: `k − s − before`, one more than `before` when `k − s` is odd.
   * Negative when `k < s`: `s − k` bias-only rows are appended.
   */
  after: number;
  /**
   * The PyTorch `ConvTranspose2d` setting that gives exactly this output: `padding = (k − s) / 2`,
   * `output_padding = 0` when `k − s` is even and ≥ 0; `padding = 0`, `output_padding = s − k` when
   * `k < s`; `undefined` when `k − s` is odd and positive, which no PyTorch setting reproduces.
   */
  torch: { padding: number; outputPadding: number } | undefined;
}

function checkInt(name: string, value: number, min: 0 | 1, fn: string): void {
  if (!Number.isInteger(value) || value < min) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `${fn}: ${name} must be an integer ≥ ${min}, got ${String(value)}.`,
    );
  }
}

/**
 * tfjs / TensorFlow `conv2dTranspose(..., 'same')` along one axis. It computes the full transposed
 * output and crops it as the forward conv's `'same'` padding would pad: with `T = k − s`,
 * `floor(T/2)` rows from the top and the rest from the bottom.
 *
 * PyTorch crops `padding` from the top and `padding − output_padding` from the bottom. So `'same'`
 * equals PyTorch exactly when `T` is even (`padding = T/2`, no `output_padding`: k=4 s=2 p=1,
 * k=3 s=1 p=1, k=2 s=2 p=0) or negative (`padding = 0`, `output_padding = s − k`). When `T` is odd,
 * the PyTorch layer with the same output size (`padding = (T+1)/2`, `output_padding = 1`, e.g. the
 * common decoder layer k=3 s=2 p=1 op=1) crops one row more at the top and one fewer at the
 * bottom: same shape, output shifted by one row and one column.
 */
export function tfSameConvTransposeCrop(
  inSize: number,
  kernelSize: number,
  stride = 1,
): SameConvTransposeCrop {
  const fn = "tfSameConvTransposeCrop";
  checkInt("inSize", inSize, 1, fn);
  checkInt("kernelSize", kernelSize, 1, fn);
  checkInt("stride", stride, 1, fn);
  const total = kernelSize - stride;
  const before = Math.floor(Math.max(total, 0) / 2);
  const after = total - before;
  const torch =
    total < 0
      ? { padding: 0, outputPadding: -total }
      : total % 2 === 0
        ? { padding: total / 2, outputPadding: 0 }
        : undefined;
  return {
    outSize: inSize * stride,
    fullSize: (inSize - 1) * stride + kernelSize,
    before,
    after,
    torch,
  };
}

/**
 * PyTorch `ConvTranspose2d(kernel_size=k, stride=s, padding=p, output_padding=op, dilation=d)`
 * along one axis, as a crop of the full transposed-conv output: PyTorch drops `p` rows from the top
 * and `p − op` from the bottom (when `op > p`, the `op − p` extra rows get only the bias).
 *
 * The weights convert the same way whatever the padding ({@link convertConvTranspose2dWeight}); only
 * the layers around the conv change. The tfjs recipe that reproduces any setting (with `d = 1`):
 *
 * ```ts
 * tf.layers.zeroPadding2d({ padding: [[0, inputPadAfter], [0, inputPadAfter]] }), // only if op > p
 * tf.layers.conv2dTranspose({ kernelSize: k, strides: s, padding: "valid", ... }),
 * tf.layers.cropping2D({ cropping: [cropping, cropping] }), // [[p, p − op], [p, p − op]] when op ≤ p
 * ```
 *
 * @throws {TorchPortError} `INVALID_ARGUMENT` for non-integer or negative sizes, for
 *   `outputPadding ≥ max(stride, dilation)` (PyTorch rejects it too), and when the padding leaves
 *   no output.
 */
export function torchConvTransposeCrop(
  inSize: number,
  kernelSize: number,
  stride = 1,
  padding = 0,
  outputPadding = 0,
  dilation = 1,
): ConvTransposeCrop {
  const fn = "torchConvTransposeCrop";
  checkInt("inSize", inSize, 1, fn);
  checkInt("kernelSize", kernelSize, 1, fn);
  checkInt("stride", stride, 1, fn);
  checkInt("padding", padding, 0, fn);
  checkInt("outputPadding", outputPadding, 0, fn);
  checkInt("dilation", dilation, 1, fn);
  const limit = Math.max(stride, dilation);
  if (outputPadding >= limit) {
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `${fn}: outputPadding ${outputPadding} must be smaller than stride ${stride} or dilation ${dilation}; PyTorch's ConvTranspose2d rejects it as well. Use an outputPadding from 0 to ${limit - 1}.`,
    );
  }
  const fullSize = (inSize - 1) * stride + dilation * (kernelSize - 1) + 1;
  const outSize = fullSize - 2 * padding + outputPadding;
  if (outSize < 1) {
    const maxPadding = Math.floor((fullSize + outputPadding - 1) / 2);
    throw new TorchPortError(
      "INVALID_ARGUMENT",
      `${fn}: padding ${padding} leaves no output: (in − 1)·s + d·(k − 1) + 1 − 2·padding + outputPadding = ${fullSize} − ${2 * padding} + ${outputPadding} = ${outSize} for in ${inSize}, kernel ${kernelSize}, stride ${stride}, dilation ${dilation}. Use a padding of at most ${maxPadding}.`,
    );
  }
  const before = padding;
  const after = padding - outputPadding;
  const inputPadAfter = after < 0 ? Math.ceil(-after / stride) : 0;
  const same = dilation === 1 ? tfSameConvTransposeCrop(inSize, kernelSize, stride) : undefined;
  return {
    outSize,
    fullSize,
    before,
    after,
    inputPadAfter,
    cropping: [before, after + inputPadAfter * stride],
    tfSame: same !== undefined && same.before === before && same.after === after,
  };
}
