"""Pinned values of :mod:`theory.regularized` that mutation testing showed unchecked.

Each test compares against an independent value: the paper's formula typed here with its constants
(Theorem 1's ``C = 1/2`` of Lemma 1), or mpmath's Bessel functions, never the function itself.
"""

import mpmath as mp
import numpy as np
import pytest

from theory.regularized import (
    beta0,
    beta_threshold_local,
    lemma1_constant,
    reduced_objective_vmf,
    theorem1_vmf,
)
from theory.regularized._common import kappa_grid


def _A(d: int, x: float) -> float:
    """A_d(x) = I_{d/2}(x) / I_{d/2-1}(x) by mpmath at 30 digits."""
    with mp.workdps(30):
        return float(mp.besseli(mp.mpf(d) / 2, x) / mp.besseli(mp.mpf(d) / 2 - 1, x))


def _phi_uniform(d: int, alpha: float) -> float:
    """Phi(sigma) = log[Gamma(d/2) (2/alpha)^{d/2-1} I_{d/2-1}(alpha)] by mpmath."""
    with mp.workdps(30):
        nu = mp.mpf(d) / 2 - 1
        return float(mp.loggamma(nu + 1) + nu * mp.log(2 / mp.mpf(alpha)) + mp.log(mp.besseli(nu, alpha)))


@pytest.mark.claim("T2")
@pytest.mark.parametrize(("alpha", "eta2", "d"), [(10.0, 0.36, 17), (5.0, 0.3, 3), (200.0, 0.1, 1024)])
def test_beta0_default_is_theorem1_threshold_with_c_one_half(alpha, eta2, d):
    C = 0.5  # Lemma 1's universal constant: Theorem 1's default
    assert beta0(alpha, eta2, d) == pytest.approx(alpha * (1 - eta2) / (C * (d - 1)), rel=1e-15)
    assert beta0(10.0, 0.36, 17) == pytest.approx(0.8, rel=1e-15)  # 10 * 0.64 / (0.5 * 16)
    best = d / (2 * (d - 1))
    assert beta0(alpha, eta2, d, C=best) == pytest.approx(2 * alpha * (1 - eta2) / d, rel=1e-15)


@pytest.mark.parametrize(("d", "alpha", "eta2"), [(3, 5.0, 0.3), (16, 10.0, 0.36), (128, 30.0, 0.1)])
def test_beta_threshold_local_formula(d, alpha, eta2):
    a = _A(d, alpha)
    expected = max(0.0, 2 * alpha * (1 - eta2) / d - a * (2 - a))
    assert beta_threshold_local(d, alpha, eta2) == pytest.approx(expected, rel=1e-12, abs=1e-15)


@pytest.mark.parametrize("d", [3, 16, 256])
def test_lemma1_constant_fields(d):
    r = lemma1_constant(d, kappas=[1e-3, 1.0, 100.0])
    assert r.d == d
    assert r.C_small_kappa == d / (2 * (d - 1))
    assert r.kappa_argmin == 1e-3  # the ratio increases in kappa
    assert r.increasing
    assert r.C == pytest.approx(d / (2 * (d - 1)), rel=1e-5)
    assert r.ratio_large_kappa > r.C


@pytest.mark.parametrize(("d", "alpha", "eta2", "delta"), [(3, 5.0, 0.3, 0.0), (8, 2.0, 0.5, 0.1)])
def test_reduced_objective_at_sigma(d, alpha, eta2, delta):
    # J~(sigma) = Phi(sigma) - alpha (eta2 - delta)
    got = reduced_objective_vmf(d, 0.0, alpha, eta2, beta=1.0, delta=delta)
    assert got == pytest.approx(_phi_uniform(d, alpha) - alpha * (eta2 - delta), rel=1e-12)


def test_theorem1_margin_is_the_minimum_gap_plus_alpha_delta():
    kap = np.array([0.5, 2.0, 8.0])
    d, alpha, eta2, beta, delta = 4, 3.0, 0.2, 0.1, 0.05
    res = theorem1_vmf(d, alpha, eta2, beta, delta=delta, kappas=kap)
    j_sigma = reduced_objective_vmf(d, 0.0, alpha, eta2, beta, delta=delta)
    gaps = np.array([reduced_objective_vmf(d, float(k), alpha, eta2, beta) - j_sigma for k in kap])
    np.testing.assert_allclose(res.gaps, gaps, rtol=1e-10, atol=1e-12)
    i = int(np.argmin(gaps))
    assert res.kappa_argmin == kap[i]
    assert res.margin == pytest.approx(gaps[i] + alpha * delta, rel=1e-10)
    np.testing.assert_array_equal(res.kappas, kap)


def test_kappa_grid_bounds():
    assert kappa_grid(None).shape == (161,)
    assert kappa_grid(None)[0] == pytest.approx(1e-3) and kappa_grid(None)[-1] == pytest.approx(1e5)
    assert kappa_grid([1e-100]).tolist() == [1e-100]
    with pytest.raises(ValueError, match="kappas must lie in"):
        kappa_grid([0.9e-100])


def _phi_vmf_d3(kappa: float, alpha: float) -> float:
    """Phi(vMF_kappa) on S^2 by mpmath quadrature: t = u.w has density kappa e^{kappa t} / (2 sinh kappa)."""
    with mp.workdps(30):
        k, a = mp.mpf(kappa), mp.mpf(alpha)

        def psi(r):  # log E_sigma e^{r u.v} on S^2 = log(sinh r / r)
            return mp.log(mp.sinh(r) / r)

        dens = k / (2 * mp.sinh(k))
        inner = mp.quad(lambda t: dens * mp.exp(k * t) * psi(mp.sqrt(k * k + a * a + 2 * k * a * t)), [-1, 1])
        return float(inner - psi(k))


@pytest.mark.claim("D")
@pytest.mark.parametrize(("kappa", "alpha", "q"), [(0.7, 2.0, 1.5), (3.0, 5.0, 4.0)])
def test_surrogate_vmf_is_phi_minus_q_a_squared(kappa, alpha, q):
    from theory.regularized import surrogate_vmf

    expected = _phi_vmf_d3(kappa, alpha) - q * _A(3, kappa) ** 2
    assert surrogate_vmf(3, kappa, alpha, q) == pytest.approx(expected, rel=1e-9)
    assert surrogate_vmf(3, kappa, alpha, 0.0) == pytest.approx(_phi_vmf_d3(kappa, alpha), rel=1e-9)


@pytest.mark.claim("D")
def test_qc_symbolic_is_d_a_two_minus_a_over_two():
    import sympy as sy

    from theory.regularized import qc_symbolic

    res = qc_symbolic()
    assert (res.a.name, res.d.name, res.alpha.name, res.kappa.name) == ("a", "d", "alpha", "kappa")
    assert sy.simplify(res.qc - res.d * res.a * (2 - res.a) / 2) == 0
    assert sy.simplify(res.coef - res.a * (2 - res.a) / (2 * res.d)) == 0
    for d, alpha in [(3, 5.0), (128, 10.0)]:
        a = _A(d, alpha)
        assert res.qc_value(d, alpha) == pytest.approx(d * a * (2 - a) / 2, rel=1e-12)
    assert res.to_dict()["qc"] == str(res.qc)


def test_deprecated_shims():
    import theory.regularized as reg
    from theory.studies import route

    names = dir(reg)
    assert names == sorted(names) and {"route_study", "plot_route", "beta0"} <= set(names)
    with pytest.warns(DeprecationWarning) as rec:
        assert reg.route_study is route._legacy_route_study
    assert str(rec[0].message) == (
        "theory.regularized.route_study is deprecated; use theory.studies.route.route_study (which returns a "
        "RouteStudy / takes one)"
    )
    with pytest.raises(AttributeError, match="has no attribute 'nope'"):
        reg.nope  # noqa: B018
    res = reg.qc_symbolic()
    msg = "qc_symbolic() returns a QcSymbolic; use its attributes (coef, qc, a, d, alpha, kappa)"
    with pytest.warns(DeprecationWarning) as rec:
        assert res["qc"] is res.qc and res["coef"] is res.coef
    assert str(rec[0].message) == msg
    with pytest.warns(DeprecationWarning):
        assert res["symbols"] == (res.a, res.d, res.alpha, res.kappa)
    with pytest.warns(DeprecationWarning), pytest.raises(KeyError) as err:
        res["nope"]
    assert err.value.args == ("nope",)
    with pytest.raises(ValueError, match="alpha must be >= 0"):
        res.qc_value(3, -1.0)
    assert res.qc_value(3, 0.5) == pytest.approx(3 * _A(3, 0.5) * (2 - _A(3, 0.5)) / 2, rel=1e-12)
    # align_bound(m, eta2) = eta2 + (1 - eta2) m^2 (Prop. 1), deprecated for alignment_bound
    with pytest.warns(DeprecationWarning) as rec:
        np.testing.assert_allclose(reg.align_bound(np.array([0.0, 0.5, 1.0]), 0.36), [0.36, 0.52, 1.0])
    assert str(rec[0].message) == (
        "theory.regularized.align_bound(m_norm, eta2) is deprecated; use "
        "theory.alignment.alignment_bound(eta2, m_norm**2)"
    )
    for bad in (-0.1, 1.1, np.nan):
        with pytest.warns(DeprecationWarning), pytest.raises(ValueError, match="m_norm must lie in"):
            reg.align_bound(bad, 0.3)
    with pytest.warns(DeprecationWarning), pytest.raises(TypeError, match="m_norm must be a real"):
        reg.align_bound("0.5", 0.3)


def test_gaussian_kl_symmetry_tolerances():
    from theory.regularized import gaussian_kl

    mean = np.zeros(2)
    gaussian_kl(mean, np.array([[1.0, 0.5], [0.5 + 1e-11, 1.0]]), 0.5)  # within rtol 1e-10
    for cov in (
        np.array([[1.0, 0.5], [0.5 + 1e-7, 1.0]]),  # beyond rtol 1e-10 (numpy's default 1e-5 would pass)
        np.array([[1.0, 1e-11], [0.0, 1.0]]),  # beyond atol 1e-12 (numpy's default 1e-8 would pass)
    ):
        with pytest.raises(ValueError, match="cov must be symmetric"):
            gaussian_kl(mean, cov, 0.5)


def _lemma1_ratio(d: int, kappa) -> mp.mpf:
    """KL(vMF_kappa || sigma) / ((d - 1) A_d(kappa)^2) by mpmath at 40 digits, from
    KL = log C_d(kappa) + kappa A_d(kappa) + log |S^{d-1}|, C_d = kappa^nu / ((2 pi)^{d/2} I_nu(kappa))."""
    with mp.workdps(40):
        k, nu = mp.mpf(kappa), mp.mpf(d) / 2 - 1
        a = mp.besseli(nu + 1, k) / mp.besseli(nu, k)
        log_c = nu * mp.log(k) - (nu + 1) * mp.log(2 * mp.pi) - mp.log(mp.besseli(nu, k))
        log_area = mp.log(2) + (nu + 1) * mp.log(mp.pi) - mp.loggamma(nu + 1)
        return (log_c + k * a + log_area) / ((d - 1) * a**2)


def test_lemma1_constant_on_a_grid_in_any_order():
    # the infimum is over the grid's points whatever their order (a descending grid has its minimum last);
    # `increasing` and `ratio_large_kappa` read the grid by increasing kappa
    for kap in ([100.0, 1.0, 1e-3], [1.0, 100.0, 1e-3]):
        r = lemma1_constant(64, kappas=kap)
        assert r.kappa_argmin == 1e-3
        assert r.C == pytest.approx(float(_lemma1_ratio(64, 1e-3)), rel=1e-12)
        assert r.ratio_large_kappa == pytest.approx(float(_lemma1_ratio(64, 100.0)), rel=1e-12)
        assert r.increasing


@pytest.mark.parametrize(("lam_rho", "rel"), [(3.0, 1e-6), (3.0, -1e-6), (0.7, 1e-5), (0.7, -1e-5)])
def test_kl_scaled_chi_near_equal_scales_against_mpmath(lam_rho, rel):
    # KL = d/2 (x - 1 - log x) with x = lam / lam_rho close to 1: log(lam) - log(lam_rho) would lose the
    # result (about (x - 1)^2 d / 4) to cancellation; log of the ratio keeps it to 1e-8
    from theory.regularized import kl_scaled_chi

    lam = lam_rho * (1.0 + rel)
    with mp.workdps(50):
        x = mp.mpf(lam) / mp.mpf(lam_rho)
        ref = float(mp.mpf(5) / 2 * (x - 1 - mp.log(x)))
    assert kl_scaled_chi(5, lam_rho, lam) == pytest.approx(ref, rel=1e-8)


def test_kl_scaled_chi_from_d_1_and_where_the_ratio_under_or_overflows():
    from theory.regularized import kl_scaled_chi

    assert kl_scaled_chi(1, 2.0, 3.0) == pytest.approx(0.5 * (1.5 - 1.0 - np.log(1.5)), rel=1e-15)
    # lam / lam_rho = 1e-600 underflows to 0: KL = d/2 (x - 1 - log x) with log x = -600 log 10
    assert kl_scaled_chi(2, 1e300, 1e-300) == pytest.approx(-1.0 + 600.0 * np.log(10.0), rel=1e-14)
    # 1e600 overflows: KL is +inf (about 1e600), never nan
    assert kl_scaled_chi(2, 1e-300, 1e300) == np.inf


def test_surrogate_threshold_fields():
    from theory.regularized import surrogate_threshold

    kap = np.geomspace(0.01, 100.0, 41)
    res = surrogate_threshold(3, 1.0, kappas=kap, rtol=0.0)
    np.testing.assert_array_equal(res.kappas, kap)
    # at d = 3, alpha = 1 every grid ratio is above qc_local: the global threshold is the local one, and
    # with rtol = 0 that equality is no first-order transition
    assert res.ratio.min() > res.qc_local
    assert res.qc_global == res.qc_local
    assert not res.first_order


def test_beta_threshold_vmf_is_the_grid_supremum_of_the_ratio():
    # d = 64, alpha = 4, eta2 = 0: the ratio [alpha (1 - eta2) A^2 - (Phi(kappa) - Phi(sigma))] / KL has an
    # interior maximum (kappa about 30); the grid's best must sit within a grid step of the maximum found by
    # a continuous bounded search of the same closed forms
    from scipy import optimize

    from theory.regularized import beta_threshold_vmf
    from theory.uniformity import phi_vmf
    from theory.vmf import kl_vmf_uniform, mean_resultant_length

    d, alpha = 64, 4.0

    def ratio(kappa: float) -> float:
        gap = phi_vmf(d, kappa, alpha) - phi_vmf(d, 0.0, alpha)
        return (alpha * mean_resultant_length(d, kappa) ** 2 - gap) / kl_vmf_uniform(d, kappa)

    best = optimize.minimize_scalar(
        lambda lk: -ratio(np.exp(lk)),
        bounds=(np.log(5.0), np.log(200.0)),
        method="bounded",
        options={"xatol": 1e-10},
    )
    kap = np.geomspace(5.0, 200.0, 801)  # steps of 0.46%
    res = beta_threshold_vmf(d, alpha, 0.0, kappas=kap)
    assert 10.0 < res.kappa_star < 100.0
    assert res.kappa_star == pytest.approx(np.exp(best.x), rel=5e-3)
    assert res.beta_star <= -best.fun * (1 + 1e-12)
    assert res.beta_star == pytest.approx(-best.fun, rel=1e-5)
