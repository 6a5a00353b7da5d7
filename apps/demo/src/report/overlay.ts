/**
 * Drawing on images for the reports: an RGB copy of an image, lines and boxes on it. Enough to
 * show where a plate was found and where it was cut; not a graphics library.
 */

/** An RGB image, 3 bytes a pixel, row-major. */
export interface RgbImage {
  readonly width: number;
  readonly height: number;
  readonly channels: 3;
  readonly data: Uint8ClampedArray;
}

export type Rgb = readonly [number, number, number];

/**
 * An RGB copy of a gray (1 channel, or `channels` absent), gray + alpha, RGB or RGBA image;
 * `scale` multiplies every value first (255 turns a 0/1 binary image into black and white).
 */
export function toRgb(
  image: {
    width: number;
    height: number;
    data: ArrayLike<number>;
    channels?: number;
  },
  scale = 1,
): RgbImage {
  const { width, height, data } = image;
  const channels = image.channels ?? 1;
  if (![1, 2, 3, 4].includes(channels) || data.length !== width * height * channels) {
    throw new RangeError(`toRgb: ${data.length} values for ${width}x${height}x${channels}`);
  }
  const out = new Uint8ClampedArray(width * height * 3);
  for (let p = 0; p < width * height; p++) {
    for (let c = 0; c < 3; c++) {
      const source = channels >= 3 ? p * channels + c : p * channels;
      out[p * 3 + c] = (data[source] as number) * scale;
    }
  }
  return { width, height, channels: 3, data: out };
}

function plot(image: RgbImage, x: number, y: number, color: Rgb): void {
  if (x < 0 || y < 0 || x >= image.width || y >= image.height) return;
  const at = (y * image.width + x) * 3;
  image.data[at] = color[0];
  image.data[at + 1] = color[1];
  image.data[at + 2] = color[2];
}

/** A straight line between two points (pixel centres at integer coordinates), clipped. */
export function drawLine(
  image: RgbImage,
  from: readonly [number, number],
  to: readonly [number, number],
  color: Rgb,
): void {
  let x = Math.round(from[0]);
  let y = Math.round(from[1]);
  const x1 = Math.round(to[0]);
  const y1 = Math.round(to[1]);
  const dx = Math.abs(x1 - x);
  const dy = -Math.abs(y1 - y);
  const sx = x < x1 ? 1 : -1;
  const sy = y < y1 ? 1 : -1;
  let err = dx + dy;
  for (;;) {
    plot(image, x, y, color);
    if (x === x1 && y === y1) return;
    const e2 = 2 * err;
    if (e2 >= dy) {
      err += dy;
      x += sx;
    }
    if (e2 <= dx) {
      err += dx;
      y += sy;
    }
  }
}

/** A closed polygon through the points, in order. */
export function drawPolygon(
  image: RgbImage,
  points: readonly (readonly [number, number])[],
  color: Rgb,
): void {
  points.forEach((point, i) => {
    drawLine(image, point, points[(i + 1) % points.length] as readonly [number, number], color);
  });
}

/** The outline of a box: its first column and row are `x` and `y`, its last `x + width - 1`… */
export function drawBox(
  image: RgbImage,
  box: { x: number; y: number; width: number; height: number },
  color: Rgb,
): void {
  const right = box.x + box.width - 1;
  const bottom = box.y + box.height - 1;
  drawPolygon(
    image,
    [
      [box.x, box.y],
      [right, box.y],
      [right, bottom],
      [box.x, bottom],
    ],
    color,
  );
}
