import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { interopTensors } from "../scripts/interop-tensors.js";
import {
  bfloat16BitsToFloat32,
  float16BitsToFloat32,
  parseSafetensors,
  readSafetensors,
  type SafetensorsDtype,
  serializeSafetensors,
  type TensorInput,
  writeSafetensors,
} from "../src/index.js";

// Reference files built byte by byte from the format rules by scripts/make-reference-files.py,
// values from NumPy/PyTorch (see fixtures/README.md for why not the Python safetensors library).
const refDir = new URL("../fixtures/reference/", import.meta.url);
interface Expected {
  files: Record<
    string,
    {
      metadata: Record<string, string> | null;
      tensors: Record<string, { dtype: SafetensorsDtype; shape: number[]; hex: string }>;
    }
  >;
  values: Record<string, (number | string)[]>;
}
const expected = JSON.parse(readFileSync(new URL("expected.json", refDir), "utf8")) as Expected;
const fromHex = (h: string) => new Uint8Array(Buffer.from(h, "hex"));
const bytesOf = (v: ArrayBufferView) => new Uint8Array(v.buffer, v.byteOffset, v.byteLength);

describe("reference files (every dtype, a scalar, zero-size tensors, metadata)", () => {
  for (const [file, want] of Object.entries(expected.files)) {
    it(`reads ${file} bit-identically`, async () => {
      const got = await readSafetensors(new URL(file, refDir).pathname);
      expect(got.metadata).toEqual(want.metadata ?? {});
      expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(want.tensors).sort());
      for (const [name, t] of Object.entries(want.tensors)) {
        const g = got.tensors[name];
        expect(g?.dtype, name).toBe(t.dtype);
        expect(g?.shape, name).toEqual(t.shape);
        expect(bytesOf(g?.data as ArrayBufferView), name).toEqual(fromHex(t.hex));
      }
    });

    it(`re-serializes ${file} to the same bytes (same ordering, offsets, padding)`, () => {
      const inputs: Record<string, TensorInput> = {};
      for (const [name, t] of Object.entries(want.tensors)) {
        inputs[name] = { dtype: t.dtype, shape: t.shape, data: fromHex(t.hex) };
      }
      const ours = serializeSafetensors(inputs, want.metadata);
      expect(ours).toEqual(new Uint8Array(readFileSync(new URL(file, refDir))));
    });
  }

  it("decodes values as NumPy/PyTorch hold them", async () => {
    const { tensors } = await readSafetensors(new URL("all-dtypes.safetensors", refDir).pathname);
    const v = expected.values;
    expect(Array.from(tensors.f32?.data as Float32Array)).toEqual(v.f32);
    expect(Array.from(tensors.f64?.data as Float64Array)).toEqual(v.f64);
    expect(Array.from(tensors.c64?.data as Float32Array)).toEqual(v.c64);
    expect(Array.from(tensors.i64?.data as BigInt64Array, String)).toEqual(v.i64);
    expect(Array.from(tensors.f16?.data as Uint16Array, float16BitsToFloat32)).toEqual(v.f16);
    expect(Array.from(tensors.bf16?.data as Uint16Array, bfloat16BitsToFloat32)).toEqual(v.bf16);
    expect(tensors.bool?.data).toEqual(new Uint8Array([1, 0, 1]));
    const scalar = await readSafetensors(new URL("scalar-and-empty.safetensors", refDir).pathname);
    expect(scalar.tensors.scalar?.shape).toEqual([]);
    expect(scalar.tensors.scalar?.data).toEqual(new Float32Array([42.5]));
    expect(scalar.tensors.empty?.shape).toEqual([0, 3]);
  });
});

// Written on a machine with the Python safetensors library 0.8.0 and PyTorch 2.11 by
// scripts/python-interop.py (see fixtures/README.md).
describe("the Python safetensors library (fixtures it wrote and checked)", () => {
  const pyDir = new URL("../fixtures/python/", import.meta.url);
  const torchToOurs: Record<string, SafetensorsDtype> = {
    "torch.float32": "F32",
    "torch.float64": "F64",
    "torch.float16": "F16",
    "torch.bfloat16": "BF16",
    "torch.int64": "I64",
    "torch.int32": "I32",
    "torch.int16": "I16",
    "torch.int8": "I8",
    "torch.uint8": "U8",
    "torch.uint16": "U16",
    "torch.uint32": "U32",
    "torch.uint64": "U64",
    "torch.bool": "BOOL",
    "torch.complex64": "C64",
    "torch.float8_e4m3fn": "F8_E4M3",
    "torch.float8_e5m2": "F8_E5M2",
  };

  it("reads a file written by safetensors.torch.save_file bit-identically (every dtype, scalar, empty, metadata)", async () => {
    const want = JSON.parse(readFileSync(new URL("python-written.json", pyDir), "utf8")) as Record<
      string,
      { dtype: string; shape: number[]; hex: string }
    >;
    const got = await readSafetensors(new URL("python-written.safetensors", pyDir).pathname);
    expect(got.metadata).toEqual({ format: "pt", writer: "safetensors 0.8.0" });
    expect(Object.keys(got.tensors).sort()).toEqual(Object.keys(want).sort());
    for (const [name, t] of Object.entries(want)) {
      const g = got.tensors[name];
      expect(g?.dtype, name).toBe(torchToOurs[t.dtype]);
      expect(g?.shape, name).toEqual(t.shape);
      expect(bytesOf(g?.data as ArrayBufferView), name).toEqual(fromHex(t.hex));
    }
  });

  it("our writer produces the exact bytes the Python library produces for the same tensors", () => {
    const report = JSON.parse(readFileSync(new URL("report.json", pyDir), "utf8"));
    // Python loaded fixtures/interop/ours.safetensors: every tensor bit-identical,
    // and safetensors.torch.save() of the same tensors gave the same bytes.
    expect(Object.values(report.ours_loaded).every((r) => r === "ok")).toBe(true);
    expect(report.python_bytes_equal_ours).toBe(true);
    const ours = serializeSafetensors(interopTensors(), { format: "pt" });
    expect(ours).toEqual(
      new Uint8Array(
        readFileSync(new URL("../fixtures/interop/ours.safetensors", import.meta.url)),
      ),
    );
  });
});

describe("files we write obey the format rules", () => {
  it("header: LE length, JSON padded with spaces to 8, tensors aligned, contiguous, in reference order", () => {
    const bytes = serializeSafetensors(
      {
        z: { dtype: "U8", shape: [3], data: new Uint8Array(3) },
        a: { dtype: "F64", shape: [1], data: new Float64Array(1) },
        m: { dtype: "BF16", shape: [3], data: new Uint16Array(3) },
        k: { dtype: "I32", shape: [1], data: new Int32Array(1) },
      },
      { step: "7" },
    );
    const n = Number(new DataView(bytes.buffer).getBigUint64(0, true));
    expect((8 + n) % 8).toBe(0);
    const text = new TextDecoder().decode(bytes.subarray(8, 8 + n));
    expect(text.trimEnd().length).toBeLessThan(text.length + 1);
    expect(/^[^ ]*\}( *)$/.test(text)).toBe(true);
    const header = JSON.parse(text);
    expect(Object.keys(header)).toEqual(["__metadata__", "a", "k", "m", "z"]);
    let end = 0;
    for (const k of ["a", "k", "m", "z"]) {
      const [b, e] = header[k].data_offsets;
      expect(b).toBe(end);
      const size = { F64: 8, I32: 4, BF16: 2, U8: 1 }[header[k].dtype as string] as number;
      expect((8 + n + b) % size).toBe(0);
      end = e;
    }
    expect(8 + n + end).toBe(bytes.byteLength);
    expect(parseSafetensors(bytes).metadata).toEqual({ step: "7" });
  });
});

const python = "/usr/bin/python3";
const hasPythonSafetensors =
  spawnSync(python, ["-c", "import safetensors.numpy"], { stdio: "ignore" }).status === 0;
if (!hasPythonSafetensors) {
  console.warn(
    "[checkpoint interop] Python `safetensors` is not installed: skipping the load-in-Python test (pip install safetensors numpy to run it).",
  );
}

describe.skipIf(!hasPythonSafetensors)("Python safetensors library", () => {
  it("loads the files we write, values bit-identical", async () => {
    const dir = mkdtempSync(join(tmpdir(), "st-py-"));
    try {
      const p = join(dir, "ours.safetensors");
      await writeSafetensors(
        p,
        {
          f32: { dtype: "F32", shape: [2, 2], data: new Float32Array([1, 2, 3, 4]) },
          i64: { dtype: "I64", shape: [1], data: new BigInt64Array([-5n]) },
          s: { dtype: "F64", shape: [], data: new Float64Array([0.5]) },
          e: { dtype: "U8", shape: [0], data: new Uint8Array(0) },
        },
        { who: "trainkit" },
      );
      const script = `
import json, sys
from safetensors import safe_open
from safetensors.numpy import load_file
t = load_file(sys.argv[1])
with safe_open(sys.argv[1], "np") as f:
    meta = f.metadata()
print(json.dumps({k: {"shape": list(v.shape), "values": v.flatten().tolist()} for k, v in t.items()} | {"__meta": meta}))
`;
      const out = JSON.parse(execFileSync(python, ["-c", script, p], { encoding: "utf8" }));
      expect(out.f32).toEqual({ shape: [2, 2], values: [1, 2, 3, 4] });
      expect(out.i64).toEqual({ shape: [1], values: [-5] });
      expect(out.s).toEqual({ shape: [], values: [0.5] });
      expect(out.e).toEqual({ shape: [0], values: [] });
      expect(out.__meta).toEqual({ who: "trainkit" });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
