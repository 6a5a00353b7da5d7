import { binarize } from "./binarize.js";
import type { BoundingBox } from "./crop-to-bounding-box.js";
import { loadDefaultModel } from "./default-model.js";
import { PlateBpError } from "./errors.js";
import { binaryFeatures } from "./extract-features.js";
import type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
import { type Classification, classifyFeatures, type PlateClassifier } from "./plate-classifier.js";
import { toGrayscale } from "./to-grayscale.js";

export interface SegmentPlateOptions {
  /** Characters expected on the plate (default 7); segments are merged or split to match. */
  count?: number;
}

/** One character found on a plate: its box in the plate image and its binary crop. */
export interface PlateSegment {
  readonly box: BoundingBox;
  readonly image: BinaryImage;
}

function components(bin: BinaryImage): {
  label: Int32Array;
  boxes: { x0: number; y0: number; x1: number; y1: number; area: number }[];
} {
  const { width: w, height: h, data } = bin;
  const label = new Int32Array(w * h).fill(-1);
  const boxes: { x0: number; y0: number; x1: number; y1: number; area: number }[] = [];
  const stack = new Int32Array(w * h);
  for (let i = 0; i < w * h; i++) {
    if (data[i] === 0 || (label[i] as number) >= 0) continue;
    const id = boxes.length;
    const b = { x0: w, y0: h, x1: -1, y1: -1, area: 0 };
    let sp = 0;
    stack[sp++] = i;
    label[i] = id;
    while (sp > 0) {
      const p = stack[--sp] as number;
      const x = p % w;
      const y = (p - x) / w;
      b.area++;
      if (x < b.x0) b.x0 = x;
      if (x > b.x1) b.x1 = x;
      if (y < b.y0) b.y0 = y;
      if (y > b.y1) b.y1 = y;
      for (let dy = -1; dy <= 1; dy++) {
        const yy = y + dy;
        if (yy < 0 || yy >= h) continue;
        for (let dx = -1; dx <= 1; dx++) {
          const xx = x + dx;
          if (xx < 0 || xx >= w) continue;
          const q = yy * w + xx;
          if (data[q] !== 0 && (label[q] as number) < 0) {
            label[q] = id;
            stack[sp++] = q;
          }
        }
      }
    }
    boxes.push(b);
  }
  return { label, boxes };
}

/**
 * Split a binarised plate (characters = 1) into characters: drop the frame (components spanning
 * most of the plate, or lying wholly in its outer 5% / 12% band) and specks or the separator dot (components much shorter than the
 * characters), then cut the column projection at empty columns; merge the closest neighbours or
 * split the widest segment at its weakest column until there are `count` segments.
 */
export function segmentPlate(
  plate: BinaryImage,
  options: SegmentPlateOptions = {},
): PlateSegment[] {
  const count = options.count ?? 7;
  if (!Number.isInteger(count) || count < 1) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `segmentPlate: count must be a positive integer, got ${String(count)}`,
    );
  }
  const { width: w, height: h } = plate;
  const { label, boxes } = components(plate);
  // the frame: long components, or pieces of it lying wholly in the outer band of the plate
  const keep = boxes.map(
    (b) =>
      b.x1 - b.x0 + 1 < 0.6 * w &&
      b.y1 - b.y0 + 1 < 0.9 * h &&
      b.x1 >= 0.05 * w &&
      b.x0 <= 0.95 * w &&
      b.y1 >= 0.12 * h &&
      b.y0 <= 0.88 * h,
  );
  let tallest = 0;
  boxes.forEach((b, i) => {
    if (keep[i]) tallest = Math.max(tallest, b.y1 - b.y0 + 1);
  });
  boxes.forEach((b, i) => {
    if (keep[i] && b.y1 - b.y0 + 1 < 0.4 * tallest) keep[i] = false;
  });
  const clean = new Uint8Array(w * h);
  const col = new Int32Array(w);
  for (let i = 0; i < w * h; i++) {
    const l = label[i] as number;
    if (l >= 0 && keep[l]) {
      clean[i] = 1;
      col[i % w] = (col[i % w] as number) + 1;
    }
  }
  let segs: [number, number][] = [];
  for (let x = 0; x < w; ) {
    if (col[x] === 0) {
      x++;
      continue;
    }
    const s = x;
    while (x < w && (col[x] as number) > 0) x++;
    segs.push([s, x - 1]);
  }
  if (segs.length === 0) {
    throw new PlateBpError(
      "SEGMENTATION_FAILED",
      "segmentPlate: no character-sized shapes found; pass a cropped plate image with visible characters",
    );
  }
  while (segs.length > count) {
    let best = 0;
    let bestW = Number.POSITIVE_INFINITY;
    for (let i = 0; i + 1 < segs.length; i++) {
      const mw = (segs[i + 1] as [number, number])[1] - (segs[i] as [number, number])[0];
      if (mw < bestW) {
        bestW = mw;
        best = i;
      }
    }
    const a = segs[best] as [number, number];
    const b = segs[best + 1] as [number, number];
    segs.splice(best, 2, [a[0], b[1]]);
  }
  while (segs.length < count) {
    let wi = 0;
    for (let i = 1; i < segs.length; i++) {
      const si = segs[i] as [number, number];
      const sw = segs[wi] as [number, number];
      if (si[1] - si[0] > sw[1] - sw[0]) wi = i;
    }
    const [s0, s1] = segs[wi] as [number, number];
    if (s1 - s0 < 2) break;
    const lo = s0 + Math.floor((s1 - s0) / 4);
    const hi = s1 - Math.floor((s1 - s0) / 4);
    let cut = lo;
    for (let x = lo; x <= hi; x++) if ((col[x] as number) < (col[cut] as number)) cut = x;
    segs.splice(wi, 1, [s0, cut - 1], [cut, s1]);
  }
  if (segs.length !== count) {
    throw new PlateBpError(
      "SEGMENTATION_FAILED",
      `segmentPlate: found ${segs.length} character columns, expected ${count}; check that the image is a cropped plate`,
    );
  }
  segs = segs.sort((p, q) => p[0] - q[0]);
  return segs.map(([x0, x1]) => {
    let y0 = h;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = x0; x <= x1; x++) {
        if (clean[y * w + x] !== 0) {
          if (y < y0) y0 = y;
          y1 = y;
          break;
        }
      }
    }
    const bw = x1 - x0 + 1;
    const bh = Math.max(1, y1 - y0 + 1);
    const img = new Uint8Array(bw * bh);
    for (let y = 0; y < bh; y++)
      img.set(clean.subarray((y0 + y) * w + x0, (y0 + y) * w + x1 + 1), y * bw);
    return {
      box: { x: x0, y: y0, width: bw, height: bh },
      image: { width: bw, height: bh, data: img },
    };
  });
}

export interface ReadPlateOptions extends SegmentPlateOptions {
  /** Character model (default: the shipped alphanumeric model). */
  model?: PlateClassifier;
}

export interface PlateReading {
  /** The characters, left to right. */
  readonly text: string;
  readonly characters: (Classification & { readonly box: BoundingBox })[];
}

/** Read a cropped plate image: grayscale → binarize (automatic polarity) → segment → classify each. */
export function readPlate(
  image: RasterImage | GrayImage,
  options: ReadPlateOptions = {},
): PlateReading {
  const gray = "channels" in image ? toGrayscale(image) : image;
  const bin = binarize(gray);
  const model = options.model ?? loadDefaultModel("alphanumerics");
  const segs = segmentPlate(bin, options);
  const characters = segs.map((s) => ({
    ...classifyFeatures(model, binaryFeatures(s.image, model.features)),
    box: s.box,
  }));
  return { text: characters.map((c) => c.label).join(""), characters };
}
