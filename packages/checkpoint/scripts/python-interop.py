"""Interop check against the Python safetensors library and PyTorch.

Run where `safetensors` and `torch` are installed:
  python3 packages/checkpoint/scripts/python-interop.py OURS.safetensors OUTDIR
It builds the tensors of scripts/interop-tensors.ts in PyTorch and
  1. loads OURS (written by @trainkit/checkpoint) with safetensors.torch.load_file
     and compares every tensor bit for bit and the metadata;
  2. serializes the same tensors with safetensors.torch.save and compares the bytes
     with OURS (same layout rules => identical files);
  3. writes OUTDIR/python-written.safetensors with safetensors.torch.save_file and
     OUTDIR/python-written.json (dtype, shape, little-endian bytes as hex per tensor);
  4. writes OUTDIR/report.json with the results and versions.
"""
import json
import math
import os
import sys

import safetensors
import torch
from safetensors.torch import load_file, save, save_file

ours_path, out = sys.argv[1], sys.argv[2]
os.makedirs(out, exist_ok=True)


def from_bits(bits, dtype):
    return torch.tensor(bits, dtype=torch.int32).to(torch.uint8).view(dtype)


t = {
    "f32": (torch.arange(12, dtype=torch.float32) / 8 - 0.5).reshape(3, 4),
    "f64": torch.tensor([math.pi, -1e300], dtype=torch.float64),
    "f16": torch.tensor([[1, -2], [65504, 0.1]], dtype=torch.float16),
    "bf16": torch.tensor([1, -2.5, 3.140625, 0.1], dtype=torch.float32).to(torch.bfloat16),
    "i64": torch.tensor([-(2**63), 2**53 + 1, 2**63 - 1], dtype=torch.int64),
    "i32": torch.tensor([-(2**31), 2**31 - 1], dtype=torch.int32),
    "i16": torch.tensor([-32768, 32767], dtype=torch.int16),
    "i8": torch.tensor([-128, 127], dtype=torch.int8),
    "u8": torch.tensor([0, 7, 255], dtype=torch.uint8),
    "bool": torch.tensor([True, False, True]),
    "c64": torch.tensor([1 + 2j, -0.5 - 1j], dtype=torch.complex64),
    "scalar": torch.tensor(42.5, dtype=torch.float32),
    "empty": torch.zeros((0, 3), dtype=torch.float32),
}
skipped = []
for name, build in [
    ("u16", lambda: torch.tensor([0, 65535], dtype=torch.int32).to(torch.uint16)),
    ("u32", lambda: torch.tensor([0, 2**32 - 1], dtype=torch.int64).to(torch.uint32)),
    ("u64", lambda: torch.tensor([0, -1], dtype=torch.int64).view(torch.uint64)),
    ("f8_e4m3", lambda: from_bits([0x38, 0xC0], torch.float8_e4m3fn)),
    ("f8_e5m2", lambda: from_bits([0x3C, 0x38], torch.float8_e5m2)),
]:
    try:
        t[name] = build()
    except Exception as e:  # older torch
        skipped.append(f"{name}: {e}")


def raw(x):
    x = x.contiguous()
    if x.numel() == 0:
        return ""
    return x.reshape(-1).view(torch.uint8).numpy().tobytes().hex() if x.dtype != torch.bool else x.to(torch.uint8).numpy().tobytes().hex()


report = {"safetensors": safetensors.__version__, "torch": torch.__version__, "skipped": skipped}
loaded = load_file(ours_path)
with safetensors.safe_open(ours_path, "pt") as f:
    report["ours_metadata"] = f.metadata()
cmp = {}
for name, want in t.items():
    got = loaded.get(name)
    cmp[name] = (
        "missing" if got is None
        else "dtype %s != %s" % (got.dtype, want.dtype) if got.dtype != want.dtype
        else "shape %s != %s" % (list(got.shape), list(want.shape)) if got.shape != want.shape
        else "ok" if raw(got) == raw(want) else "bytes differ"
    )
report["ours_loaded"] = cmp
report["ours_extra_tensors"] = sorted(set(loaded) - set(t))
ours_bytes = open(ours_path, "rb").read()
subset = {k: v for k, v in t.items()}
theirs = save(subset, metadata={"format": "pt"})
report["python_bytes_equal_ours"] = theirs == ours_bytes if not skipped else "n/a (skipped dtypes)"
report["python_len"], report["ours_len"] = len(theirs), len(ours_bytes)
if theirs != ours_bytes:
    n1 = int.from_bytes(theirs[:8], "little")
    n2 = int.from_bytes(ours_bytes[:8], "little")
    report["python_header"] = theirs[8 : 8 + n1].decode()
    report["ours_header"] = ours_bytes[8 : 8 + n2].decode()

save_file(t, os.path.join(out, "python-written.safetensors"), metadata={"format": "pt", "writer": "safetensors " + safetensors.__version__})
exp = {k: {"dtype": str(v.dtype), "shape": list(v.shape), "hex": raw(v)} for k, v in t.items()}
json.dump(exp, open(os.path.join(out, "python-written.json"), "w"), indent=1)
json.dump(report, open(os.path.join(out, "report.json"), "w"), indent=1)
print(json.dumps(report, indent=1))
