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


LO = np.array([m[4] for m in MODEL], F32)[:, None]
HI = np.array([m[5] for m in MODEL], F32)[:, None]
LOG_ROWS = np.array([m[3] for m in MODEL])
COST_ROWS = np.array([m[2] for m in MODEL])
F_LO = np.where(LOG_ROWS[:, None], np.log(F32(1) + LO), LO).astype(F32)
SPAN = (np.where(LOG_ROWS[:, None], np.log(F32(1) + HI), HI) - F_LO).astype(F32)
CONN = np.array([m[1] for m in MODEL])
assert (CONN == np.repeat(np.arange(3), 6)).all()  # six indicators per connotation, in order
CHUNK = 1 << 15  # records per chunk: keeps the 18 x CHUNK temporaries in cache


def score_chunk(X, P):
    """X: (18, c) float32 raw values; P: (18, c) bool presence.
    Returns (index (3, c), composite (c,), ok (c,)) on the 0-1 scale."""
    c = X.shape[1]
    fin = np.isfinite(X)
    bad = (P & ~fin).any(axis=0)
    Xe = np.where(P & fin, X, LO)
    np.clip(Xe, LO, HI, out=Xe)
    Xe[LOG_ROWS] = np.log(F32(1) + Xe[LOG_ROWS])
    T = (Xe - F_LO) / SPAN
    T[COST_ROWS] = F32(1) - T[COST_ROWS]
    np.clip(T, F32(0), F32(1), out=T)
    W = P.astype(F32)
    acc = (W * T).reshape(3, 6, c).sum(axis=1)
    wsum = W.reshape(3, 6, c).sum(axis=1)
    ok = ~bad & (wsum / F32(6) >= MIN_COV).all(axis=0) & (wsum > 0).all(axis=0)
    index = np.clip(acc / np.maximum(wsum, F32(1e-30)), F32(0), F32(1))
    logsum = np.log(np.maximum(index, EPS)).sum(axis=0)
    composite = np.clip(np.exp(logsum / F32(3)), F32(0), F32(1))
    return index, composite, ok


def score(cols, present):
    """cols: (18, n) float32; present: (18, n) bool. Scores chunk by chunk."""
    n = cols.shape[1]
    index = np.empty((3, n), F32)
    composite = np.empty(n, F32)
    ok = np.empty(n, bool)
    for s in range(0, n, CHUNK):
        e = min(n, s + CHUNK)
        index[:, s:e], composite[s:e], ok[s:e] = score_chunk(cols[:, s:e], present[:, s:e])
    return index, composite, ok


def bench_binary(d):
    values = np.fromfile(f"{d}/values.f32", dtype="<f4")
    present = np.fromfile(f"{d}/present.u32", dtype="<u4")
    n = len(present)
    cols = values.reshape(len(MODEL), n)
    pres = ((present[None, :] >> np.arange(len(MODEL), dtype=np.uint32)[:, None]) & 1) == 1
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
    cols = np.stack([pd.to_numeric(df[m[0]], errors="coerce").to_numpy(F32) for m in MODEL])
    pres = ~np.isnan(cols)
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
