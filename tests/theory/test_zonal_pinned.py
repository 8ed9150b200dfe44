"""theory.zonal: tests pinned on the survivors of a mutation sample (scripts/mutation --sample).

References: the documented ring count of the composite rule, hand-computed mass-weighted latitudes, the
documented bound on max_rings, and mpmath's Bessel function for the best single ring.
"""

from __future__ import annotations

import functools
from types import SimpleNamespace

import mpmath as mp
import numpy as np
import pytest

from tests.theory._scipy_reference import scipy_log_g
from theory.regularized import qc_local
from theory.zonal import (
    DEFAULT_MEAN_NORMS,
    ZonalMeasure,
    describe_rings,
    landau_coefficient,
    minimize_jq,
    phi_profile,
    threshold,
)
from theory.zonal._search import (
    _check_grid_args,
    _check_mean_norms,
    _log_g_slope,
    _merge_close,
    best_one_ring,
    clusters,
    few_rings,
    polish_rings,
    refine_rings,
    stationarity,
)
from theory.zonal._threshold import _exchange_gain, _merge, _vmf_qc_refined

pytestmark = pytest.mark.claim("D", "T2")


@pytest.mark.parametrize("n_panels, per_panel", [(4, 3), (2, 16)])
def test_vmf_measure_has_n_panels_times_per_panel_rings(n_panels, per_panel):
    """The composite Gauss-Legendre rule of ``ZonalMeasure.vmf`` has ``n_panels * per_panel`` rings."""
    m = ZonalMeasure.vmf(5, 3.0, n_panels=n_panels, per_panel=per_panel)
    assert m.t.shape == (n_panels * per_panel,)
    assert m.kind == "density"


def test_merge_close_puts_a_merged_ring_at_the_mass_weighted_latitude():
    """Rings 4e-4 apart merge (tol 1e-3): (0.3 * 0.2 + 0.3004 * 0.6) / 0.8 = 0.3003, mass 0.8."""
    t, p = _merge_close(np.array([0.8, 0.3004, 0.3]), np.array([0.2, 0.6, 0.2]), 1e-3)
    assert t.tolist() == pytest.approx([0.3003, 0.8], abs=1e-15)
    assert p.tolist() == pytest.approx([0.8, 0.2], abs=1e-15)


def test_threshold_refuses_more_than_32_rings():
    with pytest.raises(ValueError, match="max_rings"):
        threshold(3, 1.0, max_rings=33)


def _mp_log_g(d, b):
    """log G_d(b) = log E e^{b c}, c the cosine between two uniform points of S^{d-2}:
    Gamma(nu + 1) (2 / b)^nu I_nu(b) with nu = (d - 3) / 2."""
    nu = mp.mpf(d - 3) / 2
    return mp.log(mp.gamma(nu + 1) * (2 / b) ** nu * mp.besseli(nu, b))


@pytest.mark.parametrize("d, alpha, drop", [(5, 5.0, 0.3), (8, 10.0, 0.5)])
def test_best_one_ring_is_the_minimum_of_its_ratio(d, alpha, drop):
    """The best single ring against the minimum of the same ratio found by mpmath (Bessel I, findroot on
    the derivative), for Phi(sigma) = log G_d(alpha) - drop (so the ratio is +inf at t0 = 0)."""
    mp.mp.dps = 30
    phi_sigma = float(_mp_log_g(d, mp.mpf(alpha))) - drop

    def ratio(t0):
        return (alpha * t0 * t0 + _mp_log_g(d, alpha * (1 - t0) * (1 + t0)) - phi_sigma) / (t0 * t0)

    guess = min((ratio(mp.mpf(k) / 100), mp.mpf(k) / 100) for k in range(2, 100))[1]
    t_star = mp.findroot(lambda x: mp.diff(ratio, x), guess)
    value, t0 = best_one_ring(d, alpha, phi_sigma)
    assert 0.02 < float(t_star) < 1.0
    # the 1-D search runs to xatol = 1e-12: the minimum to rounding, its place to ~sqrt(eps) (flat minimum)
    assert value == pytest.approx(float(ratio(t_star)), rel=1e-13)
    assert t0 == pytest.approx(float(t_star), abs=1e-7)


@pytest.mark.parametrize(("phi_sigma", "t_best"), [(-100.0, 1.0), (100.0, 0.02)])
def test_best_one_ring_at_the_ends_of_its_range(phi_sigma, t_best):
    """The ratio is searched over t0 in [0.02, 1]: with Phi(sigma) = -100 it decreases up to the pole
    (value alpha + 100, log G_d(0) = 0), with Phi(sigma) = 100 it is least at t0 = 0.02 (mpmath's value)."""
    mp.mp.dps = 30
    d, alpha = 5, 5.0
    t = mp.mpf(t_best)
    want = (
        (alpha * t * t + _mp_log_g(d, alpha * (1 - t) * (1 + t)) - phi_sigma) / (t * t)
        if t < 1
        else alpha - phi_sigma
    )
    value, t0 = best_one_ring(d, alpha, phi_sigma)
    assert value == pytest.approx(float(want), rel=1e-13)
    assert t0 == t_best


# ---------------------------------------------------------------------------------------------------
# References shared by the tests below: log G_d by mpmath's 0F1 (G_d(b) = 0F1(; (d-1)/2; b^2/4)), and a
# ring mixture's Phi, first variation and mean computed from it, term by term.


def _mp_log_g0f1(d, b):
    """log G_d(b) = log 0F1(; (d - 1)/2; b^2/4) (DLMF 10.39.9), d = 2 included (cosh b)."""
    return mp.log(mp.hyp0f1(mp.mpf(d - 1) / 2, mp.mpf(b) ** 2 / 4))


def _mp_kernel(d, alpha, s, t):
    """K_d(s, t) = exp(alpha s t) G_d(alpha sqrt((1 - s^2)(1 - t^2)))."""
    return mp.exp(alpha * s * t + _mp_log_g0f1(d, alpha * mp.sqrt((1 - s * s) * (1 - t * t))))


def _mp_phi(d, alpha, t, p):
    """Phi of the ring mixture sum_k p_k ring(t_k), for masses p taken as they are (not renormalised)."""
    alpha = mp.mpf(alpha)
    return mp.fsum(
        pk * mp.log(mp.fsum(pj * _mp_kernel(d, alpha, tk, tj) for tj, pj in zip(t, p, strict=True)))
        for tk, pk in zip(t, p, strict=True)
    )


def _np_first_variation(d, alpha, t_supp, p_supp, t_eval):
    """V(t) = log (K mu)(t) + int K(s, t) / (K mu)(s) mu(ds) for the ring mixture (t_supp, p_supp)."""
    t_eval = np.asarray(t_eval, dtype=np.float64)

    def kern(a, b):
        sa, sb = np.sqrt(1 - a * a), np.sqrt(1 - b * b)
        return np.exp(alpha * np.multiply.outer(a, b) + scipy_log_g(d, alpha * np.multiply.outer(sa, sb)))

    kmu_supp = kern(t_supp, t_supp) @ p_supp
    k_eval = kern(t_eval, t_supp)
    return np.log(k_eval @ p_supp) + k_eval @ (p_supp / kmu_supp)


# ---------------------------------------------------------------------------------------------------
# _log_g_slope and few_rings: the derivative of log G_d and the exact Phi of a few rings with its gradients


@pytest.mark.parametrize("d", [2, 3, 4, 5, 8])
@pytest.mark.parametrize("b", [0.0, 1e-10, 0.3, 2.0, 40.0])
def test_log_g_slope_is_the_derivative_of_log_g_over_b(d, b):
    """(log G_d)'(b) / b against mpmath's numerical derivative of log 0F1; at b = 0 its limit 1/(d - 1)."""
    mp.mp.dps = 40
    if b == 0.0:
        want = mp.mpf(1) / (d - 1)
    else:
        want = mp.diff(lambda x: _mp_log_g0f1(d, x), mp.mpf(b)) / b
    got = _log_g_slope(d, np.array([b]))
    assert got.shape == (1,)
    assert float(got[0]) == pytest.approx(float(want), rel=1e-12)


@pytest.mark.parametrize("b", [1e-8, 7e-9])
def test_log_g_slope_at_d2_is_exact_to_rounding_for_tiny_b(b):
    """d = 2, b <= 1e-8: tanh(b)/b = 1 - b^2/3 + 2 b^4/45 - ..., whose truncation after b^2 is below 1e-33:
    the value is the correctly rounded one, within one ulp of 1."""
    mp.mp.dps = 40
    want = float(mp.tanh(mp.mpf(b)) / mp.mpf(b))
    assert abs(float(_log_g_slope(2, np.array([b]))[0]) - want) <= np.spacing(1.0)


_RINGS = [
    (2, 1.7, [-0.3, 0.2, 0.7], [0.2, 0.5, 0.3]),
    (3, 2.5, [-0.6, 0.1, 0.45], [0.3, 0.3, 0.4]),
    (5, 0.8, [0.15, 0.5, 0.9], [0.5, 0.25, 0.25]),
    (8, 4.0, [-0.2, 0.35], [0.6, 0.4]),
]


@pytest.mark.parametrize("d, alpha, t, p", _RINGS)
def test_few_rings_phi_gradients_and_mean_against_mpmath(d, alpha, t, p):
    """Phi of a ring mixture (mpmath, 0F1), its partial derivatives in each latitude and each mass
    (mpmath's numerical derivative of that Phi, masses not renormalised) and E t = sum p t."""
    mp.mp.dps = 25
    t_np, p_np = np.array(t), np.array(p)
    phi, dt, dp, mean = few_rings(d, alpha, t_np, p_np)
    t_mp, p_mp = [mp.mpf(x) for x in t], [mp.mpf(x) for x in p]
    assert phi == pytest.approx(float(_mp_phi(d, alpha, t_mp, p_mp)), rel=1e-13, abs=1e-14)
    assert mean == pytest.approx(float(mp.fsum(a * b for a, b in zip(t_mp, p_mp, strict=True))), abs=1e-15)
    for k in range(len(t)):

        def along_t(x, k=k):
            return _mp_phi(d, alpha, [*t_mp[:k], x, *t_mp[k + 1 :]], p_mp)

        def along_p(x, k=k):
            return _mp_phi(d, alpha, t_mp, [*p_mp[:k], x, *p_mp[k + 1 :]])

        assert dt[k] == pytest.approx(float(mp.diff(along_t, t_mp[k])), rel=1e-10, abs=1e-12)
        assert dp[k] == pytest.approx(float(mp.diff(along_p, p_mp[k])), rel=1e-10, abs=1e-12)


def test_few_rings_gradient_in_t_next_to_a_pole():
    """A ring at the pole t = 1 (where b = alpha s s' = 0): the one-sided derivative of Phi there, and the
    two-sided ones of the other rings, against mpmath."""
    mp.mp.dps = 25
    d, alpha, t, p = 3, 1.5, [1.0, 0.3], [0.4, 0.6]
    _, dt, _, _ = few_rings(d, alpha, np.array(t), np.array(p))
    t_mp, p_mp = [mp.mpf(x) for x in t], [mp.mpf(x) for x in p]
    left = mp.diff(lambda x: _mp_phi(d, alpha, [x, t_mp[1]], p_mp), mp.mpf(1), direction=-1)
    other = mp.diff(lambda x: _mp_phi(d, alpha, [t_mp[0], x], p_mp), t_mp[1])
    assert dt[0] == pytest.approx(float(left), rel=1e-8)
    assert dt[1] == pytest.approx(float(other), rel=1e-10)


# ---------------------------------------------------------------------------------------------------
# merging rings: _merge_close (mass-weighted mean of a run) and _merge (threshold's, first latitude kept)


def test_merge_close_chains_a_run_and_keeps_separate_runs_apart():
    """tol 0.1: 0.1 / 0.15 / 0.22 form one run (each within 0.1 of the run's running mean), 0.5 and 0.58
    another; hand-computed means (0.1*0.2 + 0.15*0.2 + 0.22*0.1) / 0.5 = 0.144 and
    (0.5*0.3 + 0.58*0.2) / 0.5 = 0.532."""
    t = np.array([0.58, 0.22, 0.1, 0.5, 0.15])
    p = np.array([0.2, 0.1, 0.2, 0.3, 0.2])
    lat, mass = _merge_close(t, p, 0.1)
    assert lat.tolist() == pytest.approx([0.144, 0.532], abs=1e-15)
    assert mass.tolist() == pytest.approx([0.5, 0.5], abs=1e-15)


def test_merge_close_is_strict_and_keeps_single_rings():
    """Rings exactly ``tol`` apart are not "closer than tol": nothing merges (binary-exact numbers)."""
    lat, mass = _merge_close(np.array([0.375, -0.25, 0.25]), np.array([0.25, 0.5, 0.25]), 0.125)
    assert lat.tolist() == [-0.25, 0.25, 0.375]
    assert mass.tolist() == [0.5, 0.25, 0.25]
    lat, mass = _merge_close(np.array([0.5]), np.array([0.75]), 0.125)
    assert lat.tolist() == [0.5] and mass.tolist() == [0.75]


def test_merge_of_threshold_adds_masses_of_rings_closer_than_1e_7():
    """The default tolerance 1e-7: rings 5e-8 apart merge at the first (lowest) latitude, masses added;
    1e-3 apart stay; the output is sorted by latitude."""
    t = np.array([0.6, 0.3 + 5e-8, 0.3, 0.301, -0.4])
    p = np.array([0.1, 0.2, 0.3, 0.15, 0.25])
    lat, mass = _merge(t, p)
    assert lat.tolist() == [-0.4, 0.3, 0.301, 0.6]
    assert mass.tolist() == pytest.approx([0.25, 0.5, 0.15, 0.1], abs=1e-15)
    lat, mass = _merge(np.array([0.25, 0.5]), np.array([0.5, 0.5]), tol=0.25)
    assert lat.tolist() == [0.25, 0.5]  # exactly tol apart: kept apart
    # compared with the run's first latitude, not the last one merged: 0.25 - 0.1 >= 0.12 starts a ring
    lat, mass = _merge([0.1, 0.2, 0.25], [0.5, 0.25, 0.25], tol=0.12)
    assert lat.tolist() == [0.1, 0.25] and mass.tolist() == [0.75, 0.25]


# ---------------------------------------------------------------------------------------------------
# clusters of grid masses


def test_clusters_are_runs_of_adjacent_nodes_at_their_mean_latitude():
    """Runs of nodes with mass above 1e-6 (a node of mass 1e-7 separates nothing from nothing: it is not
    a carrier), as rings at the mass-weighted latitude, the heaviest first, masses renormalised."""
    grid = SimpleNamespace(t=np.linspace(-0.9, 0.9, 10))
    p = np.zeros(10)
    p[[1, 2]] = 0.1, 0.3
    p[3] = 1e-7
    p[5] = 0.05
    p[[7, 8, 9]] = 0.2, 0.2, 0.15
    t = grid.t
    lat3 = [(t[7] * 0.2 + t[8] * 0.2 + t[9] * 0.15) / 0.55, (t[1] * 0.1 + t[2] * 0.3) / 0.4, t[5]]
    lat, mass = clusters(grid, p, 3)
    assert lat.tolist() == pytest.approx(lat3, abs=1e-14)
    assert mass.tolist() == pytest.approx([0.55, 0.4, 0.05], abs=1e-6)
    lat, mass = clusters(grid, p, 2)
    assert lat.tolist() == pytest.approx(lat3[:2], abs=1e-14)
    assert mass.tolist() == pytest.approx([0.55 / 0.95, 0.4 / 0.95], abs=1e-6)
    lat, mass = clusters(grid, np.eye(10)[4], 4)
    assert lat.tolist() == pytest.approx([t[4]], abs=1e-15) and mass.tolist() == [1.0]


# ---------------------------------------------------------------------------------------------------
# stationarity and the exchange gain against the first variation computed independently


@pytest.mark.parametrize(
    "d, alpha, t, p, q",
    [
        (8, 1.0, [0.3], [1.0], 2.0),  # S least at the pole t = 1
        (3, 2.0, [-0.2, 0.6], [0.3, 0.7], 1.4),  # least at t = -1
        (8, 4.0, [-0.5, 0.5], [0.5, 0.5], 1.0),  # least inside, at the equator
    ],
)
def test_stationarity_gap_and_argmin_against_the_first_variation(d, alpha, t, p, q):
    """min_t S(t) - int S dmu with S = V - 2 q m t: the minimum over a dense latitude grid refined by a
    bounded 1-D search (V from scipy's Bessel function), within the accuracy of a 1201-point grid in
    theta (spacing pi/1200, so an error of at most ~ S'' h^2 / 8), and equal to the minimum over that grid
    and the support computed the same way."""
    from scipy import optimize

    t, p = np.array(t), np.array(p)
    m = float(p @ t)

    def s_of(x):
        return _np_first_variation(d, alpha, t, p, x) - 2.0 * q * m * np.asarray(x)

    dense = np.cos(np.linspace(0.0, np.pi, 20001))
    j = int(np.argmin(s_of(dense)))
    lo, hi = dense[min(j + 1, dense.size - 1)], dense[max(j - 1, 0)]
    res = optimize.minimize_scalar(lambda x: float(s_of(np.array([x]))[0]), bounds=(lo, hi), method="bounded")
    s_min = min(float(res.fun), float(s_of(dense)[j]))
    want = s_min - float(p @ s_of(t))
    gap, t_low = stationarity(ZonalMeasure.rings(d, t, p), alpha, q)
    assert gap == pytest.approx(want, abs=2e-5 * max(1.0, abs(want)))
    # exactly the documented grid: 1201 latitudes equally spaced in theta, and the support
    on_grid = min(s_of(np.cos(np.linspace(0.0, np.pi, 1201))).min(), s_of(t).min()) - float(p @ s_of(t))
    assert gap == pytest.approx(on_grid, rel=1e-12, abs=1e-13)
    assert gap >= want - 1e-12  # a grid minimum is never below the true one
    assert t_low == pytest.approx(float(res.x), abs=3e-3)


def test_stationarity_counts_the_support_when_it_is_lowest():
    """A ring whose S(t) is lowest at its own latitude (a stationary single ring): the gap is 0 up to
    rounding, never the grid's positive value."""
    d, alpha, t0 = 8, 1.0, 0.6
    m_phi = _np_first_variation(d, alpha, np.array([t0]), np.array([1.0]), np.array([t0]))
    # q that makes S'(t0) = 0, by a central difference of V (V is smooth)
    h = 1e-5
    v = _np_first_variation(d, alpha, np.array([t0]), np.array([1.0]), np.array([t0 - h, t0 + h]))
    q = float((v[1] - v[0]) / (2 * h)) / (2.0 * t0)
    gap, _ = stationarity(ZonalMeasure.rings(d, [t0], [1.0]), alpha, q)
    s = _np_first_variation(d, alpha, np.array([t0]), np.array([1.0]), np.cos(np.linspace(0, np.pi, 1201)))
    s = s - 2 * q * t0 * np.cos(np.linspace(0, np.pi, 1201))
    assert gap <= 0.0 + 1e-12
    assert gap == pytest.approx(min(0.0, float(s.min() - (m_phi[0] - 2 * q * t0 * t0))), abs=1e-12)


@pytest.mark.parametrize(
    ("t", "p", "t_low"),
    [
        ([0.3], [1.0], 0.65),  # the largest decrease at eps = 1e-2
        ([0.57], [1.0], 0.705),  # largest at eps = 1e-3, not among the documented masses: 1e-4 counts
        ([0.3, 0.7], [0.6, 0.4], 0.5),  # two rings: eps taken from each in proportion
        ([0.3], [1.0], 0.0),  # the ratio rises at every eps: the gain is 0, not negative
    ],
)
def test_exchange_gain_is_the_best_decrease_over_the_documented_masses(t, p, t_low):
    """The gain of moving eps in 1e-12, 1e-10, ..., 1e-2 of the mass to t_low: max(0, ratio - ratio of the
    mixture), the mixtures' ratios from mpmath's Phi (rel 1e-6: a difference of ratios ~1 in double)."""
    mp.mp.dps = 30
    d, alpha = 8, 1.0
    phi_sigma = float(_mp_log_g0f1(d + 1, alpha))  # Phi(sigma) = log G_{d+1}(alpha) (one dimension up)
    t_mp, p_mp = [mp.mpf(x) for x in t], [mp.mpf(x) for x in p]
    mean = mp.fsum(a * b for a, b in zip(t_mp, p_mp, strict=True))
    ratio = float((_mp_phi(d, alpha, t_mp, p_mp) - phi_sigma) / mean**2)

    def mixed(eps):
        tt, pp = [*t_mp, mp.mpf(t_low)], [(1 - eps) * x for x in p_mp] + [eps]
        m = mp.fsum(a * b for a, b in zip(tt, pp, strict=True))
        return (_mp_phi(d, alpha, tt, pp) - phi_sigma) / m**2

    want = max(0.0, max(ratio - float(mixed(mp.mpf(10) ** k)) for k in range(-12, -1, 2)))
    got = _exchange_gain(ZonalMeasure.rings(d, t, p), alpha, ratio, t_low, phi_sigma)
    assert got == pytest.approx(want, rel=1e-6, abs=1e-15)
    if t_low == 0.0:
        assert got == 0.0


# ---------------------------------------------------------------------------------------------------
# argument checks of the searches: each bad argument named, the documented bounds accepted


@pytest.mark.parametrize(
    ("kwargs", "err", "words"),
    [
        ({"d": 1}, ValueError, "d must be >= 2"),
        ({"alpha": 0.0}, ValueError, "alpha must be > 0"),
        ({"alpha": 300.5}, ValueError, "alpha must be <= 300"),
        ({"alpha": "a"}, TypeError, "alpha must be a real number"),
        ({"n_panels": 3}, ValueError, "n_panels must be >= 4"),
        ({"n_panels": 4.5}, TypeError, "n_panels must be an integer"),
        ({"per_panel": 0}, ValueError, "per_panel must be >= 1"),
        ({"per_panel": 2.5}, TypeError, "per_panel must be an integer"),
        ({"mean_norms": [-0.1]}, ValueError, "mean_norms must be >= 0"),
        ({"mean_norms": [1.5]}, ValueError, "mean_norms must be <= 1"),
        ({"mean_norms": ["a"]}, TypeError, "mean_norms must be a real number"),
        ({"mean_norms": []}, ValueError, "mean_norms must increase strictly inside (0, 0.999)"),
        ({"mean_norms": [0.0]}, ValueError, "mean_norms must increase strictly inside (0, 0.999)"),
        ({"mean_norms": [0.999]}, ValueError, "mean_norms must increase strictly inside (0, 0.999)"),
        ({"mean_norms": [0.2, 0.2]}, ValueError, "mean_norms must increase strictly inside (0, 0.999)"),
        ({"mean_norms": [0.5, 0.4]}, ValueError, "mean_norms must increase strictly inside (0, 0.999)"),
    ],
)
def test_phi_profile_and_threshold_name_each_bad_argument(kwargs, err, words):
    args = {"d": 3, "alpha": 1.0, "mean_norms": [0.5], "n_panels": 4, "per_panel": 1} | kwargs
    for fn in (phi_profile, threshold):
        with pytest.raises(err) as info:
            fn(**args)
        assert words in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "err", "words"),
    [
        ({"q": -0.5}, ValueError, "q must be >= 0"),
        ({"q": "a"}, TypeError, "q must be a real number"),
        ({"alpha": 301.0}, ValueError, "alpha must be <= 300"),
        ({"n_panels": 2}, ValueError, "n_panels must be >= 4"),
        ({"per_panel": 0}, ValueError, "per_panel must be >= 1"),
        ({"d": 1}, ValueError, "d must be >= 2"),
    ],
)
def test_minimize_jq_names_each_bad_argument(kwargs, err, words):
    args = {"d": 3, "alpha": 1.0, "q": 1.0, "n_panels": 4, "per_panel": 1} | kwargs
    with pytest.raises(err) as info:
        minimize_jq(**args)
    assert words in str(info.value)


@pytest.mark.parametrize(
    ("kwargs", "err", "words"),
    [
        ({"max_rings": 0}, ValueError, "max_rings must be >= 1"),
        ({"max_rings": 2.5}, TypeError, "max_rings must be an integer"),
        ({"progress": 3}, TypeError, "progress must be a callable"),
    ],
)
def test_threshold_names_a_bad_max_rings_or_progress(kwargs, err, words):
    with pytest.raises(err) as info:
        threshold(3, 1.0, mean_norms=[0.5], n_panels=4, per_panel=1, **kwargs)
    assert words in str(info.value)


def test_grid_arguments_accept_the_documented_bounds():
    """0 < alpha <= 300, n_panels >= 4, per_panel >= 1, d >= 2 (the values are returned as given)."""
    assert _check_grid_args(2, 300.0, 4, 1) == (2, 300.0, 4, 1)
    assert _check_grid_args(3, 1e-300, 5, 2) == (3, 1e-300, 5, 2)


def test_mean_norms_accept_values_strictly_inside_0_0999():
    r = _check_mean_norms([0.001, 0.5, 0.9989])
    assert r.tolist() == [0.001, 0.5, 0.9989]
    assert _check_mean_norms(0.25).tolist() == [0.25]
    assert _check_mean_norms([[0.1], [0.2]]).tolist() == [0.1, 0.2]


# ---------------------------------------------------------------------------------------------------
# describe_rings: the documented wording, order and defaults (pole_tol = min_mass = 1e-3)


def test_describe_rings_wording_order_and_defaults():
    assert describe_rings([0.597], [1.0]) == "one ring: ring at t=0.5970 (mass 1.000)"
    assert describe_rings(np.array([1.0]), np.array([1.0])) == "1 components: pole atom at t=+1 (mass 1.000)"
    # heaviest first; |t| >= 1 - 1e-3 is a pole atom (0.999 included, 0.998 not); mass >= 1e-3 kept
    text = describe_rings([0.998, -0.999, 0.2, 0.5, 0.7], [0.25, 0.35, 0.001, 0.0009, 0.3])
    assert text == (
        "4 components: pole atom at t=-1 (mass 0.350); ring at t=0.7000 (mass 0.300); "
        "ring at t=0.9980 (mass 0.250); ring at t=0.2000 (mass 0.001)"
    )


def test_describe_rings_takes_any_real_numbers():
    """Latitudes and masses are read as float64: integers and fractions.Fraction are described alike."""
    from fractions import Fraction

    want = "one ring: ring at t=0.6000 (mass 1.000)"
    assert describe_rings([Fraction(3, 5)], [Fraction(1)]) == want
    assert describe_rings((Fraction(3, 5),), (1,)) == want
    assert describe_rings([1], [2]) == "1 components: pole atom at t=+1 (mass 2.000)"


def test_describe_rings_lists_six_and_summarises_seven():
    t6 = np.linspace(-0.5, 0.5, 6)
    text6 = describe_rings(t6, np.full(6, 1 / 6))
    assert text6.startswith("6 components: ring at t=") and text6.count("; ") == 5
    text7 = describe_rings(np.linspace(-0.6, 0.6, 7), np.full(7, 1 / 7))
    assert text7 == "spread: 7 rings of mass >= 0.001 over t in [-0.600, 0.600]"


# ---------------------------------------------------------------------------------------------------
# landau_coefficient from its documented formula, with E_sigma t^4 and ||P_2||^2 by quadrature and the
# harmonic ratios r_l = I_{l+d/2-1}(alpha) / I_{d/2-1}(alpha) by mpmath


@pytest.mark.parametrize(("d", "alpha"), [(2, 1.5), (3, 2.0), (5, 0.7), (8, 1.0), (16, 5.0)])
def test_landau_coefficient_against_quadrature_and_mpmath_bessel(d, alpha):
    mp.mp.dps = 30
    a = mp.mpf(alpha)
    weight = lambda t: (1 - t * t) ** (mp.mpf(d - 3) / 2)  # noqa: E731  sigma's law of t (unnormalised)
    z = mp.quad(weight, [-1, 1])
    e4 = mp.quad(lambda t: t**4 * weight(t), [-1, 1]) / z
    p2 = mp.quad(lambda t: (t * t - mp.mpf(1) / d) ** 2 * weight(t), [-1, 1]) / z
    nu = mp.mpf(d) / 2 - 1
    r1, r2 = (mp.besseli(nu + l_, a) / mp.besseli(nu, a) for l_ in (1, 2))
    coupling = r1 * r1 / 2 + r1 * r2 * (1 - r1)
    want = d**4 * (e4 * (r1**3 / 3 - r1**4 / 4) - p2 * coupling**2 / (2 * r2 * (2 - r2)))
    assert landau_coefficient(d, alpha) == pytest.approx(float(want), rel=1e-11)


# ---------------------------------------------------------------------------------------------------
# the vMF threshold refined between grid neighbours: the minimum of the vMF ratio found independently


@functools.lru_cache
def _vmf_minimum(d, alpha):
    """The ratio (Phi(vMF_kappa) - Phi(sigma)) / A_d(kappa)^2 minimised in log kappa over a wide bracket
    (0.3 to 300) to 1e-10: (minimum, kappa)."""
    from scipy import optimize

    from theory.uniformity import phi_uniform, phi_vmf
    from theory.vmf import mean_resultant_length

    phi_s = float(phi_uniform(d, alpha))

    def ratio(logk):
        k = float(np.exp(logk))
        return (phi_vmf(d, k, alpha) - phi_s) / mean_resultant_length(d, k) ** 2

    res = optimize.minimize_scalar(
        ratio, bounds=(np.log(0.3), np.log(300.0)), method="bounded", options={"xatol": 1e-10}
    )
    return float(res.fun), float(np.exp(res.x))


def test_vmf_threshold_refined_is_the_minimum_of_the_vmf_ratio():
    """d = 8, alpha = 1 (first order within vMF): the refined value is the minimum of the vMF ratio found
    independently (the grid value of surrogate_threshold is 4e-6 above it)."""
    want, kappa_star = _vmf_minimum(8, 1.0)
    q, kappa = _vmf_qc_refined(8, 1.0)
    assert q == pytest.approx(want, rel=1e-10)
    assert kappa == pytest.approx(kappa_star, rel=1e-3)


# ---------------------------------------------------------------------------------------------------
# the ring searches against the best single ring computed by mpmath (Bessel / 0F1 closed forms)


@functools.lru_cache
def _mp_best_ring(d, alpha, q=None):
    """The best single ring: the ratio (Phi(ring) - Phi(sigma)) / t0^2 (q None) or J_q(ring) = Phi - q t0^2,
    minimised by findroot on its derivative; Phi(sigma) = log G_{d+1}(alpha). Returns (value, t0)."""
    mp.mp.dps = 30
    a = mp.mpf(alpha)
    phi_sigma = _mp_log_g0f1(d + 1, a)

    def phi_ring(t0):
        return a * t0 * t0 + _mp_log_g0f1(d, a * (1 - t0 * t0))

    def f(t0):
        return (phi_ring(t0) - phi_sigma) / (t0 * t0) if q is None else phi_ring(t0) - q * t0 * t0

    guess = min((f(mp.mpf(k) / 100), mp.mpf(k) / 100) for k in range(5, 100))[1]
    t_star = mp.findroot(lambda x: mp.diff(f, x), guess)
    return f(t_star), t_star, phi_sigma


def test_threshold_first_order_point_every_field_against_independent_values():
    """d = 8, alpha = 1 on a small grid, max_rings = 1, three profile points: the best single ring wins
    ("rings"); its ratio, latitude, Phi, Phi(sigma), ||m|| by mpmath; q_c_loc, q_c_vmf, c4 from their
    references; the progress callback called 2k - 1 = 5 times with 1; the grid has 4 * 2 latitudes."""
    calls = []
    res = threshold(
        8, 1.0, mean_norms=[0.3, 0.5, 0.7], n_panels=4, per_panel=2, max_rings=1, progress=calls.append
    )
    want, t_star, phi_sigma = _mp_best_ring(8, 1.0)
    assert calls == [1, 1, 1, 1, 1]
    assert res.d == 8 and res.alpha == 1.0 and res.n_grid == 8
    assert res.attained_by == "rings"
    assert res.q_c == res.q_c_rings == pytest.approx(float(want), rel=1e-11)
    assert res.latitudes.tolist() == pytest.approx([float(t_star)], abs=1e-5)
    assert res.weights.tolist() == [1.0]
    assert res.mean_norm == pytest.approx(float(t_star), abs=1e-5)
    assert res.phi_sigma == pytest.approx(float(phi_sigma), rel=1e-14)
    lat = mp.mpf(res.latitudes[0])
    assert res.phi == pytest.approx(float(_mp_phi(8, 1.0, [lat], [mp.mpf(1)])), rel=1e-13)
    assert res.q_c_loc == pytest.approx(float(qc_local(8, 1.0)), rel=1e-14)
    assert res.q_c_vmf == pytest.approx(_vmf_minimum(8, 1.0)[0], rel=1e-10)
    assert res.kappa_vmf == pytest.approx(_vmf_minimum(8, 1.0)[1], rel=1e-3)
    assert res.q_c_vmf < res.q_c_loc and res.q_c < res.q_c_vmf * (1 - 1e-6)
    assert res.landau_c4 == pytest.approx(landau_coefficient(8, 1.0), rel=1e-14)
    assert res.shape == f"one ring: ring at t={float(t_star):.4f} (mass 1.000)"
    assert res.profile_mean_norms.tolist() == [0.3, 0.5, 0.7]
    assert res.profile_ratio.shape == (3,) and np.all(res.profile_ratio >= res.q_c * (1 - 1e-12))
    # the single ring is stationary: no ring added anywhere lowers the ratio to first order
    assert -1e-8 < res.stationarity_gap <= 1e-12
    assert 0.0 <= res.exchange_gain < 1e-12
    assert "upper bound" in res.bound


def test_threshold_default_grid_and_mean_norms():
    """Defaults: n_panels = 64, per_panel = 4 (256 latitudes); mean_norms 0.05, 0.15, ..., 0.95."""
    assert DEFAULT_MEAN_NORMS.tolist() == pytest.approx([0.05 + 0.1 * k for k in range(10)], abs=1e-12)
    assert threshold(2, 0.1, mean_norms=[0.5]).n_grid == 256


def test_phi_profile_defaults_and_exact_ratios():
    """phi_profile: the default grid (256 latitudes), each minimiser at the required mean, its ratio exact
    for the measure reported (Phi by ZonalMeasure), and not above the grid's tilted uniform law (a start)."""
    prof = phi_profile(3, 2.0, [0.2, 0.5])
    assert prof.n_grid == 256 and prof.d == 3 and prof.alpha == 2.0
    assert prof.mean_norms.tolist() == [0.2, 0.5]
    phi_s = float(_mp_log_g0f1(4, 2))
    for r, ratio, t, p in zip(prof.mean_norms, prof.ratio, prof.latitudes, prof.weights, strict=True):
        assert np.all(p > 1e-9) and p.sum() == pytest.approx(1.0, abs=1e-12)
        assert p @ t == pytest.approx(r, abs=1e-9)
        meas = ZonalMeasure.rings(3, t, p)
        assert ratio == pytest.approx((meas.phi(2.0) - phi_s) / r**2, rel=1e-7)
        assert ratio >= float(qc_local(3, 2.0)) * (1 - 1e-9)


def test_minimize_jq_finds_the_best_ring_above_the_threshold():
    """d = 3, alpha = 2, q = 1.25 q_c_loc: the minimiser is the best single ring (mpmath, t0 = 0.8527);
    gap = J_q - J_q(sigma) of the measure reported, with every field exact for it."""
    q = 1.25 * float(qc_local(3, 2.0))
    want, t_star, phi_sigma = _mp_best_ring(3, 2.0, q)
    res = minimize_jq(3, 2.0, q, n_panels=4, per_panel=2)
    assert res.d == 3 and res.alpha == 2.0 and res.q == q
    assert res.gap == pytest.approx(float(want - phi_sigma), abs=1e-10)
    assert res.latitudes.tolist() == pytest.approx([float(t_star)], abs=1e-5)
    assert res.weights.tolist() == pytest.approx([1.0], abs=1e-12)
    t = [mp.mpf(x) for x in res.latitudes]
    p = [mp.mpf(x) for x in res.weights]
    m = mp.fsum(a * b for a, b in zip(t, p, strict=True))
    phi = _mp_phi(3, 2.0, t, p)
    assert res.phi == pytest.approx(float(phi), rel=1e-13)
    assert res.mean_norm == pytest.approx(float(abs(m)), rel=1e-13)
    assert res.gap == pytest.approx(float(phi - q * m * m - phi_sigma), abs=1e-13)


def test_minimize_jq_far_above_the_threshold_is_a_pole_atom():
    """q = 10 >> q_c: J_q is least at the point mass at a pole, J_q = alpha - q (Phi(delta) = alpha)."""
    res = minimize_jq(3, 2.0, 10.0, n_panels=4, per_panel=2)
    assert res.latitudes.tolist() == [1.0] or res.latitudes.tolist() == [-1.0]
    assert res.gap == pytest.approx(2.0 - 10.0 - float(_mp_log_g0f1(4, 2)), rel=1e-14)
    assert res.mean_norm == 1.0 and res.phi == pytest.approx(2.0, rel=1e-14)


# ---------------------------------------------------------------------------------------------------
# polish_rings and refine_rings: the optimum over a few rings at free latitudes against mpmath's best ring
# (L-BFGS-B stops at a relative decrease of 1e7 * 2.2e-16 ~ 2.2e-9: the values are compared at 1e-9)


def _mp_value(d, alpha, t, p, q):
    """The objective of the ring polish for the rings (t, p): the ratio (q None) or J_q = Phi - q m^2."""
    t, p = [mp.mpf(float(x)) for x in t], [mp.mpf(float(x)) for x in p]
    phi = _mp_phi(d, alpha, t, p)
    m = mp.fsum(a * b for a, b in zip(t, p, strict=True))
    return (phi - _mp_log_g0f1(d + 1, alpha)) / m**2 if q is None else phi - q * m * m


_Q3 = 1.25 * float(qc_local(3, 2.0))
_Q3_ALPHA1 = 1.25 * float(qc_local(3, 1.0))


@pytest.mark.parametrize(
    ("d", "alpha", "t0", "p0", "q"),
    [
        (8, 1.0, [0.4], [1.0], None),
        (8, 1.0, [0.4, 0.8], [0.5, 0.5], None),
        (3, 2.0, [0.1], [1.0], _Q3),
        (3, 2.0, [0.5, 0.95], [0.7, 0.3], _Q3),
    ],
)
def test_polish_rings_reaches_the_best_ring_and_reports_its_exact_value(d, alpha, t0, p0, q):
    want, t_star, phi_sigma = _mp_best_ring(d, alpha, q)
    value, t, p = polish_rings(d, alpha, np.array(t0), np.array(p0), float(phi_sigma), q)
    assert value == pytest.approx(float(want), rel=1e-9)
    assert value >= float(want) * (1 - 1e-13)  # the best ring is the optimum: nothing below it
    assert value == pytest.approx(float(_mp_value(d, alpha, t, p, q)), rel=1e-12)
    assert t.shape == p.shape == (len(t0),) and p.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.all(np.abs(t) <= 1.0)
    assert p @ t == pytest.approx(float(t_star), abs=1e-4)


@pytest.mark.parametrize(
    ("d", "alpha", "t0", "p0", "q"),
    [
        (8, 1.0, [0.4, 0.8], [0.5, 0.5], None),  # the two rings meet: merged into one
        (3, 2.0, [0.5, 0.95], [0.7, 0.3], _Q3),
        (3, 2.0, [0.0], [1.0], _Q3),  # a ring stuck at the equator: only the exchange step leaves it
        (3, 1.0, [0.0], [1.0], _Q3_ALPHA1),  # the same, with a first-order gap of -0.45 only
    ],
)
def test_refine_rings_merges_and_exchanges_to_the_best_ring(d, alpha, t0, p0, q):
    want, t_star, phi_sigma = _mp_best_ring(d, alpha, q)
    value, t, p = refine_rings(d, alpha, np.array(t0), np.array(p0), float(phi_sigma), q)
    assert value == pytest.approx(float(want), rel=1e-9)
    assert t.shape == p.shape == (1,)
    assert abs(t[0]) == pytest.approx(float(t_star), abs=1e-4) and p[0] == pytest.approx(1.0, abs=1e-14)
    assert value == pytest.approx(float(_mp_value(d, alpha, t, p, q)), rel=1e-12)


def test_minimize_jq_mixes_rings_below_every_single_ring():
    """d = 3, alpha = 3, q = 1.3 q_c_loc: a mixture of rings beats mpmath's best single ring (a candidate
    of the search, so the minimum found is never above it); the gap is J_q - J_q(sigma) of the measure
    reported (mpmath)."""
    q = 1.3 * float(qc_local(3, 3.0))
    ring, _, phi_sigma = _mp_best_ring(3, 3.0, q)
    res = minimize_jq(3, 3.0, q, n_panels=4, per_panel=2)
    assert res.gap <= float(ring - phi_sigma) - 1e-3
    assert res.latitudes.size >= 2 and res.weights.sum() == pytest.approx(1.0, abs=1e-14)
    assert res.gap == pytest.approx(
        float(_mp_value(3, 3.0, res.latitudes, res.weights, q) - phi_sigma), abs=1e-12
    )
