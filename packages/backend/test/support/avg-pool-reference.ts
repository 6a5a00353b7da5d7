/**
 * Average pooling and its gradient in float64 with plain loops, written from TensorFlow's
 * definition and independent of every tfjs kernel: each output is the mean of its window's cells
 * that lie inside the input (padding cells are not counted), so the gradient sends
 * dy / (that count) to each of those cells. NHWC, dilation 1.
 *
 * 'same' pads as TensorFlow does: out = ceil(in / stride), total padding
 * max((out - 1) * stride + filter - in, 0), the smaller half at the top and left. A number pads
 * that many cells on every side.
 */

export interface AvgPoolGeometry {
  shape: readonly [number, number, number, number];
  filterSize: readonly [number, number];
  strides: readonly [number, number];
  pad: "valid" | "same" | number;
}

export interface AvgPoolReference {
  outShape: [number, number, number, number];
  /** The forward average pool of x. */
  y: Float64Array;
  /** The gradient with respect to x, given the output gradient dy. */
  dx: Float64Array;
}

function axis(
  size: number,
  filter: number,
  stride: number,
  pad: AvgPoolGeometry["pad"],
): { out: number; before: number } {
  if (pad === "same") {
    const out = Math.ceil(size / stride);
    return { out, before: Math.floor(Math.max((out - 1) * stride + filter - size, 0) / 2) };
  }
  const p = pad === "valid" ? 0 : pad;
  return { out: Math.floor((size + 2 * p - filter) / stride) + 1, before: p };
}

/** Output shape of the pool, for making a dy of the right size. */
export function avgPoolOutShape(g: AvgPoolGeometry): [number, number, number, number] {
  const [batch, height, width, channels] = g.shape;
  return [
    batch,
    axis(height, g.filterSize[0], g.strides[0], g.pad).out,
    axis(width, g.filterSize[1], g.strides[1], g.pad).out,
    channels,
  ];
}

export function avgPoolReference(
  g: AvgPoolGeometry,
  x: ArrayLike<number>,
  dy: ArrayLike<number>,
): AvgPoolReference {
  const [batch, height, width, channels] = g.shape;
  const [fh, fw] = g.filterSize;
  const [sh, sw] = g.strides;
  const rows = axis(height, fh, sh, g.pad);
  const cols = axis(width, fw, sw, g.pad);
  const outShape: [number, number, number, number] = [batch, rows.out, cols.out, channels];
  const y = new Float64Array(batch * rows.out * cols.out * channels);
  const dx = new Float64Array(batch * height * width * channels);
  const at = (b: number, r: number, q: number, c: number) =>
    ((b * height + r) * width + q) * channels + c;
  for (let b = 0; b < batch; b++) {
    for (let i = 0; i < rows.out; i++) {
      for (let j = 0; j < cols.out; j++) {
        for (let c = 0; c < channels; c++) {
          const cells: number[] = [];
          for (let u = 0; u < fh; u++) {
            for (let v = 0; v < fw; v++) {
              const r = i * sh - rows.before + u;
              const q = j * sw - cols.before + v;
              if (r >= 0 && r < height && q >= 0 && q < width) cells.push(at(b, r, q, c));
            }
          }
          const o = ((b * rows.out + i) * cols.out + j) * channels + c;
          let sum = 0;
          for (const k of cells) sum += x[k] as number;
          y[o] = sum / cells.length;
          for (const k of cells) dx[k] = (dx[k] as number) + (dy[o] as number) / cells.length;
        }
      }
    }
  }
  return { outShape, y, dx };
}
