"""How robust is a ranking to the model's uncertain assumptions? Rank intervals and Sobol
indices of the composite, with 95 % bootstrap intervals — the analysis of
``silkscore sensitivity`` (``docs/spec.md`` §7.8; the library's
``silkscore_host::sensitivity``; OECD/JRC *Handbook on Constructing Composite Indicators*,
Saltelli et al. 2010)::

    from silkscore import Model, sensitivity
    model = Model.default()
    a = sensitivity.analyse(model, values)          # weights ±25 %, N = 16384 for ≤ 256 projects
    a.nominal_rank, a.p5_rank, a.median_rank, a.p95_rank      # per project
    a.groups                  # ('weight.cultural', 'weight.economic', 'weight.security', 'indicator_weights')
    a.sobol_first[:, :, 0]    # projects × groups first-order indices; [:, :, 1:] their interval
    a.mean_total              # groups × (estimate, low, high), over the projects

    a = sensitivity.analyse(model, values, uncertainty="uncertainty.toml", samples=4096)

**What varies.** Without ``uncertainty``, the three connotation weights and the indicator
weights, each drawn as w·(1 + spread·U(−1, 1)) and renormalised. An uncertainty file (a
path, or its TOML text; ``examples/data/uncertainty.toml``) can instead vary any of the
connotation weights, the indicator weights, the aggregation within and across, the floor ε,
the minimum coverage and the goalposts. Each assumption is one input *group* of the Sobol
analysis (the connotation weights are three: ``weight.cultural``, ``weight.economic``,
``weight.security``); :attr:`Analysis.groups` lists them in the order of the arrays.

**Design.** A Saltelli design of N = ``samples`` rows from an Owen-scrambled Sobol sequence
(seeded by ``seed``): (G + 2)·N drawn models, each scoring every project. The N models of the
first block are N draws of the uncertain model; in each the projects are ranked by
composite (``docs/spec.md`` §7.7: standard competition ranking, 1 = best, equal composites
share a rank and the next ranks are skipped, 1 2 2 4; only identical f32 composites tie), and
each project's median and 5th/95th percentile rank are taken by nearest rank. The Sobol
indices are Saltelli (2010) first order and Jansen total order on centred outputs, each with
a 95 % bootstrap percentile interval over ``resamples`` resamples of the rows.

**Defaults.** N is 16384 (every interval of every index of the bundled portfolio within
±0.03 under the default uncertainty), or for more than 256 projects the largest power of two
with N·projects ≤ 2²²; ``resamples`` is 500, or 100 when N·projects exceeds 2²². Both are the
command's defaults, and :attr:`Analysis.samples` / :attr:`Analysis.resamples` say what ran.

Every project must score with the nominal model (``SensitivityError.row`` names the first one
that does not; the command leaves such rows out instead). The same model, values and
settings give the same bits on every platform, and the numbers ``silkscore sensitivity
--format json`` prints for the same records file (it rounds them to 6 decimals).
"""

from __future__ import annotations

import operator
import os
from dataclasses import dataclass
from typing import Callable, SupportsIndex

import numpy as np
import numpy.typing as npt

from . import _silkscore
from ._model import Model, _bool_array, _float_array
from .errors import SensitivityError

__all__ = [
    "Analysis",
    "analyse",
    "DEFAULT_SPREAD",
    "MAX_SAMPLES",
    "MAX_RESAMPLES",
    "MAX_RANK_ENTRIES",
    "MAX_UNCERTAINTY_BYTES",
]

#: the largest ``samples`` (the length of the Sobol sequence, 2¹⁶)
MAX_SAMPLES: int = _silkscore.MAX_SAMPLES
#: the most rank entries, samples × projects, an analysis keeps (2²⁵ uint32, 128 MiB)
MAX_RANK_ENTRIES: int = _silkscore.MAX_RANK_ENTRIES
#: the largest ``resamples`` (as the command's ``--resamples``)
MAX_RESAMPLES: int = 100_000
#: the largest uncertainty file read (as the command; such a file is a few lines)
MAX_UNCERTAINTY_BYTES: int = 64 * 1024
#: the spread of the default uncertainty
DEFAULT_SPREAD: float = 0.25


@dataclass(frozen=True, eq=False)
class Analysis:
    """The result of :func:`analyse`. Per-project arrays have one entry per row of
    ``values``, in input order (P projects); G is ``len(groups)``. The last axis of the
    index arrays is (estimate, 95 % low, 95 % high)."""

    #: (P,) float32: the composite with the nominal model, 0–100
    nominal_composite: npt.NDArray[np.float32]
    #: (P,) uint32: the rank with the nominal model (1 = best; competition ranking, equal
    #: composites share a rank: 1 2 2 4)
    nominal_rank: npt.NDArray[np.uint32]
    #: (P,) uint32: the median rank over the draws (nearest rank)
    median_rank: npt.NDArray[np.uint32]
    #: (P,) uint32: the 5th percentile of the rank (the better end of the interval)
    p5_rank: npt.NDArray[np.uint32]
    #: (P,) uint32: the 95th percentile of the rank (the worse end)
    p95_rank: npt.NDArray[np.uint32]
    #: (P,) uint32: draws in which the project could not be scored (it ranks last in those
    #: draws and counts as composite 0 in the Sobol estimators)
    failed_samples: npt.NDArray[np.uint32]
    #: the input groups, in the order of the G axis: ``weight.cultural``,
    #: ``weight.economic``, ``weight.security``, ``indicator_weights``, ``within``,
    #: ``across``, ``floor``, ``min_coverage``, ``goalposts`` (those that vary)
    groups: tuple[str, ...]
    #: (P, G, 3) float64: first-order Sobol indices (Saltelli 2010) with their intervals;
    #: NaN for a project whose composite does not vary
    sobol_first: npt.NDArray[np.float64]
    #: (P, G, 3) float64: total Sobol indices (Jansen) with their intervals; NaN likewise
    sobol_total: npt.NDArray[np.float64]
    #: (P,) float64: the variance of each project's composite over the design (NaN without
    #: indices)
    sobol_variance: npt.NDArray[np.float64]
    #: (G, 3) float64: the first-order indices averaged over the projects that have them,
    #: with the interval of the mean (NaN when none has)
    mean_first: npt.NDArray[np.float64]
    #: (G, 3) float64: the mean total indices, likewise
    mean_total: npt.NDArray[np.float64]
    #: the mean variance over those projects (NaN when none has indices)
    mean_variance: float
    #: how many projects have indices (the mean is over them)
    sobol_projects: int
    #: N, the base size of the design asked for
    samples: int
    #: design rows used: rank draws, and rows of the Sobol estimators
    samples_used: int
    #: design rows skipped because a drawn model did not validate
    samples_skipped: int
    #: bootstrap resamples of every interval (0: the intervals collapse to the estimates)
    resamples: int
    #: the seed of the design's scramble and of the bootstrap
    seed: int
    #: the level of the intervals, 0.95
    confidence: float
    #: the widest half-width of any interval of any project's indices (0 without any)
    max_half_width: float
    #: what varied, for people: ``connotation weights ±25 %, indicator weights ±25 %``
    uncertainty: str

    @property
    def order(self) -> npt.NDArray[np.intp]:
        """Project positions in nominal rank order, best first (tied projects in input
        order): the order of the command's listings."""
        return np.argsort(self.nominal_rank, kind="stable")

    @property
    def has_indices(self) -> npt.NDArray[np.bool_]:
        """(P,) bool: the projects that have Sobol indices (their composite varies)."""
        return ~np.isnan(self.sobol_variance)

    def _group(self, group: str) -> int:
        try:
            return self.groups.index(group)
        except ValueError:
            raise KeyError(f"no input group {group!r}; the groups are {', '.join(self.groups)}") from None

    def first(self, group: str) -> npt.NDArray[np.float64]:
        """(P, 3): every project's first-order index of ``group`` (a name in :attr:`groups`)
        with its interval. Raises :class:`KeyError` for a group that did not vary."""
        return self.sobol_first[:, self._group(group), :]

    def total(self, group: str) -> npt.NDArray[np.float64]:
        """(P, 3): every project's total index of ``group`` with its interval."""
        return self.sobol_total[:, self._group(group), :]


def _count(value: SupportsIndex, name: str, low: int, high: int) -> int:
    """``value`` as an int in [low, high], else a SensitivityError naming ``name``."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be an int, not bool")
    n = operator.index(value)
    if not low <= n <= high:
        raise SensitivityError(f"{name} must be in [{low}, {high}], not {n}", field=name)
    return n


def _uncertainty_text(uncertainty: str | os.PathLike[str]) -> tuple[str, str | None]:
    """The TOML text of ``uncertainty`` and the path it was read from (``None`` for text)."""
    if isinstance(uncertainty, str) and "\n" in uncertainty:
        return uncertainty, None
    if not isinstance(uncertainty, (str, os.PathLike)):
        raise TypeError(
            f"uncertainty takes a path or the text of an uncertainty file, not {type(uncertainty).__name__}"
        )
    path = os.fspath(uncertainty)
    with open(path, "rb") as f:
        data = f.read(MAX_UNCERTAINTY_BYTES + 1)
    if len(data) > MAX_UNCERTAINTY_BYTES:
        raise SensitivityError(
            f"{path}: an uncertainty file is at most {MAX_UNCERTAINTY_BYTES} bytes", path=path
        )
    try:
        return data.decode("utf-8"), path
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        raise SensitivityError(
            f"{path}:{line}: an uncertainty file must be UTF-8 text", path=path, line=line
        ) from None


def analyse(
    model: Model,
    values: npt.ArrayLike,
    present: npt.ArrayLike | None = None,
    *,
    samples: int | None = None,
    seed: int = 1,
    spread: float = DEFAULT_SPREAD,
    uncertainty: str | os.PathLike[str] | None = None,
    resamples: int | None = None,
    progress: Callable[[int, int], object] | None = None,
) -> Analysis:
    """Rank intervals and Sobol indices of the composite of the projects in ``values``
    (P records × indicators in model order, float32 or float64, as for :meth:`Model.score`;
    NaN means missing when ``present`` is not given).

    * ``samples``: the base size N of the design, 1 to :data:`MAX_SAMPLES` (powers of two
      are best); ``None``: 16384, fewer for more than 256 projects (module docs).
    * ``seed``: the design's scramble and the bootstrap, 0 to 2⁶⁴ − 1.
    * ``spread``: the default uncertainty, connotation and indicator weights ±``spread``, in
      [0, 1]. Not with ``uncertainty``, which says what varies instead.
    * ``uncertainty``: an uncertainty file (``docs/spec.md`` §7.8): a path (a
      :class:`os.PathLike`, or a string without a line break) or its TOML text (a string
      with a line break), as :meth:`Model.from_toml` takes a model.
    * ``resamples``: bootstrap resamples of the intervals, 0 to :data:`MAX_RESAMPLES` (0: no
      intervals); ``None``: 500, or 100 for large analyses.
    * ``progress(done, total)`` is called now and then from the analysing thread (the GIL
      is released in between). An exception it raises (``KeyboardInterrupt`` too, and
      Ctrl-C) stops further calls and is raised when the analysis returns.

    Time: (G + 2)·N scorings of the portfolio plus the bootstrap; memory: N·P ranks as
    uint32 (at most 2²⁵ of them, more is refused before any work).

    Raises :class:`~silkscore.errors.SensitivityError`: ``row`` (0-based) of a project that
    does not score with the nominal model; ``field``, ``line`` and ``path`` of a refused
    uncertainty file (``field`` is the key: ``floor``, ``weights``, an unknown key; ``None``
    for a syntax error or a file in which nothing varies); ``field`` ``samples``, ``seed``,
    ``spread``, ``resamples`` or ``values`` of a setting out of range (no projects; N·P
    above 2²⁵). :class:`~silkscore.errors.InputError` for values that do not fit the model,
    :class:`OSError` for an uncertainty file that cannot be read.
    """
    if samples is not None:
        samples = _count(samples, "samples", 1, MAX_SAMPLES)
    seed = _count(seed, "seed", 0, 2**64 - 1)
    if resamples is not None:
        resamples = _count(resamples, "resamples", 0, MAX_RESAMPLES)
    spread = float(spread)
    if not 0.0 <= spread <= 1.0:
        raise SensitivityError(f"spread must be in [0, 1], not {spread}", field="spread")
    if progress is not None and not callable(progress):
        raise TypeError(f"progress must be callable, not {type(progress).__name__}")
    text: str | None = None
    path: str | None = None
    if uncertainty is not None:
        if spread != DEFAULT_SPREAD:
            raise SensitivityError(
                "spread and uncertainty exclude each other: the uncertainty file says what varies"
                " (weights = …, indicator_weights = …)",
                field="spread",
            )
        text, path = _uncertainty_text(uncertainty)
    arr = _float_array(values, "values")
    mask = None if present is None else _bool_array(present)
    d = _silkscore.analyse(
        model._core,
        arr,
        mask,
        samples=samples,
        seed=seed,
        spread=spread,
        uncertainty=text,
        uncertainty_path=path,
        resamples=resamples,
        progress=progress,
    )
    d["groups"] = tuple(d["groups"])
    return Analysis(**d)
