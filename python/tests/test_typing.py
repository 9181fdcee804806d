"""The type stubs: the extension's stub matches the module (mypy's stubtest), and code using
the package type-checks under ``mypy --strict``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

pytest.importorskip("mypy")

USAGE = '''
import numpy as np
import pandas as pd
import silkscore
from silkscore import weights, sensitivity

model: silkscore.Model = silkscore.Model.default()
values = np.zeros((3, len(model)), dtype=np.float32)
s: silkscore.Scores = model.score(values, threads=1)
composite: float = float(s.composite[0])
letters = s.grade_letters()
fp: int = model.fingerprint
ids: tuple[str, ...] = model.ids
frame = model.score_frame(pd.DataFrame(values, columns=list(ids)))
w: weights.AhpResult = weights.ahp([2.0, 4.0, 2.0])
m2: silkscore.Model = w.apply(model, "cultural")
e: weights.EntropyResult = weights.entropy(model, values)
a: sensitivity.Analysis = sensitivity.analyse(model, values + 1, samples=8, resamples=0,
                                               uncertainty="across = true\\nfloor = [0.001, 0.05]\\n")
groups: tuple[str, ...] = a.groups
floor_total = a.total("floor")[:, 0]
width: float = a.max_half_width
try:
    sensitivity.analyse(model, values, uncertainty="weights = 2\\n")
except silkscore.SensitivityError as err2:
    line: int | None = err2.line
try:
    silkscore.Model.from_toml("model.toml")
except silkscore.ModelError as err:
    field: str | None = err.field
'''


def test_the_extension_stub_matches_the_module(tmp_path: Path) -> None:
    run = subprocess.run([sys.executable, "-m", "mypy.stubtest", "silkscore._silkscore"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr


def test_the_package_type_checks() -> None:
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
                          "--disable-error-code=import-untyped", "-p", "silkscore"],
                         capture_output=True, text=True, cwd=Path(__file__).parent)
    assert run.returncode == 0, run.stdout + run.stderr


def test_using_the_package_type_checks(tmp_path: Path) -> None:
    (tmp_path / "usage.py").write_text(USAGE)
    run = subprocess.run([sys.executable, "-m", "mypy", "--strict", "--no-incremental", "--cache-dir=/dev/null",
                          "--disable-error-code=import-untyped", "usage.py"],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 0, run.stdout + run.stderr
