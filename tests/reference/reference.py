#!/usr/bin/env python3
"""Independent reference numbers for the analyst's toolkit (issue 11), from numpy, scipy and
pymcdm, for the fixed data beside this script:

- the statistical audit of audit_records.csv against audit_model.toml (silkscore audit):
  scipy's skew/kurtosis (bias=False, COINr's definitions), pearsonr/spearmanr on
  pairwise-complete rows, numpy's percentile, Cronbach's alpha from numpy variances;
- CRITIC weights of critic_records.csv: pymcdm.weights.critic_weights for the textbook
  (min-max on the data) definition, numpy for the goalpost variant;
- connotation weights from the indices of the rows of audit_records.csv that score: entropy
  and CRITIC (pymcdm) over the three indices;
- AHP across the three connotations: the principal eigenvector by numpy.linalg.eig.

The scores s and the indices are computed here in float64 from docs/spec.md §4, not by
silkscore. Usage:

    reference.py            print the JSON
    reference.py --write    write expected.json (commit it)
    reference.py --check    compare with the committed expected.json (exit 1 if it differs)

The Rust tests (cli/tests/toolkit_reference.rs) compare the tool with expected.json;
tests/reference/check.sh installs the packages in a venv and runs --check and those tests.
"""

import csv
import json
import math
import sys
import tomllib
from pathlib import Path

import numpy as np
import scipy
import scipy.stats
from pymcdm.weights import critic_weights

HERE = Path(__file__).resolve().parent
CONNOTATIONS = ["cultural", "economic", "security"]


def load_model(path):
    with open(path, "rb") as f:
        return tomllib.load(f)


def transform(name, x):
    if name == "lin":
        return x
    if name == "log":
        return math.log1p(x)
    if name == "ln":
        return math.log(x)
    raise ValueError(name)


def score(ind, x):
    """docs/spec.md §4.1 in float64."""
    lo, hi = float(ind["lo"]), float(ind["hi"])
    xc = min(max(x, lo), hi)
    f = lambda v: transform(ind["transform"], v)
    t = (f(xc) - f(lo)) / (f(hi) - f(lo))
    s = t if ind["direction"] == "benefit" else 1.0 - t
    return min(max(s, 0.0), 1.0)


def read_rows(path, model):
    """The rows that parse: (id, {indicator: value or None}); values may be inf."""
    ids = [i["id"] for i in model["indicator"]]
    out = []
    with open(path, newline="") as f:
        for row in csv.DictReader(f):
            values = {}
            ok = True
            for k in ids:
                cell = row[k].strip()
                if cell == "":
                    values[k] = None
                    continue
                try:
                    values[k] = float(cell)
                except ValueError:
                    ok = False
            if ok:
                out.append((row["id"], values))
    return out


def indices(model, values):
    """docs/spec.md §4.2-4.3 in float64: the three indices and the composite (0-1), or None
    when the row does not score."""
    inds = model["indicator"]
    if any(v is not None and not math.isfinite(v) for v in values.values()):
        return None
    out = []
    for c in CONNOTATIONS:
        members = [i for i in inds if i["connotation"] == c]
        total = sum(float(i["weight"]) for i in members)
        present = [i for i in members if values[i["id"]] is not None]
        pw = sum(float(i["weight"]) for i in present)
        if pw <= 0 or pw / total < model["min_coverage"]:
            return None
        if model["within"] == "arithmetic":
            ic = sum(float(i["weight"]) * score(i, values[i["id"]]) for i in present) / pw
        else:
            ic = math.exp(
                sum(float(i["weight"]) * math.log(max(score(i, values[i["id"]]), model["floor"])) for i in present) / pw
            )
        out.append(min(max(ic, 0.0), 1.0))
    w = [float(model["weights"][c]) for c in CONNOTATIONS]
    pairs = [(wc, ic) for wc, ic in zip(w, out) if wc > 0]
    if model["across"] == "arithmetic":
        comp = sum(wc * ic for wc, ic in pairs) / sum(wc for wc, _ in pairs)
    else:
        comp = math.exp(sum(wc * math.log(max(ic, model["floor"])) for wc, ic in pairs) / sum(wc for wc, _ in pairs))
    return out + [min(max(comp, 0.0), 1.0)]


def opt(x):
    return None if x is None or not math.isfinite(x) else float(x)


def corr(x, y):
    """Pearson and Spearman over the rows where both are finite; None with fewer than 3 or
    no variance."""
    x, y = np.asarray(x, float), np.asarray(y, float)
    keep = np.isfinite(x) & np.isfinite(y)
    x, y = x[keep], y[keep]
    if len(x) < 3 or np.ptp(x) == 0 or np.ptp(y) == 0:
        return None, None
    return opt(scipy.stats.pearsonr(x, y).statistic), opt(scipy.stats.spearmanr(x, y).statistic)


def audit(model):
    rows = read_rows(HERE / "audit_records.csv", model)
    inds = model["indicator"]
    ids = [i["id"] for i in inds]
    raw = {k: np.array([np.nan if v[k] is None else v[k] for _, v in rows]) for k in ids}
    s = {i["id"]: np.array([score(i, x) if math.isfinite(x) else np.nan for x in raw[i["id"]]]) for i in inds}
    idx = [indices(model, v) for _, v in rows]
    icol = [np.array([np.nan if r is None else r[c] for r in idx]) for c in range(4)]

    per = []
    for k, ind in enumerate(inds):
        x = raw[ind["id"]]
        finite = x[np.isfinite(x)]
        own = icol[CONNOTATIONS.index(ind["connotation"])]
        p, sp = corr(s[ind["id"]], own)
        per.append(
            {
                "id": ind["id"],
                "present": int(len(finite)),
                "missing": int(np.isnan(x).sum()),
                "non_finite": int(np.isinf(x).sum()),
                "min": float(finite.min()),
                "max": float(finite.max()),
                "mean": float(finite.mean()),
                "sd": float(finite.std(ddof=1)),
                "below_lo": float((finite < ind["lo"]).mean()),
                "above_hi": float((finite > ind["hi"]).mean()),
                "skewness": float(scipy.stats.skew(finite, bias=False)),
                "kurtosis": float(scipy.stats.kurtosis(finite, fisher=True, bias=False)),
                "own_pearson": p,
                "own_spearman": sp,
            }
        )
    pearson = [[corr(s[a], s[b])[0] for b in ids] for a in ids]
    spearman = [[corr(s[a], s[b])[1] for b in ids] for a in ids]
    index_pearson = [[corr(icol[a], icol[b])[0] for b in range(4)] for a in range(4)]
    index_spearman = [[corr(icol[a], icol[b])[1] for b in range(4)] for a in range(4)]
    alpha = []
    for c in CONNOTATIONS:
        cols = np.array([s[i["id"]] for i in inds if i["connotation"] == c])
        keep = np.all(np.isfinite(cols), axis=0)
        items = cols[:, keep]
        k = items.shape[0]
        a = k / (k - 1) * (1 - items.var(axis=1, ddof=1).sum() / items.sum(axis=0).var(ddof=1))
        alpha.append({"connotation": c, "items": int(k), "rows": int(keep.sum()), "alpha": float(a)})
    goalposts = []
    for ind in inds:
        x = raw[ind["id"]]
        finite = np.sort(x[np.isfinite(x)])
        goalposts.append(
            {"id": ind["id"], "p5": float(np.percentile(finite, 5)), "p95": float(np.percentile(finite, 95))}
        )
    return {
        "rows": len(rows),
        "scored": int(sum(r is not None for r in idx)),
        "indicators": per,
        "pearson": pearson,
        "spearman": spearman,
        "index_pearson": index_pearson,
        "index_spearman": index_spearman,
        "alpha": alpha,
        "goalposts": goalposts,
    }, icol


def per_connotation(model, values, keep):
    """Weights normalised within each connotation over the kept columns (others 0)."""
    inds = model["indicator"]
    out = [0.0] * len(inds)
    for c in CONNOTATIONS:
        js = [j for j, i in enumerate(inds) if i["connotation"] == c and keep[j]]
        total = sum(values[j] for j in js)
        for j in js:
            out[j] = values[j] / total if total > 0 else 0.0
    return out


def critic(model):
    inds = model["indicator"]
    rows = read_rows(HERE / "critic_records.csv", model)
    raw = np.array([[v[i["id"]] for i in inds] for _, v in rows], float)
    # Textbook (pymcdm): min-max on the data. pymcdm treats every criterion as a benefit,
    # so cost columns are negated; constant columns (NaN in pymcdm) are left out.
    signed = raw * np.array([1.0 if i["direction"] == "benefit" else -1.0 for i in inds])
    keep = [bool(np.ptp(signed[:, j]) > 0) for j in range(len(inds))]
    w = critic_weights(signed[:, keep])
    full = [0.0] * len(inds)
    for j, wj in zip([j for j in range(len(inds)) if keep[j]], w):
        full[j] = float(wj)
    data = per_connotation(model, full, keep)
    # The goalpost variant: numpy on the model's scores s (population sigma, Pearson),
    # constant columns excluded from every sum.
    sm = np.array([[score(i, x) for i, x in zip(inds, r)] for r in raw])
    keep_g = [bool(np.ptp(sm[:, j]) > 0) for j in range(len(inds))]
    sub = sm[:, keep_g]
    c = sub.std(axis=0) * (1 - np.corrcoef(sub, rowvar=False)).sum(axis=0)
    info = [0.0] * len(inds)
    for j, cj in zip([j for j in range(len(inds)) if keep_g[j]], c):
        info[j] = float(cj)
    goal = per_connotation(model, info, keep_g)
    return {
        "data": {"weights": data, "excluded": [not k for k in keep]},
        "goalposts": {"weights": goal, "excluded": [not k for k in keep_g]},
    }


def across(icol):
    """Connotation weights from the indices of the rows that score."""
    scored = np.all(np.isfinite(np.array(icol[:3])), axis=0)
    x = np.array([c[scored] for c in icol[:3]]).T  # rows x 3, 0-1
    m = x.shape[0]
    p = x / x.sum(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        plnp = np.where(p > 0, p * np.log(p), 0.0)
    e = -plnp.sum(axis=0) / np.log(m)
    d = 1 - e
    entropy = (d / d.sum()).tolist()
    return {
        "rows": int(m),
        "entropy": entropy,
        "critic_data": critic_weights(x).tolist(),
        "critic_goalposts": (lambda c: (c / c.sum()).tolist())(
            x.std(axis=0) * (1 - np.corrcoef(x, rowvar=False)).sum(axis=0)
        ),
    }


AHP_CASES = [
    [2.0, 3.0, 1.0],
    [1.0, 1.0, 1.0],
    [1.0 / 3.0, 5.0, 7.0],
    [9.0, 9.0, 1.0 / 2.0],
    [1.0 / 5.0, 1.0 / 7.0, 1.0 / 2.0],
]


def ahp(judgments):
    a12, a13, a23 = judgments
    a = np.array([[1, a12, a13], [1 / a12, 1, a23], [1 / a13, 1 / a23, 1]], float)
    vals, vecs = np.linalg.eig(a)
    k = int(np.argmax(vals.real))
    w = np.abs(vecs[:, k].real)
    w = w / w.sum()
    lam = float(vals[k].real)
    ci = max((lam - 3) / 2, 0.0)
    return {"judgments": judgments, "weights": w.tolist(), "lambda_max": lam, "cr": ci / 0.58}


def build():
    model = load_model(HERE / "audit_model.toml")
    audit_ref, icol = audit(model)
    return {
        "generated_by": "tests/reference/reference.py",
        "versions": {"numpy": np.__version__, "scipy": scipy.__version__},
        "audit": audit_ref,
        "critic": critic(model),
        "across": across(icol),
        "ahp_across": [ahp(j) for j in AHP_CASES],
    }


def close(a, b, path="$"):
    """Differences between two references beyond 1e-9 (relative), as messages."""
    if isinstance(a, dict):
        out = []
        for k in a:
            if k == "versions":
                continue
            out += close(a[k], b.get(k) if isinstance(b, dict) else None, f"{path}.{k}")
        return out
    if isinstance(a, list):
        if not isinstance(b, list) or len(a) != len(b):
            return [f"{path}: {a!r} != {b!r}"]
        out = []
        for n, (x, y) in enumerate(zip(a, b)):
            out += close(x, y, f"{path}[{n}]")
        return out
    if isinstance(a, float) and isinstance(b, (int, float)):
        return [] if abs(a - b) <= 1e-9 * max(1.0, abs(a)) else [f"{path}: {a!r} != {b!r}"]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


def main():
    ref = build()
    text = json.dumps(ref, indent=1, sort_keys=True) + "\n"
    if "--write" in sys.argv:
        (HERE / "expected.json").write_text(text)
        print(f"wrote {HERE / 'expected.json'}")
    elif "--check" in sys.argv:
        committed = json.loads((HERE / "expected.json").read_text())
        diffs = close(ref, committed)
        for d in diffs[:20]:
            print("differs:", d)
        print(f"reference check: {len(diffs)} differences from expected.json "
              f"(numpy {np.__version__}, scipy {scipy.__version__})")
        sys.exit(1 if diffs else 0)
    else:
        sys.stdout.write(text)


if __name__ == "__main__":
    main()
