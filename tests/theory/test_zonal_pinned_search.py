"""Pinned checks of the ring searches of :mod:`theory.zonal` against independent references.

References used:

* the bounds of the grid searches' arguments: the documented message of :func:`theory._validation.check_real`
  (``alpha must be <= 300.0; got ...``), raised before any other argument is looked at;
* the profile :func:`theory.zonal.phi_profile` on an 8-latitude grid: the minimum of Phi at fixed mean over
  the masses of the same latitudes, found by a second algorithm (SLSQP on the masses themselves, the
  simplex and the mean as linear constraints, 40 Dirichlet starts, seed 0) with the ring kernel
  ``exp(alpha s t) 0F1(; (d-1)/2; (alpha sqrt((1-s^2)(1-t^2)))^2/4)`` and ``Phi(sigma) = log 0F1(; d/2;
  alpha^2/4)`` computed by mpmath;
* :func:`refine_rings` at a symmetric pair of rings: mpmath's Phi of the pair it reports, and the
  small-``alpha`` expansion ``Phi = alpha^2 E[(x.y)^2] / 2 + O(alpha^4) = alpha^2 / (2 d)`` for a
  law with sigma's second moment.
"""

from __future__ import annotations

import functools
import math

import mpmath as mp
import numpy as np
import pytest
from scipy import optimize

from theory.regularized import qc_local
from theory.zonal import beta_threshold, minimize_jq, phi_profile, threshold
from theory.zonal._kernel import uniform_nodes
from theory.zonal._search import refine_rings


def _mp_log_kernel(d, alpha, s, t):
    """log K_d(s, t) = alpha s t + log 0F1(; (d - 1)/2; b^2/4), b = alpha sqrt((1 - s^2)(1 - t^2))."""
    s, t, a = mp.mpf(s), mp.mpf(t), mp.mpf(alpha)
    b = a * mp.sqrt((1 - s * s) * (1 - t * t))
    return a * s * t + mp.log(mp.hyp0f1(mp.mpf(d - 1) / 2, b * b / 4))


def _mp_phi(d, alpha, t, p):
    """Phi of the ring mixture ``sum_k p_k ring(t_k)``: ``sum_k p_k log sum_j p_j K_d(t_k, t_j)``."""
    mp.mp.dps = 30

    def log_kp(tk):
        terms = (pj * mp.exp(_mp_log_kernel(d, alpha, tk, tj)) for tj, pj in zip(t, p, strict=True))
        return mp.log(mp.fsum(terms))

    return mp.fsum(pk * log_kp(tk) for tk, pk in zip(t, p, strict=True))


def _mp_phi_sigma(d, alpha):
    """Phi of the uniform law: log E e^{alpha x.y} = log 0F1(; d/2; alpha^2/4)."""
    return mp.log(mp.hyp0f1(mp.mpf(d) / 2, mp.mpf(alpha) ** 2 / 4))


@functools.lru_cache
def _mp_log_kernel_matrix(d, alpha, n_panels, per_panel):
    """``log K_d`` between the latitudes of the grid ``(n_panels, per_panel)``, with them."""
    mp.mp.dps = 30
    t = np.cos(uniform_nodes(d, n_panels, per_panel)[0])
    return t, np.array([[float(_mp_log_kernel(d, alpha, a, b)) for b in t] for a in t])


def _slsqp_profile(d, alpha, r, n_panels=4, per_panel=2, n_starts=40, seed=0):
    """``(min Phi - Phi(sigma)) / r^2`` over masses ``p`` on the grid's latitudes ``t`` with ``sum p = 1``,
    ``p @ t = r``: the best of ``n_starts`` SLSQP runs from Dirichlet(1/2) starts (an upper bound on the
    minimum over the grid, from an algorithm that shares nothing with the grid search but the latitudes)."""
    t, lk = _mp_log_kernel_matrix(d, alpha, n_panels, per_panel)
    n = t.size
    c = lk.max(axis=1)
    e = np.exp(lk - c[:, None])
    phi_sigma = float(_mp_phi_sigma(d, alpha))

    def phi(p):
        p = np.maximum(p, 0.0)
        kp = e @ p
        return float(p @ (np.log(kp) + c)), np.log(kp) + c + e.T @ (p / kp)

    cons = [
        {"type": "eq", "fun": lambda p: p.sum() - 1.0, "jac": lambda p: np.ones(n)},
        {"type": "eq", "fun": lambda p: p @ t - r, "jac": lambda p: t},
    ]
    rng = np.random.default_rng(seed)
    best = np.inf
    for _ in range(n_starts):
        res = optimize.minimize(
            phi,
            rng.dirichlet(np.full(n, 0.5)),
            jac=True,
            method="SLSQP",
            bounds=[(0.0, 1.0)] * n,
            constraints=cons,
            options={"ftol": 1e-15, "maxiter": 1000},
        )
        p = np.maximum(res.x, 0.0)
        if abs(p.sum() - 1.0) <= 1e-9 and abs(p @ t - r) <= 1e-9:
            best = min(best, (phi(p)[0] - phi_sigma) / r**2)
    return best


# ---------------------------------------------------------------------------------------------------
# alpha <= 300: checked once, on entry, before the other arguments and before any work


@pytest.mark.parametrize(
    "call",
    [
        lambda a: phi_profile(3, a, [2.0], n_panels=4, per_panel=1),
        lambda a: threshold(3, a, mean_norms=[2.0], n_panels=4, per_panel=1),
        lambda a: minimize_jq(3, a, -1.0, n_panels=4, per_panel=1),
        lambda a: beta_threshold(3, a, 2.0, n_panels=4, per_panel=1),
    ],
    ids=["phi_profile", "threshold", "minimize_jq", "beta_threshold"],
)
@pytest.mark.parametrize("alpha", [300.5, 301.0, 1e4])
def test_grid_searches_refuse_alpha_above_300_first(call, alpha):
    """A bad alpha is named with its value and bound before the next bad argument (mean_norms, q or
    eta2 here) is looked at."""
    with pytest.raises(ValueError, match=rf"^alpha must be <= 300\.0; got {alpha}$"):
        call(alpha)


# ---------------------------------------------------------------------------------------------------
# phi_profile against SLSQP on the same 8 latitudes


@pytest.mark.parametrize(("d", "alpha", "r"), [(6, 30.0, 0.8), (8, 100.0, 0.5)])
def test_profile_at_one_mean_is_near_the_grid_minimum(d, alpha, r):
    """One mean norm, no neighbour to continue from: the tilted uniform law and the narrow ring at t = r
    are the only starts. The value is within 1.5e-3 (relative) of the grid's minimum found by SLSQP; the
    local minimum reached from the tilted law alone lies 4.5e-3 and 5.3e-3 above it."""
    want = _slsqp_profile(d, alpha, r)
    got = phi_profile(d, alpha, [r], n_panels=4, per_panel=2).ratio[0]
    assert want * (1.0 - 1e-9) <= got <= want * (1.0 + 1.5e-3)


def test_profile_continues_down_from_the_larger_mean():
    """d = 12, alpha = 300, r = 0.1 and 0.2: at r = 0.1 both starts end 1.08 above the minimum, which the
    minimiser at r = 0.2 carried down reaches; both values equal SLSQP's grid minimum."""
    prof = phi_profile(12, 300.0, [0.1, 0.2], n_panels=4, per_panel=2)
    for r, got in zip((0.1, 0.2), prof.ratio, strict=True):
        assert got == pytest.approx(_slsqp_profile(12, 300.0, r), rel=1e-9)


# ---------------------------------------------------------------------------------------------------
# refine_rings at mean 0


def test_refine_rings_reports_a_symmetric_pair_with_mean_zero():
    """Rings at -+1/sqrt(3) with masses 1/2 (d = 3, alpha = 0.01, q = 0.5): the mean is exactly 0, so the
    first variation of J_q is that of Phi, flat to O(alpha^4) for sigma's second moment; the pair is kept
    and its value is J_q = Phi of the pair (mpmath), alpha^2 / 6 to first order."""
    d, alpha, q = 3, 0.01, 0.5
    a = 1.0 / math.sqrt(3.0)
    phi_sigma = float(_mp_phi_sigma(d, alpha))
    value, t, p = refine_rings(d, alpha, np.array([-a, a]), np.array([0.5, 0.5]), phi_sigma, q)
    assert p @ t == 0.0
    assert value == pytest.approx(float(_mp_phi(d, alpha, t, p)), rel=1e-9)
    assert value == pytest.approx(alpha**2 / (2 * d), rel=1e-3)


# ---------------------------------------------------------------------------------------------------
# minimize_jq below the threshold: sigma, one of its starts, is the minimiser


@pytest.mark.parametrize(("d", "alpha"), [(3, 2.0), (8, 1.0)])
def test_minimize_jq_below_the_threshold_reports_sigma_itself(d, alpha):
    """q = q_c_loc / 2 (0.589 at d = 3, 0.463 at d = 8), far below the smallest ratio
    (Phi(mu) - Phi(sigma)) / m^2 that threshold() finds at these points (1.180 and 0.908): sigma's
    quadrature on the grid, one of the starts, is the minimum, and no ring mixture refined from the grid
    minimum does better. The result is sigma itself: the grid's latitudes and weights, J_q - J_q(sigma) = 0,
    m = 0, Phi = log 0F1(; d/2; alpha^2/4) (mpmath)."""
    q = 0.5 * float(qc_local(d, alpha))
    res = minimize_jq(d, alpha, q, n_panels=16, per_panel=4)
    theta, logw = uniform_nodes(d, 16, 4)
    w = np.exp(logw - np.logaddexp.reduce(logw))
    keep = w > 1e-9  # the measure reported leaves out masses below 1e-9 (two polar nodes at d = 8)
    np.testing.assert_allclose(res.latitudes, np.cos(theta[keep]), rtol=1e-15)
    np.testing.assert_allclose(res.weights, w[keep] / w[keep].sum(), rtol=1e-9)
    assert res.gap == pytest.approx(0.0, abs=1e-12)
    assert res.mean_norm == pytest.approx(0.0, abs=1e-15)
    assert res.phi == pytest.approx(float(_mp_phi_sigma(d, alpha)), rel=1e-13)


def test_clusters_of_a_measure_with_no_mass_above_the_threshold_is_its_heaviest_node():
    # every node under the 1e-6 cluster threshold: the heaviest node alone is the ring, with all the mass
    from theory.zonal._problem import RingGrid
    from theory.zonal._search import clusters

    grid = RingGrid(3, 1.0, 4, 4)
    p = np.full(grid.t.size, 1e-7)
    p[5] = 5e-7
    lat, mass = clusters(grid, p, 4)
    np.testing.assert_allclose(lat, [grid.t[5]], rtol=1e-15, atol=0.0)
    np.testing.assert_allclose(mass, [1.0], rtol=1e-15, atol=0.0)
