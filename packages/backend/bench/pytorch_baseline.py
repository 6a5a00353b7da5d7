"""The demo CNN in PyTorch, for comparison with bench/wasm-cnn.bench.ts on the same machine.

Conv2d(1,16,3)+ReLU -> MaxPool(2) -> Conv2d(16,32,3)+ReLU -> MaxPool(2) -> Flatten -> Linear(800,10),
Adam 1e-3, 2048 random 28x28x1 images, batch 64, one epoch timed after one warm-up epoch.

    /usr/bin/python3 packages/backend/bench/pytorch_baseline.py [threads]   (Debian's python3-torch)
"""
import sys
import time

import torch
from torch import nn

torch.manual_seed(42)
if len(sys.argv) > 1:
    torch.set_num_threads(int(sys.argv[1]))
model = nn.Sequential(
    nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
    nn.Flatten(), nn.Linear(800, 10),
)
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
x = torch.rand(2048, 1, 28, 28)
y = torch.randint(0, 10, (2048,))


def epoch():
    for i in range(0, 2048, 64):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i:i + 64]), y[i:i + 64])
        loss.backward()
        optimizer.step()


epoch()
t0 = time.perf_counter()
epoch()
print(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads: {time.perf_counter() - t0:.3f} s per epoch")
