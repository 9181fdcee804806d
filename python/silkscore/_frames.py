"""Data frames in and out of :meth:`silkscore.Model.score_frame`: pandas and Polars
``DataFrame`` and pyarrow ``Table`` / ``RecordBatch``.

None of the three libraries is imported here unless the caller already has it imported (a
frame of that kind exists only then): the package needs numpy alone.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Sequence, TypeVar

import numpy as np
import numpy.typing as npt

from . import _silkscore
from .errors import InputError

if TYPE_CHECKING:
    from ._scores import Scores

#: a pandas or Polars ``DataFrame`` or a pyarrow ``Table`` / ``RecordBatch``
Frame = TypeVar("Frame")

__all__ = ["Frame", "Columns", "kind", "columns", "result"]

#: the output columns, in order
SCORE_COLUMNS = ("cultural", "economic", "security", "composite", "grade", "status")
COVERAGE_COLUMNS = ("cultural_coverage", "economic_coverage", "security_coverage")


@dataclass
class Columns:
    """The indicator columns of a frame, in model order, ready for the extension."""

    #: ``pandas``, ``polars`` or ``arrow``
    kind: str
    #: the number of rows
    rows: int
    #: one contiguous float32/float64 array per indicator
    values: list[npt.NDArray[Any]]
    #: per indicator: a bool array (``True`` = present) where the column has nulls, else None
    present: list[npt.NDArray[np.bool_] | None]
    #: whether NaN counts as missing by default for this kind of frame (pandas: yes)
    nan_as_missing: bool
    #: the frame's column names
    names: list[str]
    #: per indicator: whether its column held text, parsed as ``silkscore score`` parses cells
    text: list[bool]
    #: per indicator: a bool array of the cells that did not parse, where any did, else None
    bad: list[npt.NDArray[np.bool_] | None]

    def parse_codes(self) -> npt.NDArray[np.uint8] | None:
        """Per row, the status code of its first cell (in the frame's column order) that did
        not parse, 0 where every cell did; None when every cell of the frame did."""
        failed = [(self.names.index(name), j, bad) for j, (name, bad) in enumerate(zip(self.ids, self.bad))
                  if bad is not None]
        if not failed:
            return None
        codes = np.zeros(self.rows, dtype=np.uint8)
        for _, j, bad in sorted(failed, key=lambda f: f[0], reverse=True):  # the first in frame order wins
            codes[bad] = _silkscore.STATUS_PARSE + j
        return codes

    #: the model's indicator ids, in model order
    ids: Sequence[str] = ()


def kind(frame: Any) -> str:
    """``pandas``, ``polars`` or ``arrow``; :class:`TypeError` for anything else."""
    pd = sys.modules.get("pandas")
    if pd is not None and isinstance(frame, pd.DataFrame):
        return "pandas"
    pl = sys.modules.get("polars")
    if pl is not None:
        if isinstance(frame, pl.DataFrame):
            return "polars"
        if isinstance(frame, pl.LazyFrame):
            raise TypeError("score_frame takes a polars DataFrame; collect() the LazyFrame first")
    pa = sys.modules.get("pyarrow")
    if pa is not None and isinstance(frame, (pa.Table, pa.RecordBatch)):
        return "arrow"
    raise TypeError(
        "score_frame takes a pandas or Polars DataFrame or a pyarrow Table, "
        f"not {type(frame).__module__}.{type(frame).__qualname__}"
    )


def _names(frame: Any, k: str) -> list[str]:
    if k == "arrow":
        return list(frame.column_names)
    return [str(c) for c in frame.columns]


def _missing(name: str, ids: Sequence[str], names: list[str]) -> InputError:
    return InputError(
        f"the frame has no column {name!r} (indicator {ids.index(name)} of the model); "
        f"it has {names[:8]}{' …' if len(names) > 8 else ''}",
        field=name,
    )


def _not_numeric(name: str, dtype: Any) -> TypeError:
    return TypeError(
        f"column {name!r} must be numeric (float or integer), not {dtype}"
        " (pandas: pd.to_numeric(column, errors='coerce') turns text into numbers or NaN)"
    )


#: (values, present, cells that did not parse or None, whether the column held text)
_Column = tuple[npt.NDArray[Any], "npt.NDArray[np.bool_] | None", "npt.NDArray[np.bool_] | None", bool]


def _text(cells: list[Any]) -> _Column:
    """A column of text cells (None = null), parsed as ``silkscore score`` parses them."""
    if not all(c is None or isinstance(c, str) for c in cells):
        cells = [c if c is None or isinstance(c, str) else str(c) for c in cells]
    values, present, bad = _silkscore.parse_cells(cells)
    return values, present, (bad if bad.any() else None), True


def _numeric(values: npt.NDArray[Any], present: npt.NDArray[np.bool_] | None) -> _Column:
    return np.ascontiguousarray(values), present, None, False


def _pandas_column(frame: Any, name: str) -> _Column:
    import pandas as pd

    s = frame[name]
    dt = s.dtype
    if pd.api.types.is_object_dtype(dt) or pd.api.types.is_string_dtype(dt):
        cells = s.to_numpy(dtype=object)
        missing = np.asarray(pd.isna(cells), dtype=np.bool_)
        cells[missing] = None
        return _text(cells.tolist())
    if isinstance(dt, np.dtype):
        if dt.kind == "f":
            values = s.to_numpy()
            if dt.itemsize not in (4, 8):
                values = values.astype(np.float32)
        elif dt.kind in "iu":
            values = s.to_numpy().astype(np.float64)
        else:
            raise _not_numeric(name, dt)
        return _numeric(values, None)
    if not pd.api.types.is_numeric_dtype(dt) or pd.api.types.is_bool_dtype(dt):
        raise _not_numeric(name, dt)
    # A nullable (extension) column: NA is missing.
    na = np.asarray(s.isna(), dtype=np.bool_)
    values = s.to_numpy(dtype=np.float64, na_value=np.nan)
    return _numeric(values, ~na if na.any() else None)


def _polars_column(frame: Any, name: str) -> _Column:
    import polars as pl

    s = frame.get_column(name)
    if s.dtype in (pl.String, pl.Categorical, pl.Enum):
        return _text(s.cast(pl.String).to_list())
    if not s.dtype.is_numeric():
        raise _not_numeric(name, s.dtype)
    if s.dtype not in (pl.Float32, pl.Float64):
        s = s.cast(pl.Float64)
    present = None
    if s.null_count():
        present = np.ascontiguousarray(s.is_not_null().to_numpy())
        s = s.fill_null(0)
    return _numeric(s.to_numpy(), present)


def _arrow_column(frame: Any, name: str) -> _Column:
    import pyarrow as pa

    col = frame.column(name)
    if isinstance(col, pa.ChunkedArray):
        col = col.chunk(0) if col.num_chunks == 1 else pa.concat_arrays(col.chunks) if col.num_chunks else pa.array([], type=col.type)
    t = col.type
    if pa.types.is_string(t) or pa.types.is_large_string(t) or pa.types.is_dictionary(t):
        return _text([None if c is None else str(c) for c in col.to_pylist()])
    if pa.types.is_floating(t):
        if t == pa.float16():
            col = col.cast(pa.float32())
    elif pa.types.is_integer(t) or pa.types.is_decimal(t):
        col = col.cast(pa.float64())
    else:
        raise _not_numeric(name, t)
    present = None
    if col.null_count:
        present = np.ascontiguousarray(col.is_valid().to_numpy(zero_copy_only=False))
        col = col.fill_null(pa.scalar(0, type=col.type))
    return _numeric(col.to_numpy(zero_copy_only=False), present)


def columns(frame: Any, ids: Sequence[str]) -> Columns:
    """The columns named by ``ids`` (the model's indicator ids, in model order)."""
    k = kind(frame)
    names = _names(frame, k)
    get = {"pandas": _pandas_column, "polars": _polars_column, "arrow": _arrow_column}[k]
    values: list[npt.NDArray[Any]] = []
    present: list[npt.NDArray[np.bool_] | None] = []
    bad: list[npt.NDArray[np.bool_] | None] = []
    text: list[bool] = []
    for name in ids:
        count = names.count(name)
        if count == 0:
            raise _missing(name, ids, names)
        if count > 1:
            raise InputError(f"the frame has {count} columns named {name!r}", field=name)
        v, p, b, t = get(frame, name)
        values.append(v)
        present.append(p)
        bad.append(b)
        text.append(t)
    rows = len(frame) if k != "arrow" else frame.num_rows
    return Columns(k, rows, values, present, nan_as_missing=(k == "pandas"), names=names, text=text, bad=bad,
                   ids=tuple(ids))


def _kept(frame: Any, cols: Columns, keep: Sequence[str] | None) -> list[str]:
    if keep is None:
        return ["id"] if "id" in cols.names else []
    if isinstance(keep, str):
        keep = [keep]
    out = []
    for name in keep:
        if name not in cols.names:
            raise InputError(f"keep: the frame has no column {name!r}", field=name)
        if name in SCORE_COLUMNS or name in COVERAGE_COLUMNS:
            raise InputError(f"keep: {name!r} is the name of an output column", field=name)
        out.append(name)
    return out


def _pandas_string_dtype(pd: Any) -> Any:
    """pandas' own string dtype (``str`` in pandas 3, ``string`` before), so that grade and
    status have a string dtype even in an empty frame (Dask's metadata is one)."""
    inferred = pd.Series(np.array(["A"], dtype=object)).dtype
    return pd.StringDtype() if inferred == object else inferred


def mark_parse_failures(cols: Columns, scores: Scores) -> None:
    """Gives the records with a cell that did not parse the status ``parse:<column>`` and no
    scores, as ``silkscore score`` does (in place)."""
    codes = cols.parse_codes()
    if codes is None:
        return
    failed = codes != 0
    scores.status[failed] = codes[failed]
    for a in (scores.cultural, scores.economic, scores.security, scores.composite):
        a[failed] = np.nan
    scores.basis_points[failed] = 0
    scores.grade[failed] = _silkscore.GRADE_NONE
    if scores.coverage is not None:
        scores.coverage[failed] = np.nan


def result(frame: Any, cols: Columns, scores: Scores, keep: Sequence[str] | None, coverage: bool) -> Any:
    """The output frame: kept columns, the six score columns, optionally the coverages."""
    kept = _kept(frame, cols, keep)
    failed = ~scores.ok
    values = {
        "cultural": scores.cultural,
        "economic": scores.economic,
        "security": scores.security,
        "composite": scores.composite,
    }
    grade = scores.grade_letters()
    status = scores.status_strings()
    cov: dict[str, Any] = {}
    if coverage and scores.coverage is not None:
        cov = {name: scores.coverage[:, i] for i, name in enumerate(COVERAGE_COLUMNS)}
    if cols.kind == "pandas":
        import pandas as pd

        text = _pandas_string_dtype(pd)
        data: dict[str, Any] = {name: frame[name].array for name in kept}
        data.update(values)
        data["grade"] = pd.array(grade, dtype=text)
        data["status"] = pd.array(status, dtype=text)
        data.update(cov)
        return pd.DataFrame(data, index=frame.index)
    if cols.kind == "polars":
        import polars as pl

        series = [frame.get_column(name) for name in kept]
        series += [pl.Series(name, v, nan_to_null=True) for name, v in values.items()]
        series += [pl.Series("grade", grade, dtype=pl.String), pl.Series("status", status, dtype=pl.String)]
        series += [pl.Series(name, v) for name, v in cov.items()]
        return pl.DataFrame(series)
    import pyarrow as pa

    arrays = [frame.column(name) for name in kept]
    arrays += [pa.array(v, mask=failed) for v in values.values()]
    arrays += [pa.array(grade, type=pa.string()), pa.array(status, type=pa.string())]
    arrays += [pa.array(v) for v in cov.values()]
    names = [*kept, *values, "grade", "status", *cov]
    if isinstance(frame, pa.RecordBatch):
        return pa.RecordBatch.from_arrays(arrays, names=names)
    return pa.table(arrays, names=names)
