/** How TensorFlow / tfjs pad one spatial axis for `padding: 'same'`. */
export interface SamePadding {
  /** Output length: `ceil(inSize / stride)`. */
  outSize: number;
  /** Total zero padding added along the axis. */
  total: number;
  /** Padding before (top / left): `floor(total / 2)`. */
  before: number;
  /** Padding after (bottom / right): the rest, so one more than `before` when `total` is odd. */
  after: number;
  /** True when `before !== after`: no symmetric PyTorch `padding=p` reproduces it. */
  asymmetric: boolean;
}

/**
 * TensorFlow's `'same'` padding for one axis: `out = ceil(in / s)`,
 * `total = max((out − 1)·s + (k − 1)·d + 1 − in, 0)`, `before = floor(total / 2)`, the rest after.
 *
 * PyTorch `padding=p` pads `p` on both sides. At stride 1 with an odd kernel the two agree
 * (`total = k − 1`, even). At stride 2 they can differ: a 3×3 kernel on an even size pads 0 before
 * and 1 after in TensorFlow, 1 and 1 in PyTorch with `padding=1`. Same output size, shifted
 * windows, different numbers. The portable recipe is an explicit
 * `tf.layers.zeroPadding2d({ padding: [[p, p], [p, p]] })` followed by the conv with
 * `padding: 'valid'`.
 */
export function tfSamePadding(
  inSize: number,
  kernelSize: number,
  stride = 1,
  dilation = 1,
): SamePadding {
  const outSize = Math.ceil(inSize / stride);
  const effective = (kernelSize - 1) * dilation + 1;
  const total = Math.max((outSize - 1) * stride + effective - inSize, 0);
  const before = Math.floor(total / 2);
  const after = total - before;
  return { outSize, total, before, after, asymmetric: before !== after };
}
