"""The :class:`Model`: load, verify, inspect, and score numpy arrays and data frames."""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any, NamedTuple, Sequence

import numpy as np
import numpy.typing as npt

from . import _frames, _silkscore
from ._scores import Scores
from .errors import InputError

if TYPE_CHECKING:
    from ._frames import Frame

__all__ = ["Model", "Indicator", "Params"]


class Indicator(NamedTuple):
    """One indicator of a model (``docs/spec.md`` §3)."""

    #: the id, which names the indicator's column in records files and frames
    id: str
    #: ``cultural``, ``economic`` or ``security``
    connotation: str
    #: ``benefit`` (more is better) or ``cost``
    direction: str
    #: ``lin``, ``log`` (ln(1 + x)) or ``ln``
    transform: str
    #: lower goalpost
    lo: float
    #: upper goalpost
    hi: float
    #: weight within its connotation
    weight: float


class Params(NamedTuple):
    """The model-wide parameters (``docs/spec.md`` §3)."""

    #: ``arithmetic`` or ``geometric``: the mean of the indicators within a connotation
    within: str
    #: the mean of the three connotation indices
    across: str
    #: the floor ε of geometric means
    floor: float
    #: the least coverage (present weight over total) a connotation needs
    min_coverage: float
    #: the composite thresholds of grades A, B, C, D
    grades: tuple[float, float, float, float]
    #: the connotation weights W_cultural, W_economic, W_security
    weights: tuple[float, float, float]


def _check_threads(threads: int | None) -> int | None:
    if threads is None:
        return None
    if isinstance(threads, bool) or not isinstance(threads, int) or threads < 1:
        raise ValueError(f"threads must be a positive int or None, not {threads!r}")
    return threads


def _float_array(values: Any, name: str) -> npt.NDArray[Any]:
    """``values`` as a float32/float64 array that is C- or Fortran-contiguous, in native byte
    order: the array itself when it already is one (no copy), else a contiguous copy."""
    arr = np.asarray(values)
    if arr.dtype.kind != "f" or arr.dtype.itemsize not in (4, 8):
        raise TypeError(
            f"{name} must be a numpy array of float32 or float64, not {arr.dtype}"
            " (convert integers with .astype(numpy.float64))"
        )
    if not arr.dtype.isnative:
        arr = arr.astype(arr.dtype.newbyteorder("="))
    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = np.ascontiguousarray(arr)
    return arr


def _bool_array(present: Any) -> npt.NDArray[np.bool_]:
    arr = np.asarray(present)
    if arr.dtype != np.bool_:
        raise TypeError(f"present must be a numpy array of bool, not {arr.dtype}")
    if not (arr.flags.c_contiguous or arr.flags.f_contiguous):
        arr = np.ascontiguousarray(arr)
    return arr


class Model:
    """A validated scoring model (``docs/spec.md`` §3): the built-in ``bri-cultural-v1``, a
    TOML model file, a compiled model or a verified signed envelope.

    Models are immutable, compare equal when they are the same model, pickle (as their
    compiled bytes, so Dask and multiprocessing can ship them; the :attr:`revision` of a
    verified model is not kept) and score from any thread.
    """

    __slots__ = ("_core",)

    def __init__(self, core: _silkscore.Model) -> None:
        """Wraps a model of the extension; use :meth:`default`, :meth:`from_toml`,
        :meth:`from_bytes` or :meth:`verify` instead."""
        if not isinstance(core, _silkscore.Model):
            raise TypeError("use Model.default(), Model.from_toml(), Model.from_bytes() or Model.verify()")
        self._core = core

    # --- constructors -------------------------------------------------------------------

    @classmethod
    def default(cls) -> Model:
        """The built-in model ``bri-cultural-v1`` (``docs/spec.md`` §2): 18 indicators."""
        return cls(_silkscore.Model.default())

    @classmethod
    def from_toml(cls, path_or_text: str | os.PathLike[str]) -> Model:
        """Loads a TOML model file (``docs/spec.md`` §7).

        ``path_or_text`` is a path (a :class:`os.PathLike`, or a string without a line
        break) or the text of a model file (a string with a line break). Raises
        :class:`~silkscore.errors.ModelError` naming the field (``indicator[3].hi``, …) and
        line for an invalid model, :class:`OSError` for a file that cannot be read.
        """
        if isinstance(path_or_text, os.PathLike):
            return cls(_silkscore.Model.load_toml(os.fspath(path_or_text)))
        if not isinstance(path_or_text, str):
            raise TypeError(f"from_toml takes a path or the text of a model file, not {type(path_or_text).__name__}")
        if "\n" in path_or_text:
            return cls(_silkscore.Model.from_toml_text(path_or_text, "<string>"))
        return cls(_silkscore.Model.load_toml(path_or_text))

    @classmethod
    def from_bytes(cls, data: bytes) -> Model:
        """Decodes a compiled model: the wire-format model message (``docs/spec.md`` §6), as
        :meth:`to_bytes` and ``silkscore model compile`` write it. Raises
        :class:`~silkscore.errors.ModelError`."""
        return cls(_silkscore.Model.from_bytes(bytes(data)))

    @classmethod
    def verify(cls, envelope: bytes, public_key: bytes, min_revision: int = 1) -> Model:
        """The model inside a signed envelope (``docs/spec.md`` §6.5), after checking it the
        way a kiosk does: signed by ``public_key`` (32 bytes, Ed25519), untampered, and of
        revision ``min_revision`` or later (an older one is a rollback). The model's
        :attr:`revision` is the envelope's. Raises :class:`~silkscore.errors.VerifyError`
        whose ``kind`` says why."""
        if min_revision < 0:
            raise ValueError("min_revision must be at least 0")
        return cls(_silkscore.Model.verify(bytes(envelope), bytes(public_key), min_revision))

    # --- what it is ---------------------------------------------------------------------

    @property
    def name(self) -> str:
        """The model's name."""
        return self._core.name

    @property
    def fingerprint(self) -> int:
        """The model's fingerprint (``docs/spec.md`` §6.2): a 32-bit unsigned integer that
        every score made with it carries."""
        return self._core.fingerprint

    @property
    def revision(self) -> int | None:
        """The envelope revision of a model from :meth:`verify`, else ``None``."""
        return self._core.revision

    @property
    def indicators(self) -> tuple[Indicator, ...]:
        """The indicators, in model order (the order of the columns of :meth:`score`)."""
        return tuple(Indicator(*i) for i in self._core.indicators)

    @property
    def ids(self) -> tuple[str, ...]:
        """The indicator ids, in model order."""
        return tuple(i[0] for i in self._core.indicators)

    @property
    def params(self) -> Params:
        """The model-wide parameters."""
        within, across, floor, min_coverage, grades, weights = self._core.params
        return Params(within, across, floor, min_coverage, tuple(grades), tuple(weights))  # type: ignore[arg-type]

    def to_bytes(self) -> bytes:
        """The compiled model (the wire-format model message); :meth:`from_bytes` reads it."""
        return self._core.to_bytes()

    def to_toml(self) -> str:
        """The model as the text of a TOML model file; :meth:`from_toml` reads it back."""
        return self._core.to_toml()

    def sign(self, secret_key: bytes, revision: int) -> bytes:
        """A signed envelope of this model as ``revision`` (≥ 1), signed with a 32-byte
        Ed25519 secret key, for kiosks that trust :meth:`public_key` of that key."""
        return self._core.sign(bytes(secret_key), revision)

    @staticmethod
    def public_key(secret_key: bytes) -> bytes:
        """The Ed25519 public key (32 bytes) of a 32-byte secret key."""
        return _silkscore.Model.public_key(bytes(secret_key))

    def with_indicator_weights(self, weights: Sequence[float] | npt.ArrayLike) -> Model:
        """A copy with new indicator weights (one per indicator, in model order), validated
        again; this is how computed weights are put into a model."""
        w = [float(x) for x in np.asarray(weights, dtype=np.float32).reshape(-1)]
        return Model(self._core.with_indicator_weights(w))

    def status_text(self, code: int) -> str:
        """The status string of a status code of :class:`Scores` (``ok``,
        ``non_finite:<id>``, ``insufficient_data:<connotation>``)."""
        return self._core.status_text(code)

    def __len__(self) -> int:
        return len(self._core)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Model) and self._core == other._core

    def __hash__(self) -> int:
        return hash(self.to_bytes())

    def __repr__(self) -> str:
        return repr(self._core)

    def __reduce__(self) -> tuple[Any, ...]:
        # Pickled as the compiled model. The revision is not kept: it vouches for a verified
        # envelope, so a model that travelled without one comes back with revision None.
        return (Model.from_bytes, (self.to_bytes(),))

    # --- scoring ------------------------------------------------------------------------

    def score(
        self,
        values: npt.ArrayLike,
        present: npt.ArrayLike | None = None,
        *,
        coverage: bool = False,
        threads: int | None = None,
        out: Scores | None = None,
    ) -> Scores:
        """Scores records held in a 2-D numpy array: one row per record, one column per
        indicator in model order (:attr:`ids`).

        ``values`` is float32 or float64. A C-contiguous (row-major) or Fortran-contiguous
        (column-major) array is read where it lies, without a copy (a column-major float32
        array is even handed to the scorer column by column as it is); float64 values are
        rounded to the nearest float32, as ``numpy.float32(x)`` rounds them, a chunk of rows
        at a time. Any other array (a strided view, a non-native byte order) is copied to a
        contiguous array first. Other dtypes raise :class:`TypeError`.

        **Missing values.** Without ``present``, a NaN means *missing* (left out of its
        connotation's mean), and ±∞ makes its record fail with ``non_finite:<id>``. With
        ``present`` (a bool array of the same shape, ``True`` = present), only ``present``
        decides what is missing, and *any* present NaN or ±∞ fails its record with
        ``non_finite:<id>``, as a ``NaN`` cell does in a records file.

        The scoring runs in the library's column-wise scorer with the GIL released; no
        Python code runs per record. ``threads``: ``None`` spreads large inputs over
        every core (each thread gets 16,384 rows or more), ``1`` stays on the calling
        thread.
        The results are the same bits as ``silkscore score`` and every other target,
        whatever the thread count, layout or dtype. ``coverage=True`` adds each record's
        coverage (:attr:`Scores.coverage`), which costs a little time and 12 bytes a record.

        ``out``: the result of an earlier call with as many rows, whose arrays are written
        again in place and returned in a new :class:`Scores` (no new arrays: for callers
        that score batch after batch of the same size); it must have coverage exactly when
        ``coverage`` is asked for.

        Raises :class:`~silkscore.errors.InputError` when the array is not 2-D or has not one
        column per indicator, or ``out`` does not fit.
        """
        arr = _float_array(values, "values")
        if arr.ndim != 2:
            raise InputError(
                f"values must be 2-D (rows = records, columns = the {len(self)} indicators), "
                f"not {arr.ndim}-D; one record is values[None, :]",
                field="values",
                expected=2,
                found=arr.ndim,
            )
        mask = None
        if present is not None:
            mask = _bool_array(present)
            if mask.shape != arr.shape:
                raise InputError(
                    f"present has shape {mask.shape}, the values {arr.shape}",
                    field="present",
                    expected=arr.shape,
                    found=mask.shape,
                )
        if out is None:
            arrays = self._core.score_rows(arr, mask, _check_threads(threads), bool(coverage))
            return Scores(*arrays, model=self)
        if not isinstance(out, Scores) or len(out) != arr.shape[0]:
            raise InputError(
                f"out must be the Scores of an earlier call of score with {arr.shape[0]} rows",
                field="out",
                expected=arr.shape[0],
                found=len(out) if isinstance(out, Scores) else None,
            )
        if (out.coverage is not None) != bool(coverage):
            raise InputError(
                f"out {'has' if out.coverage is not None else 'has no'} coverage, "
                f"coverage={bool(coverage)} was asked for",
                field="out",
            )
        arrays = self._core.score_rows(
            arr,
            mask,
            _check_threads(threads),
            bool(coverage),
            (out.cultural, out.economic, out.security, out.composite, out.basis_points,
             out.grade, out.status, out.coverage),
        )
        return Scores(*arrays, model=self)

    def score_frame(
        self,
        frame: Frame,
        *,
        keep: Sequence[str] | None = None,
        nan_as_missing: bool | None = None,
        coverage: bool = False,
        threads: int | None = None,
    ) -> Frame:
        """Scores the rows of a data frame: a pandas or Polars ``DataFrame`` or a pyarrow
        ``Table``, whose columns are matched to the indicators by id, in any order (other
        columns are ignored). Integer columns are converted to float; float32 columns
        without nulls are read in place. Text columns (``pd.read_csv(..., dtype=str,
        keep_default_na=False)``, ``pl.read_csv(..., infer_schema=False)``) are read cell by
        cell as ``silkscore score`` reads a records file: trimmed, empty = missing, ``NaN``
        and ``inf`` are (non-finite) values, and a cell that is not a number gives the
        record the status ``parse:<column>`` (the first such column in the frame's order)
        and no scores — so a CSV read as text scores exactly as the command scores it.

        Returns the same kind of frame with the columns ``cultural``, ``economic``,
        ``security``, ``composite`` (float32; null, or NaN in pandas, when not scored),
        ``grade`` (``A`` … ``E``, null when not scored) and ``status`` (as ``silkscore
        score`` prints it), after the columns named in ``keep`` (default: ``id`` when the
        frame has one), then with ``coverage=True`` the three coverages. A pandas result
        keeps the frame's index.

        **Missing values.** A null (``None``, ``pd.NA``, a Polars or Arrow null) is missing.
        A NaN in a numeric column is missing too in pandas, where NaN is the usual missing
        marker, and a ``non_finite`` value in Polars and Arrow, where null is, and in text
        columns; ``nan_as_missing`` chooses either way for every column of any frame.

        Raises :class:`~silkscore.errors.InputError` naming the indicator whose column is
        missing, and :class:`TypeError` for a column that is neither numeric nor text.
        """
        cols = _frames.columns(frame, self.ids)
        if nan_as_missing is None:
            nan = [cols.nan_as_missing and not text for text in cols.text]
        else:
            nan = [bool(nan_as_missing)] * len(cols.text)
        out = self._core.score_columns(cols.values, cols.present, nan, _check_threads(threads), bool(coverage))
        scores = Scores(*out, model=self)
        _frames.mark_parse_failures(cols, scores)
        out_frame: Frame = _frames.result(frame, cols, scores, keep, coverage)
        return out_frame

    def matrix(self, frame: Frame) -> tuple[npt.NDArray[np.float64], npt.NDArray[np.bool_]]:
        """The indicator columns of a frame as a 2-D float64 array in model order, and the
        presence mask (``False`` for nulls, and for NaN in pandas): the ``values`` and
        ``present`` of :meth:`score`, the weights and the sensitivity analysis."""
        cols = _frames.columns(frame, self.ids)
        n = cols.rows
        values = np.empty((n, len(self)), dtype=np.float64)
        present = np.ones((n, len(self)), dtype=np.bool_)
        for j, (v, p) in enumerate(zip(cols.values, cols.present)):
            values[:, j] = v
            if p is not None:
                present[:, j] = p
            if cols.nan_as_missing:
                present[:, j] &= ~np.isnan(values[:, j])
        return values, present
