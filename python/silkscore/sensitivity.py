"""How robust is a ranking to the weights? Monte Carlo rank intervals and Sobol indices of the
composite (the library's ``silkscore_host::sensitivity``; OECD/JRC *Handbook on Constructing
Composite Indicators*, Saltelli et al. 2010)::

    from silkscore import Model, sensitivity
    a = sensitivity.analyse(Model.default(), values, samples=1000, seed=1, spread=0.25)
    a.p5_rank, a.median_rank, a.p95_rank    # per project
    a.sobol_first                           # projects × 3 (cultural, economic, security)

Every project must score with the nominal model. The same model, values, samples, seed and
spread give the same bits on every platform.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

import numpy as np
import numpy.typing as npt

from . import _silkscore
from ._model import Model, _bool_array, _float_array

__all__ = ["Analysis", "analyse"]


@dataclass(frozen=True)
class Analysis:
    """The result of :func:`analyse`: one entry per project (row of ``values``)."""

    #: composite with the nominal model, 0–100, float32
    nominal_composite: npt.NDArray[np.float32]
    #: rank with the nominal model (1 = best; ties by input order), uint32
    nominal_rank: npt.NDArray[np.uint32]
    #: median rank over the Monte Carlo draws
    median_rank: npt.NDArray[np.uint32]
    #: 5th percentile of the rank (the better end of the interval)
    p5_rank: npt.NDArray[np.uint32]
    #: 95th percentile of the rank (the worse end)
    p95_rank: npt.NDArray[np.uint32]
    #: draws in which the project could not be scored
    failed_samples: npt.NDArray[np.uint32]
    #: projects × 3 first-order Sobol indices w.r.t. the cultural, economic, security
    #: weights (NaN where the composite does not vary)
    sobol_first: npt.NDArray[np.float64]
    #: projects × 3 total Sobol indices
    sobol_total: npt.NDArray[np.float64]
    #: the variance of each project's composite over the Sobol design
    sobol_variance: npt.NDArray[np.float64]
    #: Monte Carlo draws used
    samples_used: int
    #: draws skipped because the drawn model did not validate
    samples_skipped: int
    #: Sobol design rows used
    sobol_rows: int
    #: the across aggregation of the Sobol part
    sobol_across: str
    #: (first, total, variance) averaged over the projects that have indices, or None
    sobol_mean: tuple[list[float], list[float], float] | None
    #: how many projects the mean is over
    sobol_projects: int


def analyse(
    model: Model,
    values: npt.ArrayLike,
    present: npt.ArrayLike | None = None,
    *,
    samples: int = 1000,
    seed: int = 1,
    spread: float = 0.25,
    progress: Callable[[int, int], object] | None = None,
) -> Analysis:
    """Runs both analyses on the projects in ``values`` (records × indicators in model
    order, as for :meth:`Model.score`). ``progress(done, total)`` is called now and then;
    an exception it raises (``KeyboardInterrupt`` too) is raised when the analysis returns.

    Raises :class:`~silkscore.errors.SensitivityError` (``row`` = a project that does not
    score with the nominal model; no projects; ``samples`` < 1; ``spread`` outside [0, 1];
    samples × projects above 2²⁵).
    """
    arr = _float_array(values, "values")
    mask = None if present is None else _bool_array(present)
    d = _silkscore.analyse(model._core, arr, mask, samples, seed, spread, progress)
    return Analysis(**d)
