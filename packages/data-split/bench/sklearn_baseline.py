"""scikit-learn's train_test_split on the same data as train-test-split.bench.ts.

Standalone (min / median over BENCH_RUNS rounds):
    python3 bench/sklearn_baseline.py            (BENCH_ROWS, BENCH_RUNS as for the JS bench)

Serving (used by train-test-split.bench.ts to interleave scikit-learn with its own rounds, so that
both see the same machine state): `--serve` builds the data, prints "ready <versions>", then for each
line "plain <seed>", "stratified <seed>", "permutation <seed>" or "memory <seed>" on stdin runs that
once and prints the seconds it took. "memory" allocates and first writes arrays of the split's output
size (what any split pays for its fresh output; numpy asks the kernel for transparent huge pages on
large arrays, so it takes far fewer page faults than 4 KiB pages would).
"""

import os
import sys
import time

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

n = int(os.environ.get("BENCH_ROWS", 10_000_000))
runs = int(os.environ.get("BENCH_RUNS", 5))
X = (np.arange(n * 4, dtype=np.float32) * 0.5).reshape(n, 4)
y = ((np.arange(n, dtype=np.int64) * 7) % 10).astype(np.int32)

def fresh_memory():
    xo = np.empty((n, 4), dtype=np.float32)
    yo = np.empty(n, dtype=np.int32)
    xo.fill(1)
    yo.fill(1)
    return xo, yo


KINDS = {
    "memory": lambda r: fresh_memory(),
    "permutation": lambda r: np.random.RandomState(r).permutation(n),
    "plain": lambda r: train_test_split(X, y, random_state=r),
    "stratified": lambda r: train_test_split(X, y, random_state=r, stratify=y),
}


def once(kind, seed):
    start = time.perf_counter()
    KINDS[kind](seed)
    return time.perf_counter() - start


if "--serve" in sys.argv:
    # Warm up (imports, first-touch of numpy's code paths) on the real data once.
    once("plain", 0)
    print(f"ready scikit-learn {sklearn.__version__}, numpy {np.__version__}", flush=True)
    for line in sys.stdin:
        kind, seed = line.split()
        print(f"{once(kind, int(seed)):.6f}", flush=True)
    sys.exit(0)


def timed(kind):
    t = sorted(once(kind, r) for r in range(runs))
    return t[0], t[len(t) // 2]


print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {n:,} rows x 4 float32 + int32 labels")
for k in KINDS:
    lo, med = timed(k)
    print(f"sklearn {k}: {lo:.3f} / {med:.3f} s (min / median)")
