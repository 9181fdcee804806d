"""The exceptions silkscore raises.

Every error of the package is a :class:`SilkscoreError` (and a :class:`ValueError`), and says
what it is about in attributes as well as in its message:

* :class:`ModelError` — a model file, text or compiled model that is not a valid model
  (``docs/spec.md`` §3, §7): ``field`` (``floor``, ``weights.economic``, ``indicator[3].hi``,
  ``indicator[0].wieght`` …), ``line`` and ``path`` where known, ``reason``.
* :class:`InputError` — values that do not fit the model: wrong shape, a column missing from
  a frame: ``field`` (``values``, ``present`` or the indicator id), ``row`` where one row is
  at fault, ``expected`` and ``found``.
* :class:`VerifyError` — a signed model envelope that is refused: ``kind`` (``bad_signature``,
  ``rollback``, ``untrusted_key``, ``truncated``, ``malformed``, ``too_long``,
  ``invalid_model``, ``invalid_key``), ``field`` for an invalid model inside, ``running`` and
  ``revision`` for a rollback.
* :class:`WeightsError` — weights that cannot be computed: ``row`` and ``field`` (indicator id)
  of an incomplete record, ``field`` ``judgments[i]`` of a bad AHP judgment, ``cr`` of
  inconsistent judgments.
* :class:`SensitivityError` — an analysis that cannot run: ``row`` (0-based) of a project
  that does not score with the nominal model; ``field`` (the key: ``floor``, ``weights``, an
  unknown key …), ``line`` and ``path`` of a refused uncertainty file; ``field`` (``samples``,
  ``seed``, ``spread``, ``resamples``, ``values``) of a setting out of range.

Arrays of the wrong dtype raise :class:`TypeError`; a model file that cannot be read raises
the :class:`OSError` subclass Python would (``FileNotFoundError`` …), with ``filename`` set.

Scoring never raises for one bad record: a record with a NaN or infinite value, or too few
values, gets a status (``non_finite:<id>``, ``insufficient_data:<connotation>``) and the
other records are scored.
"""

from __future__ import annotations

from typing import Any

__all__ = [
    "SilkscoreError",
    "ModelError",
    "InputError",
    "VerifyError",
    "WeightsError",
    "SensitivityError",
]


class SilkscoreError(ValueError):
    """Base class of silkscore's errors. Attributes not known for an error are ``None``."""

    #: attribute names this class carries (besides the message)
    _attributes: tuple[str, ...] = ()

    def __init__(self, message: str, **attributes: Any) -> None:
        super().__init__(message)
        for name in self._attributes:
            setattr(self, name, attributes.pop(name, None))
        if attributes:
            raise TypeError(f"unexpected attributes {sorted(attributes)}")

    def __reduce__(self) -> tuple[Any, ...]:
        # Keep the attributes across pickling (Dask and multiprocessing send errors back).
        attrs = {name: getattr(self, name, None) for name in self._attributes}
        return (_rebuild, (type(self), str(self), attrs))


def _rebuild(cls: type[SilkscoreError], message: str, attrs: dict[str, Any]) -> SilkscoreError:
    return cls(message, **attrs)


class ModelError(SilkscoreError):
    """A model that is not valid. ``field`` names the offending field."""

    _attributes = ("field", "line", "path", "reason")
    field: str | None
    line: int | None
    path: str | None
    reason: str | None


class InputError(SilkscoreError):
    """Values that do not fit the model (shape, columns, lengths)."""

    _attributes = ("field", "row", "expected", "found", "reason")
    field: str | None
    row: int | None
    expected: Any
    found: Any
    reason: str | None


class VerifyError(SilkscoreError):
    """A signed model envelope that does not verify."""

    _attributes = ("kind", "field", "running", "revision")
    kind: str | None
    field: str | None
    running: int | None
    revision: int | None


class WeightsError(SilkscoreError):
    """Weights that cannot be computed (``docs/spec.md`` §5)."""

    _attributes = ("row", "field", "reason", "cr")
    row: int | None
    field: str | None
    reason: str | None
    cr: float | None


class SensitivityError(SilkscoreError):
    """A sensitivity analysis that cannot run (``docs/spec.md`` §7.8): a project that does
    not score, a refused uncertainty file, a setting out of range."""

    _attributes = ("row", "field", "line", "path")
    row: int | None
    field: str | None
    line: int | None
    path: str | None
