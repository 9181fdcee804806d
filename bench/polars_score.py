#!/usr/bin/env python3
"""docs/spec.md §4 for the default model bri-cultural-v1 with Polars, end to end: read_csv ->
expressions -> write_csv, on every core Polars finds (POLARS_MAX_THREADS to change it). The
peer a data analyst would pick instead of `silkscore score`; bench/compare.sh times both on the
same file.

    python3 bench/polars_score.py IN.csv OUT.csv

The same formula in f32 as far as Polars goes (missing values skipped, coverage against
min_coverage 0.5, NaN/inf rows failed, geometric composite with the floor 0.01, grades),
writing id, the four indices with 6 decimals, grade, status and the three coverages with 4.
Polars' own log/exp and decimal formatting: close to, not bit-identical with, silkscore.
"""
import sys
import time

import polars as pl

# (id, connotation, cost, log, lo, hi)
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
NAMES = ["cultural", "economic", "security"]
F32 = pl.Float32


def norm(name, cost, log, lo, hi):
    x = pl.col(name).clip(lo, hi)
    f = (x + 1).log() if log else x
    flo = float(pl.Series([lo + 1 if log else lo], dtype=F32).log()[0]) if log else lo
    fhi = float(pl.Series([hi + 1 if log else hi], dtype=F32).log()[0]) if log else hi
    t = (f - flo) / (fhi - flo)
    s = (1 - t) if cost else t
    return s.clip(0, 1).cast(F32)


def scores(df):
    """The scores of every row of `df` (read with float32 indicator columns): id, the four
    indices, grade, status and the three coverages (null scores for rows that fail)."""
    present = {m[0]: pl.col(m[0]).is_not_null() for m in MODEL}
    exprs = []
    for c in range(3):
        ms = [m for m in MODEL if m[1] == c]
        wsum = pl.sum_horizontal([present[m[0]].cast(F32) for m in ms])
        acc = pl.sum_horizontal([norm(m[0], m[2], m[3], m[4], m[5]).fill_null(0) for m in ms])
        exprs += [
            (acc / wsum).clip(0, 1).alias(f"_{NAMES[c]}"),
            (wsum / len(ms)).alias(f"{NAMES[c]}_coverage"),
        ]
    bad = pl.any_horizontal([pl.col(m[0]).is_nan() | pl.col(m[0]).is_infinite() for m in MODEL])
    df = df.with_columns(exprs).with_columns(bad.fill_null(False).alias("_bad"))
    ok = ~pl.col("_bad") & pl.all_horizontal(
        [pl.col(f"{n}_coverage") >= 0.5 for n in NAMES])
    logs = [pl.col(f"_{n}").clip(0.01, 1).log() for n in NAMES]
    comp = (pl.sum_horizontal(logs) / 3).exp().clip(0, 1) * 100
    grade = (pl.when(comp >= 80).then(pl.lit("A")).when(comp >= 65).then(pl.lit("B"))
             .when(comp >= 50).then(pl.lit("C")).when(comp >= 35).then(pl.lit("D"))
             .otherwise(pl.lit("E")))
    status = (pl.when(pl.col("_bad")).then(pl.lit("non_finite"))
              .when(ok).then(pl.lit("ok")).otherwise(pl.lit("insufficient_data")))
    return df.select(
        pl.col("id"),
        *[pl.when(ok).then(pl.col(f"_{n}") * 100).alias(n) for n in NAMES],
        pl.when(ok).then(comp).alias("composite"),
        pl.when(ok).then(grade).alias("grade"),
        status.alias("status"),
        *[pl.col(f"{n}_coverage") for n in NAMES],
    )


def read(inp):
    """The records file, indicator columns as float32."""
    return pl.read_csv(inp, schema_overrides={m[0]: F32 for m in MODEL})


def main(inp, out):
    t0 = time.perf_counter()
    res = scores(read(inp))
    res.write_csv(out, float_precision=6)
    dt = time.perf_counter() - t0
    print(f"polars end-to-end  {len(res) / dt / 1e6:.2f} M rows/s ({dt:.2f} s)")


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
