#!/usr/bin/env python3
"""`silkscore rank` with Polars, end to end: read_csv -> the expressions of
bench/polars_score.py -> the rows that score, sorted by composite (highest first), then id
-> the best N with their competition rank (equal composites share a rank) -> write_csv. The
peer of `silkscore rank -n N -f csv`; bench/compare.sh times both on the same file.

    python3 bench/polars_rank.py IN.csv OUT.csv [N]     (N: 100 by default)

Polars' own log/exp: close to, not bit-identical with, silkscore (see polars_score.py).
"""
import sys
import time

import polars as pl

from polars_score import NAMES, read, scores


def main(inp, out, n):
    t0 = time.perf_counter()
    res = (scores(read(inp))
           .filter(pl.col("status") == "ok")
           .sort(["composite", "id"], descending=[True, False])
           .head(n)
           .with_columns(pl.col("composite").rank("min", descending=True)
                         .cast(pl.UInt32).alias("rank")))
    res.select("rank", "id", *NAMES, "composite", "grade").write_csv(out, float_precision=6)
    dt = time.perf_counter() - t0
    print(f"polars rank  top {len(res)} ({dt:.2f} s)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]) if len(sys.argv) > 3 else 100)
