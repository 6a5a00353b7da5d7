"""End-to-end port fixtures made by real PyTorch.

Run from the package folder with Debian's PyTorch (`apt-get install python3-torch`):

    /usr/bin/python3 scripts/make-torch-fixtures.py

For each model it writes, under fixtures/:
  <name>.safetensors     the model's state_dict (float32; BatchNorm's num_batches_tracked is int64)
  <name>-io.safetensors  "input" (NCHW, as PyTorch consumes it) and "output" (PyTorch's eval() output)
The `safetensors` module is used when importable; otherwise the same format is written here with
struct + json (8-byte little-endian header length, JSON header, raw little-endian data).
"""
import json
import os
import struct

import torch
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures")


class SmallCNN(nn.Module):
    """conv -> relu -> pool -> conv stride 2 -> relu -> flatten -> linear, on a 16x12 input."""

    def __init__(self):
        super().__init__()
        self.features = nn.Sequential(
            nn.Conv2d(3, 8, 3, padding=1),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(8, 16, 3, stride=2, padding=1),
            nn.ReLU(),
        )
        self.classifier = nn.Linear(16 * 4 * 3, 10)

    def forward(self, x):
        return self.classifier(torch.flatten(self.features(x), 1))


class BNDepthwiseCNN(nn.Module):
    """conv (no bias) -> BN -> relu -> depthwise conv (x2) -> BN -> relu -> conv-transpose -> relu
    -> avg pool -> flatten -> linear, on a 10x8 input."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(8)
        self.dw = nn.Conv2d(8, 16, 3, padding=1, groups=8)
        self.bn2 = nn.BatchNorm2d(16)
        self.up = nn.ConvTranspose2d(16, 4, 2, stride=2)
        self.pool = nn.AvgPool2d(4)
        self.head = nn.Linear(4 * 5 * 4, 6)

    def forward(self, x):
        x = torch.relu(self.bn1(self.stem(x)))
        x = torch.relu(self.bn2(self.dw(x)))
        x = torch.relu(self.up(x))
        x = self.pool(x)
        return self.head(x.view(x.shape[0], -1))


DTYPES = {torch.float32: "F32", torch.int64: "I64"}


def save_safetensors(tensors, path, metadata):
    try:
        from safetensors.torch import save_file
    except ImportError:
        save_file = None
    if save_file is not None:
        save_file({k: v.contiguous() for k, v in tensors.items()}, path, metadata=metadata)
        return "safetensors " + __import__("safetensors").__version__
    header = {"__metadata__": metadata}
    blobs = []
    offset = 0
    for name, t in tensors.items():
        data = t.contiguous().numpy().astype(t.numpy().dtype.newbyteorder("<")).tobytes()
        header[name] = {
            "dtype": DTYPES[t.dtype],
            "shape": list(t.shape),
            "data_offsets": [offset, offset + len(data)],
        }
        blobs.append(data)
        offset += len(data)
    text = json.dumps(header, separators=(",", ":")).encode("utf-8")
    text += b" " * ((8 - len(text) % 8) % 8)
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(text)))
        f.write(text)
        for b in blobs:
            f.write(b)
    return "struct+json writer"


def export(name, model, input_shape, seed):
    g = torch.Generator().manual_seed(seed)
    model.eval()
    x = torch.randn(*input_shape, generator=g)
    with torch.no_grad():
        y = model(x)
    state = {k: v.detach().clone() for k, v in model.state_dict().items()}
    meta = {
        "model": name,
        "torch": torch.__version__,
        "made_by": "packages/tensor-layout/scripts/make-torch-fixtures.py",
        # safetensors stores tensors sorted by name; this keeps the module (forward) order.
        "state_dict_keys": json.dumps(list(state.keys())),
    }
    writer = save_safetensors(state, os.path.join(OUT, f"{name}.safetensors"), meta)
    save_safetensors({"input": x, "output": y}, os.path.join(OUT, f"{name}-io.safetensors"), meta)
    print(f"{name}: {len(state)} tensors, input {list(x.shape)}, output {list(y.shape)} ({writer})")


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.manual_seed(0)
    export("small-cnn", SmallCNN(), (2, 3, 16, 12), seed=1)

    torch.manual_seed(1)
    model = BNDepthwiseCNN()
    g = torch.Generator().manual_seed(2)
    with torch.no_grad():
        for bn in (model.bn1, model.bn2):
            c = bn.num_features
            bn.weight.copy_(1 + 0.2 * torch.randn(c, generator=g))
            bn.bias.copy_(0.1 * torch.randn(c, generator=g))
            bn.running_mean.copy_(0.3 * torch.randn(c, generator=g))
            bn.running_var.copy_(0.5 + torch.rand(c, generator=g))
            bn.num_batches_tracked.fill_(100)
    export("bn-depthwise-cnn", model, (2, 3, 10, 8), seed=3)


if __name__ == "__main__":
    main()
