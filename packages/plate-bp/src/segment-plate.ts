import type { BoundingBox } from "./crop-to-bounding-box.js";
import { PlateBpError } from "./errors.js";
import type { BinaryImage } from "./image-types.js";
import { checkDims } from "./internal/validate.js";

/**
 * The geometry of the plates read here, in millimetres (the Chinese blue plate, as `renderPlate`
 * draws it): 440 × 140, a white frame whose inside is 5.5 mm from the edge, seven 45 × 90
 * character cells starting 25 mm from the top, at `charX`, 12 mm apart but for the 34 mm gap
 * after the second, which holds the separator dot.
 */
export const PLATE_LAYOUT = {
  width: 440,
  height: 140,
  frameInset: 5.5,
  charWidth: 45,
  charHeight: 90,
  charTop: 25,
  charX: [15.5, 72.5, 151.5, 208.5, 265.5, 322.5, 379.5],
} as const;

/** One character found on a plate: its box in the plate image and its binary crop. */
export interface PlateSegment {
  readonly box: BoundingBox;
  readonly image: BinaryImage;
}

/** The characters of a rectified plate, with how well they fit the plate's layout. */
export interface RectifiedSegmentation {
  /** Seven segments, left to right (an empty cell gives a 1 × 1 blank image). */
  readonly segments: PlateSegment[];
  /** The seven cells found, `[x0, x1]` in pixels of the rectified plate (inclusive). */
  readonly cells: [number, number][];
  /**
   * How well the ink fits seven characters of one height on the cells, 0..1: the worst cell's
   * score (its height and top against the others', its width against the cell), times the share
   * of the character ink that lies in the cells rather than in the gaps.
   */
  readonly quality: number;
  /**
   * How many cells hold something shaped like a character (cell score ≥ 0.5), 0 when the ink as a
   * whole does not look like a plate's (characters far from 90 mm tall, much ink outside the
   * cells). Under 5: this is no plate.
   */
  readonly characterCells: number;
}

export interface Components {
  label: Int32Array;
  boxes: { x0: number; y0: number; x1: number; y1: number; area: number }[];
}

/** 8-connected components of the 1 pixels. */
export function components(bin: BinaryImage): Components {
  const { width: w, height: h, data } = bin;
  const label = new Int32Array(w * h).fill(-1);
  const boxes: Components["boxes"] = [];
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

const clamp01 = (v: number) => (v < 0 ? 0 : Math.min(v, 1));

/**
 * Cut a binarised plate that has been rectified onto its 440 × 140 mm frame (characters = 1) into
 * its seven characters by the plate's geometry: drop the frame (everything within 10 mm of the
 * sides and 14 mm of the top and bottom), the separator dot and specks (components under 30% of
 * a character's height); place the seven cells of {@link PLATE_LAYOUT} on the column projection of
 * the rest (a shift of up to ±20 mm and a scale of 0.9–1.12 about the centre, chosen to put the
 * most ink in the cells and the least in the gaps); move each cut between two cells to the
 * emptiest column of its gap; each character is then the ink between its two cuts.
 * Throws `SEGMENTATION_FAILED` when there is no character-sized shape at all.
 */
export function segmentRectifiedPlate(
  plate: BinaryImage,
  pixelsPerMm: number,
): RectifiedSegmentation {
  checkDims("segmentRectifiedPlate", plate);
  if (!(typeof pixelsPerMm === "number" && pixelsPerMm > 0 && Number.isFinite(pixelsPerMm))) {
    throw new PlateBpError(
      "INVALID_OPTION",
      `segmentRectifiedPlate: pixelsPerMm must be a positive number, got ${String(pixelsPerMm)}`,
    );
  }
  const P = pixelsPerMm;
  const { width: w, height: h } = plate;
  const L = PLATE_LAYOUT;
  // erase the frame's band
  const data = plate.data.slice();
  const xa = Math.round(10 * P);
  const xb = Math.round((L.width - 10) * P);
  const ya = Math.round(14 * P);
  const yb = Math.round((L.height - 14) * P);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      if (x < xa || x >= xb || y < ya || y >= yb) data[y * w + x] = 0;
    }
  }
  const { label, boxes } = components({ width: w, height: h, data });
  const charH = L.charHeight * P;
  const charW = L.charWidth * P;
  const midY = (L.charTop + L.charHeight / 2) * P;
  const tall = boxes.map((b) => {
    const bh = b.y1 - b.y0 + 1;
    const bw = b.x1 - b.x0 + 1;
    const cy = (b.y0 + b.y1) / 2;
    return (
      bh >= 0.3 * charH &&
      bh <= 1.3 * charH &&
      bw <= 2.6 * charW &&
      Math.abs(cy - midY) < 0.3 * charH
    );
  });
  const col = new Float64Array(w + 1); // prefix sums of the column projection of tall ink
  const proj = new Int32Array(w);
  let total = 0;
  for (let i = 0; i < w * h; i++) {
    const l = label[i] as number;
    if (l >= 0 && tall[l]) {
      proj[i % w] = (proj[i % w] as number) + 1;
      total++;
    }
  }
  if (total === 0) {
    throw new PlateBpError(
      "SEGMENTATION_FAILED",
      "readPlate: no plate found: no character-sized shapes; pass a cropped plate image with visible characters",
    );
  }
  for (let x = 0; x < w; x++) col[x + 1] = (col[x] as number) + (proj[x] as number);
  const cx0 = (L.width / 2) * P;
  // the template's edges in mm, about the centre: cells, their cores, the gaps after them
  const edges: number[] = [];
  for (let i = 0; i < 7; i++) {
    const s = L.charX[i] as number;
    const gapEnd = i < 6 ? (L.charX[i + 1] as number) - 1 : s + L.charWidth + 12;
    edges.push(s, s + L.charWidth, s + 11, s + L.charWidth - 11, s + L.charWidth + 1, gapEnd);
  }
  edges.push((L.charX[0] as number) - 12, (L.charX[0] as number) - 1);
  const rel = Float64Array.from(edges, (mm) => mm * P - cx0);
  const at = new Int32Array(rel.length);
  let best = Number.NEGATIVE_INFINITY;
  let bestDx = 0;
  let bestSx = 1;
  for (let k = 0; k <= 22; k++) {
    const sx = 0.9 + 0.01 * k;
    for (let dx = -20 * P; dx <= 20 * P; dx += 0.5) {
      for (let j = 0; j < rel.length; j++) {
        const x = Math.round(cx0 + (rel[j] as number) * sx + dx);
        at[j] = x < 0 ? 0 : Math.min(x, w);
      }
      let inCells = 0;
      let core = 0;
      let gaps = 0;
      for (let j = 0; j < rel.length; j += 2) {
        const lo = at[j] as number;
        const hi = at[j + 1] as number;
        const ink = hi > lo ? (col[hi] as number) - (col[lo] as number) : 0;
        const kind = j < 42 ? (j % 6) >> 1 : 2; // 0 cell, 1 core, 2 gap
        if (kind === 0) inCells += ink;
        else if (kind === 1) core += ink;
        else gaps += ink;
      }
      const score = inCells - 2 * gaps + 0.25 * core - 0.02 * total * Math.abs(sx - 1);
      if (score > best) {
        best = score;
        bestDx = dx;
        bestSx = sx;
      }
    }
  }
  const m = (mm: number) => cx0 + (mm * P - cx0) * bestSx + bestDx;
  // cuts between cells: the emptiest column of each gap (nearest the middle on a tie)
  const cuts: number[] = [];
  for (let i = 0; i < 6; i++) {
    const g0 = m((L.charX[i] as number) + L.charWidth);
    const g1 = m(L.charX[i + 1] as number);
    const mid = (g0 + g1) / 2;
    const lo = Math.max(0, Math.floor(g0 - 4 * P));
    const hi = Math.min(w - 1, Math.ceil(g1 + 4 * P));
    let cut = Math.round(mid);
    for (let x = lo; x <= hi; x++) {
      const better =
        (proj[x] as number) < (proj[cut] as number) ||
        ((proj[x] as number) === (proj[cut] as number) && Math.abs(x - mid) < Math.abs(cut - mid));
      if (better) cut = x;
    }
    cuts.push(cut);
  }
  const left = Math.max(0, Math.floor(m((L.charX[0] as number) - 8)));
  const right = Math.min(w, Math.ceil(m((L.charX[6] as number) + L.charWidth + 8)));
  const bounds = [left, ...cuts.map((c) => c), right];
  const cells: [number, number][] = [];
  for (let i = 0; i < 7; i++) {
    cells.push([
      Math.round(m(L.charX[i] as number)),
      Math.round(m((L.charX[i] as number) + L.charWidth)) - 1,
    ]);
  }
  // the ink of each cell: tall components, and the small ones inside their box (broken strokes)
  const segments: PlateSegment[] = [];
  const heights: number[] = [];
  const tops: number[] = [];
  const widths: number[] = [];
  let inkInCells = 0;
  const raw: { x0: number; x1: number; y0: number; y1: number }[] = [];
  for (let i = 0; i < 7; i++) {
    const a = bounds[i] as number;
    const b = bounds[i + 1] as number; // exclusive
    let x0 = w;
    let x1 = -1;
    let y0 = h;
    let y1 = -1;
    for (let y = 0; y < h; y++) {
      for (let x = a; x < b; x++) {
        const l = label[y * w + x] as number;
        if (l >= 0 && tall[l]) {
          inkInCells++;
          if (x < x0) x0 = x;
          if (x > x1) x1 = x;
          if (y < y0) y0 = y;
          if (y > y1) y1 = y;
        }
      }
    }
    raw.push({ x0, x1, y0, y1 });
  }
  for (let i = 0; i < 7; i++) {
    const r = raw[i] as { x0: number; x1: number; y0: number; y1: number };
    if (r.x1 < 0) {
      segments.push({
        box: { x: bounds[i] as number, y: 0, width: 0, height: 0 },
        image: { width: 1, height: 1, data: new Uint8Array(1) },
      });
      heights.push(0);
      tops.push(Number.NaN);
      widths.push(0);
      continue;
    }
    const bw = r.x1 - r.x0 + 1;
    const bh = r.y1 - r.y0 + 1;
    const img = new Uint8Array(bw * bh);
    for (let y = r.y0; y <= r.y1; y++) {
      for (let x = r.x0; x <= r.x1; x++) {
        const l = label[y * w + x] as number;
        if (l < 0) continue;
        const b = boxes[l] as Components["boxes"][number];
        const keep =
          tall[l] || (b.x0 >= r.x0 && b.x1 <= r.x1 && b.y0 >= r.y0 && b.y1 <= r.y1 && b.area >= 4);
        if (keep) img[(y - r.y0) * bw + (x - r.x0)] = 1;
      }
    }
    segments.push({
      box: { x: r.x0, y: r.y0, width: bw, height: bh },
      image: { width: bw, height: bh, data: img },
    });
    heights.push(bh);
    tops.push(r.y0);
    widths.push(bw);
  }
  const median = (v: number[]) => {
    const s = v.filter((x) => Number.isFinite(x) && x > 0).sort((p, q) => p - q);
    return s.length === 0 ? 0 : (s[Math.floor(s.length / 2)] as number);
  };
  // the reference height: the tallest (glyphs wider than the cell are drawn smaller, so heights
  // differ within a plate; a real character is full height or full width)
  const hRef = Math.max(...heights);
  const centreMed =
    median(tops.map((t, i) => (Number.isFinite(t) ? t + (heights[i] as number) / 2 + 1 : 0))) - 1;
  const scores: number[] = [];
  for (let i = 0; i < 7; i++) {
    const hh = heights[i] as number;
    if (hh === 0 || hRef === 0) {
      scores.push(0);
      continue;
    }
    const big = Math.max(hh / hRef, (widths[i] as number) / (charW * bestSx));
    const qSize = clamp01(1 - Math.max(0, 0.8 - big) * 4);
    const centre = (tops[i] as number) + hh / 2;
    const qCentre = clamp01(1 - Math.max(0, Math.abs(centre - centreMed) / hRef - 0.08) * 4);
    const qWide = clamp01(1 - Math.max(0, (widths[i] as number) / (charW * bestSx) - 1.15) * 4);
    // a character stops 11 mm short of the frame's band; ink running into it (erased above)
    // belongs to stripes, a texture or a crop that is no plate
    const r = raw[i] as { y0: number; y1: number };
    const qInside = r.y0 <= ya || r.y1 >= yb - 1 ? 0 : 1;
    scores.push(Math.min(qSize, qCentre, qWide, qInside));
  }
  // the characters' size against the 45 × 90 mm cell: the tallest against 90 mm, or, when every
  // glyph was drawn smaller to fit the cell's width, the widest against 45 mm
  const size = Math.max(hRef / charH, Math.max(...widths) / (charW * bestSx));
  const qs = clamp01(1 - Math.max(0, Math.abs(size - 1) - 0.2) * 3);
  const inside = inkInCells / total;
  const whole = qs * clamp01(1 - Math.max(0, 1 - inside - 0.02) * 5);
  const quality = Math.min(...scores) * whole;
  const characterCells = whole < 0.5 ? 0 : scores.filter((q) => q >= 0.5).length;
  return { segments, cells, quality, characterCells };
}
