"""Weights (AHP, entropy, CRITIC, equal) against the conformance vectors (the sensitivity
analysis is tested in test_sensitivity.py)."""

from __future__ import annotations

import csv

import numpy as np
import pandas as pd
import pytest

import silkscore
from conftest import VECTORS
from silkscore import WeightsError, weights

M = silkscore.Model.default()
AHP = list(csv.DictReader(open(VECTORS / "ahp_cases.csv", newline="")))


@pytest.mark.parametrize("case", AHP, ids=[f"case{c['case']}-{c['status']}" for c in AHP])
def test_ahp_matches_the_vectors(case: dict[str, str]) -> None:
    judgments = [float(x) for x in case["judgments"].split(";")] if case["judgments"] else []
    if case["status"] == "invalid":
        with pytest.raises(WeightsError):
            weights.ahp(judgments, require_consistent=False)
        return
    if case["status"] == "inconsistent":
        with pytest.raises(WeightsError) as err:
            weights.ahp(judgments)
        assert err.value.cr is not None and err.value.cr > 0.10
    r = weights.ahp(judgments, require_consistent=False)
    want = [float(x) for x in case["weights"].split(";")]
    np.testing.assert_allclose(r.weights, want, atol=1e-4)
    assert abs(r.cr - float(case["cr"])) <= 1e-4
    assert abs(r.lambda_max - float(case["lambda_max"])) <= 1e-3
    assert r.consistent == (case["status"] == "ok")
    assert r.weights.dtype == np.float32


def test_ahp_takes_the_full_matrix() -> None:
    full = [[1, 2, 4], [1 / 2, 1, 2], [1 / 4, 1 / 2, 1]]
    r = weights.ahp(full)
    assert r.weights.tolist() == weights.ahp([2, 4, 2]).weights.tolist()
    assert abs(r.weights[0] - 4 / 7) < 1e-5
    with pytest.raises(ValueError, match="not 1 /"):
        weights.ahp([[1, 2], [2, 1]])
    with pytest.raises(WeightsError) as err:
        weights.ahp([2, 10, 1])
    assert err.value.field == "judgments[1]"


def test_ahp_weights_go_into_a_model() -> None:
    r = weights.ahp(np.ones(15))  # six cultural indicators, all equally important
    m = r.apply(M, "cultural")
    assert [i.weight for i in m.indicators[:6]] == pytest.approx([1 / 6] * 6, abs=1e-6)
    assert m.indicators[6:] == M.indicators[6:]
    with pytest.raises(WeightsError):
        weights.ahp([2, 4, 2]).apply(M, "economic")  # three weights, six indicators
    with pytest.raises(ValueError, match="connotation"):
        r.apply(M, "spiritual")


@pytest.mark.parametrize("case", ["entropy_case1", "entropy_case2"])
def test_entropy_matches_the_vectors(case: str) -> None:
    records = pd.read_csv(VECTORS / f"{case}_records.csv")
    values, present = M.matrix(records)
    assert present.all()
    r = weights.entropy(M, values)
    want = list(csv.DictReader(open(VECTORS / f"{case}_expected.csv", newline="")))
    assert [w["indicator"] for w in want] == list(M.ids)
    np.testing.assert_allclose(r.entropies, [float(w["e"]) for w in want], atol=1e-4)
    np.testing.assert_allclose(r.divergences, [float(w["d"]) for w in want], atol=1e-4)
    np.testing.assert_allclose(r.weights, [float(w["weight"]) for w in want], atol=1e-3)
    for w in want:
        assert r.fallback[w["connotation"]] == (w["fallback"] == "true")
    assert r.records == len(records)
    m = r.to_model(M)
    assert [i.weight for i in m.indicators] == r.weights.tolist()


def test_critic_weights() -> None:
    records = pd.read_csv(VECTORS / "entropy_case1_records.csv")
    values, _ = M.matrix(records)
    r = weights.critic(M, values.astype(np.float32))
    for c in range(3):
        assert abs(float(r.weights[6 * c : 6 * c + 6].sum()) - 1) < 1e-5
    assert r.correlation.shape == (18, 18)
    np.testing.assert_array_equal(r.correlation, r.correlation.T)
    assert np.all(np.abs(r.correlation) <= 1)
    assert not any(r.fallback.values())
    np.testing.assert_allclose(r.information, r.std_devs * r.conflicts, rtol=1e-5)
    assert r.to_model(M).fingerprint != M.fingerprint


def test_data_driven_weights_name_the_incomplete_record() -> None:
    values = np.ones((5, len(M)))
    values[3, 4] = np.nan
    for f in (weights.entropy, weights.critic):
        with pytest.raises(WeightsError) as err:
            f(M, values)
        assert (err.value.row, err.value.field) == (3, M.ids[4])
        with pytest.raises(WeightsError) as err:
            f(M, values[:1])
        assert "two records" in str(err.value)


def test_equal_weights() -> None:
    skewed = M.with_indicator_weights(np.arange(1, 19))
    assert weights.equal(skewed) == M
