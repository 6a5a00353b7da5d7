"""End-to-end port fixtures made by real PyTorch.

Run from the package folder with Debian's PyTorch (`apt-get install python3-torch`):

    /usr/bin/python3 scripts/make-torch-fixtures.py [name ...]   # default: every model

For each model it writes, under fixtures/:
  <name>.safetensors     the model's state_dict (float32; BatchNorm's num_batches_tracked is int64)
  <name>-io.safetensors  "input" (NCHW, as PyTorch consumes it) and "output" (PyTorch's eval() output)
The `safetensors` module is used when importable; otherwise the same format is written here with
struct + json (8-byte little-endian header length, JSON header, raw little-endian data). Both
writers lay the tensors out as the safetensors library does: sorted by dtype (widest first), then
by name, so `features.10.weight` comes before `features.2.weight` and the file's order is not the
module order. small-cnn and bn-depthwise-cnn were written by the `safetensors` module; the
conv-transpose fixtures by an earlier struct + json writer that kept the state_dict order; the
long-sequential and named-blocks fixtures (PyTorch 2.13, `python3 scripts/make-torch-fixtures.py
long-sequential named-blocks`) by the sorting struct + json writer.
"""
import json
import os
import struct
import sys

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


class ConvTransposeDecoder(nn.Module):
    """conv -> relu -> ConvTranspose2d(k=3, s=2, padding=1, output_padding=1) -> relu
    -> ConvTranspose2d(k=4, s=2, padding=1), on a 4x3 input (-> 8x6 -> 16x12).
    The first up-sampling layer is the common decoder layer that tfjs 'same' shifts by one row and
    column; the second is one that tfjs 'same' reproduces exactly."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 8, 3, padding=1)
        self.up1 = nn.ConvTranspose2d(8, 4, 3, stride=2, padding=1, output_padding=1)
        self.up2 = nn.ConvTranspose2d(4, 2, 4, stride=2, padding=1)

    def forward(self, x):
        x = torch.relu(self.stem(x))
        x = torch.relu(self.up1(x))
        return self.up2(x)


class ConvTransposeOdd(nn.Module):
    """ConvTranspose2d(k=3, s=2, padding=1) (odd output 2n-1) -> relu
    -> ConvTranspose2d(k=2, s=2, padding=0, output_padding=1) (output_padding > padding: the last
    row and column hold only the bias), on a 3x2 input (-> 5x3 -> 11x7)."""

    def __init__(self):
        super().__init__()
        self.up1 = nn.ConvTranspose2d(4, 3, 3, stride=2, padding=1)
        self.up2 = nn.ConvTranspose2d(3, 2, 2, stride=2, output_padding=1)

    def forward(self, x):
        return self.up2(torch.relu(self.up1(x)))


class LongSequential(nn.Sequential):
    """An nn.Sequential of 18 modules (weighted ones at 0, 1, 3, 4, 6, 7, 10, 11, 15, 17, so the file
    lists 10.* and 15.* before 3.*): conv (no bias) -> BN -> relu -> depthwise conv (x2) -> BN -> relu
    -> 1x1 conv -> BN -> relu -> max pool -> depthwise conv (no bias) -> BN -> relu -> avg pool
    -> flatten -> linear -> relu -> linear, on a 16x16 input."""

    def __init__(self):
        super().__init__(
            nn.Conv2d(3, 8, 3, padding=1, bias=False),
            nn.BatchNorm2d(8),
            nn.ReLU(),
            nn.Conv2d(8, 16, 3, padding=1, groups=8),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.Conv2d(16, 16, 1),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.MaxPool2d(2),
            nn.Conv2d(16, 16, 3, padding=1, groups=16, bias=False),
            nn.BatchNorm2d(16),
            nn.ReLU(),
            nn.AvgPool2d(2),
            nn.Flatten(),
            nn.Linear(16 * 4 * 4, 10),
            nn.ReLU(),
            nn.Linear(10, 5),
        )


def depthwise_block(c):
    return nn.Sequential(nn.Conv2d(c, c, 3, padding=1, groups=c, bias=False), nn.BatchNorm2d(c), nn.ReLU())


class NamedBlocks(nn.Module):
    """Named submodules whose names do not sort in forward order (blocks < head < stem): stem (conv,
    BN, relu) -> blocks (11 identical depthwise blocks: blocks.0 ... blocks.10) -> global average pool
    -> head (flatten, linear, relu, linear), on an 8x8 input."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 12, 3, padding=1, bias=False), nn.BatchNorm2d(12), nn.ReLU())
        self.blocks = nn.Sequential(*[depthwise_block(12) for _ in range(11)])
        self.pool = nn.AdaptiveAvgPool2d(1)
        self.head = nn.Sequential(nn.Flatten(), nn.Linear(12, 16), nn.ReLU(), nn.Linear(16, 5))

    def forward(self, x):
        return self.head(self.pool(self.blocks(self.stem(x))))


def randomize_batchnorm(model, seed):
    """Gives every BatchNorm2d statistics and an affine part far from the defaults (which would
    hide a BN loaded into the wrong layer)."""
    g = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for bn in model.modules():
            if isinstance(bn, nn.BatchNorm2d):
                c = bn.num_features
                bn.weight.copy_(1 + 0.2 * torch.randn(c, generator=g))
                bn.bias.copy_(0.1 * torch.randn(c, generator=g))
                bn.running_mean.copy_(0.3 * torch.randn(c, generator=g))
                bn.running_var.copy_(0.5 + torch.rand(c, generator=g))
                bn.num_batches_tracked.fill_(100)


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
    # The safetensors library's layout: widest dtype first, then by name (UTF-8 bytes).
    ordered = sorted(tensors.items(), key=lambda kv: (-kv[1].element_size(), kv[0].encode("utf-8")))
    for name, t in ordered:
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


def main(names):
    """Writes the named fixtures (default: all). Each model seeds its own RNG, so one can be
    rewritten alone with the same bytes of data."""
    os.makedirs(OUT, exist_ok=True)

    def wanted(name):
        return not names or name in names

    if wanted("small-cnn"):
        torch.manual_seed(0)
        export("small-cnn", SmallCNN(), (2, 3, 16, 12), seed=1)

    if wanted("bn-depthwise-cnn"):
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

    # Added later, with seeds of their own.
    if wanted("conv-transpose-decoder"):
        torch.manual_seed(4)
        export("conv-transpose-decoder", ConvTransposeDecoder(), (2, 3, 4, 3), seed=5)
    if wanted("conv-transpose-odd"):
        torch.manual_seed(6)
        export("conv-transpose-odd", ConvTransposeOdd(), (2, 4, 3, 2), seed=7)
    if wanted("long-sequential"):
        torch.manual_seed(8)
        model = LongSequential()
        randomize_batchnorm(model, seed=9)
        export("long-sequential", model, (2, 3, 16, 16), seed=10)
    if wanted("named-blocks"):
        torch.manual_seed(11)
        model = NamedBlocks()
        randomize_batchnorm(model, seed=12)
        export("named-blocks", model, (2, 3, 8, 8), seed=13)


if __name__ == "__main__":
    main(sys.argv[1:])
