import { type Rng, randomBelow } from "./rng.js";

/** A row store to permute: rows of `width` values are read from `src` and written to `dst`. */
export interface ShuffleTarget {
  readonly src: ArrayLike<unknown>;
  readonly dst: { [i: number]: unknown; length: number };
  readonly width: number;
}

/** A target moved as 64-bit doubles, with its 32-bit-word form to fall back on. */
interface WideTarget extends ShuffleTarget {
  readonly src: Float64Array;
  readonly dst: Float64Array;
  /** The same target as 32-bit words: used instead when the source holds NaN-pattern pairs. */
  readonly narrow: ShuffleTarget;
}

/**
 * Rows per bucket aimed at: a bucket of rows stays in the CPU cache while it is shuffled, and few
 * enough buckets keep the scatter pass's write streams within the cache and TLB.
 */
const ROWS_PER_BUCKET = 32768;
/** Bucket ids take at most 14 bits, so two fit in a random word above its 2 lowest bits. */
const MAX_BUCKETS = 16384;
const TWO_16 = 65536;

export function bucketCount(m: number): number {
  if (m <= 2 * ROWS_PER_BUCKET) return 1;
  let b = 1;
  while (b * ROWS_PER_BUCKET < m && b < MAX_BUCKETS) b *= 2;
  return b;
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
 *
 * Randomness is drawn as two 16-bit halves per 32-bit word: a bucket id from each half, and each
 * in-bucket swap index from one half by Lemire's multiply-shift with rejection (exact, as buckets
 * hold at most 2^16 items; larger ones fall back to whole words).
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
    ids = drawBuckets(rng, m, buckets, starts);
  } else {
    starts[1] = m;
  }

  const views = targets.map(bitView);
  const nanPairs = scatter(ids, starts, m, sel, views, indexOut, offset);
  if (nanPairs.length > 0) {
    // Some source held words that pair up to a NaN: redo those targets as 32-bit words.
    for (const ti of nanPairs) views[ti] = (views[ti] as WideTarget).narrow;
    const redo = nanPairs.map((ti) => views[ti] as ShuffleTarget);
    scatter(ids, starts, m, sel, redo, null, offset);
  }

  // In-bucket pass: one Fisher–Yates swap sequence per bucket, replayed on every target.
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
    if (size < 2) continue;
    drawPermutation(rng, local, size);
    const base = offset + s;
    if (indexOut && indexTemp) applyLocalI32(indexOut, indexTemp, 1, local, base, size);
    for (let ti = 0; ti < views.length; ti++) {
      const t = views[ti] as ShuffleTarget;
      const temp = temps[ti];
      if (t.dst instanceof Float64Array && temp instanceof Float64Array) {
        applyLocalF64(t.dst, temp, t.width, local, base, size);
      } else if (t.dst instanceof Int32Array && temp instanceof Int32Array) {
        applyLocalI32(t.dst, temp, t.width, local, base, size);
      } else {
        applyLocal(t, temp as { [i: number]: unknown }, local, base, size);
      }
    }
  }
}

function makeTemp(dst: ShuffleTarget["dst"], size: number): { [i: number]: unknown } {
  if (Array.isArray(dst)) return new Array(size);
  const Ctor = (dst as object).constructor as new (len: number) => { [i: number]: unknown };
  return new Ctor(size);
}

/**
 * A uniformly random bucket in [0, buckets) per item, counted into starts. Ids are taken from the
 * top bits of each random word (its 2 lowest bits are never used): three per word when they fit
 * in 30 bits (up to 1024 buckets), else two.
 */
function drawBuckets(rng: Rng, m: number, buckets: number, starts: Int32Array): Uint16Array {
  const ids = new Uint16Array(m);
  const bits = 31 - Math.clz32(buckets);
  const mask = buckets - 1;
  const s1 = 32 - bits;
  const s2 = 32 - 2 * bits;
  let i = 0;
  if (3 * bits <= 30) {
    const s3 = 32 - 3 * bits;
    for (; i + 2 < m; i += 3) {
      const w = rng.next();
      const a = w >>> s1;
      const c = (w >>> s2) & mask;
      const e = (w >>> s3) & mask;
      ids[i] = a;
      ids[i + 1] = c;
      ids[i + 2] = e;
      starts[a + 1] = (starts[a + 1] as number) + 1;
      starts[c + 1] = (starts[c + 1] as number) + 1;
      starts[e + 1] = (starts[e + 1] as number) + 1;
    }
  } else {
    for (; i + 1 < m; i += 2) {
      const w = rng.next();
      const a = w >>> s1;
      const c = (w >>> s2) & mask;
      ids[i] = a;
      ids[i + 1] = c;
      starts[a + 1] = (starts[a + 1] as number) + 1;
      starts[c + 1] = (starts[c + 1] as number) + 1;
    }
  }
  for (; i < m; i++) {
    const a = rng.next() >>> s1;
    ids[i] = a;
    starts[a + 1] = (starts[a + 1] as number) + 1;
  }
  for (let b = 0; b < buckets; b++) {
    starts[b + 1] = (starts[b + 1] as number) + (starts[b] as number);
  }
  return ids;
}

/**
 * A uniformly random permutation of [0, size) into `local`, by the inside-out Fisher–Yates
 * shuffle: item i takes a uniform position j in [0, i], moving what was there to i.
 * Each j comes from a 16-bit half x: j = ⌊x·(i+1)/2^16⌋, rejecting x whose low product part is
 * below 2^16 mod (i+1), so every j is exactly equally likely (Lemire's multiply-shift).
 */
function drawPermutation(rng: Rng, local: Int32Array, size: number): void {
  local[0] = 0;
  if (size > TWO_16) {
    for (let i = 1; i < size; i++) {
      const j = randomBelow(rng, i + 1);
      local[i] = local[j] as number;
      local[j] = i;
    }
    return;
  }
  let word = 0;
  let spare = false;
  for (let i = 1; i < size; i++) {
    const bound = i + 1;
    let j: number;
    for (;;) {
      let x: number;
      if (spare) {
        x = word & 0xffff;
        spare = false;
      } else {
        word = rng.next();
        x = word >>> 16;
        spare = true;
      }
      const prod = x * bound;
      const low = prod & 0xffff;
      if (low >= bound || low >= (TWO_16 - bound) % bound) {
        j = prod >>> 16;
        break;
      }
    }
    local[i] = local[j] as number;
    local[j] = i;
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
  if (w === 4) {
    for (let k = 0; k < size; k++) {
      const s = (local[k] as number) * 4;
      const o = from + k * 4;
      dst[o] = temp[s] as number;
      dst[o + 1] = temp[s + 1] as number;
      dst[o + 2] = temp[s + 2] as number;
      dst[o + 3] = temp[s + 3] as number;
    }
    return;
  }
  for (let k = 0; k < size; k++) {
    const s = (local[k] as number) * w;
    const o = from + k * w;
    for (let d = 0; d < w; d++) dst[o + d] = temp[s + d] as number;
  }
}

/** `applyLocalI32` for rows of `w` doubles (only for targets whose scatter found no NaN pair). */
function applyLocalF64(
  dst: Float64Array,
  temp: Float64Array,
  w: number,
  local: Int32Array,
  base: number,
  size: number,
): void {
  const from = base * w;
  temp.set(dst.subarray(from, from + size * w));
  if (w === 2) {
    for (let k = 0; k < size; k++) {
      const s = (local[k] as number) * 2;
      const o = from + k * 2;
      dst[o] = temp[s] as number;
      dst[o + 1] = temp[s + 1] as number;
    }
    return;
  }
  for (let k = 0; k < size; k++) {
    const s = (local[k] as number) * w;
    const o = from + k * w;
    for (let d = 0; d < w; d++) dst[o + d] = temp[s + d] as number;
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
  for (let k = 0; k < size; k++) {
    const s = (local[k] as number) * w;
    const o = from + k * w;
    for (let d = 0; d < w; d++) dst[o + d] = temp[s + d];
  }
}

/**
 * Rows are moved as raw bits: 4-byte element types (and 8-byte ones, as pairs) through Int32Array
 * views, so the hot loops see one array type whatever the input's element type is. Rows of an even
 * number of float32 values (4 features, say) are moved two values at a time through
 * Float64Array views, which halves the loads and stores. A double that is a NaN may have its bits
 * changed by a load or store (the language allows it), so the scatter pass checks every pair it
 * moves and the target falls back to 32-bit words when any pair is a NaN pattern.
 */
function bitView(t: ShuffleTarget): ShuffleTarget {
  const { src, dst } = t;
  if (!ArrayBuffer.isView(src) || !ArrayBuffer.isView(dst)) return t;
  const s = src as unknown as Uint8Array;
  const d = dst as unknown as Uint8Array;
  const bytes = s.BYTES_PER_ELEMENT;
  if ((bytes !== 4 && bytes !== 8) || s.byteOffset % 4 !== 0 || d.byteOffset % 4 !== 0) return t;
  const k = bytes / 4;
  const words = s instanceof Int32Array ? s : new Int32Array(s.buffer, s.byteOffset, s.length * k);
  const narrow: ShuffleTarget =
    s instanceof Int32Array
      ? t
      : {
          src: words,
          dst: new Int32Array(d.buffer, d.byteOffset, d.length * k),
          width: t.width * k,
        };
  const w = t.width * k;
  // Only float32 data: its NaN values (0x7fc00000 as JavaScript writes them) do not pair up to NaN
  // doubles, whereas negative int32 values or NaN float64 values would send every call to the redo.
  if (
    !(src instanceof Float32Array) ||
    w % 2 !== 0 ||
    s.byteOffset % 8 !== 0 ||
    d.byteOffset % 8 !== 0
  )
    return narrow;
  const wide: WideTarget = {
    src: new Float64Array(s.buffer, s.byteOffset, (s.length * k) / 2),
    dst: new Float64Array(d.buffer, d.byteOffset, (d.length * k) / 2),
    width: w / 2,
    narrow,
  };
  return wide;
}

/** Rows scattered per chunk: their destinations are computed once, then used by every target. */
const CHUNK = 4096;

/**
 * Scatter pass: item i (source row `sel[i]`, or i) goes to the next free row of its bucket.
 * Sequential reads, one sequential write stream per bucket.
 */
function scatter(
  ids: Uint16Array | null,
  starts: Int32Array,
  m: number,
  sel: Int32Array | null,
  views: readonly ShuffleTarget[],
  indexOut: Int32Array | null,
  offset: number,
): number[] {
  const flags = new Int32Array(views.length);
  const cursor = starts.slice(0, starts.length - 1);
  for (let b = 0; b < cursor.length; b++) cursor[b] = (cursor[b] as number) + offset;
  const [x, y] = views;
  if (
    ids &&
    !indexOut &&
    views.length === 2 &&
    x?.src instanceof Float64Array &&
    x.dst instanceof Float64Array &&
    y?.src instanceof Int32Array &&
    y.dst instanceof Int32Array &&
    y.width === 1
  ) {
    return scatterRowsAndLabels(ids, cursor, m, sel, x.src, x.dst, x.width, y.src, y.dst)
      ? [0]
      : [];
  }
  const pos = new Int32Array(Math.min(m, CHUNK));
  for (let from = 0; from < m; from += CHUNK) {
    const len = Math.min(CHUNK, m - from);
    if (ids) {
      for (let k = 0; k < len; k++) {
        const b = ids[from + k] as number;
        const p = cursor[b] as number;
        cursor[b] = p + 1;
        pos[k] = p;
      }
    } else {
      for (let k = 0; k < len; k++) pos[k] = offset + from + k;
    }
    if (indexOut) {
      if (sel) for (let k = 0; k < len; k++) indexOut[pos[k] as number] = sel[from + k] as number;
      else for (let k = 0; k < len; k++) indexOut[pos[k] as number] = from + k;
    }
    for (let ti = 0; ti < views.length; ti++) {
      const t = views[ti] as ShuffleTarget;
      if (t.src instanceof Float64Array && t.dst instanceof Float64Array) {
        const wt = t as WideTarget;
        flags[ti] = (flags[ti] as number) | moveF64(wt.src, wt.dst, t.width, pos, len, sel, from);
      } else if (t.src instanceof Int32Array && t.dst instanceof Int32Array) {
        moveI32(t.src, t.dst, t.width, pos, len, sel, from);
      } else {
        moveRows(t, pos, len, sel, from);
      }
    }
  }
  const nanPairs: number[] = [];
  for (let ti = 0; ti < views.length; ti++) if (flags[ti] === 1) nanPairs.push(ti);
  return nanPairs;
}

/**
 * `moveI32` for rows of `w` doubles. Returns 1 when a moved value was a NaN (which the engine may
 * have moved with other bits), else 0. The test is on the value as loaded, so it holds whether or
 * not the engine rewrites NaN bits.
 */
function moveF64(
  src: Float64Array,
  dst: Float64Array,
  w: number,
  pos: Int32Array,
  len: number,
  sel: Int32Array | null,
  from: number,
): number {
  let nan = 0;
  if (w === 2) {
    for (let k = 0; k < len; k++) {
      const r = (sel ? (sel[from + k] as number) : from + k) * 2;
      const o = (pos[k] as number) * 2;
      const a = src[r] as number;
      const b = src[r + 1] as number;
      dst[o] = a;
      dst[o + 1] = b;
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the NaN test.
      if (a !== a || b !== b) nan = 1;
    }
    return nan;
  }
  for (let k = 0; k < len; k++) {
    const r = (sel ? (sel[from + k] as number) : from + k) * w;
    const o = (pos[k] as number) * w;
    for (let d = 0; d < w; d++) {
      const a = src[r + d] as number;
      dst[o + d] = a;
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the NaN test.
      if (a !== a) nan = 1;
    }
  }
  return nan;
}

function moveI32(
  src: Int32Array,
  dst: Int32Array,
  w: number,
  pos: Int32Array,
  len: number,
  sel: Int32Array | null,
  from: number,
): void {
  if (w === 1) {
    if (sel)
      for (let k = 0; k < len; k++) dst[pos[k] as number] = src[sel[from + k] as number] as number;
    else for (let k = 0; k < len; k++) dst[pos[k] as number] = src[from + k] as number;
    return;
  }
  if (w === 4) {
    for (let k = 0; k < len; k++) {
      const r = (sel ? (sel[from + k] as number) : from + k) * 4;
      const o = (pos[k] as number) * 4;
      dst[o] = src[r] as number;
      dst[o + 1] = src[r + 1] as number;
      dst[o + 2] = src[r + 2] as number;
      dst[o + 3] = src[r + 3] as number;
    }
    return;
  }
  for (let k = 0; k < len; k++) {
    const r = (sel ? (sel[from + k] as number) : from + k) * w;
    const o = (pos[k] as number) * w;
    for (let d = 0; d < w; d++) dst[o + d] = src[r + d] as number;
  }
}

function moveRows(
  t: ShuffleTarget,
  pos: Int32Array,
  len: number,
  sel: Int32Array | null,
  from: number,
): void {
  const { src, dst, width: w } = t;
  for (let k = 0; k < len; k++) {
    const r = (sel ? (sel[from + k] as number) : from + k) * w;
    const o = (pos[k] as number) * w;
    for (let d = 0; d < w; d++) dst[o + d] = src[r + d];
  }
}

/** A uniformly random permutation of [0, m) (or of `sel`), drawn as `shuffleInto` draws it. */
export function permutation(rng: Rng, m: number, sel: Int32Array | null = null): Int32Array {
  const out = new Int32Array(m);
  shuffleInto(rng, m, sel, [], out, 0);
  return out;
}

/**
 * The scatter pass for the most common call, features moved as doubles plus one int32 label per
 * row (source row `sel[i]`, or i): one loop, each row's destination computed once and used for
 * both. Returns true when a moved double was a NaN (see {@link moveF64}).
 */
function scatterRowsAndLabels(
  ids: Uint16Array,
  cursor: Int32Array,
  m: number,
  sel: Int32Array | null,
  xs: Float64Array,
  xd: Float64Array,
  w: number,
  ys: Int32Array,
  yd: Int32Array,
): boolean {
  let nan = false;
  if (w === 2) {
    for (let i = 0; i < m; i++) {
      const b = ids[i] as number;
      const p = cursor[b] as number;
      cursor[b] = p + 1;
      const q = sel === null ? i : (sel[i] as number);
      const u = xs[2 * q] as number;
      const v = xs[2 * q + 1] as number;
      xd[2 * p] = u;
      xd[2 * p + 1] = v;
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the NaN test.
      if (u !== u || v !== v) nan = true;
      yd[p] = ys[q] as number;
    }
    return nan;
  }
  for (let i = 0; i < m; i++) {
    const b = ids[i] as number;
    const p = cursor[b] as number;
    cursor[b] = p + 1;
    const q = sel === null ? i : (sel[i] as number);
    const r = q * w;
    const o = p * w;
    for (let d = 0; d < w; d++) {
      const u = xs[r + d] as number;
      xd[o + d] = u;
      // biome-ignore lint/suspicious/noSelfCompare: x !== x is the NaN test.
      if (u !== u) nan = true;
    }
    yd[p] = ys[q] as number;
  }
  return nan;
}
