"""The result of scoring many records: :class:`Scores`, one numpy array per output."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy as np
import numpy.typing as npt

from . import _silkscore

if TYPE_CHECKING:
    from ._model import Model

__all__ = [
    "Scores",
    "STATUS_OK",
    "STATUS_INSUFFICIENT_DATA",
    "STATUS_NON_FINITE",
    "STATUS_PARSE",
    "STATUS_ERROR",
    "GRADE_NONE",
    "GRADES",
]

#: status code of a scored record
STATUS_OK: int = _silkscore.STATUS_OK
#: status code base of ``insufficient_data``: + 0 cultural, + 1 economic, + 2 security
STATUS_INSUFFICIENT_DATA: int = _silkscore.STATUS_INSUFFICIENT_DATA
#: status code base of ``non_finite``: + the indicator's position in the model
STATUS_NON_FINITE: int = _silkscore.STATUS_NON_FINITE
#: status code base of ``parse:<id>`` (a text cell of a frame that is not a number): + the
#: indicator's position in the model
STATUS_PARSE: int = _silkscore.STATUS_PARSE
#: status code of any other scoring error (never expected)
STATUS_ERROR: int = _silkscore.STATUS_ERROR
#: grade code of a record without scores (grades are 0 = A … 4 = E)
GRADE_NONE: int = _silkscore.GRADE_NONE
#: the grade letters, by grade code
GRADES: tuple[str, ...] = ("A", "B", "C", "D", "E")


@dataclass(frozen=True, eq=False)
class Scores:
    """Scores of n records, one numpy array per output, row i for record i.

    A record that could not be scored has NaN in the four index arrays, basis points 0,
    grade :data:`GRADE_NONE` and a nonzero status; :meth:`status_strings` spells the status
    as ``silkscore score`` prints it (``non_finite:talent_exchange``,
    ``insufficient_data:security``).
    """

    #: cultural (humanistic) index, 0–100, float32
    cultural: npt.NDArray[np.float32]
    #: economic index, 0–100, float32
    economic: npt.NDArray[np.float32]
    #: security index, 0–100, float32
    security: npt.NDArray[np.float32]
    #: composite index, 0–100, float32
    composite: npt.NDArray[np.float32]
    #: n × 4 uint16: basis points (0–10000) of cultural, economic, security, composite
    basis_points: npt.NDArray[np.uint16]
    #: uint8 grade code: 0 = A … 4 = E, :data:`GRADE_NONE` when not scored
    grade: npt.NDArray[np.uint8]
    #: uint8 status code: :data:`STATUS_OK`, :data:`STATUS_INSUFFICIENT_DATA` + connotation,
    #: :data:`STATUS_NON_FINITE` + indicator position, :data:`STATUS_PARSE` + indicator
    #: position (frames of text only)
    status: npt.NDArray[np.uint8]
    #: n × 3 float32: coverage (present weight over total weight) of each connotation, also
    #: for records that were not scored; None unless asked for (``coverage=True``)
    coverage: npt.NDArray[np.float32] | None
    #: the model that scored them
    model: Model = field(repr=False)

    def __len__(self) -> int:
        return int(self.status.shape[0])

    @property
    def ok(self) -> npt.NDArray[np.bool_]:
        """True for the records that were scored."""
        ok: npt.NDArray[np.bool_] = self.status == STATUS_OK
        return ok

    def grade_letters(self) -> npt.NDArray[np.object_]:
        """The grades as ``"A"`` … ``"E"``, ``None`` for records that were not scored."""
        letters = np.array([*GRADES, None], dtype=object)
        codes = np.where(self.grade < len(GRADES), self.grade, len(GRADES))
        return letters[codes]

    def status_strings(self) -> npt.NDArray[np.object_]:
        """The statuses as ``silkscore score`` prints them: ``ok``, ``non_finite:<id>``,
        ``insufficient_data:<connotation>``."""
        codes, inverse = np.unique(self.status, return_inverse=True)
        texts = np.array([self.model.status_text(int(c)) for c in codes], dtype=object)
        return texts[inverse.reshape(-1)] if len(self) else np.array([], dtype=object)

    def to_dict(self) -> dict[str, Any]:
        """The columns of ``silkscore score``'s CSV: cultural, economic, security, composite,
        grade (letters), status (strings), then the three coverages when they were computed."""
        d: dict[str, Any] = {
            "cultural": self.cultural,
            "economic": self.economic,
            "security": self.security,
            "composite": self.composite,
            "grade": self.grade_letters(),
            "status": self.status_strings(),
        }
        if self.coverage is not None:
            d["cultural_coverage"] = self.coverage[:, 0]
            d["economic_coverage"] = self.coverage[:, 1]
            d["security_coverage"] = self.coverage[:, 2]
        return d
