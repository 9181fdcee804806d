#!/usr/bin/env python3
"""`silkscore weights entropy` with Polars: the entropy weights (docs/spec.md §5.3) of the
default model's indicators from a file of complete records: read_csv -> the normalised
values s_ij of bench/polars_score.py -> p_ij = s_ij / sum_i s_ij, e_j = -(1/ln m) sum_i
p_ij ln p_ij, d_j = 1 - e_j, w_j = d_j over its connotation's sum -> print. The peer of
`silkscore weights entropy -f csv`; bench/compare.sh times both on the same file.

With --critic, the CRITIC weights (docs/spec.md §5.4) instead, the peer of `silkscore
weights critic -f csv`: the same s_ij -> population sigma_j, the Pearson correlation matrix
(DataFrame.corr) -> C_j = sigma_j sum_k (1 - r_jk) over the columns that vary -> w_j = C_j
over its connotation's sum.

    python3 bench/polars_weights.py COMPLETE.csv [--critic]

In float64 (silkscore computes d_j without cancellation, see src/weights/entropy.rs): close
to, not bit-identical with, silkscore; no fallback for a connotation where nothing varies.
"""
import math
import sys
import time

import polars as pl

from polars_score import MODEL, norm, read


def critic(s):
    """CRITIC weights of the normalised columns of `s`."""
    sigma = s.select([pl.col(c).std(ddof=0) for c in s.columns]).row(0)
    live = [c for c, sd in zip(s.columns, sigma) if sd > 0]
    r = s.select(live).corr().to_numpy() if len(live) > 1 else [[1.0]] * len(live)
    pos = {c: i for i, c in enumerate(live)}
    info = []
    for c, sd in zip(s.columns, sigma):
        if c not in pos:
            info.append(0.0)
            continue
        row = r[pos[c]]
        info.append(sd * sum(1.0 - min(1.0, max(-1.0, x)) for x in row))
    return info


def main(inp, method):
    t0 = time.perf_counter()
    df = read(inp)
    m = len(df)
    s = df.select([norm(*mm[:1], *mm[2:]).cast(pl.Float64).alias(mm[0]) for mm in MODEL])
    if method == "critic":
        v = critic(s)
    else:
        p = s.select([pl.col(c) / pl.col(c).sum() for c in s.columns])
        e = p.select([(-(pl.when(pl.col(c) > 0).then(pl.col(c) * pl.col(c).log()).otherwise(0.0))
                       .sum() / math.log(m)).alias(c) for c in p.columns]).row(0)
        v = [1 - x for x in e]
    w = []
    for j, mm in enumerate(MODEL):
        total = sum(v[k] for k, o in enumerate(MODEL) if o[1] == mm[1])
        w.append(v[j] / total if total > 0 else 0.0)
    dt = time.perf_counter() - t0
    for mm, wj in zip(MODEL, w):
        print(f"{mm[0]},{wj:.6f}")
    name = "CRITIC" if method == "critic" else "entropy"
    print(f"polars {name} weights  {m} records ({dt:.2f} s)", file=sys.stderr)


if __name__ == "__main__":
    main(sys.argv[1], "critic" if "--critic" in sys.argv[2:] else "entropy")
