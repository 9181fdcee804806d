"""The sensitivity analysis (docs/spec.md §7.7, §7.8): the same numbers as
``silkscore sensitivity --format json`` for the same records file and settings, competition
ranking with ties only between identical composites, uncertainty files (groups and errors),
the progress callback, and the settings' errors."""

from __future__ import annotations

import json
import math
import os
import pickle
import subprocess
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import silkscore
from conftest import ROOT
from silkscore import SensitivityError, sensitivity

M = silkscore.Model.default()
PORTFOLIO = ROOT / "examples" / "data" / "portfolio.csv"
UNCERTAINTY = ROOT / "examples" / "data" / "uncertainty.toml"
WEIGHT_GROUPS = ("weight.cultural", "weight.economic", "weight.security", "indicator_weights")
ALL_GROUPS = WEIGHT_GROUPS + ("within", "across", "floor", "min_coverage", "goalposts")


def read(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """A records file as the command reads it (every cell as text), its values and mask."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    values, present = M.matrix(frame)
    return frame, values, present


def cli() -> Path:
    given = os.environ.get("SILKSCORE_CLI")
    exe = Path(given) if given else ROOT / "target" / "debug" / "silkscore"
    if not exe.exists():
        pytest.skip("the silkscore binary is not built (cargo build -p silkscore-cli); check.sh builds it")
    return exe


def command(records: Path, **settings: Any) -> dict[str, Any]:
    """``silkscore sensitivity --format json`` with the settings named as analyse names them."""
    args = [str(cli()), "sensitivity", "--input", str(records), "--format", "json"]
    for name, value in settings.items():
        if value is not None:
            args += [f"--{name}", str(value)]
    run = subprocess.run(args, capture_output=True, text=True)
    assert run.returncode == 0, run.stderr
    doc: dict[str, Any] = json.loads(run.stdout)
    return doc


def round6(v: float) -> float | None:
    """The command's rounding for JSON, ``(v * 1e6).round() / 1e6`` in Rust (halves away
    from zero), exactly; NaN is JSON's null."""
    if math.isnan(v):
        return None
    y = v * 1e6
    t = math.trunc(y)
    if abs(y - t) >= 0.5:  # y - t is exact: the fraction of a double
        t += 1 if y > 0 else -1
    return t / 1e6


def triple(e: np.ndarray) -> dict[str, float | None]:
    return {"value": round6(float(e[0])), "low": round6(float(e[1])), "high": round6(float(e[2]))}


def assert_same_as_command(a: sensitivity.Analysis, doc: dict[str, Any], ids: list[int]) -> None:
    """Every number of the command's JSON, compared exactly with the analysis rounded the way
    the command rounds it (ranks and counts exactly as they are)."""
    assert doc["excluded"] == []
    assert (doc["samples"], doc["samples_used"], doc["samples_skipped"], doc["seed"]) == (
        a.samples, a.samples_used, a.samples_skipped, a.seed)
    assert doc["uncertainty"]["description"] == a.uncertainty
    s = doc["sobol"]
    assert s["inputs"] == list(a.groups)
    assert (s["resamples"], s["rows"], s["projects"], s["confidence"]) == (
        a.resamples, a.samples_used, a.sobol_projects, a.confidence)
    assert s["max_half_width"] == round6(a.max_half_width)
    if a.sobol_projects:
        assert s["mean"]["variance"] == round6(a.mean_variance)
        want = [{"input": g, "first_order": triple(a.mean_first[k]), "total": triple(a.mean_total[k])}
                for k, g in enumerate(a.groups)]
        assert s["mean"]["indices"] == want
    else:
        assert s["mean"] is None and np.isnan(a.mean_first).all()
    assert len(doc["projects"]) == len(ids)
    for p, i in zip(doc["projects"], a.order):
        assert p["id"] == ids[i]
        got = {k: int(getattr(a, k)[i]) for k in ("nominal_rank", "median_rank", "p5_rank", "p95_rank",
                                                   "failed_samples")}
        assert {k: p[k] for k in got} == got, p["id"]
        assert p["nominal_composite"] == round6(float(a.nominal_composite[i]))
        if not a.has_indices[i]:
            assert p["sobol"] is None and np.isnan(a.sobol_first[i]).all()
            continue
        assert p["sobol"]["variance"] == round6(float(a.sobol_variance[i]))
        want = [{"input": g, "first_order": triple(a.sobol_first[i, k]), "total": triple(a.sobol_total[i, k])}
                for k, g in enumerate(a.groups)]
        assert p["sobol"]["indices"] == want, p["id"]


def test_round6_rounds_as_rust_does() -> None:
    assert [round6(x) for x in (0.0000005, -0.0000005, 0.0000015, 0.1234564, 2.5e-7)] == [
        0.000001, -0.000001, 0.000002, 0.123456, 0.0]
    assert round6(float("nan")) is None


# (settings as analyse takes them, the command's options for them)
SMALL = [
    pytest.param({"samples": 256, "resamples": 100}, id="weights-N256"),
    pytest.param({"samples": 128, "seed": 7, "spread": 0.6, "resamples": 50}, id="spread0.6-seed7"),
    pytest.param({"samples": 100, "resamples": 0}, id="N100-no-intervals"),
    pytest.param({"samples": 256, "seed": 3, "resamples": 100, "uncertainty": UNCERTAINTY}, id="uncertainty-file"),
]


@pytest.mark.parametrize("settings", SMALL)
def test_the_bundled_portfolio_matches_the_command(settings: dict[str, Any]) -> None:
    frame, values, present = read(PORTFOLIO)
    a = sensitivity.analyse(M, values, present, **settings)
    assert a.samples == settings["samples"] and a.resamples == settings["resamples"]
    assert_same_as_command(a, command(PORTFOLIO, **settings), [int(x) for x in frame["id"]])


def test_the_default_analysis_matches_the_command() -> None:
    """The one default-N test: 16384 samples and 500 resamples for the 28 projects, every
    interval within the ±0.03 the specification promises, and the command's numbers."""
    frame, values, present = read(PORTFOLIO)
    calls: list[tuple[int, int]] = []
    a = sensitivity.analyse(M, values, present, progress=lambda d, t: calls.append((d, t)))
    assert (a.samples, a.resamples, a.seed) == (16384, 500, 1)
    assert (a.samples_used, a.samples_skipped) == (16384, 0)
    assert a.groups == WEIGHT_GROUPS and a.sobol_first.shape == (28, 4, 3)
    assert 0 < a.max_half_width <= 0.03
    assert a.sobol_projects == 28 and a.has_indices.all() and not a.failed_samples.any()
    lo, est, hi = a.sobol_first[..., 1], a.sobol_first[..., 0], a.sobol_first[..., 2]
    assert (lo <= est).all() and (est <= hi).all()
    assert (a.p5_rank <= a.median_rank).all() and (a.median_rank <= a.p95_rank).all()
    assert calls[-1][0] == calls[-1][1] and len(calls) > 10
    assert_same_as_command(a, command(PORTFOLIO), [int(x) for x in frame["id"]])


def competition_ranks(composites: np.ndarray) -> list[int]:
    """1 + the number of strictly higher composites (docs/spec.md §7.7), from the bits."""
    return [1 + int((composites > c).sum()) for c in composites]


def test_ties_share_a_rank_and_the_ranks_after_them_are_skipped(tmp_path: Path) -> None:
    frame, _, _ = read(PORTFOLIO)
    # Three copies of the best project and two of another, under new ids, at the end.
    best = int(np.argmax(M.score_frame(frame)["composite"]))
    extra = frame.iloc[[best, best, 5]].copy()
    extra["id"] = ["9001", "9002", "9003"]
    tied = pd.concat([frame, extra], ignore_index=True)
    path = tmp_path / "tied.csv"
    tied.to_csv(path, index=False)
    values, present = M.matrix(tied)
    a = sensitivity.analyse(M, values, present, samples=128, resamples=20)
    assert a.nominal_rank.tolist() == competition_ranks(a.nominal_composite)
    n = len(frame)
    assert a.nominal_rank[best] == a.nominal_rank[n] == a.nominal_rank[n + 1] == 1
    assert 2 not in a.nominal_rank and 3 not in a.nominal_rank and 4 in a.nominal_rank
    assert a.nominal_rank[5] == a.nominal_rank[n + 2]
    # Copies tie in every draw: the same rank interval and the same indices.
    for i, j in ((best, n), (best, n + 1), (5, n + 2)):
        for name in ("median_rank", "p5_rank", "p95_rank"):
            assert getattr(a, name)[i] == getattr(a, name)[j]
        np.testing.assert_array_equal(a.sobol_total[i], a.sobol_total[j])
    # Listings keep tied projects in input order.
    assert a.order[:3].tolist() == [best, n, n + 1]
    assert_same_as_command(a, command(path, samples=128, resamples=20), [int(x) for x in tied["id"]])


def test_one_unit_in_the_last_place_is_not_a_tie() -> None:
    _, values, _ = read(PORTFOLIO)
    row = values[0].astype(np.float32)
    base = M.score(row[None, :]).composite[0]
    # Nudge one value up until the composite moves: by one unit in the last place.
    near = row.copy()
    for _ in range(1000):
        near[0] = np.nextafter(near[0], np.float32(np.inf))
        c = M.score(near[None, :]).composite[0]
        if c != base:
            break
    assert abs(int(c.view(np.int32)) - int(base.view(np.int32))) == 1
    pair = np.stack([row, near, row])
    a = sensitivity.analyse(M, pair, samples=16, resamples=0)
    assert a.nominal_rank.tolist() == ([2, 1, 2] if c > base else [1, 3, 1])


def test_input_order_does_not_change_a_projects_results() -> None:
    _, values, present = read(PORTFOLIO)
    perm = np.random.default_rng(3).permutation(len(values))
    a = sensitivity.analyse(M, values, present, samples=64, resamples=30)
    b = sensitivity.analyse(M, values[perm], present[perm], samples=64, resamples=30)
    for name in ("nominal_rank", "median_rank", "p5_rank", "p95_rank", "nominal_composite"):
        np.testing.assert_array_equal(getattr(a, name)[perm], getattr(b, name))
    np.testing.assert_array_equal(a.sobol_first[perm], b.sobol_first)
    np.testing.assert_array_equal(a.sobol_total[perm], b.sobol_total)


def test_same_seed_same_bits_in_any_layout() -> None:
    _, values, present = read(PORTFOLIO)
    a = sensitivity.analyse(M, values, present, samples=64, resamples=30, seed=5)
    for v in (values.astype(np.float32), np.asfortranarray(values)):
        b = sensitivity.analyse(M, v, present, samples=64, resamples=30, seed=5)
        for name in ("nominal_composite", "median_rank", "p5_rank", "p95_rank", "sobol_first", "sobol_total",
                     "mean_first", "mean_total"):
            np.testing.assert_array_equal(getattr(a, name), getattr(b, name))
    # NaN as missing without a mask gives the same analysis.
    c = sensitivity.analyse(M, np.where(present, values, np.nan), samples=64, resamples=30, seed=5)
    np.testing.assert_array_equal(a.sobol_total, c.sobol_total)
    other = sensitivity.analyse(M, values, present, samples=64, resamples=30, seed=6)
    assert not np.array_equal(a.sobol_first, other.sobol_first)


def test_the_uncertainty_file_sets_the_groups(tmp_path: Path) -> None:
    _, values, present = read(PORTFOLIO)
    a = sensitivity.analyse(M, values, present, samples=64, resamples=20, uncertainty=UNCERTAINTY)
    assert a.groups == ALL_GROUPS
    assert a.sobol_first.shape == a.sobol_total.shape == (28, 9, 3) and a.mean_total.shape == (9, 3)
    assert "floor ε log-uniform on [0.001, 0.05]" in a.uncertainty
    # A path as a string, or the text, gives the same analysis.
    for u in (str(UNCERTAINTY), UNCERTAINTY.read_text()):
        b = sensitivity.analyse(M, values, present, samples=64, resamples=20, uncertainty=u)
        np.testing.assert_array_equal(a.sobol_total, b.sobol_total)
    c = sensitivity.analyse(M, values, present, samples=64, resamples=20,
                            uncertainty="# two assumptions\nacross = true\nfloor = [0.001, 0.05]\n")
    assert c.groups == ("across", "floor") and c.sobol_first.shape == (28, 2, 3)
    assert c.uncertainty.startswith("aggregation across")
    np.testing.assert_array_equal(c.first("floor"), c.sobol_first[:, 1, :])
    with pytest.raises(KeyError, match="across, floor"):
        c.total("weight.cultural")
    # Only the connotation weights vary: projects with three equal indices have no indices.
    d = sensitivity.analyse(M, best_records(3), samples=32, resamples=0, uncertainty="weights = 0.3\n")
    assert d.groups == WEIGHT_GROUPS[:3] and not d.has_indices.any() and d.sobol_projects == 0
    assert np.isnan(d.mean_first).all() and np.isnan(d.mean_variance) and d.max_half_width == 0
    assert d.nominal_rank.tolist() == [1, 1, 1]


def best_records(n: int, model: silkscore.Model = M) -> np.ndarray:
    """``n`` copies of the best record: every indicator at its best goalpost, so the three
    indices are equal (100) whatever the weights and aggregations."""
    best = [i.hi if i.direction == "benefit" else i.lo for i in model.indicators]
    return np.tile(np.array(best, dtype=np.float64), (n, 1))


BAD_TEXT = [
    # (text, field, line, in the message)
    ("weights = 1.5\n", "weights", 1, "[0, 1]"),
    ("\n\nindicator_weights = -0.1\n", "indicator_weights", 3, "[0, 1]"),
    ("weights = 0.2\nfloor = [0.5, 0.1]\n", "floor", 2, "0 < lo <= hi <= 1"),
    ("min_coverage = [0.7, 0.2]\n", "min_coverage", 1, "lo <= hi"),
    ("across = true\ngoalposts = 0.5\n", "goalposts", 2, "[0, 0.5)"),
    ("weights = nan\n", "weights", 1, "NaN"),
    ("across = true\nwieghts = 0.2\n", "wieghts", 2, "unknown field"),
    ('within = "yes"\n', None, 1, "boolean"),
    ("floor = [0.1]\n", None, 1, ""),
    ("weights = \n", None, 1, ""),
    ("# nothing at all\n", None, None, "nothing varies"),
    ("within = false\n", None, None, "nothing varies"),
]


@pytest.mark.parametrize("text,field,line,message", BAD_TEXT, ids=[repr(c[0]) for c in BAD_TEXT])
def test_a_bad_uncertainty_file_names_the_field_and_line(
    tmp_path: Path, text: str, field: str | None, line: int | None, message: str
) -> None:
    v = np.full((2, len(M)), 40.0)
    with pytest.raises(SensitivityError) as err:
        sensitivity.analyse(M, v, samples=8, uncertainty=text)
    e = err.value
    assert (e.field, e.line, e.path, e.row) == (field, line, None, None)
    assert message in str(e)
    assert str(e).startswith(f"<string>:{line}:" if line else "<string>:")
    # The same from a file: the path too, first in the message.
    path = tmp_path / "u.toml"
    path.write_text(text)
    with pytest.raises(SensitivityError) as err:
        sensitivity.analyse(M, v, samples=8, uncertainty=path)
    assert (err.value.field, err.value.line, err.value.path) == (field, line, str(path))
    assert str(err.value).startswith(f"{path}:{line}:" if line else f"{path}:")
    # Errors keep their attributes across pickling (Dask, multiprocessing).
    again = pickle.loads(pickle.dumps(err.value))
    assert (again.field, again.line, again.path) == (field, line, str(path))


def test_uncertainty_files_that_cannot_be_read(tmp_path: Path) -> None:
    v = np.full((2, len(M)), 40.0)
    with pytest.raises(FileNotFoundError) as missing:
        sensitivity.analyse(M, v, samples=8, uncertainty=tmp_path / "absent.toml")
    assert missing.value.filename == str(tmp_path / "absent.toml")
    with pytest.raises(FileNotFoundError):
        sensitivity.analyse(M, v, samples=8, uncertainty="weights = 0.2")  # no line break: a path
    latin1 = tmp_path / "latin1.toml"
    latin1.write_bytes(b"weights = 0.2\n# \xe9t\xe9\n")
    with pytest.raises(SensitivityError, match="UTF-8") as err:
        sensitivity.analyse(M, v, samples=8, uncertainty=latin1)
    assert (err.value.path, err.value.line) == (str(latin1), 2)
    huge = tmp_path / "huge.toml"
    huge.write_bytes(b"weights = 0.2\n" + b"#" * sensitivity.MAX_UNCERTAINTY_BYTES)
    with pytest.raises(SensitivityError, match="at most 65536 bytes") as err:
        sensitivity.analyse(M, v, samples=8, uncertainty=huge)
    assert err.value.path == str(huge)
    with pytest.raises(TypeError, match="path or the text"):
        sensitivity.analyse(M, v, samples=8, uncertainty=b"weights = 0.2\n")  # type: ignore[arg-type]


def test_progress_is_reported_and_its_exception_raised() -> None:
    _, values, present = read(PORTFOLIO)
    calls: list[tuple[int, int]] = []
    sensitivity.analyse(M, values, present, samples=64, resamples=10, progress=lambda d, t: calls.append((d, t)))
    assert calls and calls[-1][0] == calls[-1][1]
    assert all(x[0] < y[0] and x[1] == y[1] for x, y in zip(calls, calls[1:]))

    class Stop(Exception):
        pass

    seen: list[int] = []

    def stop(done: int, total: int) -> None:
        seen.append(done)
        raise Stop(f"stopped at {done}")

    with pytest.raises(Stop, match="stopped at"):
        sensitivity.analyse(M, values, present, samples=64, resamples=10, progress=stop)
    assert len(seen) == 1  # not called again after it raised

    def interrupt(done: int, total: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sensitivity.analyse(M, values, present, samples=16, progress=interrupt)
    with pytest.raises(TypeError, match="callable"):
        sensitivity.analyse(M, values, present, samples=16, progress=3)  # type: ignore[arg-type]


def test_a_project_that_does_not_score_is_named_by_its_row() -> None:
    _, values, present = read(PORTFOLIO)
    v = values.copy()
    v[7, :6] = np.nan  # no cultural indicator
    with pytest.raises(SensitivityError) as err:
        sensitivity.analyse(M, v, samples=8)
    assert (err.value.row, err.value.field) == (7, None)
    assert str(err.value).startswith("row 7 does not score with the nominal model: ")
    assert "cultural" in str(err.value)


@pytest.mark.parametrize(
    "settings,field",
    [
        ({"samples": 0}, "samples"),
        ({"samples": sensitivity.MAX_SAMPLES + 1}, "samples"),
        ({"samples": -5}, "samples"),
        ({"seed": -1}, "seed"),
        ({"seed": 2**64}, "seed"),
        ({"resamples": -1}, "resamples"),
        ({"resamples": sensitivity.MAX_RESAMPLES + 1}, "resamples"),
        ({"spread": 1.5}, "spread"),
        ({"spread": -0.1}, "spread"),
        ({"spread": float("nan")}, "spread"),
        ({"spread": 0.3, "uncertainty": "across = true\n"}, "spread"),
    ],
)
def test_settings_out_of_range(settings: dict[str, Any], field: str) -> None:
    v = np.full((2, len(M)), 40.0)
    with pytest.raises(SensitivityError) as err:
        sensitivity.analyse(M, v, **settings)
    assert err.value.field == field, err.value
    assert str(err.value).startswith(field), err.value


def test_the_extension_refuses_a_spread_out_of_range_too() -> None:
    """Behind ``analyse``'s own check, the extension names the argument as well."""
    v = np.full((2, len(M)), 40.0)
    for spread in (1.5, float("nan")):
        with pytest.raises(SensitivityError, match=r"\[0, 1\]") as err:
            silkscore._silkscore.analyse(M._core, v, None, samples=8, spread=spread)
        assert err.value.field == "spread"


def test_limits_are_refused_before_any_work() -> None:
    projects = sensitivity.MAX_RANK_ENTRIES // sensitivity.MAX_SAMPLES + 1
    v = np.full((projects, len(M)), 40.0)
    with pytest.raises(SensitivityError, match="exceeds the limit") as err:
        sensitivity.analyse(M, v, samples=sensitivity.MAX_SAMPLES, progress=lambda d, t: pytest.fail("worked"))
    assert err.value.field == "samples"
    with pytest.raises(SensitivityError, match="no projects") as err:
        sensitivity.analyse(M, np.zeros((0, len(M))))
    assert err.value.field == "values"
    with pytest.raises(TypeError):
        sensitivity.analyse(M, v, samples=8.0)  # type: ignore[arg-type]
    with pytest.raises(silkscore.InputError):
        sensitivity.analyse(M, np.zeros((3, 4)), samples=8)


#: a model of three indicators, one per connotation: quick to score
THREE = """name = "three"
within = "arithmetic"
across = "geometric"
floor = 0.01
min_coverage = 0.5
grades = [80, 65, 50, 35]

[weights]
cultural = 1
economic = 1
security = 1
""" + "".join(
    f'\n[[indicator]]\nid = "{c}"\nconnotation = "{c}"\ndirection = "benefit"\ntransform = "lin"\n'
    "lo = 0\nhi = 1\nweight = 1\n"
    for c in ("cultural", "economic", "security")
)


def test_defaults_for_larger_portfolios() -> None:
    """N and the resamples follow the command's rule: N·P at most 2²² by default, 100
    resamples when an explicit N makes N·P larger. (Projects whose composite does not vary
    skip the bootstrap, which keeps this quick.)"""
    small = silkscore.Model.from_toml(THREE)
    v = best_records(300, small)
    a = sensitivity.analyse(small, v, uncertainty="across = true\n")
    assert (a.samples, a.resamples) == (8192, 500)  # 2²² / 300 = 13981 → 8192
    b = sensitivity.analyse(small, v[:257], samples=16384, uncertainty="across = true\n")
    assert (b.samples, b.resamples) == (16384, 100)  # 16384 · 257 > 2²²
