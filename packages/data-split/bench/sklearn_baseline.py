"""scikit-learn's train_test_split on the same data as train-test-split.bench.ts.

Run on the machine where the JS benchmark runs, so the ratio compares like with like:
    python3 bench/sklearn_baseline.py            (BENCH_ROWS, BENCH_RUNS as for the JS bench)
"""

import os
import time

import numpy as np
import sklearn
from sklearn.model_selection import train_test_split

n = int(os.environ.get("BENCH_ROWS", 10_000_000))
runs = int(os.environ.get("BENCH_RUNS", 5))
X = (np.arange(n * 4, dtype=np.float32) * 0.5).reshape(n, 4)
y = ((np.arange(n, dtype=np.int64) * 7) % 10).astype(np.int32)


def timed(fn):
    t = []
    for r in range(runs):
        start = time.perf_counter()
        fn(r)
        t.append(time.perf_counter() - start)
    t.sort()
    return t[0], t[len(t) // 2]


res = {
    "permutation": timed(lambda r: np.random.RandomState(r).permutation(n)),
    "plain": timed(lambda r: train_test_split(X, y, random_state=r)),
    "stratified": timed(lambda r: train_test_split(X, y, random_state=r, stratify=y)),
}
print(f"scikit-learn {sklearn.__version__}, numpy {np.__version__}, {n:,} rows x 4 float32 + int32 labels")
for k, (lo, med) in res.items():
    print(f"sklearn {k}: {lo:.3f} / {med:.3f} s (min / median)")
