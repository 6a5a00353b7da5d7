"""Golden float16 / bfloat16 encodings from PyTorch (round to nearest even).

Run: python3 packages/checkpoint/scripts/make-half-golden.py
Writes packages/checkpoint/fixtures/half-precision-torch.json: float32 inputs
(as uint32 bit patterns) and the float16 and bfloat16 bit patterns that
torch.Tensor.to(torch.float16 / torch.bfloat16) produces for them.
"""
import json
import os

import torch

g = torch.Generator().manual_seed(20240601)
special = torch.tensor(
    [0.0, -0.0, 1.0, -2.0, 0.1, 1 / 3, 65504.0, 65519.0, 65520.0, 1e6, -1e6,
     2.0**-24, 2.0**-25, 3 * 2.0**-26, 2.0**-14, 2.0**-14 - 2.0**-24, 1 + 2.0**-11,
     1 + 3 * 2.0**-11, 1 + 2.0**-8, 1 + 3 * 2.0**-8, 3.14159265, 1e-8, 3.4e38,
     float("inf"), float("-inf")],
    dtype=torch.float32,
)
wide = torch.exp(torch.empty(2000).uniform_(-20, 12, generator=g)) * torch.sign(torch.randn(2000, generator=g))
narrow = torch.randn(2000, generator=g)
# values exactly halfway between two float16 / bfloat16 numbers
ties16 = (torch.randint(0, 0x7800, (300,), generator=g, dtype=torch.int32).to(torch.int16).view(torch.float16).float())
ties16 = ties16 + ties16.abs() * 2.0**-11
tiesbf = (torch.randint(0, 0x7f00, (300,), generator=g, dtype=torch.int32) << 16).view(torch.float32)
tiesbf = tiesbf + tiesbf.abs() * 2.0**-8
x = torch.cat([special, wide.float(), narrow.float(), ties16, tiesbf]).float()

out = {
    "source": f"torch {torch.__version__}: x.to(torch.float16) and x.to(torch.bfloat16), bits via .view(torch.int16)",
    "f32_bits": (x.view(torch.int32).to(torch.int64) & 0xFFFFFFFF).tolist(),
    "f16_bits": (x.to(torch.float16).view(torch.int16).to(torch.int64) & 0xFFFF).tolist(),
    "bf16_bits": (x.to(torch.bfloat16).view(torch.int16).to(torch.int64) & 0xFFFF).tolist(),
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "half-precision-torch.json")
with open(path, "w") as f:
    json.dump(out, f)
print(f"wrote {len(out['f32_bits'])} values to {path}")
