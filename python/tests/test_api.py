"""The model's API, the result classes, frames' options, and the promises of ``score``: no
copy of a contiguous input, the GIL released, the same bits on any number of threads."""

from __future__ import annotations

import pickle
import threading
import time
import tracemalloc

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import silkscore
from conftest import VECTORS

M = silkscore.Model.default()


def values(n: int, seed: int = 1, dtype: type = np.float32) -> np.ndarray:
    """n records spread over each indicator's goalposts and a little beyond."""
    rng = np.random.default_rng(seed)
    lo = np.array([i.lo for i in M.indicators])
    hi = np.array([i.hi for i in M.indicators])
    u = rng.uniform(-0.1, 1.1, (n, len(M)))
    return (lo + (hi - lo) * u).astype(dtype)


def test_the_default_model() -> None:
    assert M.name == "bri-cultural-v1"
    assert len(M) == len(M.indicators) == 18
    first = M.indicators[0]
    assert (first.id, first.connotation, first.direction, first.transform) == ("talent_exchange", "cultural", "benefit", "log")
    assert M.ids[-1] == "stability_risk" and M.indicators[-1].direction == "cost"
    assert M.params.within == "arithmetic" and M.params.across == "geometric"
    assert M.params.grades == (80.0, 65.0, 50.0, 35.0)
    assert 0 <= M.fingerprint < 2**32
    assert silkscore.Model.from_toml(VECTORS / "bri-cultural-v1.toml") == M
    assert "bri-cultural-v1" in repr(M)


def test_models_round_trip() -> None:
    custom = silkscore.Model.from_toml(VECTORS / "custom32.toml")
    for model in (M, custom):
        assert silkscore.Model.from_bytes(model.to_bytes()) == model
        assert silkscore.Model.from_toml(model.to_toml()) == model
        back = pickle.loads(pickle.dumps(model))
        assert back == model and back.fingerprint == model.fingerprint
        assert hash(back) == hash(model)
    assert custom != M and custom.fingerprint != M.fingerprint
    signed = silkscore.Model.verify(M.sign(bytes(32), 2), silkscore.Model.public_key(bytes(32)), 2)
    assert pickle.loads(pickle.dumps(signed)).revision is None


def test_new_weights_make_a_new_model() -> None:
    w = np.ones(len(M))
    w[0] = 3
    m2 = M.with_indicator_weights(w)
    assert m2.indicators[0].weight == 3 and m2.fingerprint != M.fingerprint
    with pytest.raises(silkscore.ModelError) as err:
        M.with_indicator_weights(np.ones(3))
    assert err.value.field == "indicator"
    with pytest.raises(silkscore.ModelError) as err:
        M.with_indicator_weights(-np.ones(len(M)))
    assert err.value.field is not None and err.value.field.startswith("indicator[0]")


def test_scores_helpers() -> None:
    v = values(200)
    v[3, :6] = np.nan
    s = M.score(v, coverage=True)
    assert len(s) == 200
    assert s.coverage is not None and s.coverage.shape == (200, 3) and s.coverage.dtype == np.float32
    assert M.score(v).coverage is None
    assert s.cultural.dtype == np.float32 and s.basis_points.shape == (200, 4)
    assert s.basis_points.dtype == np.uint16 and s.grade.dtype == np.uint8 and s.status.dtype == np.uint8
    assert not s.ok[3] and s.ok.sum() == 199
    letters = s.grade_letters()
    assert letters[3] is None and set(letters[s.ok]) <= set("ABCDE")
    np.testing.assert_array_equal(
        s.basis_points[:, 3][s.ok], np.floor(s.composite[s.ok].astype(np.float64) * 100 + 0.5).astype(np.uint16)
    )
    d = s.to_dict()
    assert list(d) == ["cultural", "economic", "security", "composite", "grade", "status",
                       "cultural_coverage", "economic_coverage", "security_coverage"]
    assert d["status"][3] == "insufficient_data:cultural"
    assert M.status_text(0) == "ok"
    with pytest.raises(ValueError):
        M.status_text(200)


def test_empty_inputs() -> None:
    s = M.score(np.zeros((0, len(M)), dtype=np.float32))
    assert len(s) == 0 and s.basis_points.shape == (0, 4)
    assert len(s.status_strings()) == 0
    df = pd.DataFrame({k: pd.Series([], dtype=np.float64) for k in M.ids})
    assert len(M.score_frame(df)) == 0
    assert M.score_frame(pl.from_pandas(df)).height == 0
    assert M.score_frame(pa.Table.from_pandas(df)).num_rows == 0


def test_frames_keep_columns_and_coverage() -> None:
    v = values(50, seed=2).astype(np.float64)
    df = pd.DataFrame(v, columns=list(M.ids))
    df.insert(0, "name", [f"park {i}" for i in range(50)])
    df.insert(0, "id", np.arange(50, dtype=np.uint32) * 7)
    out = M.score_frame(df, keep=["id", "name"], coverage=True)
    assert list(out.columns) == ["id", "name", "cultural", "economic", "security", "composite", "grade",
                                 "status", "cultural_coverage", "economic_coverage", "security_coverage"]
    assert list(out["name"]) == list(df["name"])
    assert list(M.score_frame(df, keep=[]).columns)[0] == "cultural"
    # integer columns are read as numbers
    ints = df.copy()
    ints[M.ids[1]] = np.round(ints[M.ids[1]]).astype(np.int64)
    rounded = v.copy()
    rounded[:, 1] = np.round(rounded[:, 1])
    want = M.score(rounded)
    got = M.score_frame(ints)
    np.testing.assert_array_equal(got["composite"].to_numpy().view(np.uint32), want.composite.view(np.uint32))
    for frame in (pl.from_pandas(ints), pa.Table.from_pandas(ints, preserve_index=False)):
        out2 = M.score_frame(frame)
        col = out2["composite"] if isinstance(out2, pl.DataFrame) else out2.column("composite")
        np.testing.assert_array_equal(np.asarray(col.to_numpy()).view(np.uint32), want.composite.view(np.uint32))


def test_polars_and_arrow_nulls_are_missing_and_nan_is_not() -> None:
    v = values(3, seed=4)
    cols = {k: v[:, j] for j, k in enumerate(M.ids)}
    table = pa.table({k: pa.array(c, mask=np.array([False, True, False])) if k == M.ids[0] else pa.array(c)
                      for k, c in cols.items()})
    table = table.set_column(1, M.ids[1], pa.array(np.array([v[0, 1], v[1, 1], np.nan], dtype=np.float32)))
    for frame in (table, pl.from_arrow(table)):
        out = M.score_frame(frame)
        status = (out["status"].to_list() if isinstance(out, pl.DataFrame) else out.column("status").to_pylist())
        assert status == ["ok", "ok", f"non_finite:{M.ids[1]}"]
        again = M.score_frame(frame, nan_as_missing=True)["status"]
        assert list(again.to_list() if isinstance(again, pl.Series) else again.to_pylist())[2] == "ok"
    # record 1 has indicator 0 missing: its cultural index differs from scoring it present
    present_all = M.score(v).cultural
    out = M.score_frame(table)
    assert out.column("cultural").to_numpy()[1] != present_all[1]
    mask = np.ones(v.shape, dtype=bool)
    mask[1, 0] = False
    assert out.column("cultural").to_numpy()[1] == M.score(v, mask).cultural[1]


def test_a_contiguous_float32_array_is_not_copied() -> None:
    v = values(200_000)  # 14.4 MB
    fortran = np.asfortranarray(v)

    outputs = 26 * len(v)  # 4 float32 indices, 4 uint16 basis points, grade, status

    def allocated(arr: np.ndarray) -> int:
        """Bytes numpy allocated at the peak of scoring `arr`, besides the outputs."""
        tracemalloc.reset_peak()
        base = tracemalloc.get_traced_memory()[0]
        M.score(arr, threads=1)
        return tracemalloc.get_traced_memory()[1] - base - outputs

    tracemalloc.start()
    try:
        assert allocated(v) < 100_000
        assert allocated(fortran) < 100_000
        # the test can see a copy: a strided view is copied to a contiguous array
        assert allocated(v[::2]) > v.nbytes // 2 - 100_000 - outputs
    finally:
        tracemalloc.stop()


def test_the_gil_is_released_while_scoring() -> None:
    v = np.tile(values(1000), (2000, 1))  # 2,000,000 records
    done = threading.Event()
    started = threading.Event()
    stamp: dict[str, float] = {}

    def work() -> None:
        stamp["in"] = time.perf_counter()
        started.set()
        M.score(v, threads=1)
        stamp["out"] = time.perf_counter()
        done.set()

    t = threading.Thread(target=work)
    t.start()
    started.wait()
    # While the other thread scores, this one keeps running Python: the largest gap between
    # two of its steps (the first measured from when the other thread went to score) stays
    # far below the time the scoring takes. Were the GIL held, this thread would take its
    # first step only once the scoring is over.
    last, max_gap = stamp["in"], 0.0
    while not done.is_set():
        now = time.perf_counter()
        max_gap = max(max_gap, now - last)
        last = now
    t.join()
    duration = stamp["out"] - stamp["in"]
    assert duration > 0.05, "too few records to tell"
    assert max_gap < duration / 3, (max_gap, duration)


def test_threads_give_the_same_bits() -> None:
    v = values(100_000, seed=9)
    v[::97, 3] = np.nan
    v[::991, 5] = np.inf
    one = M.score(v, threads=1)
    for threads in (2, 7, None):
        s = M.score(v, threads=threads)
        for name in ("cultural", "economic", "security", "composite"):
            np.testing.assert_array_equal(getattr(s, name).view(np.uint32), getattr(one, name).view(np.uint32))
        np.testing.assert_array_equal(s.status, one.status)
        np.testing.assert_array_equal(s.basis_points, one.basis_points)


def test_out_reuses_the_arrays_of_an_earlier_result() -> None:
    v = values(50_000, seed=4)
    v[::89, 2] = np.nan  # missing
    v[::1013, 7] = np.inf  # non_finite
    for coverage in (False, True):
        fresh = M.score(v, coverage=coverage, threads=1)
        out = M.score(values(50_000, seed=5), coverage=coverage)
        # dirty every array, so that an entry the scorer skips would show
        for a in (out.cultural, out.economic, out.security, out.composite, out.coverage):
            if a is not None:
                a.fill(-7.0)
        out.basis_points.fill(12345)
        out.grade.fill(77)
        out.status.fill(99)
        for threads in (1, None):
            s = M.score(v, coverage=coverage, threads=threads, out=out)
            assert s.composite is out.composite and s.status is out.status
            for name in ("cultural", "economic", "security", "composite", "coverage", "basis_points", "grade", "status"):
                got, want = getattr(s, name), getattr(fresh, name)
                if want is None:
                    assert got is None
                    continue
                if want.dtype == np.float32:
                    got, want = got.view(np.uint32), want.view(np.uint32)
                np.testing.assert_array_equal(got, want, err_msg=name)
    # the arrays allocated: none (besides small bookkeeping), where a fresh call allocates 26 bytes a record
    out = M.score(v, threads=1)
    tracemalloc.start()
    try:
        M.score(v, threads=1, out=out)
        assert tracemalloc.get_traced_memory()[1] < 100_000
    finally:
        tracemalloc.stop()


def test_out_that_does_not_fit_is_refused() -> None:
    v = values(10)
    with pytest.raises(silkscore.errors.InputError, match="10 rows"):
        M.score(v, out=M.score(v[:9]))
    with pytest.raises(silkscore.errors.InputError, match="coverage"):
        M.score(v, coverage=True, out=M.score(v))
    with pytest.raises(silkscore.errors.InputError, match="coverage"):
        M.score(v, out=M.score(v, coverage=True))
    with pytest.raises(silkscore.errors.InputError):
        M.score(v, out=(1, 2))  # type: ignore[arg-type]
    out = M.score(v)
    out.composite.flags.writeable = False
    with pytest.raises(TypeError, match="output array"):
        M.score(v, out=out)
