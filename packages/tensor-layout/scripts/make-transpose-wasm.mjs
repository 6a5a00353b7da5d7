// Writes src/internal/transpose-wasm-bytes.ts: a tiny WebAssembly SIMD module, encoded by hand
// (no assembler), with two block-transpose kernels over an imported memory "e"."m":
//
//   t32(src, dst, rows, cols, rs, os)  32-bit elements, 4×4 blocks: rows, cols multiples of 4
//   t64(src, dst, rows, cols, rs, os)  64-bit elements, 2×2 blocks: rows, cols multiples of 2
//
// Both read a [rows, cols] matrix at byte address `src` whose rows are `rs` bytes apart and write
// its transpose, a [cols, rows] matrix, at `dst` with rows `os` bytes apart (no overlap). Padded
// strides let the caller avoid row strides that are multiples of 4 KiB (cache-set conflicts). Loops: output row block j (outer), input
// row block i (inner), so the output is written sequentially and the input column strip stays in
// L1. Bits are moved by shuffles only, so NaN payloads survive.
//
// Run: node scripts/make-transpose-wasm.mjs [out.ts]   (deterministic: same bytes every run;
// a test checks that the committed file is what this script writes)
import { writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

const uleb = (n) => {
  const out = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
};
const sleb = (n) => {
  const out = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
};
const str = (s) => [...uleb(s.length), ...Buffer.from(s, "utf8")];
const vec = (items) => [...uleb(items.length), ...items.flat()];
const section = (id, body) => [id, ...uleb(body.length), ...body];

// Opcodes used.
const I32 = 0x7f;
const V128 = 0x7b;
const get = (i) => [0x20, ...uleb(i)];
const set = (i) => [0x21, ...uleb(i)];
const i32c = (n) => [0x41, ...sleb(n)];
const add = [0x6a];
const mul = [0x6c];
const shl = [0x74];
const geU = [0x4f];
const block = [0x02, 0x40];
const loop = [0x03, 0x40];
const end = [0x0b];
const br = (d) => [0x0c, ...uleb(d)];
const brIf = (d) => [0x0d, ...uleb(d)];
// v128.load / v128.store with memarg (align hint 2^0: addresses are only element-aligned).
const load = [0xfd, 0x00, 0x00, 0x00];
const store = [0xfd, 0x0b, 0x00, 0x00];
const shuffle = (lanes) => [0xfd, 0x0d, ...lanes];
/** Byte lanes of an i8x16.shuffle that picks `words` (of `size` bytes) from a (0..) and b (16/size..). */
const pick = (words, size) =>
  words.flatMap((w) => Array.from({ length: size }, (_, k) => w * size + k));

/**
 * One kernel: params 0 src, 1 dst, 2 rows, 3 cols, 4 rs (input row stride, bytes), 5 os (output
 * row stride, bytes). Locals: 6 i, 7 j, 8 p (input address), 9 q (output address), then v128
 * locals 10.. for the loaded rows and the shuffled intermediates.
 */
function kernel(size) {
  const k = 16 / size; // elements per vector = block side
  const shiftBits = size === 4 ? 2 : 3;
  const [RS, OS, I, J, P, Q] = [4, 5, 6, 7, 8, 9];
  const V = 10; // first v128 local
  const body = [];
  // j = 0
  body.push(...i32c(0), ...set(J));
  body.push(...block, ...loop);
  //   if (j >= cols) break
  body.push(...get(J), ...get(3), ...geU, ...brIf(1));
  //   p = src + (j << shift); q = dst + j * os; i = 0
  body.push(...get(0), ...get(J), ...i32c(shiftBits), ...shl, ...add, ...set(P));
  body.push(...get(1), ...get(J), ...get(OS), ...mul, ...add, ...set(Q));
  body.push(...i32c(0), ...set(I));
  body.push(...block, ...loop);
  //     if (i >= rows) break
  body.push(...get(I), ...get(2), ...geU, ...brIf(1));
  //     load k input rows: v[r] = mem[p + r*rs]
  for (let r = 0; r < k; r++) {
    body.push(...get(P));
    for (let t = 0; t < r; t++) body.push(...get(RS), ...add);
    body.push(...load, ...set(V + r));
  }
  // transposed rows, stored at q + c*os
  const outRows = [];
  if (size === 4) {
    // t0 = a0 b0 a1 b1, t1 = a2 b2 a3 b3, t2 = c0 d0 c1 d1, t3 = c2 d2 c3 d3
    const T = V + 4;
    const lo = shuffle(pick([0, 4, 1, 5], 4));
    const hi = shuffle(pick([2, 6, 3, 7], 4));
    body.push(...get(V), ...get(V + 1), ...lo, ...set(T));
    body.push(...get(V), ...get(V + 1), ...hi, ...set(T + 1));
    body.push(...get(V + 2), ...get(V + 3), ...lo, ...set(T + 2));
    body.push(...get(V + 2), ...get(V + 3), ...hi, ...set(T + 3));
    const first = shuffle(pick([0, 1, 4, 5], 4));
    const second = shuffle(pick([2, 3, 6, 7], 4));
    outRows.push([...get(T), ...get(T + 2), ...first]); // a0 b0 c0 d0
    outRows.push([...get(T), ...get(T + 2), ...second]); // a1 b1 c1 d1
    outRows.push([...get(T + 1), ...get(T + 3), ...first]); // a2 b2 c2 d2
    outRows.push([...get(T + 1), ...get(T + 3), ...second]); // a3 b3 c3 d3
  } else {
    outRows.push([...get(V), ...get(V + 1), ...shuffle(pick([0, 2], 8))]); // a0 b0
    outRows.push([...get(V), ...get(V + 1), ...shuffle(pick([1, 3], 8))]); // a1 b1
  }
  outRows.forEach((value, c) => {
    body.push(...get(Q));
    for (let t = 0; t < c; t++) body.push(...get(OS), ...add);
    body.push(...value, ...store);
  });
  //     p += k*rs; q += 16; i += k
  body.push(...get(P), ...get(RS), ...i32c(k), ...mul, ...add, ...set(P));
  body.push(...get(Q), ...i32c(16), ...add, ...set(Q));
  body.push(...get(I), ...i32c(k), ...add, ...set(I));
  body.push(...br(0), ...end, ...end);
  //   j += k
  body.push(...get(J), ...i32c(k), ...add, ...set(J));
  body.push(...br(0), ...end, ...end, ...end);
  const locals = vec([
    [...uleb(4), I32],
    [...uleb(size === 4 ? 8 : 2), V128],
  ]);
  const code = [...locals, ...body];
  return [...uleb(code.length), ...code];
}

const typeSec = section(
  1,
  vec([[0x60, ...vec([[I32], [I32], [I32], [I32], [I32], [I32]]), ...vec([])]]),
);
const importSec = section(2, vec([[...str("e"), ...str("m"), 0x02, 0x00, ...uleb(1)]]));
const funcSec = section(3, vec([uleb(0), uleb(0)]));
const exportSec = section(
  7,
  vec([
    [...str("t32"), 0x00, ...uleb(0)],
    [...str("t64"), 0x00, ...uleb(1)],
  ]),
);
const codeSec = section(10, vec([kernel(4), kernel(8)]));
const bytes = [
  ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
  ...typeSec,
  ...importSec,
  ...funcSec,
  ...exportSec,
  ...codeSec,
];

const hex = Buffer.from(bytes).toString("hex");
const lines = [];
for (let i = 0; i < hex.length; i += 80) lines.push(`  "${hex.slice(i, i + 80)}",`);
const ts = `// Generated by scripts/make-transpose-wasm.mjs; do not edit.
// WebAssembly SIMD block-transpose kernels t32 (4×4 of 32-bit) and t64 (2×2 of 64-bit) over an
// imported memory "e"."m"; see the script for the encoding.

const HEX = [
${lines.join("\n")}
].join("");

/** The module's bytes (${bytes.length}). */
export const TRANSPOSE_WASM: Uint8Array = new Uint8Array(HEX.length / 2);
for (let i = 0; i < TRANSPOSE_WASM.length; i++) {
  TRANSPOSE_WASM[i] = Number.parseInt(HEX.slice(2 * i, 2 * i + 2), 16);
}
`;
const outPath =
  process.argv[2] ??
  fileURLToPath(new URL("../src/internal/transpose-wasm-bytes.ts", import.meta.url));
writeFileSync(outPath, ts);
console.log(`wrote ${bytes.length} bytes to ${outPath}`);
