"""Reference safetensors files built byte by byte from the format specification.

The Python `safetensors` library is not installable here (not in Debian bookworm, and
PyPI is out of reach), so these files are written by this independent script, which
follows the format rules directly and takes the tensor values from NumPy and PyTorch:

  * 8-byte little-endian unsigned header length N, then N bytes of UTF-8 JSON;
  * "__metadata__" (a string -> string map) serialized first;
  * tensors sorted by dtype in the reference writer's order (widest first), then by
    name (UTF-8 bytes), laid out contiguously from offset 0 with no padding;
  * the JSON written compactly (no spaces) and padded with spaces (0x20) to a
    multiple of 8.

Run: python3 packages/checkpoint/scripts/make-reference-files.py
It writes fixtures/reference/*.safetensors and fixtures/reference/expected.json
(per tensor: dtype, shape, little-endian data bytes as hex, and values for floats/ints).
"""
import json
import os
import struct

import numpy as np
import torch

ORDER = ["BOOL", "F4", "F6_E2M3", "F6_E3M2", "U8", "I8", "F8_E5M2", "F8_E4M3", "F8_E8M0",
         "F8_E4M3FNUZ", "F8_E5M2FNUZ", "I16", "U16", "F16", "BF16", "I32", "U32", "F32", "C64",
         "F64", "I64", "U64"]
HERE = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures", "reference")


def write(name, tensors, metadata=None):
    """tensors: dict name -> (dtype string, shape list, raw little-endian bytes)."""
    items = sorted(tensors.items(), key=lambda kv: (-ORDER.index(kv[1][0]), kv[0].encode("utf-8")))
    header = {}
    if metadata is not None:
        header["__metadata__"] = metadata
    offset = 0
    for tname, (dtype, shape, raw) in items:
        header[tname] = {"dtype": dtype, "shape": shape, "data_offsets": [offset, offset + len(raw)]}
        offset += len(raw)
    text = json.dumps(header, separators=(",", ":"), ensure_ascii=False).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(os.path.join(HERE, name), "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for _, (_, _, raw) in items:
            f.write(raw)
    return {t: {"dtype": d, "shape": s, "hex": r.hex()} for t, (d, s, r) in tensors.items()}


def np_tensor(dtype, arr):
    arr = np.asarray(arr, order="C")  # ascontiguousarray would turn a 0-d scalar into shape [1]
    return (dtype, list(arr.shape), arr.astype(arr.dtype.newbyteorder("<")).tobytes())


expected = {}
values = {}

bf16 = torch.tensor([[1.0, -2.5], [3.140625, 1e30]], dtype=torch.bfloat16)
all_dtypes = {
    "bool": np_tensor("BOOL", np.array([True, False, True])),
    "u8": np_tensor("U8", np.array([0, 7, 255], dtype=np.uint8)),
    "i8": np_tensor("I8", np.array([-128, 0, 127], dtype=np.int8)),
    "i16": np_tensor("I16", np.array([-32768, 1, 32767], dtype=np.int16)),
    "u16": np_tensor("U16", np.array([0, 1, 65535], dtype=np.uint16)),
    "f16": np_tensor("F16", np.array([[1.0, -2.0], [65504.0, 0.0999755859375]], dtype=np.float16)),
    "bf16": ("BF16", [2, 2], bf16.view(torch.int16).numpy().astype("<i2").tobytes()),
    "i32": np_tensor("I32", np.array([-(2**31), 0, 2**31 - 1], dtype=np.int32)),
    "u32": np_tensor("U32", np.array([0, 2**32 - 1], dtype=np.uint32)),
    "f32": np_tensor("F32", np.arange(6, dtype=np.float32).reshape(2, 3) / 4 - 0.5),
    "c64": np_tensor("C64", np.array([1 + 2j, -0.5 - 1j], dtype=np.complex64)),
    "f64": np_tensor("F64", np.array([np.pi, -1e300], dtype=np.float64)),
    "i64": np_tensor("I64", np.array([-(2**63), 2**53 + 1, 2**63 - 1], dtype=np.int64)),
    "u64": np_tensor("U64", np.array([0, 2**64 - 1], dtype=np.uint64)),
    # 8-bit floats: E4M3 1.0 = 0x38, -2.0 = 0xC0; E5M2 1.0 = 0x3C, 0.5 = 0x38 (bit layouts per OCP FP8)
    "f8_e4m3": ("F8_E4M3", [2], bytes([0x38, 0xC0])),
    "f8_e5m2": ("F8_E5M2", [2], bytes([0x3C, 0x38])),
    # four 4-bit values packed two per byte
    "f4": ("F4", [2, 2], bytes([0x21, 0x43])),
}
expected["all-dtypes.safetensors"] = {
    "metadata": {"format": "pt"},
    "tensors": write("all-dtypes.safetensors", all_dtypes, {"format": "pt"}),
}
values["f32"] = (np.arange(6, dtype=np.float32) / 4 - 0.5).tolist()
values["bf16"] = bf16.float().flatten().tolist()
values["f16"] = [1.0, -2.0, 65504.0, 0.0999755859375]
values["f64"] = [float(np.pi), -1e300]
values["i64"] = [str(-(2**63)), str(2**53 + 1), str(2**63 - 1)]
values["c64"] = [1.0, 2.0, -0.5, -1.0]

scalar_empty = {
    "scalar": np_tensor("F32", np.array(42.5, dtype=np.float32)),
    "empty": np_tensor("F32", np.zeros((0, 3), dtype=np.float32)),
    "empty_i64": np_tensor("I64", np.zeros((0,), dtype=np.int64)),
    "one": np_tensor("U8", np.array([9], dtype=np.uint8)),
}
expected["scalar-and-empty.safetensors"] = {
    "metadata": None,
    "tensors": write("scalar-and-empty.safetensors", scalar_empty),
}

meta = {"note": "caf\u00e9 \u2603 \"quoted\"\n"}
expected["metadata-only.safetensors"] = {
    "metadata": meta,
    "tensors": write("metadata-only.safetensors", {}, meta),
}

with open(os.path.join(HERE, "expected.json"), "w") as f:
    json.dump({"files": expected, "values": values}, f, indent=1)
print("wrote", ", ".join(expected))
