#!/usr/bin/env python3
"""Reference values for silkscore's Sobol indices, from SALib and exact quadrature.

Reads the evaluations that `cargo run -p silkscore-host --example sobol_reference -- DIR`
wrote into DIR and prints, as JSON, for the Ishigami function and for the three-connotation-
weight problem of examples/data/portfolio.csv (N = 1024, seed 1):

* `salib_on_silkscore_design`: SALib's estimators (SALib.analyze.sobol, first and total
  order) applied to silkscore's own evaluations: the same numbers silkscore must compute;
* `salib_design`: SALib's own scrambled Sobol design (SALib.sample.sobol) and estimators on
  the same function, with SALib's 95 % confidence half-widths: an independent estimate;
* `exact`: the true indices (Ishigami: analytic; portfolio: Gauss-Legendre quadrature with
  numpy, 24 nodes per weight).

host/tests/sobol_salib.rs compares silkscore with the committed output,
host/tests/reference/sobol_salib.json; host/tests/reference/check.sh regenerates it and
checks that nothing changed.

Usage: sobol_salib.py DIR > sobol_salib.json
"""

import csv
import json
import math
import sys
from importlib.metadata import version

import numpy as np
from SALib.analyze import sobol as sobol_analyze
from SALib.sample import sobol as sobol_sample

N = 1024
SEED = 1
SPREAD = 0.25


def salib_layout(rows):
    """silkscore's rows (f(A), f(B), f(A_B^1..D)) in SALib's order (A, AB^1..D, B)."""
    rows = np.asarray(rows, dtype=float)
    a, b, ab = rows[:, :1], rows[:, 1:2], rows[:, 2:]
    return np.concatenate([a, ab, b], axis=1).reshape(-1)


def analyze(problem, y):
    s = sobol_analyze.analyze(
        problem, y, calc_second_order=False, num_resamples=100, conf_level=0.95, seed=SEED
    )
    return {
        "S1": [float(v) for v in s["S1"]],
        "ST": [float(v) for v in s["ST"]],
        "S1_conf": [float(v) for v in s["S1_conf"]],
        "ST_conf": [float(v) for v in s["ST_conf"]],
    }


def own_design(problem, f):
    x = sobol_sample.sample(problem, N, calc_second_order=False, scramble=True, seed=SEED)
    return analyze(problem, np.array([f(row) for row in x]))


def ishigami(x):
    return math.sin(x[0]) + 7.0 * math.sin(x[1]) ** 2 + 0.1 * x[2] ** 4 * math.sin(x[0])


def ishigami_exact():
    a, b, pi = 7.0, 0.1, math.pi
    v1 = 0.5 * (1.0 + b * pi**4 / 5.0) ** 2
    v2 = a * a / 8.0
    v13 = b * b * pi**8 * (1.0 / 18.0 - 1.0 / 50.0)
    v = v1 + v2 + v13
    return {"S1": [v1 / v, v2 / v, 0.0], "ST": [(v1 + v13) / v, v2 / v, v13 / v]}


def composite(logs):
    """The geometric composite of the three weights W_c(1 + 0.25 u_c), W_c = 1."""

    def f(u):
        w = 1.0 + SPREAD * np.asarray(u, dtype=float)
        return 100.0 * math.exp(float(np.dot(w, logs) / w.sum()))

    return f


def composite_exact(logs):
    """Exact first and total indices by Gauss-Legendre quadrature over u in [-1, 1]^3."""
    x, w = np.polynomial.legendre.leggauss(24)
    w = w / 2.0  # the density of U(-1, 1)
    u = np.stack(np.meshgrid(x, x, x, indexing="ij"), axis=-1)
    weights = 1.0 + SPREAD * u
    c = 100.0 * np.exp((weights * logs).sum(axis=-1) / weights.sum(axis=-1))
    ww = w[:, None, None] * w[None, :, None] * w[None, None, :]
    m1 = float((ww * c).sum())
    m2 = float((ww * c * c).sum())
    var = m2 - m1 * m1
    first, total = [], []
    for k in range(3):
        others = tuple(j for j in range(3) if j != k)
        # E[C | u_k]: integrate the other two axes.
        wk = np.ones_like(c)
        for j in others:
            shape = [1, 1, 1]
            shape[j] = len(w)
            wk = wk * w.reshape(shape)
        cond_k = (wk * c).sum(axis=others)
        first.append((float((w * cond_k**2).sum()) - m1 * m1) / var)
        # E[C | u_~k]: integrate axis k.
        shape = [1, 1, 1]
        shape[k] = len(w)
        cond_rest = (w.reshape(shape) * c).sum(axis=k)
        w2 = np.outer(w, w)
        total.append((m2 - float((w2 * cond_rest**2).sum())) / var)
    return {"S1": first, "ST": total}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    d = sys.argv[1]

    with open(f"{d}/ishigami_outputs.csv") as fh:
        rows = [[float(v) for v in line] for line in csv.reader(fh)]
    assert len(rows) == N, len(rows)
    pi = math.pi
    ishi_problem = {"num_vars": 3, "names": ["x1", "x2", "x3"], "bounds": [[-pi, pi]] * 3}
    ishi = {
        "exact": ishigami_exact(),
        "salib_on_silkscore_design": analyze(ishi_problem, salib_layout(rows)),
        "salib_design": own_design(ishi_problem, ishigami),
    }

    outputs = {}
    with open(f"{d}/portfolio_outputs.csv") as fh:
        for line in csv.reader(fh):
            outputs.setdefault(line[0], []).append([float(v) for v in line[1:]])
    projects = []
    weight_problem = {
        "num_vars": 3,
        "names": ["weight.cultural", "weight.economic", "weight.security"],
        "bounds": [[-1.0, 1.0]] * 3,
    }
    with open(f"{d}/portfolio_indices.csv") as fh:
        for row in csv.DictReader(fh):
            i = np.array([float(row[c]) / 100.0 for c in ("cultural", "economic", "security")])
            logs = np.log(np.maximum(i, float(row["floor"])))
            ours = outputs[row["id"]]
            assert len(ours) == N, (row["id"], len(ours))
            projects.append(
                {
                    "id": row["id"],
                    "exact": composite_exact(logs),
                    "salib_on_silkscore_design": analyze(weight_problem, salib_layout(ours)),
                    "salib_design": own_design(weight_problem, composite(logs)),
                }
            )

    doc = {
        "generated_by": "host/tests/reference/sobol_salib.py",
        "versions": {p: version(p) for p in ("SALib", "numpy", "scipy")},
        "n": N,
        "seed": SEED,
        "ishigami": ishi,
        "portfolio": {"spread": SPREAD, "projects": projects},
    }
    json.dump(doc, sys.stdout, indent=1)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
