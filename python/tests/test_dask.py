"""The Dask example on 2,000,000 generated rows in several Parquet files, on a local cluster
of two worker processes: its output equals a single-process score of the same rows."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

import silkscore

EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "dask_portfolio.py"
ROWS = 2_000_000
FILES = 8


def generate(folder: Path, model: silkscore.Model) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """ROWS records in FILES Parquet files: values around the goalposts, 1 % nulls (missing),
    some ±∞ (non_finite), some sparse records (insufficient_data). Returns ids, values and
    presence as generated."""
    rng = np.random.default_rng(2026)
    lo = np.array([i.lo for i in model.indicators], dtype=np.float32)
    hi = np.array([i.hi for i in model.indicators], dtype=np.float32)
    ids = rng.permutation(ROWS).astype(np.uint32)
    values = (lo + (hi - lo) * rng.uniform(-0.1, 1.1, (ROWS, len(model))).astype(np.float32)).astype(np.float32)
    present = rng.uniform(size=values.shape) >= 0.01
    present[rng.integers(0, ROWS, 2000), :8] = False
    values[rng.integers(0, ROWS, 500), rng.integers(0, len(model), 500)] = np.inf
    values[rng.integers(0, ROWS, 500), rng.integers(0, len(model), 500)] = -np.inf
    folder.mkdir()
    bounds = np.linspace(0, ROWS, FILES + 1).astype(int)
    for k in range(FILES):
        a, b = bounds[k], bounds[k + 1]
        columns = {"id": pa.array(ids[a:b])}
        for j, name in enumerate(model.ids):
            columns[name] = pa.array(values[a:b, j], mask=~present[a:b, j])
        pq.write_table(pa.table(columns), folder / f"part-{k:02d}.parquet")
    return ids, values, present


def test_dask_example_equals_a_single_process_score(tmp_path: Path) -> None:
    model = silkscore.Model.default()
    ids, values, present = generate(tmp_path / "records", model)
    run = subprocess.run(
        [sys.executable, str(EXAMPLE), str(tmp_path / "records"), str(tmp_path / "scores"), "--workers", "2"],
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert run.returncode == 0, run.stderr[-3000:]
    assert "2 workers" in run.stderr and f"scored {ROWS} rows" in run.stderr
    files = sorted((tmp_path / "scores").glob("*.parquet"))
    assert len(files) >= FILES
    out = pd.read_parquet(tmp_path / "scores")
    assert list(out.columns) == ["id", "cultural", "economic", "security", "composite", "grade", "status"]
    assert len(out) == ROWS

    # The single-process score of the same rows, from the arrays they were written from.
    want = model.score(values, present, threads=1)
    order = np.argsort(ids)
    out = out.sort_values("id", kind="stable")
    np.testing.assert_array_equal(out["id"].to_numpy(), ids[order])
    for name in ("cultural", "economic", "security", "composite"):
        got = out[name].to_numpy(dtype=np.float32, na_value=np.nan)
        np.testing.assert_array_equal(got.view(np.uint32), getattr(want, name)[order].view(np.uint32))
    assert out["status"].tolist() == want.status_strings()[order].tolist()
    grades = [g if isinstance(g, str) else None for g in out["grade"]]
    assert grades == want.grade_letters()[order].tolist()
    # every kind of outcome took part
    statuses = set(out["status"])
    assert "ok" in statuses and any(s.startswith("non_finite:") for s in statuses)
    assert any(s.startswith("insufficient_data:") for s in statuses)
