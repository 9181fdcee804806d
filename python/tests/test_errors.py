"""Error paths: invalid models (the field named), compiled models and envelopes that are
refused, wrong shapes and dtypes, non-finite values, frames without a column."""

from __future__ import annotations

import csv
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import polars as pl
import pyarrow as pa
import pytest

import silkscore
from conftest import VECTORS
from silkscore import InputError, ModelError, VerifyError

INVALID = VECTORS / "invalid_models"
MANIFEST = list(csv.DictReader(open(INVALID / "manifest.csv", newline="")))
M = silkscore.Model.default()


@pytest.mark.parametrize("case", MANIFEST, ids=[r["file"] for r in MANIFEST])
def test_every_invalid_model_names_its_field(case: dict[str, str]) -> None:
    path = INVALID / case["file"]
    for source in (path, str(path), path.read_text()):
        with pytest.raises(ModelError) as err:
            silkscore.Model.from_toml(source)
        assert err.value.field == case["field"]
        assert isinstance(err.value.line, int) and err.value.line >= 1
        assert case["field"] in str(err.value)
        assert isinstance(err.value, ValueError)
    assert err.value.path == "<string>"


def test_a_model_file_that_cannot_be_read_is_an_os_error(tmp_path: Path) -> None:
    with pytest.raises(FileNotFoundError) as err:
        silkscore.Model.from_toml(tmp_path / "nope.toml")
    assert err.value.filename == str(tmp_path / "nope.toml")
    with pytest.raises(TypeError):
        silkscore.Model.from_toml(b"name = 'x'")  # type: ignore[arg-type]


def test_compiled_models_are_checked() -> None:
    data = M.to_bytes()
    assert silkscore.Model.from_bytes(data) == M
    for bad in (b"", b"\x02" + data[1:], data[:-1], data + b"\x00", b"\xff" * 40):
        with pytest.raises(ModelError):
            silkscore.Model.from_bytes(bad)
    # A well-formed message of an invalid model: floor (after version, name, within, across) = 0.
    at = 1 + 1 + len(M.name) + 2
    assert np.frombuffer(data[at : at + 4], "<f4")[0] == np.float32(0.01)
    zero_floor = data[:at] + b"\x00" * 4 + data[at + 4 :]
    with pytest.raises(ModelError) as err:
        silkscore.Model.from_bytes(zero_floor)
    assert err.value.field == "floor"


def test_envelopes_are_verified() -> None:
    secret, other = bytes(range(32)), bytes(range(1, 33))
    public = silkscore.Model.public_key(secret)
    envelope = M.sign(secret, 3)
    ok = silkscore.Model.verify(envelope, public, 3)
    assert ok == M and ok.revision == 3 and M.revision is None
    assert silkscore.Model.verify(envelope, public).revision == 3

    def refused(env: bytes, key: bytes = public, min_revision: int = 1) -> VerifyError:
        with pytest.raises(VerifyError) as err:
            silkscore.Model.verify(env, key, min_revision)
        return err.value

    e = refused(envelope, min_revision=4)
    assert (e.kind, e.running, e.revision) == ("rollback", 3, 3)
    tampered = bytearray(envelope)
    tampered[60] ^= 1
    assert refused(bytes(tampered)).kind == "bad_signature"
    assert refused(envelope, silkscore.Model.public_key(other)).kind == "untrusted_key"
    assert refused(envelope[:-1]).kind == "truncated"
    assert refused(envelope + b"\x00").kind == "too_long"
    assert refused(b"not an envelope at all, not at all").kind == "malformed"
    e = refused(envelope, public[:31])
    assert (e.kind, e.field) == ("invalid_key", "public_key")
    # a signed but invalid model is named by its field
    at = 16 + 4 + 32 + 2 + 1 + 1 + len(M.name) + 2
    bad_model = envelope[:at] + b"\x00" * 4 + envelope[at + 4 :]
    assert refused(bad_model).kind in ("bad_signature", "invalid_model")
    with pytest.raises(ValueError):
        M.sign(secret[:5], 1)


def test_wrong_shapes_are_input_errors() -> None:
    m = len(M)
    for values in (np.zeros(m), np.zeros((2, m, 1)), np.zeros((3, m - 1)), np.zeros((3, m + 1))):
        with pytest.raises(InputError) as err:
            M.score(values)
        assert err.value.field == "values"
    with pytest.raises(InputError) as err:
        M.score(np.zeros((3, m - 1)))
    assert (err.value.expected, err.value.found) == (m, m - 1)
    with pytest.raises(InputError) as err:
        M.score(np.zeros((3, m)), np.ones((3, m - 1), dtype=bool))
    assert err.value.field == "present"
    with pytest.raises(InputError):
        M.score(np.zeros((3, m)), np.ones((m, 3), dtype=bool))


@pytest.mark.parametrize("dtype", [np.int64, np.int32, np.float16, np.complex64, object, np.bool_, "U3"])
def test_wrong_dtypes_are_type_errors(dtype: object) -> None:
    with pytest.raises(TypeError, match="float32 or float64"):
        M.score(np.zeros((2, len(M)), dtype=dtype))


def test_present_must_be_bool() -> None:
    with pytest.raises(TypeError, match="bool"):
        M.score(np.zeros((2, len(M))), np.ones((2, len(M)), dtype=np.uint8))


def test_other_byte_orders_and_lists_are_accepted() -> None:
    v = np.random.default_rng(3).uniform(0, 50, (40, len(M))).astype(np.float32)
    want = M.score(v).composite.view(np.uint32)
    swapped = v.astype(">f4")
    np.testing.assert_array_equal(M.score(swapped).composite.view(np.uint32), want)
    np.testing.assert_array_equal(M.score(v.tolist()).composite.view(np.uint32), want)


def test_threads_must_be_positive() -> None:
    v = np.zeros((2, len(M)))
    for bad in (0, -1, True, 1.5):
        with pytest.raises(ValueError, match="threads"):
            M.score(v, threads=bad)  # type: ignore[arg-type]


def test_non_finite_values_fail_their_record_only() -> None:
    rng = np.random.default_rng(5)
    v = rng.uniform(1, 50, (6, len(M)))
    v[1, 3] = np.inf
    v[2, 5] = -np.inf
    v[2, 2] = np.inf  # the first in model order is named
    v[3, 7] = np.nan  # missing: no error
    v[4, 0:6] = np.nan  # the whole cultural connotation missing
    s = M.score(v)
    ids = M.ids
    assert list(s.status_strings()) == [
        "ok",
        f"non_finite:{ids[3]}",
        f"non_finite:{ids[2]}",
        "ok",
        "insufficient_data:cultural",
        "ok",
    ]
    assert list(s.status) == [0, 32 + 3, 32 + 2, 0, 1, 0]
    assert np.isnan(s.composite[[1, 2, 4]]).all() and not np.isnan(s.composite[[0, 3, 5]]).any()
    assert list(s.grade[[1, 2, 4]]) == [silkscore.GRADE_NONE] * 3
    assert (s.basis_points[[1, 2, 4]] == 0).all()
    # with `present`, a NaN is a value, and not a finite one
    present = np.ones(v.shape, dtype=bool)
    present[4, 0:6] = False
    s2 = M.score(v, present)
    assert s2.status_strings()[3] == f"non_finite:{ids[7]}"
    assert s2.status_strings()[4] == "insufficient_data:cultural"
    # a value that is not present is ignored, whatever it holds
    present[1, 3] = False
    assert M.score(v, present).status_strings()[1] == "ok"


def test_frames_need_every_indicator_column() -> None:
    v = np.random.default_rng(7).uniform(1, 50, (5, len(M)))
    df = pd.DataFrame(v, columns=list(M.ids))
    with pytest.raises(InputError) as err:
        M.score_frame(df.drop(columns=[M.ids[4]]))
    assert err.value.field == M.ids[4]
    assert M.ids[4] in str(err.value)
    with pytest.raises(InputError) as err:
        M.score_frame(pl.from_pandas(df).drop(M.ids[0]))
    assert err.value.field == M.ids[0]
    with pytest.raises(InputError) as err:
        M.score_frame(pa.Table.from_pandas(df).drop_columns([M.ids[17]]))
    assert err.value.field == M.ids[17]
    dup = pd.concat([df, df[[M.ids[2]]]], axis=1)
    with pytest.raises(InputError, match="2 columns"):
        M.score_frame(dup)
    with pytest.raises(InputError) as err:
        M.score_frame(df, keep=["name"])
    assert err.value.field == "name"


def test_frame_columns_of_text_are_parsed_and_others_refused() -> None:
    df = pd.DataFrame(np.ones((3, len(M))), columns=list(M.ids))
    df[M.ids[1]] = ["1", " 2 ", "abc"]
    df[M.ids[5]] = ["1", "NaN", "12..5"]  # after ids[1] in the frame: ids[1] is named
    for frame in (df, pl.from_pandas(df), pa.Table.from_pandas(df)):
        out = M.score_frame(frame)
        status = list(out["status"]) if isinstance(out, pd.DataFrame) else out["status"].to_list() \
            if isinstance(out, pl.DataFrame) else out.column("status").to_pylist()
        assert status == ["ok", f"non_finite:{M.ids[5]}", f"parse:{M.ids[1]}"], type(frame)
    bools = pd.DataFrame(np.ones((3, len(M))), columns=list(M.ids))
    bools[M.ids[1]] = [True, False, True]
    with pytest.raises(TypeError, match=M.ids[1]):
        M.score_frame(bools)
    with pytest.raises(TypeError, match=M.ids[1]):
        M.score_frame(pl.from_pandas(bools))
    with pytest.raises(TypeError, match=M.ids[1]):
        M.score_frame(pa.Table.from_pandas(bools))
    with pytest.raises(TypeError, match="collect"):
        M.score_frame(pl.from_pandas(df).lazy())
    with pytest.raises(TypeError, match="pandas or Polars"):
        M.score_frame({k: [1.0] for k in M.ids})


def test_errors_keep_their_attributes_when_pickled() -> None:
    with pytest.raises(ModelError) as err:
        silkscore.Model.from_toml(INVALID / "typo_key.toml")
    back = pickle.loads(pickle.dumps(err.value))
    assert type(back) is ModelError
    assert (back.field, back.line, str(back)) == (err.value.field, err.value.line, str(err.value))
