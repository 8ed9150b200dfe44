"""Proposition 1 (claim P1): the alignment bound on exact finite laws, and the estimators from pairs.

References used (never the function's own output):
- exact enumeration of E[u.v] and m (a direct triple sum over (x0, x, y), written here) for the bound;
- Monte Carlo simulation of the Markov chain X <- X0 -> Y (5 standard errors) for the estimators;
- the equality condition of the proof (binary X: the sign encoder is affine in f1, slack exactly 0);
- the plug-in bias (1 - ||m||^2)/N of ||mean u||^2 that the U-statistic must not have.
"""

import json
import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.alignment import (
    alignment_bound,
    alignment_exact,
    estimate_alignment,
    estimate_mean_sq_norm,
    hgr_encoder,
    max_alignment,
)
from theory.hgr import hgr_discrete

pytestmark = pytest.mark.claim("P1")


def _instance(seed: int, n0: int, nx: int, conc: float, d: int):
    rng = np.random.default_rng(seed)
    p0 = rng.dirichlet(np.ones(n0))
    K = rng.dirichlet(np.full(nx, conc), size=n0)
    F = rng.standard_normal((nx, d))
    F /= np.linalg.norm(F, axis=1, keepdims=True)
    return p0, K, F


def _enumerate(p0, K, F):
    """E[u.v] and m by a direct sum over (x0, x, y): independent of markov_joint / einsum."""
    a, m = 0.0, np.zeros(F.shape[1])
    for i in range(p0.size):
        for x in range(K.shape[1]):
            m += p0[i] * K[i, x] * F[x]
            for y in range(K.shape[1]):
                a += p0[i] * K[i, x] * K[i, y] * float(F[x] @ F[y])
    return a, m


def test_alignment_bound_formula_and_validation():
    assert alignment_bound(0.36) == pytest.approx(0.36)
    assert alignment_bound(0.36, 0.5) == pytest.approx(0.36 + 0.64 * 0.5)
    assert alignment_bound(0.0, 1.0) == 1.0
    out = alignment_bound(np.array([0.1, 0.5]), 0.2)
    assert np.allclose(out, [0.1 + 0.9 * 0.2, 0.5 + 0.5 * 0.2])
    with pytest.raises(ValueError, match="eta2"):
        alignment_bound(1.5)
    with pytest.raises(ValueError, match="mean_sq_norm"):
        alignment_bound(0.5, -0.1)
    with pytest.raises(ValueError, match="eta2"):
        alignment_bound(float("nan"))


def test_alignment_exact_matches_enumeration():
    p0, K, F = _instance(1, 4, 5, 0.7, 3)
    ex = alignment_exact(p0, K, F)
    a, m = _enumerate(p0, K, F)
    assert ex.alignment == pytest.approx(a, abs=1e-12)
    assert np.allclose(ex.mean, m, atol=1e-12)
    assert ex.eta2 == pytest.approx(hgr_discrete(p0[:, None] * K).rho ** 2)


@settings(max_examples=400)
@given(
    st.integers(0, 2**31 - 1),
    st.integers(2, 6),
    st.integers(2, 7),
    st.sampled_from([0.1, 0.3, 1.0, 5.0]),
    st.integers(1, 5),
)
def test_prop1_never_violated_random_encoders(seed, n0, nx, conc, d):
    p0, K, F = _instance(seed, n0, nx, conc, d)
    a, m = _enumerate(p0, K, F)
    eta2 = hgr_discrete(p0[:, None] * K).rho ** 2
    assert a <= eta2 + (1 - eta2) * float(m @ m) + 1e-12


@settings(max_examples=25)
@given(st.integers(0, 2**31 - 1), st.integers(2, 5), st.integers(2, 6), st.sampled_from([0.2, 1.0]))
def test_prop1_never_violated_optimised_encoders(seed, n0, nx, conc):
    """Hunt for a violation: maximise E[u.v] - (1 - eta2)||m||^2 and the efficiency by L-BFGS."""
    p0, K, _ = _instance(seed, n0, nx, conc, 1)
    for objective in ("bound", "efficiency", "alignment"):
        res = max_alignment(p0, K, 3, objective=objective, n_restarts=2, seed=seed)
        F, ex = res.encoder, res.exact
        a, m = _enumerate(p0, K, F)
        assert a <= ex.eta2 + (1 - ex.eta2) * float(m @ m) + 1e-10
        if 1 - float(m @ m) > 1e-3 and ex.eta2 > 1e-6:
            assert (a - m @ m) / (ex.eta2 * (1 - m @ m)) <= 1 + 1e-8


def test_bound_is_attained_for_binary_views():
    """Equality case of the proof: X binary, so every centred function of X is proportional to f1."""
    rng = np.random.default_rng(4)
    for _ in range(5):
        p0 = rng.dirichlet(np.ones(3))
        K = rng.dirichlet(np.ones(2), size=3)
        ex = hgr_encoder(p0, K, d=2).exact
        assert ex.slack == pytest.approx(0.0, abs=1e-12)
        assert ex.efficiency == pytest.approx(1.0, abs=1e-10)


def test_hgr_encoder_comes_close_and_centred_encoders_do_not():
    """HGR encoders reach efficiency ~1 (near collapse); the best centred encoders stay below 1."""
    effs, centred = [], []
    for seed in range(6):
        p0, K, _ = _instance(100 + seed, 4, 6, 0.5, 1)
        ex = hgr_encoder(p0, K, d=3).exact
        assert ex.slack >= -1e-12 and ex.efficiency <= 1 + 1e-9
        effs.append(ex.efficiency)
        exc = max_alignment(p0, K, 3, objective="alignment", n_restarts=3, seed=seed).exact
        centred.append(exc.efficiency)
    assert min(effs) > 0.999
    assert max(centred) < 1 - 1e-3  # |f1| is not constant for 6-valued X: strict inequality


def test_estimators_against_monte_carlo_of_the_chain():
    p0, K, F = _instance(7, 3, 4, 0.5, 3)
    ex = alignment_exact(p0, K, F)
    rng = np.random.default_rng(0)
    N = 40_000
    x0 = rng.choice(p0.size, size=N, p=p0)
    cum = np.cumsum(K, axis=1)
    x = (rng.random(N)[:, None] > cum[x0]).sum(axis=1)
    y = (rng.random(N)[:, None] > cum[x0]).sum(axis=1)
    est = estimate_alignment(F[x], F[y], eta2=ex.eta2)
    assert est.alignment == pytest.approx(ex.alignment, abs=5 * est.alignment_se)
    assert est.mean_sq_norm == pytest.approx(ex.mean_sq_norm, abs=5 * est.mean_sq_norm_se)
    assert est.slack == pytest.approx(ex.slack, abs=5 * est.slack_se)
    # bound = eta2 + (1 - eta2) ||m||^2 with eta2 exact: its standard error is (1 - eta2) se(||m||^2)
    assert est.bound == pytest.approx(ex.bound, abs=5 * (1 - ex.eta2) * est.mean_sq_norm_se)


@pytest.mark.slow  # a Monte Carlo study of the estimator (0.8 s)
def test_mean_sq_norm_u_statistic_is_unbiased_and_se_is_calibrated():
    """Many tiny batches (N = 5): the U-statistic averages to ||m||^2; the plug-in is off by (1-|m|^2)/N."""
    rng = np.random.default_rng(1)
    d, N, B = 3, 5, 20_000
    m_true = np.array([0.3, 0.0, 0.0])
    # u = unit vectors with mean m_true: mixture of e1 (prob 0.65) and -e1 (prob 0.35)
    signs = np.where(rng.random((B, N)) < 0.65, 1.0, -1.0)
    U = np.zeros((B, N, d))
    U[..., 0] = signs
    vals = np.array([estimate_mean_sq_norm(U[b]).value for b in range(B)])
    plug = np.einsum("bd,bd->b", U.mean(1), U.mean(1))
    target = float(m_true @ m_true)
    assert vals.mean() == pytest.approx(target, abs=5 * vals.std() / math.sqrt(B))
    assert plug.mean() - target == pytest.approx((1 - target) / N, abs=5 * plug.std() / math.sqrt(B))
    # jackknife se against the spread over replications (N = 400)
    reps, ses = [], []
    for _ in range(300):
        s = np.where(rng.random(400) < 0.65, 1.0, -1.0)
        u = np.zeros((400, d))
        u[:, 0] = s
        e = estimate_mean_sq_norm(u)
        reps.append(e.value)
        ses.append(e.se)
    assert np.mean(ses) == pytest.approx(np.std(reps), rel=0.2)


def test_estimator_validation():
    u = np.eye(3)
    with pytest.raises(ValueError, match="u must have unit-norm rows"):
        estimate_alignment(2 * u, u)
    with pytest.raises(ValueError, match="same shape"):
        estimate_alignment(u, np.array([[1.0, 0.0], [0.0, 1.0], [1.0, 0.0]]))
    with pytest.raises(ValueError, match="at least 3 rows"):
        estimate_mean_sq_norm(u[:2])
    est = estimate_alignment(u.astype(np.float32), u)
    assert est.bound is None and est.slack is None and est.alignment == pytest.approx(1.0)
    assert "no eta2" in est.note
    assert json.loads(json.dumps(est.to_dict(), allow_nan=False))["bound"] is None
    with pytest.raises(ValueError, match="row-stochastic"):
        alignment_exact([0.5, 0.5], [[0.5, 0.6], [0.5, 0.5]], np.eye(2))
    with pytest.raises(ValueError, match="one row per value"):
        alignment_exact([0.5, 0.5], [[0.5, 0.5], [0.5, 0.5]], np.eye(3))


def test_unit_rows_tolerance_is_shared_and_float32_passes():
    """alignment validates unit rows with theory._validation.as_unit_rows (tolerance 1e-5)."""
    rng = np.random.default_rng(3)
    u = rng.standard_normal((50, 8))
    u /= np.linalg.norm(u, axis=1, keepdims=True)
    u32 = u.astype(np.float32)
    assert np.abs(np.linalg.norm(u32.astype(np.float64), axis=1) - 1).max() > 0  # not exactly unit
    e32, e64 = estimate_mean_sq_norm(u32), estimate_mean_sq_norm(u)
    assert e32.value == pytest.approx(e64.value, abs=1e-6)
    assert estimate_alignment(u * (1 + 0.9e-5), u).alignment == pytest.approx(1.0, abs=1e-12)  # renormalized
    with pytest.raises(ValueError, match="tolerance 1e-05"):
        estimate_alignment(u * (1 + 1.1e-5), u)


def test_encoder_results_are_objects_and_the_tuple_is_deprecated():
    p0, K, _ = _instance(5, 3, 4, 0.5, 1)
    res = hgr_encoder(p0, K, d=3)
    assert res.encoder.shape == (4, 3) and res.exact.slack >= -1e-12 and "HGR" in res.method
    with pytest.warns(DeprecationWarning, match="unpacking"):
        F, ex = res
    assert F is res.encoder and ex is res.exact
    d = json.loads(json.dumps(res.to_dict(), allow_nan=False))
    assert d["exact"]["efficiency"] == pytest.approx(res.exact.efficiency)
    opt = max_alignment(p0, K, 2, objective="efficiency", n_restarts=1, seed=0)
    assert opt.exact.efficiency <= 1 + 1e-8 and "efficiency" in opt.method
    with pytest.warns(DeprecationWarning, match="n_samples"):
        assert estimate_mean_sq_norm(np.eye(3)).n == 3


def test_collapsed_encoder_has_no_efficiency_and_says_why():
    p0, K, _ = _instance(6, 3, 4, 0.5, 1)
    ex = alignment_exact(p0, K, np.tile([1.0, 0.0], (4, 1)))  # u constant: ||m|| = 1
    assert ex.efficiency is None and "undefined" in ex.note
    assert ex.slack == pytest.approx(0.0, abs=1e-12)
    assert json.loads(json.dumps(ex.to_dict(), allow_nan=False))["efficiency"] is None
