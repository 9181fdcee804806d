"""Shared fixtures: the repository's conformance vectors, and the exact bits the native
library gives for them (``python/examples/expected_bits.rs``, run through cargo once per
session unless ``SILKSCORE_EXPECTED_BITS`` names a folder where ``check.sh`` wrote them)."""

from __future__ import annotations

import csv
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest

import silkscore

ROOT = Path(__file__).resolve().parents[2]
VECTORS = ROOT / "tests" / "vectors"

#: (name, model file or "default", records file)
CASES = [
    ("default", "default", "default_records.csv"),
    ("custom5", "custom5.toml", "custom5_records.csv"),
    ("custom32", "custom32.toml", "custom32_records.csv"),
]


def model_of(case: str) -> silkscore.Model:
    spec = {c[0]: c[1] for c in CASES}[case]
    if spec == "default":
        return silkscore.Model.default()
    return silkscore.Model.from_toml(VECTORS / spec)


@dataclass
class Expected:
    """What the native library gives for one records file, row by row."""

    #: the case name (`default`, `custom5`, `custom32`)
    case: str
    model: silkscore.Model
    ids: list[str]
    status: list[str]
    #: rows that parsed (the rest have `parse:` statuses), as a mask
    parsed: np.ndarray
    #: n × m float32 values as the records reader parsed them (NaN where missing)
    values: np.ndarray
    #: n × m: the value is present
    present: np.ndarray
    #: n × 4 float32 (cultural, economic, security, composite), NaN where not scored
    scores: np.ndarray
    #: n × 4 basis points (0 where not scored)
    basis_points: np.ndarray
    #: grade letters ("" where not scored)
    grade: list[str]
    #: n × 3 float32 coverage (NaN for rows that did not parse)
    coverage: np.ndarray


def _f32(cell: str) -> np.float32:
    return np.array([int(cell, 16)], dtype=np.uint32).view(np.float32)[0]


def read_bits(bits_dir: Path, case: str) -> Expected:
    """The native results of `case`, from the file expected_bits wrote."""
    model = model_of(case)
    path = bits_dir / f"{case}.csv"
    m = len(model)
    with open(path, newline="") as f:
        rows = list(csv.DictReader(f))
    n = len(rows)
    values = np.full((n, m), np.nan, dtype=np.float32)
    present = np.zeros((n, m), dtype=bool)
    scores = np.full((n, 4), np.nan, dtype=np.float32)
    bp = np.zeros((n, 4), dtype=np.uint16)
    cov = np.full((n, 3), np.nan, dtype=np.float32)
    for i, r in enumerate(rows):
        for j in range(m):
            if r[f"v{j}"]:
                values[i, j] = _f32(r[f"v{j}"])
                present[i, j] = True
        for k, name in enumerate(["cultural", "economic", "security", "composite"]):
            if r[name]:
                scores[i, k] = _f32(r[name])
                bp[i, k] = int(r[f"bp{k}"])
        for k in range(3):
            cov[i, k] = _f32(r[f"cov{k}"])
    status = [r["status"] for r in rows]
    return Expected(
        case=case,
        model=model,
        ids=[r["id"] for r in rows],
        status=status,
        parsed=np.array([not s.startswith("parse:") for s in status]),
        values=values,
        present=present,
        scores=scores,
        basis_points=bp,
        grade=[r["grade"] for r in rows],
        coverage=cov,
    )


@pytest.fixture(scope="session")
def bits_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    given = os.environ.get("SILKSCORE_EXPECTED_BITS")
    if given:
        return Path(given)
    out = tmp_path_factory.mktemp("bits")
    for name, model, records in CASES:
        model_arg = model if model == "default" else str(VECTORS / model)
        subprocess.run(
            ["cargo", "run", "-q", "-p", "silkscore-python", "--example", "expected_bits", "--",
             model_arg, str(VECTORS / records), str(out / f"{name}.csv")],
            cwd=ROOT,
            check=True,
        )
    return out


@pytest.fixture(scope="session", params=[c[0] for c in CASES])
def expected(request: pytest.FixtureRequest, bits_dir: Path) -> Expected:
    return read_bits(bits_dir, request.param)
