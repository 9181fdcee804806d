#!/usr/bin/env python3
"""The lean numpy float32 scorer: docs/spec.md §4 for the default model bri-cultural-v1,
vectorised as tightly as numpy allows, with no missing values (every value present, so no
presence masks, no coverage and no error paths), single-threaded (numpy's ufuncs are; no
BLAS). It is the speed a numpy user gets for this formula, and the library's yardstick in
bench/compare.sh.

    python3 bench/numpy_lean.py DIR     # records written by `bench_batch --write DIR`

Same arithmetic as silkscore (f32 throughout, the same order of operations per indicator;
numpy's own SIMD log and exp, which are not bit-identical to libm's): clamp to the goalposts,
ln(1 + x) for the log indicators, (f - f(lo)) / (f(hi) - f(lo)), 1 - t for cost indicators,
clamp to [0, 1], the arithmetic mean within each connotation, the geometric mean across with
the floor 0.01. Works in chunks that stay in cache, in place, with preallocated buffers.
"""
import sys
import time

import numpy as np

# (connotation, cost, log, lo, hi) in model order: six indicators per connotation.
MODEL = [
    (0, False, True, 0, 10000), (0, False, True, 0, 40), (0, False, True, 0, 500),
    (0, False, True, 0, 200), (0, False, False, 0, 100), (0, False, False, 0, 100),
    (1, False, True, 0, 500), (1, False, True, 0, 5000000), (1, False, True, 0, 100),
    (1, False, False, 0, 100), (1, False, False, 0, 100), (1, True, True, 0, 2000),
    (2, False, True, 0, 20000), (2, False, True, 0, 1000), (2, False, False, 1, 10),
    (2, False, False, 0, 100), (2, False, False, 0, 100), (2, True, False, 0, 10),
]
F32 = np.float32
N_IND = len(MODEL)
LO = np.array([m[3] for m in MODEL], F32)[:, None]
HI = np.array([m[4] for m in MODEL], F32)[:, None]
LOG = [i for i, m in enumerate(MODEL) if m[2]]
COST = [i for i, m in enumerate(MODEL) if m[1]]
F_LO = np.array([np.log(F32(1) + F32(m[3])) if m[2] else F32(m[3]) for m in MODEL], F32)[:, None]
SPAN = np.array(
    [(np.log(F32(1) + F32(m[4])) if m[2] else F32(m[4])) - F_LO[i, 0] for i, m in enumerate(MODEL)],
    F32,
)[:, None]
# Runs of consecutive log rows, so that each is one in-place slice (no fancy-index copies).
RUNS = []
for i in LOG:
    if RUNS and RUNS[-1][1] == i:
        RUNS[-1][1] = i + 1
    else:
        RUNS.append([i, i + 1])
EPS = F32(0.01)
CHUNK = 1 << 13  # 18 x 8192 f32 = 576 KiB of temporaries: stays in L2


def score(X):
    """X: (18, n) float32 raw values, all present. Returns (index (3, n), composite (n,)) on
    the 0-1 scale."""
    n = X.shape[1]
    index = np.empty((3, n), F32)
    composite = np.empty(n, F32)
    T = np.empty((N_IND, CHUNK), F32)
    for s in range(0, n, CHUNK):
        e = min(n, s + CHUNK)
        c = e - s
        t = T[:, :c]
        np.maximum(X[:, s:e], LO, out=t)
        np.minimum(t, HI, out=t)
        for a, b in RUNS:
            np.add(t[a:b], F32(1), out=t[a:b])
            np.log(t[a:b], out=t[a:b])
        np.subtract(t, F_LO, out=t)
        np.divide(t, SPAN, out=t)
        for i in COST:
            np.subtract(F32(1), t[i], out=t[i])
        np.clip(t, F32(0), F32(1), out=t)
        ix = index[:, s:e]
        np.add.reduce(t.reshape(3, 6, c), axis=1, out=ix)
        np.divide(ix, F32(6), out=ix)
        lg = np.maximum(ix, EPS)
        np.log(lg, out=lg)
        comp = composite[s:e]
        np.add.reduce(lg, axis=0, out=comp)
        np.divide(comp, F32(3), out=comp)
        np.exp(comp, out=comp)
        np.clip(comp, F32(0), F32(1), out=comp)
    return index, composite


def main(d):
    values = np.fromfile(f"{d}/values.f32", dtype="<f4")
    n = len(values) // N_IND
    X = values.reshape(N_IND, n)
    best, cpu = float("inf"), float("inf")
    for _ in range(5):
        t, c = time.perf_counter(), time.thread_time()
        index, composite = score(X)
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.thread_time() - c)
    print(f"records            {n}")
    print(f"checksum           {float((composite * 100).astype(np.float64).sum()):.3f}")
    print(f"numpy lean float32 {n / best / 1e6:.1f} M records/s (on-CPU {n / cpu / 1e6:.1f})")


if __name__ == "__main__":
    main(sys.argv[1])
