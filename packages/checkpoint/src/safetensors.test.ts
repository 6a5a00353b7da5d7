import { mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SAFETENSORS_DTYPES, type SafetensorsDtype } from "./dtypes.js";
import { SafetensorsError } from "./errors.js";
import {
  openSafetensors,
  parseSafetensors,
  readSafetensors,
  readSafetensorsHeader,
  serializeSafetensors,
  type TensorInput,
  writeSafetensors,
} from "./safetensors.js";

const enc = new TextEncoder();

/** Builds a file byte by byte: 8-byte LE length, header bytes, data bytes. */
function build(header: string | Uint8Array, data: Uint8Array | number = 0, n?: bigint): Uint8Array {
  const h = typeof header === "string" ? enc.encode(header) : header;
  const d = typeof data === "number" ? new Uint8Array(data) : data;
  const out = new Uint8Array(8 + h.byteLength + d.byteLength);
  new DataView(out.buffer).setBigUint64(0, n ?? BigInt(h.byteLength), true);
  out.set(h, 8);
  out.set(d, 8 + h.byteLength);
  return out;
}

function expectError(fn: () => unknown, code: string, ...mentions: (string | RegExp)[]): void {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  expect(caught).toBeInstanceOf(SafetensorsError);
  const err = caught as SafetensorsError;
  expect(err.code).toBe(code);
  for (const m of mentions) expect(err.message).toMatch(m);
}

const entry = (dtype: string, shape: number[], b: number, e: number) =>
  `{"dtype":"${dtype}","shape":[${shape.join(",")}],"data_offsets":[${b},${e}]}`;

describe("serializeSafetensors: exact reference layout", () => {
  it("reproduces the reference library's documented I32 test vector byte for byte", () => {
    // Python docs: b'@\x00\x00\x00\x00\x00\x00\x00{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    ' + 16 zero bytes
    const expected = new Uint8Array([
      0x40,
      0,
      0,
      0,
      0,
      0,
      0,
      0,
      ...enc.encode('{"test":{"dtype":"I32","shape":[2,2],"data_offsets":[0,16]}}    '),
      ...new Uint8Array(16),
    ]);
    const got = serializeSafetensors({
      test: { dtype: "I32", shape: [2, 2], data: new Int32Array(4) },
    });
    expect(got).toEqual(expected);
  });

  it("puts __metadata__ first, sorts tensors by dtype (widest first) then name, pads with spaces to 8", () => {
    const got = serializeSafetensors(
      {
        b: { dtype: "U8", shape: [3], data: new Uint8Array([1, 2, 3]) },
        a: { dtype: "U8", shape: [1], data: new Uint8Array([9]) },
        w: { dtype: "F32", shape: [2], data: new Float32Array([1.5, -2]) },
        h: { dtype: "F16", shape: [1], data: new Uint16Array([0x3c00]) },
        d: { dtype: "F64", shape: [], data: new Float64Array([0.25]) },
      },
      { format: "pt" },
    );
    const json = `{"__metadata__":{"format":"pt"},"d":${entry("F64", [], 0, 8)},"w":${entry("F32", [2], 8, 16)},"h":${entry("F16", [1], 16, 18)},"a":${entry("U8", [1], 18, 19)},"b":${entry("U8", [3], 19, 22)}}`;
    const padded = json + " ".repeat((8 - (json.length % 8)) % 8);
    const data = new Uint8Array(22);
    const dv = new DataView(data.buffer);
    dv.setFloat64(0, 0.25, true);
    dv.setFloat32(8, 1.5, true);
    dv.setFloat32(12, -2, true);
    dv.setUint16(16, 0x3c00, true);
    data.set([9, 1, 2, 3], 18);
    expect(got).toEqual(build(padded, data));
    expect((8 + padded.length) % 8).toBe(0);
  });

  it("sorts names by UTF-8 bytes as the reference does (not by UTF-16 code units)", () => {
    // U+FF5E (3 UTF-8 bytes ef bd 9e) sorts before U+1F600 (f0 ...) in UTF-8, after it in UTF-16.
    const t = { dtype: "U8" as const, shape: [1], data: new Uint8Array(1) };
    const bytes = serializeSafetensors({ "\u{1F600}": t, "\uFF5E": t });
    const text = new TextDecoder().decode(bytes.subarray(8));
    expect(text.indexOf("\uFF5E")).toBeLessThan(text.indexOf("\u{1F600}"));
  });
});

describe("parseSafetensors", () => {
  it("reads every dtype into its natural typed array, values bit-identical", () => {
    const input: Record<string, TensorInput> = {
      bool: { dtype: "BOOL", shape: [3], data: new Uint8Array([1, 0, 1]) },
      u8: { dtype: "U8", shape: [2], data: new Uint8Array([0, 255]) },
      i8: { dtype: "I8", shape: [2], data: new Int8Array([-128, 127]) },
      i16: { dtype: "I16", shape: [2], data: new Int16Array([-32768, 32767]) },
      u16: { dtype: "U16", shape: [2], data: new Uint16Array([0, 65535]) },
      f16: { dtype: "F16", shape: [2], data: new Uint16Array([0x3c00, 0x7e00]) },
      bf16: { dtype: "BF16", shape: [2], data: new Uint16Array([0x3f80, 0xff80]) },
      i32: { dtype: "I32", shape: [2], data: new Int32Array([-(2 ** 31), 2 ** 31 - 1]) },
      u32: { dtype: "U32", shape: [2], data: new Uint32Array([0, 2 ** 32 - 1]) },
      f32: { dtype: "F32", shape: [2, 2], data: new Float32Array([1, Number.NaN, -0, 3.5e38]) },
      c64: { dtype: "C64", shape: [1], data: new Float32Array([1, -1]) },
      f64: { dtype: "F64", shape: [1], data: new Float64Array([Math.PI]) },
      i64: { dtype: "I64", shape: [2], data: new BigInt64Array([-(2n ** 63n), 2n ** 63n - 1n]) },
      u64: { dtype: "U64", shape: [1], data: new BigUint64Array([2n ** 64n - 1n]) },
      f8: { dtype: "F8_E4M3", shape: [2], data: new Uint8Array([0x38, 0xb8]) },
      f4: { dtype: "F4", shape: [4], data: new Uint8Array([0x21, 0x43]) },
      f6: { dtype: "F6_E2M3", shape: [4], data: new Uint8Array([1, 2, 3]) },
    };
    const { tensors, metadata } = parseSafetensors(serializeSafetensors(input));
    expect(metadata).toEqual({});
    for (const [name, t] of Object.entries(input)) {
      const got = tensors[name];
      expect(got?.dtype).toBe(t.dtype);
      expect(got?.shape).toEqual(t.shape);
      expect(got?.data.constructor).toBe(t.data.constructor);
      expect(
        new Uint8Array(got?.data.buffer as ArrayBuffer, got?.data.byteOffset, got?.data.byteLength),
      ).toEqual(new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength));
    }
  });

  it("gives zero-copy aligned views of the input bytes", () => {
    const bytes = serializeSafetensors({
      a: { dtype: "F64", shape: [1], data: new Float64Array([1]) },
      b: { dtype: "U8", shape: [1], data: new Uint8Array([7]) },
      c: { dtype: "F32", shape: [1], data: new Float32Array([2]) },
    });
    const { tensors } = parseSafetensors(bytes);
    for (const t of Object.values(tensors)) expect(t.data.buffer).toBe(bytes.buffer);
    const copied = parseSafetensors(bytes, { copy: true }).tensors;
    expect(copied.c?.data.buffer).not.toBe(bytes.buffer);
    expect(copied.c?.data).toEqual(new Float32Array([2]));
  });

  it("copies tensors that other writers left unaligned", () => {
    // header of 61 bytes (not padded): the F32 tensor starts at byte 69, not a multiple of 4
    const h = `{"x":${entry("F32", [2], 0, 8)}}`;
    const data = new Uint8Array(new Float32Array([1.25, -7]).buffer);
    const bytes = build(h, data);
    expect((8 + h.length) % 4).not.toBe(0);
    const { tensors } = parseSafetensors(bytes);
    expect(tensors.x?.data).toEqual(new Float32Array([1.25, -7]));
  });

  it("accepts a scalar, a zero-size tensor, an empty file {}, leading and trailing whitespace", () => {
    const h = ` \n{"s":${entry("F32", [], 0, 4)},"z":${entry("F32", [2, 0], 4, 4)}}\t\r\n  `;
    const { tensors } = parseSafetensors(build(h, new Uint8Array(new Float32Array([42]).buffer)));
    expect(tensors.s?.shape).toEqual([]);
    expect(tensors.s?.data).toEqual(new Float32Array([42]));
    expect(tensors.z?.shape).toEqual([2, 0]);
    expect(tensors.z?.data.length).toBe(0);
    expect(Object.keys(parseSafetensors(build("{}")).tensors)).toEqual([]);
    expect(parseSafetensors(build('{"__metadata__":null}')).metadata).toEqual({});
  });

  it("accepts header keys in any order (offsets decide the layout) and keeps special names", () => {
    const h = `{"b":${entry("U8", [1], 1, 2)},"__proto__":${entry("U8", [1], 0, 1)}}`;
    const { tensors } = parseSafetensors(build(h, new Uint8Array([5, 6])));
    expect(Object.hasOwn(tensors, "__proto__")).toBe(true);
    expect(Object.getOwnPropertyDescriptor(tensors, "__proto__")?.value.data).toEqual(
      new Uint8Array([5]),
    );
    expect(tensors.b?.data).toEqual(new Uint8Array([6]));
  });
});

describe("parseSafetensors: every malformed file is a SafetensorsError with a code", () => {
  const one = (e = entry("F32", [1], 0, 4)) => `{"a":${e}}`;
  const four = new Uint8Array(4);

  it("too small: empty and 7-byte files", () => {
    expectError(() => parseSafetensors(new Uint8Array(0)), "HEADER_TOO_SMALL", /0 bytes/);
    expectError(
      () => parseSafetensors(new Uint8Array(7)),
      "HEADER_TOO_SMALL",
      /7 bytes/,
      /at least 8/,
    );
  });

  it("header length past the end of the file", () => {
    expectError(
      () => parseSafetensors(build("{}", 0, 1000n)),
      "INVALID_HEADER_LENGTH",
      /1000/,
      /truncated/,
    );
  });

  it("header length over 100,000,000 bytes, including u64 max", () => {
    expectError(
      () => parseSafetensors(build("{}", 0, 100_000_001n)),
      "HEADER_TOO_LARGE",
      /100000001/,
    );
    expectError(
      () => parseSafetensors(build("{}", 0, 2n ** 64n - 1n)),
      "HEADER_TOO_LARGE",
      /18446744073709551615/,
    );
  });

  it("non-UTF-8 header bytes", () => {
    expectError(
      () => parseSafetensors(build(new Uint8Array([0x7b, 0xff, 0x7d]))),
      "INVALID_UTF8",
      /byte 1/,
    );
    // overlong encoding of '/' and a lone surrogate encoded in UTF-8
    expectError(
      () => parseSafetensors(build(new Uint8Array([0x7b, 0xc0, 0xaf, 0x7d]))),
      "INVALID_UTF8",
    );
    expectError(
      () => parseSafetensors(build(new Uint8Array([0x7b, 0xed, 0xa0, 0x80, 0x7d]))),
      "INVALID_UTF8",
    );
  });

  it("invalid JSON: empty header, '{', '[]', NUL padding, NUL inside a key, bad escapes, trailing commas", () => {
    expectError(() => parseSafetensors(build("")), "INVALID_JSON", /empty/);
    expectError(() => parseSafetensors(build("{")), "INVALID_JSON", /end of header/);
    expectError(() => parseSafetensors(build("[]")), "INVALID_JSON", /an array, not an object/);
    expectError(
      () => parseSafetensors(build(new Uint8Array([0x7b, 0x7d, 0, 0]))),
      "INVALID_JSON",
      /U\+0000/,
      /only spaces/,
    );
    expectError(
      () => parseSafetensors(build(`{"a\u0000":${entry("U8", [0], 0, 0)}}`)),
      "INVALID_JSON",
      /control character/,
    );
    expectError(() => parseSafetensors(build('{"a\\x":1}')), "INVALID_JSON", /escape/);
    expectError(() => parseSafetensors(build('{"\\ud800":1}')), "INVALID_JSON", /surrogate/);
    expectError(() => parseSafetensors(build(`{"a":${entry("U8", [0], 0, 0)},}`)), "INVALID_JSON");
    expectError(
      () => parseSafetensors(build(`{"a":${entry("U8", [0], 0, 0)}}{}`)),
      "INVALID_JSON",
      /trailing/,
    );
    expectError(
      () => parseSafetensors(build('{"a":{"dtype":"U8","shape":[01],"data_offsets":[0,1]}}', 1)),
      "INVALID_JSON",
      /leading zero/,
    );
  });

  it("unknown dtype, case-sensitive", () => {
    expectError(
      () => parseSafetensors(build(one(entry("F128", [1], 0, 4)), four)),
      "UNKNOWN_DTYPE",
      /"F128"/,
      /F32/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("f32", [1], 0, 4)), four)),
      "UNKNOWN_DTYPE",
      /"f32"/,
    );
  });

  it("missing and extra fields, wrong field types", () => {
    expectError(
      () => parseSafetensors(build('{"a":{"shape":[1],"data_offsets":[0,4]}}', four)),
      "MISSING_FIELD",
      /"dtype"/,
    );
    expectError(
      () => parseSafetensors(build('{"a":{"dtype":"F32","data_offsets":[0,4]}}', four)),
      "MISSING_FIELD",
      /"shape"/,
    );
    expectError(
      () => parseSafetensors(build('{"a":{"dtype":"F32","shape":[1]}}', four)),
      "MISSING_FIELD",
      /"data_offsets"/,
    );
    expectError(
      () =>
        parseSafetensors(
          build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4],"x":1}}', four),
        ),
      "UNKNOWN_FIELD",
      /"x"/,
    );
    expectError(() => parseSafetensors(build('{"a":[1]}', four)), "INVALID_FIELD", /an array/);
    expectError(
      () => parseSafetensors(build('{"a":{"dtype":5,"shape":[1],"data_offsets":[0,4]}}', four)),
      "INVALID_FIELD",
      /a number/,
    );
    expectError(
      () => parseSafetensors(build('{"a":{"dtype":"F32","shape":"1","data_offsets":[0,4]}}', four)),
      "INVALID_FIELD",
      /a string/,
    );
  });

  it("negative, fractional and malformed offsets or dims", () => {
    expectError(
      () => parseSafetensors(build(one(entry("F32", [1], -1, 4)), four)),
      "INVALID_FIELD",
      /negative \(-1\)/,
    );
    expectError(
      () =>
        parseSafetensors(build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0.0,4]}}', four)),
      "INVALID_FIELD",
      /0\.0/,
    );
    expectError(
      () =>
        parseSafetensors(build('{"a":{"dtype":"F32","shape":[1e0],"data_offsets":[0,4]}}', four)),
      "INVALID_FIELD",
      /1e0/,
    );
    expectError(
      () =>
        parseSafetensors(build('{"a":{"dtype":"F32","shape":[1],"data_offsets":[0,4,4]}}', four)),
      "INVALID_FIELD",
      /3 elements/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("F32", [-1], 0, 4)), four)),
      "INVALID_FIELD",
      /shape/,
    );
  });

  it("integers past 2^53", () => {
    expectError(
      () => parseSafetensors(build(one(entry("F32", [1], 0, 2 ** 53)), four)),
      "INTEGER_TOO_LARGE",
      /9007199254740992/,
    );
    expectError(
      () =>
        parseSafetensors(
          build('{"a":{"dtype":"F32","shape":[18446744073709551614],"data_offsets":[0,4]}}', four),
        ),
      "INTEGER_TOO_LARGE",
      /18446744073709551614/,
    );
  });

  it("a shape whose byte size overflows is a size mismatch, computed exactly", () => {
    const dim = Number.MAX_SAFE_INTEGER;
    expectError(
      () => parseSafetensors(build(one(entry("F32", [2, dim], 0, 4)), four)),
      "SIZE_MISMATCH",
      /72057594037927928 bytes/,
    );
  });

  it("offsets: gap, not starting at 0, overlap, same offsets twice, end before begin, past the end", () => {
    const eight = new Uint8Array(8);
    expectError(
      () =>
        parseSafetensors(
          build(`{"a":${entry("F32", [1], 0, 4)},"b":${entry("F32", [1], 8, 12)}}`, 12),
        ),
      "INVALID_OFFSETS",
      /"b"/,
      /gap of 4/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("F32", [1], 4, 8)), eight)),
      "INVALID_OFFSETS",
      /"a"/,
      /expected begin 0/,
    );
    expectError(
      () =>
        parseSafetensors(
          build(`{"a":${entry("F32", [2], 0, 8)},"b":${entry("F32", [2], 4, 12)}}`, 12),
        ),
      "INVALID_OFFSETS",
      /"b"/,
      /overlapping/,
    );
    expectError(
      () =>
        parseSafetensors(
          build(`{"a":${entry("F32", [1], 0, 4)},"b":${entry("F32", [1], 0, 4)}}`, four),
        ),
      "INVALID_OFFSETS",
      /overlapping/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("F32", [0], 4, 0)), four)),
      "INVALID_OFFSETS",
      /end before begin/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("F32", [2], 0, 8)), four)),
      "OFFSETS_PAST_END",
      /8 bytes/,
      /only 4/,
      /truncated/,
    );
  });

  it("size not matching shape x dtype, and sub-byte tensors not filling whole bytes", () => {
    expectError(
      () => parseSafetensors(build(one(entry("I32", [2, 2], 0, 4)), four)),
      "SIZE_MISMATCH",
      /16 bytes/,
      /span 4/,
    );
    expectError(
      () => parseSafetensors(build(one(entry("F4", [3], 0, 2)), 2)),
      "MISALIGNED_SLICE",
      /12 bits/,
    );
  });

  it("duplicate keys, which JSON.parse would silently drop", () => {
    const e = entry("F32", [1], 0, 4);
    expectError(() => parseSafetensors(build(`{"a":${e},"a":${e}}`, four)), "DUPLICATE_KEY", /"a"/);
    expectError(
      () =>
        parseSafetensors(
          build(`{"a":${entry("F32", [1], 0, 4)},"a":${entry("F32", [1], 4, 8)}}`, 8),
        ),
      "DUPLICATE_KEY",
    );
    expectError(
      () => parseSafetensors(build('{"__metadata__":{"k":"1","k":"2"}}')),
      "DUPLICATE_KEY",
      /"k"/,
      /__metadata__/,
    );
    expectError(
      () => parseSafetensors(build('{"__metadata__":{},"__metadata__":{}}')),
      "DUPLICATE_KEY",
    );
    expectError(
      () =>
        parseSafetensors(
          build('{"a":{"dtype":"F32","dtype":"F32","shape":[1],"data_offsets":[0,4]}}', four),
        ),
      "DUPLICATE_KEY",
      /"dtype"/,
    );
  });

  it("__metadata__ values that are not strings, or a metadata tensor entry", () => {
    expectError(
      () => parseSafetensors(build('{"__metadata__":{"epoch":1}}')),
      "INVALID_METADATA",
      /"epoch"/,
      /a number/,
      /JSON text/,
    );
    expectError(
      () => parseSafetensors(build('{"__metadata__":{"cfg":{"a":"b"}}}')),
      "INVALID_METADATA",
      /an object/,
    );
    expectError(
      () => parseSafetensors(build('{"__metadata__":["a"]}')),
      "INVALID_METADATA",
      /an array/,
    );
    expectError(
      () => parseSafetensors(build(`{"__metadata__":${entry("F32", [1], 0, 4)}}`, four)),
      "INVALID_METADATA",
      /"shape"/,
      /an array/,
    );
  });

  it("bytes after the data (polyglot files)", () => {
    expectError(() => parseSafetensors(build(one(), 6)), "TRAILING_BYTES", /^2 bytes/);
  });

  it("never allocates from a lying header: huge offsets and shapes fail on sizes alone", () => {
    const big = 2 ** 52;
    expectError(
      () => parseSafetensors(build(one(entry("U8", [big], 0, big)), four)),
      "OFFSETS_PAST_END",
      /4503599627370496/,
    );
  });

  it("fuzz: random byte flips and truncations only ever throw SafetensorsError", () => {
    const good = serializeSafetensors(
      {
        w: { dtype: "F32", shape: [3], data: new Float32Array([1, 2, 3]) },
        i: { dtype: "I64", shape: [1], data: new BigInt64Array([5n]) },
      },
      { k: "v" },
    );
    let seed = 12345;
    const rand = () => {
      seed = (seed * 1103515245 + 12345) >>> 0;
      return seed / 2 ** 32;
    };
    for (let t = 0; t < 2000; t++) {
      const b = good.slice(0, rand() < 0.2 ? Math.floor(rand() * good.length) : good.length);
      const flips = 1 + Math.floor(rand() * 3);
      for (let f = 0; f < flips && b.length > 0; f++)
        b[Math.floor(rand() * b.length)] = Math.floor(rand() * 256);
      try {
        parseSafetensors(b);
      } catch (e) {
        expect(e).toBeInstanceOf(SafetensorsError);
      }
    }
  });
});

describe("serializeSafetensors: invalid input", () => {
  const f32 = (n: number): TensorInput => ({ dtype: "F32", shape: [n], data: new Float32Array(n) });

  it("rejects the reserved name __metadata__", () => {
    expectError(
      () => serializeSafetensors({ __metadata__: f32(1) }),
      "RESERVED_NAME",
      /__metadata__/,
      /Rename/,
    );
  });

  it("rejects unknown dtypes, bad shapes, wrong typed arrays and wrong lengths", () => {
    expectError(
      () => serializeSafetensors({ a: { ...f32(1), dtype: "f32" as SafetensorsDtype } }),
      "UNKNOWN_DTYPE",
      /"f32"/,
      /F32/,
    );
    expectError(
      () => serializeSafetensors({ a: { ...f32(1), shape: [1.5] } }),
      "INVALID_TENSOR",
      /\[1\.5\]/,
      /non-negative integers/,
    );
    expectError(
      () => serializeSafetensors({ a: { dtype: "F32", shape: [1], data: new Float64Array(1) } }),
      "INVALID_TENSOR",
      /Float64Array/,
      /Float32Array/,
    );
    expectError(
      () => serializeSafetensors({ a: { ...f32(2), shape: [3] } }),
      "SIZE_MISMATCH",
      /needs 12 bytes/,
      /has 8/,
    );
    expectError(
      () => serializeSafetensors({ a: { dtype: "F4", shape: [3], data: new Uint8Array(2) } }),
      "MISALIGNED_SLICE",
      /12 bits/,
    );
    expectError(() => serializeSafetensors({ "\ud800": f32(1) }), "INVALID_TENSOR", /surrogate/);
  });

  it("rejects metadata values that are not strings", () => {
    expectError(
      () => serializeSafetensors({}, { epoch: 3 } as unknown as Record<string, string>),
      "INVALID_METADATA",
      /"epoch"/,
      /JSON\.stringify/,
    );
  });

  it("refuses to write a header over 100,000,000 bytes", () => {
    expectError(
      () => serializeSafetensors({}, { big: "x".repeat(100_000_000) }),
      "HEADER_TOO_LARGE",
      /100000032 bytes/, // {"__metadata__":{"big":"x..."}} is 100000027 bytes, padded to 8
      /fewer tensors or shorter metadata/,
    );
  });

  it("accepts raw little-endian bytes as a Uint8Array for any dtype", () => {
    const raw = new Uint8Array(new Float32Array([0.5]).buffer);
    const { tensors } = parseSafetensors(
      serializeSafetensors({ a: { dtype: "F32", shape: [1], data: raw } }),
    );
    expect(tensors.a?.data).toEqual(new Float32Array([0.5]));
  });

  it("lists every reference dtype exactly once", () => {
    expect(new Set(SAFETENSORS_DTYPES).size).toBe(22);
  });
});

describe("files: readSafetensors, writeSafetensors, lazy reads", () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), "st-"));
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it("writes atomically (no temp file left) and the file equals serializeSafetensors", async () => {
    const tensors = { w: { dtype: "F32" as const, shape: [2], data: new Float32Array([3, 4]) } };
    const p = join(dir, "a.safetensors");
    await writeSafetensors(p, tensors, { note: "x" });
    await writeSafetensors(p, tensors, { note: "x" }); // overwrite in place
    expect(new Uint8Array(await readFile(p))).toEqual(serializeSafetensors(tensors, { note: "x" }));
    expect((await readdir(dir)).filter((f) => f.startsWith("."))).toEqual([]);
    const back = await readSafetensors(p);
    expect(back.tensors.w?.data).toEqual(new Float32Array([3, 4]));
    expect(back.metadata).toEqual({ note: "x" });
  });

  it("reads one tensor of a file whose other tensor is 1 GiB, without reading the rest", async () => {
    // A sparse file: the header claims a 1 GiB tensor; only the small one holds real bytes.
    const big = 2 ** 28;
    const h = `{"big":${entry("F32", [big], 0, big * 4)},"small":${entry("F32", [2], big * 4, big * 4 + 8)}}`;
    const padded = h + " ".repeat((8 - (h.length % 8)) % 8);
    const p = join(dir, "sparse.safetensors");
    const { open } = await import("node:fs/promises");
    const fh = await open(p, "w");
    await fh.write(build(padded));
    await fh.write(
      new Uint8Array(new Float32Array([6, 7]).buffer),
      0,
      8,
      8 + padded.length + big * 4,
    );
    await fh.close();
    const file = await openSafetensors(p);
    expect(file.names()).toEqual(["big", "small"]);
    expect(file.info("big").byteLength).toBe(2 ** 30);
    const small = await file.read("small");
    expect(small.data).toEqual(new Float32Array([6, 7]));
    expectError(() => file.info("nope"), "TENSOR_NOT_FOUND", /"nope"/, /"small"/);
    await file.close();
    await expect(file.read("small")).rejects.toMatchObject({ code: "CLOSED" });
    const header = await readSafetensorsHeader(p);
    expect(header.dataLength).toBe(2 ** 30 + 8);
  });

  it("rejects malformed files on open, before reading the data", async () => {
    const p = join(dir, "bad.safetensors");
    await writeFile(p, build(`{"a":${entry("F32", [4], 0, 16)}}`, 4));
    await expect(openSafetensors(p)).rejects.toMatchObject({ code: "OFFSETS_PAST_END" });
    await writeFile(p, build("{}", 0, 10n ** 8n));
    await expect(readSafetensors(p)).rejects.toMatchObject({ code: "INVALID_HEADER_LENGTH" });
    await writeFile(p, new Uint8Array(3));
    await expect(readSafetensors(p)).rejects.toMatchObject({ code: "HEADER_TOO_SMALL" });
  });
});
