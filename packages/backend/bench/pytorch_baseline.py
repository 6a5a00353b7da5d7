"""The benchmark CNNs in PyTorch, for comparison with the tfjs benches on the same machine.

demo: Conv2d(1,16,3)+ReLU -> MaxPool(2) -> Conv2d(16,32,3)+ReLU -> MaxPool(2) -> Flatten -> Linear(800,10)
wide: Conv2d(1,64,3)+ReLU -> MaxPool(2) -> Conv2d(64,128,3)+ReLU -> MaxPool(2) -> Flatten
      -> Linear(3200,128)+ReLU -> Linear(128,10)
Adam 1e-3, cross-entropy on the logits, 2048 random 28x28x1 images (NCHW here), batch 64, no
shuffling; one warm-up epoch, then the timed epochs.

PyTorch is not a dependency of this repo. Get the CPU build with
    python3 -m pip install torch==2.13.0+cpu
(from an index that carries the +cpu wheels, e.g. --index-url https://download.pytorch.org/whl/cpu).

    python3 packages/backend/bench/pytorch_baseline.py [threads]
    python3 packages/backend/bench/pytorch_baseline.py --model=wide --threads=1 --epochs=5 --json

--threads: torch.set_num_threads (default: PyTorch's own choice, one per core).
--json: print one line `RESULT {...}` with every epoch's seconds (used by native-vs-torch.bench.ts).
"""
import argparse
import json
import statistics
import time

import torch
from torch import nn

parser = argparse.ArgumentParser()
parser.add_argument("threads_pos", nargs="?", type=int, help="same as --threads")
parser.add_argument("--threads", type=int)
parser.add_argument("--model", choices=["demo", "wide"], default="demo")
parser.add_argument("--epochs", type=int, default=1)
parser.add_argument("--samples", type=int, default=2048)
parser.add_argument("--batch", type=int, default=64)
parser.add_argument("--json", action="store_true")
args = parser.parse_args()

threads = args.threads if args.threads is not None else args.threads_pos
torch.manual_seed(42)
if threads is not None:
    torch.set_num_threads(threads)

if args.model == "demo":
    model = nn.Sequential(
        nn.Conv2d(1, 16, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(16, 32, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(800, 10),
    )
else:
    model = nn.Sequential(
        nn.Conv2d(1, 64, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Conv2d(64, 128, 3), nn.ReLU(), nn.MaxPool2d(2),
        nn.Flatten(), nn.Linear(3200, 128), nn.ReLU(), nn.Linear(128, 10),
    )
optimizer = torch.optim.Adam(model.parameters(), lr=1e-3)
loss_fn = nn.CrossEntropyLoss()
n, batch = args.samples, args.batch
x = torch.rand(n, 1, 28, 28)
y = torch.randint(0, 10, (n,))


def epoch():
    for i in range(0, n, batch):
        optimizer.zero_grad()
        loss = loss_fn(model(x[i:i + batch]), y[i:i + batch])
        loss.backward()
        optimizer.step()
    return loss


epoch()
times = []
for _ in range(args.epochs):
    t0 = time.perf_counter()
    last = epoch()
    times.append(time.perf_counter() - t0)

if args.json:
    print("RESULT " + json.dumps({
        "torch": torch.__version__,
        "threads": torch.get_num_threads(),
        "model": args.model,
        "epochs": times,
        "loss": float(last),
    }))
else:
    print(f"PyTorch {torch.__version__}, {args.model} CNN, {torch.get_num_threads()} threads: "
          f"{min(times):.3f} s per epoch (min), {statistics.median(times):.3f} (median of {len(times)})")
