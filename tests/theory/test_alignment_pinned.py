"""Pinned values of :mod:`theory.alignment` that mutation testing showed unchecked.

The U-statistic of ||m||^2, its jackknife and both sides of Proposition 1 are held against the same
quantities written out by brute force (explicit double sums over i != j, explicit leave-one-out
recomputation), on small samples with non-square shapes (N != d).
"""

import itertools

import numpy as np
import pytest

from theory.alignment import (
    alignment_bound,
    alignment_exact,
    estimate_alignment,
    estimate_mean_sq_norm,
    max_alignment,
)
from theory.sphere import sample_uniform


def _u_stat(W: np.ndarray) -> float:
    n = W.shape[0]
    return sum(float(W[i] @ W[j]) for i, j in itertools.permutations(range(n), 2)) / (n * (n - 1))


def _jackknife(W: np.ndarray) -> tuple[float, float, np.ndarray]:
    n = W.shape[0]
    loo = np.array([_u_stat(np.delete(W, k, axis=0)) for k in range(n)])
    return _u_stat(W), float(np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2))), loo


def _pairs(n=7, d=4, seed=3):
    u = sample_uniform(n, d, seed=seed)
    v = u + 0.4 * sample_uniform(n, d, seed=seed + 1) + np.array([0.5, 0, 0, 0])
    return u, v / np.linalg.norm(v, axis=1, keepdims=True)


@pytest.mark.claim("P1")
def test_mean_sq_norm_is_the_u_statistic_and_its_jackknife():
    u, v = _pairs()
    for est, W in ((estimate_mean_sq_norm(u), u), (estimate_mean_sq_norm(u, v), 0.5 * (u + v))):
        value, se, _ = _jackknife(W)
        assert est.n_samples == 7
        assert est.value == pytest.approx(value, rel=1e-12, abs=1e-14)
        assert est.se == pytest.approx(se, rel=1e-10)


@pytest.mark.claim("P1")
@pytest.mark.parametrize("eta2", [None, 0.3])
def test_alignment_estimate_fields(eta2):
    u, v = _pairs()
    n = u.shape[0]
    a_i = np.sum(u * v, axis=1)
    m2, m2_se, loo_m = _jackknife(0.5 * (u + v))
    res = estimate_alignment(u, v, eta2=eta2)
    assert res.n_samples == n
    assert res.alignment == pytest.approx(a_i.mean(), rel=1e-13)
    assert res.alignment_se == pytest.approx(a_i.std(ddof=1) / np.sqrt(n), rel=1e-12)
    assert res.mean_sq_norm == pytest.approx(m2, rel=1e-12, abs=1e-14)
    assert res.mean_sq_norm_se == pytest.approx(m2_se, rel=1e-10)
    if eta2 is None:
        assert (res.eta2, res.bound, res.slack, res.slack_se) == (None, None, None, None)
        assert res.note == "no eta2 given: no bound, no slack"
        return
    assert res.eta2 == eta2
    loo_a = np.array([np.delete(a_i, k).mean() for k in range(n)])
    loo_s = eta2 + (1 - eta2) * loo_m - loo_a
    assert res.bound == pytest.approx(eta2 + (1 - eta2) * min(max(m2, 0.0), 1.0), rel=1e-12)
    assert res.slack == pytest.approx(eta2 + (1 - eta2) * m2 - a_i.mean(), rel=1e-12)
    s_se = np.sqrt((n - 1) / n * np.sum((loo_s - loo_s.mean()) ** 2))
    assert res.slack_se == pytest.approx(s_se, rel=1e-10)


def test_bad_inputs_name_the_argument():
    u, v = _pairs()
    with pytest.raises(ValueError, match=r"^eta2 must be >= 0"):
        estimate_alignment(u, v, eta2=-0.1)
    with pytest.raises(ValueError, match=r"^eta2 must be <= 1"):
        estimate_alignment(u, v, eta2=1.5)
    estimate_alignment(u, v, eta2=1.0)
    estimate_alignment(u, v, eta2=0.0)
    with pytest.raises(ValueError, match=r"\bv\b"):
        estimate_alignment(u, v[:2])
    with pytest.raises(ValueError, match=r"\bu\b"):
        estimate_alignment(u[:2], v[:2])
    with pytest.raises(ValueError, match=r"\bu\b"):
        estimate_mean_sq_norm(u[:2])
    with pytest.raises(ValueError, match=r"^eta2 "):
        alignment_bound(1.5, 0.5)
    with pytest.raises(ValueError, match=r"^mean_sq_norm "):
        alignment_bound(0.5, 1.5)
    assert isinstance(alignment_bound(0.36, 0.25), float)
    assert alignment_bound(0.36, 0.25) == pytest.approx(0.36 + 0.64 * 0.25, rel=1e-15)


def test_encoder_alignment_unpacking_is_deprecated():
    from theory.alignment import hgr_encoder

    res = hgr_encoder(np.array([0.5, 0.5]), np.array([[0.8, 0.2], [0.2, 0.8]]), d=2)
    with pytest.warns(DeprecationWarning) as rec:
        enc, exact = res
    msg = "unpacking (encoder, exact) is deprecated; use the attributes .encoder and .exact"
    assert str(rec[0].message) == msg
    assert enc is res.encoder and exact == res.exact


P0, CHANNEL = np.array([0.5, 0.5]), np.array([[0.9, 0.1], [0.2, 0.8]])


def test_max_alignment_names_d_when_it_is_not_positive():
    with pytest.raises(ValueError, match=r"^d must be >= 1; got 0$"):
        max_alignment(P0, CHANNEL, d=0)


def test_alignment_exact_names_the_encoder_when_a_row_is_not_unit():
    with pytest.raises(ValueError, match=r"^encoder must have unit-norm rows"):
        alignment_exact(P0, CHANNEL, np.array([[1.0, 0.0], [0.0, 0.0]]))
