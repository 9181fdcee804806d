#!/usr/bin/env python3
"""Vectorised numpy (float32) implementation of SPEC §4 for the default model, as a speed
baseline for silkscore's batch scorer.

    python3 bench/numpy_baseline.py DIR            # records written by `bench_batch --write DIR`
    python3 bench/numpy_baseline.py --csv IN OUT   # pandas read_csv + numpy + to_csv, end to end

Single-threaded by construction (numpy's ufuncs are; BLAS is not used). Prints records/s.
"""
import sys
import time

import numpy as np

# The default model bri-cultural-v1 (SPEC §2): (id, connotation, cost, log, lo, hi)
MODEL = [
    ("talent_exchange", 0, False, True, 0, 10000),
    ("heritage_items", 0, False, True, 0, 40),
    ("dissemination_events", 0, False, True, 0, 500),
    ("ip_registrations", 0, False, True, 0, 200),
    ("digital_share", 0, False, False, 0, 100),
    ("partner_participation", 0, False, False, 0, 100),
    ("regional_value_added", 1, False, True, 0, 500),
    ("tourism_visitors", 1, False, True, 0, 5000000),
    ("cultural_brands", 1, False, True, 0, 100),
    ("local_employment_share", 1, False, False, 0, 100),
    ("service_trade_share", 1, False, False, 0, 100),
    ("cost_per_visitor", 1, True, True, 0, 2000),
    ("jobs_created", 2, False, True, 0, 20000),
    ("foreign_investment", 2, False, True, 0, 1000),
    ("cluster_industries", 2, False, False, 1, 10),
    ("domestic_control_share", 2, False, False, 0, 100),
    ("value_chain_share", 2, False, False, 0, 100),
    ("stability_risk", 2, True, False, 0, 10),
]
F32 = np.float32
EPS, MIN_COV = F32(0.01), F32(0.5)
GRADES = [(80, "A"), (65, "B"), (50, "C"), (35, "D")]


def score(cols, present):
    """cols: list of 18 float32 arrays; present: list of 18 bool arrays. Returns
    (indices[3], composite, ok) as float32 arrays on the 0-1 scale."""
    n = len(cols[0])
    acc = [np.zeros(n, F32) for _ in range(3)]
    wsum = [np.zeros(n, F32) for _ in range(3)]
    total = [F32(0)] * 3
    bad = np.zeros(n, bool)
    for (name, c, cost, log, lo, hi), x, p in zip(MODEL, cols, present):
        lo, hi = F32(lo), F32(hi)
        finite = np.isfinite(x)
        bad |= p & ~finite
        xc = np.clip(np.where(p & finite, x, lo), lo, hi)
        if log:
            f = np.log(F32(1) + xc)
            flo, fhi = np.log(F32(1) + lo), np.log(F32(1) + hi)
        else:
            f, flo, fhi = xc, lo, hi
        t = (f - flo) / (fhi - flo)
        s = F32(1) - t if cost else t
        w = p.astype(F32)  # weight 1 where present
        acc[c] += w * s
        wsum[c] += w
        total[c] += F32(1)
    ok = ~bad
    index = []
    for c in range(3):
        ok &= (wsum[c] > 0) & (wsum[c] / total[c] >= MIN_COV)
        index.append(np.clip(acc[c] / np.maximum(wsum[c], F32(1e-30)), 0, 1))
    logsum = sum(np.log(np.maximum(i, EPS)) for i in index)
    composite = np.clip(np.exp(logsum / F32(3)), 0, 1)
    return index, composite, ok


def bench_binary(d):
    values = np.fromfile(f"{d}/values.f32", dtype="<f4")
    present = np.fromfile(f"{d}/present.u32", dtype="<u4")
    n = len(present)
    cols = [values[i * n:(i + 1) * n] for i in range(len(MODEL))]
    pres = [(present >> np.uint32(i)) & np.uint32(1) == 1 for i in range(len(MODEL))]
    best = float("inf")
    for _ in range(5):
        t = time.perf_counter()
        index, composite, ok = score(cols, pres)
        best = min(best, time.perf_counter() - t)
    print(f"records            {n}")
    print(f"scored ok          {int(ok.sum())}")
    print(f"checksum           {float((composite[ok] * 100).astype(np.float64).sum()):.3f}")
    print(f"numpy float32      {n / best / 1e6:.1f} M records/s")


def bench_csv(inp, out):
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_csv(inp)
    cols, pres = [], []
    for m in MODEL:
        x = pd.to_numeric(df[m[0]], errors="coerce").to_numpy(F32)
        pres.append(~np.isnan(x))
        cols.append(x)
    index, composite, ok = score(cols, pres)
    res = pd.DataFrame({"id": df["id"]})
    for name, i in zip(["cultural", "economic", "security"], index):
        res[name] = np.where(ok, i * 100, np.nan)
    res["composite"] = np.where(ok, composite * 100, np.nan)
    c = res["composite"].to_numpy()
    grade = np.full(len(c), "E", dtype=object)
    for th, g in reversed(GRADES):
        grade[c >= th] = g
    res["grade"] = np.where(ok, grade, "")
    res["status"] = np.where(ok, "ok", "failed")
    res.to_csv(out, index=False, float_format="%.6f")
    dt = time.perf_counter() - t
    print(f"pandas end-to-end  {len(df) / dt / 1e6:.2f} M rows/s ({dt:.2f} s)")


if __name__ == "__main__":
    if sys.argv[1] == "--csv":
        bench_csv(sys.argv[2], sys.argv[3])
    else:
        bench_binary(sys.argv[1])
