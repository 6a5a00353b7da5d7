"""Reference values for rearrange / reduce / repeat, computed by the einops library itself.

Run with Debian's python3 (numpy) and einops 0.8.x importable, from the package folder:

    PYTHONPATH=<dir with einops> /usr/bin/python3 scripts/make-einops-fixtures.py

Writes fixtures/einops-cases.json: for each case the operation, pattern, axis lengths, input shape
(input values are 0, 1, 2, ... in row-major order, as float32) and einops's output shape and values;
for each error case einops's exception message.
"""
import json
import os

import einops
import numpy as np

OK = [
    # rearrange: permutations, composition, decomposition, ellipsis, anonymous 1 axes
    ("rearrange", "b c h w -> b h w c", (2, 3, 4, 5), {}),
    ("rearrange", "b h w c -> b c h w", (2, 4, 5, 3), {}),
    ("rearrange", "c h w -> h w c", (3, 2, 4), {}),
    ("rearrange", "b c h w -> b (c h w)", (2, 3, 2, 2), {}),
    ("rearrange", "b c h w -> b (h w c)", (2, 3, 2, 2), {}),
    ("rearrange", "b c h w -> (b h) w c", (2, 3, 2, 4), {}),
    ("rearrange", "b (h h2) (w w2) c -> b h w (c h2 w2)", (1, 4, 6, 2), {"h2": 2, "w2": 2}),
    ("rearrange", "b (h h2) w -> b h h2 w", (2, 6, 3), {"h2": 3}),
    ("rearrange", "b (h h2) w -> b h h2 w", (2, 6, 3), {"h": 3}),
    ("rearrange", "(b1 b2) h w c -> (b1 h) (b2 w) c", (4, 2, 3, 1), {"b1": 2}),
    ("rearrange", "o (c h w) -> (h w c) o", (3, 12), {"c": 3, "h": 2, "w": 2}),
    ("rearrange", "... c -> c ...", (2, 3, 4), {}),
    ("rearrange", "b ... c -> b c ...", (2, 3, 4, 5), {}),
    ("rearrange", "b ... -> b (...)", (2, 3, 4), {}),
    ("rearrange", "... h w -> ... (w h)", (2, 3, 4), {}),
    ("rearrange", "a b c d ... -> a b c ... d", (1, 2, 1, 3), {}),
    ("rearrange", "... -> (...)", (2, 3), {}),
    ("rearrange", "h w -> 1 h w 1", (2, 3), {}),
    ("rearrange", "h w -> () h () w", (2, 3), {}),
    ("rearrange", "b 1 h -> b h", (2, 1, 3), {}),
    ("rearrange", "b () h -> h b", (2, 1, 3), {}),
    ("rearrange", "b (h 1) -> b h", (2, 3), {}),
    ("rearrange", "a b c -> a b c", (2, 3, 4), {}),
    ("rearrange", "a b c -> c b a", (2, 3, 4), {}),
    ("rearrange", "a b c d e -> (a b) c d e", (2, 1, 3, 2, 2), {}),
    ("rearrange", "a b c d e -> a b (c d) e", (2, 1, 3, 2, 2), {}),
    ("rearrange", "a b c d e -> (e a) (b c) d", (2, 1, 3, 2, 2), {}),
    # reduce
    ("reduce", "b c h w -> b c", (2, 3, 2, 2), {}, "mean"),
    ("reduce", "b c h w -> b c 1 1", (2, 3, 2, 2), {}, "max"),
    ("reduce", "b c h w -> b c () ()", (2, 3, 2, 2), {}, "sum"),
    ("reduce", "b (h 2) (w 2) c -> b h w c", (1, 4, 4, 2), {}, "max"),
    ("reduce", "b (h h2) (w w2) c -> b h w c", (1, 4, 6, 2), {"h2": 2, "w2": 3}, "mean"),
    ("reduce", "b c h w -> c", (2, 3, 2, 2), {}, "min"),
    ("reduce", "b c h w -> w h", (2, 3, 2, 2), {}, "sum"),
    ("reduce", "a b c -> ", (2, 2, 2), {}, "prod"),
    ("reduce", "... c -> c", (2, 3, 4), {}, "sum"),
    ("reduce", "b ... c -> b c", (2, 2, 3, 2), {}, "max"),
    ("reduce", "a b -> a b", (2, 3), {}, "sum"),
    ("reduce", "(a b) c -> a c", (6, 2), {"b": 3}, "sum"),
    # repeat
    ("repeat", "h w -> h w c", (2, 3), {"c": 3}),
    ("repeat", "h w -> c h w", (2, 3), {"c": 2}),
    ("repeat", "h w -> (h 2) (w 2)", (2, 3), {}),
    ("repeat", "h w -> (h h2) (w w2)", (2, 3), {"h2": 2, "w2": 3}),
    ("repeat", "h w -> (repeat h) w", (2, 3), {"repeat": 2}),
    ("repeat", "c -> b c", (3,), {"b": 4}),
    ("repeat", "b c -> b c 2", (2, 3), {}),
    ("repeat", "... c -> ... c k", (2, 2, 3), {"k": 2}),
    ("repeat", "a b -> b a", (2, 3), {}),
]

ERRORS = [
    # (op, pattern, shape, axes, reduction)
    ("rearrange", "a b c -> a b c", (2, 3), {}, None),
    ("rearrange", "a b -> a b c", (2, 3), {}, None),
    ("rearrange", "a b c -> a b", (2, 3, 4), {}, None),
    ("rearrange", "a b c d ... -> a b c d", (1, 2, 3), {}, None),
    ("rearrange", "(a b) c -> a b c", (5, 3), {"b": 2}, None),
    ("rearrange", "(a b) c -> a b c", (6, 3), {}, None),
    ("rearrange", "a b -> a b", (5, 3), {"a": 4}, None),
    ("rearrange", "(a b -> a b", (6, 3), {}, None),
    ("rearrange", "(a b)) -> a b", (6,), {}, None),
    ("rearrange", "(a (b c)) -> a b c", (6,), {"b": 1, "c": 2}, None),
    ("rearrange", "a b -> (a (b))", (2, 3), {}, None),
    ("rearrange", "a 1b -> a", (2, 3), {}, None),
    ("rearrange", "a _pre -> a _pre", (2, 3), {}, None),
    ("rearrange", "a ...pre -> a", (2, 3), {}, None),
    ("rearrange", "a ... ... -> a", (2, 3), {}, None),
    ("rearrange", "a .. -> a", (2, 3), {}, None),
    ("rearrange", "a a -> a", (2, 3), {}, None),
    ("rearrange", "a b -> a ... b", (2, 3), {}, None),
    ("rearrange", "a (...) -> a ...", (2, 3), {}, None),
    ("rearrange", "(a 2) -> a", (6,), {}, None),
    ("rearrange", "a b -> a b", (2, 3), {"c": 2}, None),
    ("rearrange", "a b -> b a", (2, 3), {"a": 0}, None),
    ("rearrange", "a b -> a b $", (2, 3), {}, None),
    ("rearrange", "a b 0 -> a b", (2, 3, 0), {}, None),
    ("reduce", "a b -> a", (2, 3), {}, "median"),
    ("reduce", "a b -> a c", (2, 3), {}, "sum"),
    ("reduce", "a (b 2) -> a b", (2, 3), {}, "max"),
    ("repeat", "a b -> a c", (2, 3), {}, None),
    ("repeat", "a b -> b", (2, 3), {}, None),
]


def value(x):
    return [float(v) for v in np.asarray(x, dtype=np.float64).reshape(-1)]


def run(op, pattern, x, axes, reduction):
    if op == "rearrange":
        return einops.rearrange(x, pattern, **axes)
    if op == "reduce":
        return einops.reduce(x, pattern, reduction, **axes)
    return einops.repeat(x, pattern, **axes)


cases = []
for case in OK:
    op, pattern, shape, axes = case[:4]
    reduction = case[4] if len(case) > 4 else None
    x = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    if reduction == "prod":
        x = (x % 3 + 1).astype(np.float32)  # keep products small
    y = run(op, pattern, x, axes, reduction)
    entry = {"op": op, "pattern": pattern, "shape": list(shape), "axes": axes}
    if reduction is not None:
        entry["reduction"] = reduction
    if reduction == "prod":
        entry["input"] = "arange % 3 + 1"
    entry["outputShape"] = list(np.shape(y))
    entry["output"] = value(y)
    cases.append(entry)

errors = []
for op, pattern, shape, axes, reduction in ERRORS:
    x = np.zeros(shape, dtype=np.float32)
    try:
        run(op, pattern, x, axes, reduction)
    except Exception as e:  # einops raises EinopsError; a few inputs fail earlier in Python
        entry = {"op": op, "pattern": pattern, "shape": list(shape), "axes": axes}
        if reduction is not None:
            entry["reduction"] = reduction
        entry["einopsError"] = type(e).__name__
        entry["einopsMessage"] = str(e)
        errors.append(entry)
        continue
    raise SystemExit(f"expected einops to fail: {op} {pattern} {shape} {axes}")

out = {
    "generator": f"scripts/make-einops-fixtures.py with einops {einops.__version__}, numpy {np.__version__}",
    "cases": cases,
    "errors": errors,
}
path = os.path.join(os.path.dirname(__file__), "..", "fixtures", "einops-cases.json")
with open(path, "w") as f:
    json.dump(out, f, indent=1)
    f.write("\n")
print(f"wrote {len(cases)} cases and {len(errors)} error cases to {os.path.normpath(path)}")
