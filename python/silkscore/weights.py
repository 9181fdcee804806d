"""Indicator weights (``docs/spec.md`` §5): equal, AHP, entropy and CRITIC.

The library's ``silkscore::weights`` computes them (without the GIL); these functions return
plain Python values and numpy arrays, and each result puts its weights into a model with
``to_model`` / ``apply``, which validates the model again::

    import silkscore
    from silkscore import weights

    model = silkscore.Model.default()
    # The first cultural indicator is twice as important as the second, and so on.
    ahp = weights.ahp([[1, 2, 4], [1/2, 1, 2], [1/4, 1/2, 1]])
    ahp.weights            # array([0.571, 0.286, 0.143], dtype=float32)
    ent = weights.entropy(model, values)   # values: records × indicators, complete
    model2 = ent.to_model(model)
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, Sequence

import numpy as np
import numpy.typing as npt

from . import _silkscore
from ._model import Model, _bool_array, _float_array

__all__ = ["AhpResult", "EntropyResult", "CriticResult", "ahp", "entropy", "critic", "equal"]

CONNOTATIONS = ("cultural", "economic", "security")


@dataclass(frozen=True)
class AhpResult:
    """AHP weights of n indicators (Saaty's principal eigenvector)."""

    #: the weights, float32, summing to 1
    weights: npt.NDArray[np.float32]
    #: the principal eigenvalue λ_max
    lambda_max: float
    #: the consistency index CI = (λ_max − n) / (n − 1)
    ci: float
    #: the consistency ratio CR = CI / RI(n)
    cr: float
    #: CR ≤ 0.10
    consistent: bool
    #: power-iteration steps taken
    iterations: int
    #: the judgments (upper triangle, row-major) they were computed from
    judgments: tuple[float, ...] = field(repr=False)
    #: whether inconsistent judgments (CR > 0.10) were refused
    require_consistent: bool = field(default=True, repr=False)

    def apply(self, model: Model, connotation: str) -> Model:
        """``model`` with these weights on the indicators of ``connotation`` (in model
        order; the connotation must have n indicators), validated again."""
        core = _silkscore.ahp_apply(model._core, connotation, list(self.judgments), self.require_consistent)
        return Model(core)


def _judgments(judgments: Any) -> list[float]:
    a = np.asarray(judgments, dtype=np.float64)
    if a.ndim == 1:
        return [float(x) for x in a]
    if a.ndim != 2 or a.shape[0] != a.shape[1]:
        raise ValueError(f"judgments must be a square matrix or its upper triangle, not shape {a.shape}")
    n = a.shape[0]
    upper = []
    for j in range(n):
        if not np.isclose(a[j, j], 1.0):
            raise ValueError(f"judgments[{j}][{j}] must be 1, not {a[j, j]}")
        for k in range(j + 1, n):
            if not np.isclose(a[j, k] * a[k, j], 1.0, rtol=1e-3):
                raise ValueError(
                    f"judgments[{k}][{j}] = {a[k, j]} is not 1 / judgments[{j}][{k}] = 1 / {a[j, k]}"
                )
            upper.append(float(a[j, k]))
    return upper


def ahp(judgments: Sequence[float] | Sequence[Sequence[float]] | npt.ArrayLike, *, require_consistent: bool = True) -> AhpResult:
    """AHP weights from pairwise comparisons on Saaty's 1/9 … 9 scale: either the full
    reciprocal matrix (``a[j][k]`` = how much more important j is than k) or its upper
    triangle row by row (a12, a13, …, a1n, a23, …). Up to 15 indicators.

    Raises :class:`~silkscore.errors.WeightsError` for a judgment outside [1/9, 9]
    (``field`` ``judgments[i]``), a count that is no n(n−1)/2, and — unless
    ``require_consistent=False`` — a consistency ratio above 0.10 (``cr``).
    """
    upper = _judgments(judgments)
    d = _silkscore.ahp_weights(upper, require_consistent)
    return AhpResult(judgments=tuple(upper), require_consistent=require_consistent, **d)


@dataclass(frozen=True)
class EntropyResult:
    """Entropy weights: the more an indicator's normalised scores vary across the records,
    the more weight it gets within its connotation."""

    #: the weights, float32, summing to 1 within each connotation
    weights: npt.NDArray[np.float32]
    #: e_j per indicator
    entropies: npt.NDArray[np.float32]
    #: d_j = 1 − e_j per indicator
    divergences: npt.NDArray[np.float32]
    #: per connotation: whether it fell back to equal weights (nothing varied)
    fallback: dict[str, bool]
    #: the number of records
    records: int

    def to_model(self, model: Model) -> Model:
        """``model`` with these weights, validated again."""
        return model.with_indicator_weights(self.weights)


@dataclass(frozen=True)
class CriticResult:
    """CRITIC weights: contrast (standard deviation) times conflict (1 − correlation)."""

    #: the weights, float32, summing to 1 within each connotation
    weights: npt.NDArray[np.float32]
    #: σ_j per indicator
    std_devs: npt.NDArray[np.float32]
    #: Σ_k (1 − ρ_jk) per indicator
    conflicts: npt.NDArray[np.float32]
    #: C_j = σ_j · conflict_j per indicator
    information: npt.NDArray[np.float32]
    #: n × n Pearson correlations of the normalised scores
    correlation: npt.NDArray[np.float32]
    #: per connotation: whether it fell back to equal weights
    fallback: dict[str, bool]
    #: the number of records
    records: int

    def to_model(self, model: Model) -> Model:
        """``model`` with these weights, validated again."""
        return model.with_indicator_weights(self.weights)


def _arrays(model: Model, values: Any, present: Any) -> tuple[Any, Any]:
    arr = _float_array(values, "values")
    mask = None if present is None else _bool_array(present)
    return arr, mask


def entropy(model: Model, values: npt.ArrayLike, present: npt.ArrayLike | None = None) -> EntropyResult:
    """Entropy weights of ``model``'s indicators from at least two complete records
    (``values``: records × indicators in model order, as for :meth:`Model.score`; NaN is
    missing unless ``present`` is given). Raises :class:`~silkscore.errors.WeightsError`
    with the ``row`` and ``field`` (indicator id) of the first missing or non-finite value."""
    arr, mask = _arrays(model, values, present)
    d = _silkscore.entropy_weights(model._core, arr, mask)
    d["fallback"] = dict(zip(CONNOTATIONS, d["fallback"]))
    return EntropyResult(**d)


def critic(model: Model, values: npt.ArrayLike, present: npt.ArrayLike | None = None) -> CriticResult:
    """CRITIC weights of ``model``'s indicators from at least two complete records; the same
    input and errors as :func:`entropy`."""
    arr, mask = _arrays(model, values, present)
    d = _silkscore.critic_weights(model._core, arr, mask)
    d["fallback"] = dict(zip(CONNOTATIONS, d["fallback"]))
    return CriticResult(**d)


def equal(model: Model) -> Model:
    """``model`` with every indicator weight 1."""
    return Model(_silkscore.equal(model._core))
