import { type Rng, randomBelow } from "./rng.js";

/** A row store to permute: rows of `width` values are read from `src` and written to `dst`. */
export interface ShuffleTarget {
  readonly src: ArrayLike<unknown>;
  readonly dst: { [i: number]: unknown; length: number };
  readonly width: number;
}

/** Rows per bucket aimed at: a bucket of rows stays in the CPU cache while it is shuffled. */
const ROWS_PER_BUCKET = 16384;
const MAX_BUCKETS = 65536;

export function bucketCount(m: number): number {
  if (m <= 2 * ROWS_PER_BUCKET) return 1;
  let b = 1;
  while (b * ROWS_PER_BUCKET < m && b < MAX_BUCKETS) b *= 2;
  return b;
}

function makeTemp(dst: ShuffleTarget["dst"], size: number): { [i: number]: unknown } {
  if (Array.isArray(dst)) return new Array(size);
  const Ctor = (dst as object).constructor as new (len: number) => { [i: number]: unknown };
  return new Ctor(size);
}

/**
 * Draws a uniformly random permutation π of m items and writes, for k in [0, m),
 * row `sel[π(k)]` (or `π(k)` when `sel` is null) of every target to row `offset + k`,
 * and that source row index to `indexOut[offset + k]`.
 *
 * The permutation is built cache-friendly (Rao–Sandelius): every item gets a uniformly random
 * bucket, buckets keep their items in order, then each bucket is Fisher–Yates shuffled. That is a
 * uniform permutation, and every pass is sequential or inside one cache-sized bucket, so rows are
 * moved in one scatter pass plus one in-cache pass instead of random reads over the whole input.
 */
export function shuffleInto(
  rng: Rng,
  m: number,
  sel: Int32Array | null,
  targets: readonly ShuffleTarget[],
  indexOut: Int32Array | null,
  offset: number,
): void {
  if (m === 0) return;
  const buckets = bucketCount(m);
  const starts = new Int32Array(buckets + 1);
  let ids: Uint16Array | null = null;
  if (buckets > 1) {
    ids = new Uint16Array(m);
    const shift = 32 - (31 - Math.clz32(buckets));
    for (let i = 0; i < m; i++) {
      const b = rng.next() >>> shift;
      ids[i] = b;
      starts[b + 1] = (starts[b + 1] as number) + 1;
    }
    for (let b = 0; b < buckets; b++) {
      starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
    }
  } else {
    starts[1] = m;
  }

  // Scatter pass: sequential reads, one sequential write stream per bucket.
  const views = targets.map(bitView);
  if (indexOut) scatterIndices(ids, starts, m, sel, indexOut, offset);
  for (const t of views) {
    if (t.src instanceof Int32Array && t.dst instanceof Int32Array) {
      scatterI32(ids, starts, m, sel, t.src, t.dst, t.width, offset);
    } else {
      scatterRows(ids, starts, m, sel, t, offset);
    }
  }

  // In-bucket pass: one local Fisher–Yates permutation per bucket, applied to every target.
  let maxSize = 0;
  for (let b = 0; b < buckets; b++) {
    const size = (starts[b + 1] as number) - (starts[b] as number);
    if (size > maxSize) maxSize = size;
  }
  const local = new Int32Array(maxSize);
  const temps = views.map((t) => makeTemp(t.dst, maxSize * t.width));
  const indexTemp = indexOut ? new Int32Array(maxSize) : null;
  for (let b = 0; b < buckets; b++) {
    const s = starts[b] as number;
    const size = (starts[b + 1] as number) - s;
    for (let k = 0; k < size; k++) local[k] = k;
    for (let i = size - 1; i > 0; i--) {
      const j = randomBelow(rng, i + 1);
      const tmp = local[i] as number;
      local[i] = local[j] as number;
      local[j] = tmp;
    }
    const base = offset + s;
    if (indexOut && indexTemp) {
      indexTemp.set(indexOut.subarray(base, base + size));
      for (let k = 0; k < size; k++) indexOut[base + k] = indexTemp[local[k] as number] as number;
    }
    for (let ti = 0; ti < views.length; ti++) {
      const t = views[ti] as ShuffleTarget;
      const temp = temps[ti];
      if (t.dst instanceof Int32Array && temp instanceof Int32Array) {
        applyLocalI32(t.dst, temp, t.width, local, base, size);
      } else {
        applyLocal(t, temp as { [i: number]: unknown }, local, base, size);
      }
    }
  }
}

/**
 * Rows are moved as raw bits: 4-byte element types (and 8-byte ones, as pairs) through Int32Array
 * views, so the hot loops see one array type whatever the input's element type is.
 */
function bitView(t: ShuffleTarget): ShuffleTarget {
  const { src, dst } = t;
  if (!ArrayBuffer.isView(src) || !ArrayBuffer.isView(dst)) return t;
  const s = src as unknown as Uint8Array;
  const d = dst as unknown as Uint8Array;
  const bytes = s.BYTES_PER_ELEMENT;
  if (s instanceof Int32Array) return t;
  if ((bytes === 4 || bytes === 8) && s.byteOffset % 4 === 0 && d.byteOffset % 4 === 0) {
    const k = bytes / 4;
    return {
      src: new Int32Array(s.buffer, s.byteOffset, s.length * k),
      dst: new Int32Array(d.buffer, d.byteOffset, d.length * k),
      width: t.width * k,
    };
  }
  return t;
}

function scatterI32(
  ids: Uint16Array | null,
  starts: Int32Array,
  m: number,
  sel: Int32Array | null,
  src: Int32Array,
  dst: Int32Array,
  w: number,
  offset: number,
): void {
  const cursor = starts.slice(0, starts.length - 1);
  if (ids === null) {
    for (let i = 0; i < m; i++) {
      const r = (sel ? (sel[i] as number) : i) * w;
      const o = (offset + i) * w;
      for (let d = 0; d < w; d++) dst[o + d] = src[r + d] as number;
    }
    return;
  }
  if (w === 1) {
    for (let i = 0; i < m; i++) {
      const b = ids[i] as number;
      const k = cursor[b] as number;
      cursor[b] = k + 1;
      dst[offset + k] = src[sel ? (sel[i] as number) : i] as number;
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    const b = ids[i] as number;
    const k = cursor[b] as number;
    cursor[b] = k + 1;
    const r = (sel ? (sel[i] as number) : i) * w;
    const o = (offset + k) * w;
    for (let d = 0; d < w; d++) dst[o + d] = src[r + d] as number;
  }
}

function applyLocalI32(
  dst: Int32Array,
  temp: Int32Array,
  w: number,
  local: Int32Array,
  base: number,
  size: number,
): void {
  const from = base * w;
  temp.set(dst.subarray(from, from + size * w));
  if (w === 1) {
    for (let k = 0; k < size; k++) dst[from + k] = temp[local[k] as number] as number;
    return;
  }
  for (let k = 0; k < size; k++) {
    const s = (local[k] as number) * w;
    const o = from + k * w;
    for (let d = 0; d < w; d++) dst[o + d] = temp[s + d] as number;
  }
}

function scatterIndices(
  ids: Uint16Array | null,
  starts: Int32Array,
  m: number,
  sel: Int32Array | null,
  out: Int32Array,
  offset: number,
): void {
  if (ids === null) {
    if (sel) out.set(sel.subarray(0, m), offset);
    else for (let i = 0; i < m; i++) out[offset + i] = i;
    return;
  }
  const cursor = starts.slice(0, starts.length - 1);
  for (let i = 0; i < m; i++) {
    const b = ids[i] as number;
    const k = cursor[b] as number;
    cursor[b] = k + 1;
    out[offset + k] = sel ? (sel[i] as number) : i;
  }
}

function scatterRows(
  ids: Uint16Array | null,
  starts: Int32Array,
  m: number,
  sel: Int32Array | null,
  t: ShuffleTarget,
  offset: number,
): void {
  const { src, dst, width: w } = t;
  const cursor = starts.slice(0, starts.length - 1);
  if (w === 1) {
    for (let i = 0; i < m; i++) {
      let k = i;
      if (ids) {
        const b = ids[i] as number;
        k = cursor[b] as number;
        cursor[b] = k + 1;
      }
      dst[offset + k] = src[sel ? (sel[i] as number) : i];
    }
    return;
  }
  for (let i = 0; i < m; i++) {
    let k = i;
    if (ids) {
      const b = ids[i] as number;
      k = cursor[b] as number;
      cursor[b] = k + 1;
    }
    const r = (sel ? (sel[i] as number) : i) * w;
    const o = (offset + k) * w;
    for (let d = 0; d < w; d++) dst[o + d] = src[r + d];
  }
}

function applyLocal(
  t: ShuffleTarget,
  temp: { [i: number]: unknown },
  local: Int32Array,
  base: number,
  size: number,
): void {
  const { dst, width: w } = t;
  const from = base * w;
  const count = size * w;
  for (let q = 0; q < count; q++) temp[q] = dst[from + q];
  if (w === 1) {
    for (let k = 0; k < size; k++) dst[from + k] = temp[local[k] as number];
    return;
  }
  for (let k = 0; k < size; k++) {
    const s = (local[k] as number) * w;
    const o = from + k * w;
    for (let d = 0; d < w; d++) dst[o + d] = temp[s + d];
  }
}

/** A uniformly random permutation of [0, m) (or of `sel`), drawn as `shuffleInto` draws it. */
export function permutation(rng: Rng, m: number, sel: Int32Array | null = null): Int32Array {
  const out = new Int32Array(m);
  shuffleInto(rng, m, sel, [], out, 0);
  return out;
}
