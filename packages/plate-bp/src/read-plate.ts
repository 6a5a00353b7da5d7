import { binarize } from "./binarize.js";
import type { BoundingBox } from "./crop-to-bounding-box.js";
import { loadDefaultModel } from "./default-model.js";
import { PlateBpError } from "./errors.js";
import { binaryFeatures } from "./extract-features.js";
import type { BinaryImage, GrayImage, RasterImage } from "./image-types.js";
import { backgroundThreshold, type LocalPolarity, stripBackground } from "./local-threshold.js";
import { otsuThreshold } from "./otsu-threshold.js";
import { type Classification, classifyFeatures, type PlateClassifier } from "./plate-classifier.js";
import { findPlateQuad, type PlateQuad, rectifyPlate } from "./rectify.js";
import {
  components,
  PLATE_LAYOUT,
  type PlateSegment,
  segmentRectifiedPlate,
} from "./segment-plate.js";
import { toGrayscale } from "./to-grayscale.js";

export type { PlateSegment } from "./segment-plate.js";

export interface SegmentPlateOptions {
  /** Characters expected on the plate (default 7); segments are merged or split to match. */
  count?: number;
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

/** Plate confidence under which {@link readPlate} flags a reading as doubtful (`lowConfidence`). */
export const PLATE_CONFIDENCE_THRESHOLD = 0.7;

/**
 * With fewer of the seven cells holding a character-shaped mark there is no plate to read:
 * `readPlate` throws `SEGMENTATION_FAILED` ("no plate found"). A plate with one or two damaged
 * characters is still read, with a low confidence.
 */
export const MIN_CHARACTER_CELLS = 5;

/** Plates narrower than this (pixels) are refused as too small to read. */
export const MIN_PLATE_WIDTH = 80;

/** A plate covering less of the image than this is refused: the image must be cropped to it. */
export const MIN_PLATE_COVERAGE = 0.2;

/** Rectified plates are read at this many pixels per millimetre (264 × 84 pixels). */
const PIXELS_PER_MM = 0.6;

export interface ReadPlateOptions extends SegmentPlateOptions {
  /** Character model (default: the shipped alphanumeric model). */
  model?: PlateClassifier;
  /** Plate confidence under which the reading is flagged `lowConfidence`; default {@link PLATE_CONFIDENCE_THRESHOLD}. */
  minConfidence?: number;
}

export interface PlateReading {
  /** The characters, left to right. */
  readonly text: string;
  /** Each character, its box in pixels of the rectified plate (`rectified`). */
  readonly characters: (Classification & { readonly box: BoundingBox })[];
  /**
   * How much to trust the whole reading, 0..1: the lowest character confidence times the
   * segmentation quality (seven characters of one height, in their cells, no ink in the gaps).
   */
  readonly confidence: number;
  /** True when `confidence` is under the threshold (`minConfidence`): the reading is doubtful. */
  readonly lowConfidence: boolean;
  /** The segmentation quality alone, 0..1. */
  readonly segmentationQuality: number;
  /** Where the plate was found in the image. */
  readonly plate: PlateQuad;
  /** The plate rectified onto its 440 × 140 mm frame (gray) and binarised (characters = 1). */
  readonly rectified: {
    readonly image: GrayImage;
    readonly binary: BinaryImage;
    readonly pixelsPerMm: number;
  };
}

/** Which side of the rectified plate is the character: the plate's background strips, above and below the characters, hold the background. */
function platePolarity(plate: GrayImage, P: number): LocalPolarity {
  const { width: w, height: h, data } = plate;
  const L = PLATE_LAYOUT;
  const hist = new Float64Array(256);
  const stripHist = new Float64Array(256);
  const x0 = Math.round(20 * P);
  const x1 = Math.round((L.width - 20) * P);
  for (let y = 0; y < h; y++) {
    const mm = (y + 0.5) / P;
    const inBand = mm >= L.charTop + 5 && mm <= L.charTop + L.charHeight - 5;
    const inStrip = (mm >= 12 && mm <= 21) || (mm >= L.height - 21 && mm <= L.height - 12);
    if (!inBand && !inStrip) continue;
    const hh = inBand ? hist : stripHist;
    for (let x = x0; x < x1; x++) {
      const v = data[y * w + x] as number;
      hh[v] = (hh[v] as number) + 1;
    }
  }
  const t = otsuThreshold(hist);
  let bright = 0;
  let strips = 0;
  for (let v = 0; v < 256; v++) {
    strips += stripHist[v] as number;
    if (v > t) bright += stripHist[v] as number;
  }
  return 2 * bright > strips ? "dark-on-light" : "light-on-dark";
}

/**
 * Read a plate image: find the plate (its colour against the background; see `findPlateQuad`),
 * warp it onto its 440 × 140 mm frame (`rectifyPlate`), binarise it against its local background
 * (`backgroundThreshold`: shadows and uneven light cancel out), cut it into seven characters by
 * the plate's layout (`segmentRectifiedPlate`) and classify each. The result carries a plate-level
 * `confidence`; a reading under `minConfidence` is flagged `lowConfidence`.
 *
 * Errors (`PlateBpError`): `INVALID_IMAGE` when the plate is under {@link MIN_PLATE_WIDTH} pixels
 * wide, or covers under {@link MIN_PLATE_COVERAGE} of the image (a whole car or street: crop to the
 * plate first); `SEGMENTATION_FAILED` ("no plate found") when no character-sized shape is found,
 * or fewer than {@link MIN_CHARACTER_CELLS} of the plate's seven cells hold a character-shaped
 * mark: noise, a texture, a scene without a coloured plate.
 * With `count` other than 7, the plate is cut by projections alone ({@link segmentPlate}).
 */
export function readPlate(
  image: RasterImage | GrayImage,
  options: ReadPlateOptions = {},
): PlateReading {
  const model = options.model ?? loadDefaultModel("alphanumerics");
  const minConfidence = options.minConfidence ?? PLATE_CONFIDENCE_THRESHOLD;
  if (!(typeof minConfidence === "number" && minConfidence >= 0 && minConfidence <= 1)) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `readPlate: minConfidence must be a number in [0, 1], got ${String(minConfidence)}`,
    );
  }
  const classify = (segs: PlateSegment[]) =>
    segs.map((s) => ({
      ...classifyFeatures(model, binaryFeatures(s.image, model.features)),
      box: s.box,
    }));
  if (options.count !== undefined && options.count !== 7) {
    // another layout: the projection segmenter on the image as given
    const gray = "channels" in image ? toGrayscale(image) : image;
    const bin = binarize(gray);
    const characters = classify(segmentPlate(bin, options));
    const conf = Math.min(...characters.map((c) => c.confidence));
    return {
      text: characters.map((c) => c.label).join(""),
      characters,
      confidence: conf,
      lowConfidence: conf < minConfidence,
      segmentationQuality: 1,
      plate: findPlateQuad({ width: gray.width, height: gray.height, data: gray.data }),
      rectified: { image: gray, binary: bin, pixelsPerMm: gray.width / PLATE_LAYOUT.width },
    };
  }
  const { quad, rect, bin, seg } = cutPlate(image);
  const characters = classify(seg.segments);
  const lowest = Math.min(...characters.map((c) => c.confidence));
  const confidence = lowest * seg.quality;
  return {
    text: characters.map((c) => c.label).join(""),
    characters,
    confidence,
    lowConfidence: confidence < minConfidence,
    segmentationQuality: seg.quality,
    plate: quad,
    rectified: { image: rect.image, binary: bin, pixelsPerMm: PIXELS_PER_MM },
  };
}

/**
 * @internal The reader's cut of a seven-character plate: where the plate is, the plate rectified
 * and binarised, and its seven segments, exactly as {@link readPlate} classifies them (the camera
 * training rows are cut by this too). Throws readPlate's `INVALID_IMAGE` and `SEGMENTATION_FAILED`.
 */
export function cutPlate(image: RasterImage | GrayImage) {
  const quad = findPlateQuad(image);
  if (quad.width < MIN_PLATE_WIDTH) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `readPlate: the plate is ${Math.round(quad.width)} pixels wide, too small to read (at least ${MIN_PLATE_WIDTH} are needed); use a closer or higher-resolution image`,
    );
  }
  if (quad.coverage < MIN_PLATE_COVERAGE) {
    throw new PlateBpError(
      "INVALID_IMAGE",
      `readPlate: the plate found covers only ${(quad.coverage * 100).toFixed(1)}% of the ${image.width}x${image.height} image (at least ${MIN_PLATE_COVERAGE * 100}% expected); readPlate reads a cropped plate: crop the image to the plate first`,
    );
  }
  const P = PIXELS_PER_MM;
  const rect = rectifyPlate(image, { quad, pixelsPerMm: P });
  const polarity = platePolarity(rect.image, P);
  const { width: w, height: h } = rect.image;
  const region = new Uint8Array(w * h);
  const L = PLATE_LAYOUT;
  for (let y = Math.round(L.charTop * P); y < Math.round((L.charTop + L.charHeight) * P); y++) {
    region.fill(1, y * w + Math.round(12 * P), y * w + Math.round((L.width - 12) * P));
  }
  const bin = backgroundThreshold(rect.image, {
    window: 2 * Math.round(22.5 * P) + 1,
    polarity,
    region,
    background: stripBackground(rect.image, {
      top: [Math.round(9 * P), Math.round(21 * P)],
      bottom: [Math.round((L.height - 21) * P), Math.round((L.height - 9) * P)],
    }),
  });
  const seg = segmentRectifiedPlate(bin, P);
  if (seg.characterCells < MIN_CHARACTER_CELLS) {
    throw new PlateBpError(
      "SEGMENTATION_FAILED",
      `readPlate: no plate found: the shapes in the image do not line up as characters in a plate's seven cells (${seg.characterCells} of 7 look like characters, at least ${MIN_CHARACTER_CELLS} needed); pass an image cropped to one plate`,
    );
  }
  return { quad, rect, bin, seg };
}
