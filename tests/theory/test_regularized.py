"""theory.regularized: Lemma 1, Theorem 1, Prop. 3 / Cor. 2, claim R and the Appendix D surrogate.

References: mpmath quadrature (KL of non-vMF laws, t-moments), scipy Cartesian quadrature in R^2 (no polar
formulas), Gaussian closed forms, Monte Carlo with 5-SE tolerances, and sympy for the d = 3 expansion.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sy
from scipy import integrate

from theory.regularized import (
    beta0,
    beta_threshold_local,
    beta_threshold_vmf,
    gaussian_kl,
    gaussian_polar_sample,
    kl_polar_vmf_chi,
    kl_scaled_chi,
    lemma1_constant,
    log_partition_gaussian,
    qc_local,
    qc_symbolic,
    reduced_objective_vmf,
    regularized_penalty,
    surrogate_threshold,
    surrogate_vmf,
    theorem1_vmf,
)
from theory.uniformity import (
    kl_vmf_uniform,
    log_inner_vmf_mixture,
    mean_resultant_length,
    phi_uniform,
    phi_vmf,
    sample_vmf,
)

mp.mp.dps = 25

# ------------------------------------------------------------------ L1


@pytest.mark.claim("L1")
@pytest.mark.parametrize("d", [2, 3, 10, 100, 1000, 10_000])
def test_lemma1_constant_is_small_kappa_limit(d):
    res = lemma1_constant(d)
    assert res.C == pytest.approx(d / (2 * (d - 1)), rel=1e-6)
    assert res.increasing
    assert res.C > 0.5
    assert res.ratio_large_kappa > res.C


@pytest.mark.claim("L1")
@pytest.mark.parametrize(("d", "kappa"), [(3, 0.5), (3, 20.0), (8, 3.0)])
def test_lemma1_ratio_against_mpmath(d, kappa):
    # ratio KL / ((d-1) A^2) computed with mpmath Bessel functions and quadrature
    w = lambda t, k: mp.e ** (k * t) * (1 - t * t) ** (mp.mpf(d - 3) / 2)  # noqa: E731
    z1 = mp.quad(lambda t: w(t, kappa), [-1, 0, 1])
    z0 = mp.quad(lambda t: w(t, 0), [-1, 0, 1])
    et = mp.quad(lambda t: t * w(t, kappa), [-1, 0, 1]) / z1
    kl = kappa * et - mp.log(z1 / z0)
    ratio = float(kl / ((d - 1) * et**2))
    assert ratio >= d / (2 * (d - 1))
    res = lemma1_constant(d, kappas=[kappa])
    assert res.C == pytest.approx(ratio, rel=1e-9)


@pytest.mark.claim("L1")
@pytest.mark.parametrize(("d", "b"), [(3, 0.5), (3, 1.0), (6, 0.9), (40, -0.7)])
def test_lemma1_holds_for_non_vmf_laws(d, b):
    # density 1 + b t w.r.t. sigma (t = w.u): mean b/d, KL = E_sigma[(1 + b t) log(1 + b t)]
    q = lambda t: (1 - t * t) ** (mp.mpf(d - 3) / 2)  # noqa: E731
    z0 = mp.quad(q, [-1, 0, 1])
    kl = float(mp.quad(lambda t: q(t) * (1 + b * t) * mp.log(1 + b * t), [-1, 0, 1]) / z0)
    m = abs(b) / d
    assert kl >= lemma1_constant(d).C * (d - 1) * m**2
    # and the vMF with the same mean has a smaller KL (I-projection)
    kappas = np.logspace(-3, 2, 4000)
    k = kappas[np.argmin(np.abs(mean_resultant_length(d, kappas) - m))]
    assert kl_vmf_uniform(d, float(k)) <= kl * (1 + 1e-3)


# ------------------------------------------------------------------ T2 (Theorem 1)


@pytest.mark.claim("T2")
@pytest.mark.parametrize(("d", "alpha", "eta2"), [(3, 5.0, 0.3), (16, 10.0, 0.36), (128, 30.0, 0.1)])
def test_theorem1_holds_at_beta0_and_fails_below_threshold(d, alpha, eta2):
    kap = np.logspace(-2, 4, 41)
    b0 = beta0(alpha, eta2, d, C=lemma1_constant(d).C)
    assert b0 == pytest.approx(alpha * (1 - eta2) * 2 / d)
    assert theorem1_vmf(d, alpha, eta2, b0, kappas=kap).margin >= 0
    assert theorem1_vmf(d, alpha, eta2, 2 * b0, kappas=kap).margin >= 0
    bstar = beta_threshold_vmf(d, alpha, eta2, kappas=kap).beta_star
    assert 0 < bstar < b0
    fail = theorem1_vmf(d, alpha, eta2, 0.9 * bstar, kappas=kap)
    assert fail.margin < 0
    # the failing tilt is confirmed by direct evaluation of J~ at that kappa
    k = fail.kappa_argmin
    assert reduced_objective_vmf(d, k, alpha, eta2, 0.9 * bstar) < reduced_objective_vmf(
        d, 0.0, alpha, eta2, 0.9 * bstar
    )


@pytest.mark.claim("T2")
@pytest.mark.parametrize(("d", "alpha", "eta2"), [(3, 5.0, 0.3), (16, 10.0, 0.36), (64, 30.0, 0.0)])
def test_local_beta_threshold_matches_small_kappa_numerics(d, alpha, eta2):
    # at beta = beta_loc the kappa^2 coefficient of J~(kappa) - J~(sigma) vanishes (numerics at kappa = 1e-2)
    bl = beta_threshold_local(d, alpha, eta2)
    assert bl > 0
    k = 1e-2
    for beta, sign in [(bl * 1.02, 1), (bl * 0.98, -1)]:
        gap = reduced_objective_vmf(d, k, alpha, eta2, beta) - reduced_objective_vmf(
            d, 0.0, alpha, eta2, beta
        )
        assert np.sign(gap) == sign
    assert bl < beta0(alpha, eta2, d, C=lemma1_constant(d).C)


@pytest.mark.claim("T2")
def test_theorem1_with_delta_and_large_d():
    d, alpha, eta2, delta = 1000, 10.0, 0.36, 0.05
    kap = np.logspace(-2, 4, 31)
    res = theorem1_vmf(d, alpha, eta2, beta0(alpha, eta2, d), delta=delta, kappas=kap)
    assert np.all(res.gaps >= -alpha * delta)
    assert beta0(alpha, eta2, 10 * d) < beta0(alpha, eta2, d)  # beta0 -> 0 as d grows


@pytest.mark.claim("T2")
def test_reduced_objective_at_sigma_and_at_a_tilt():
    assert reduced_objective_vmf(5, 0.0, 3.0, 0.2, 1.0) == pytest.approx(phi_uniform(5, 3.0) - 0.6)
    # at a tilt: the three terms evaluated separately (Align = Prop. 1's bound eta2 + (1 - eta2) A^2)
    d, kappa, alpha, eta2, beta = 6, 2.5, 3.0, 0.2, 0.7
    a = mean_resultant_length(d, kappa)
    ref = phi_vmf(d, kappa, alpha) - alpha * (eta2 + (1 - eta2) * a * a) + beta * kl_vmf_uniform(d, kappa)
    assert reduced_objective_vmf(d, kappa, alpha, eta2, beta) == pytest.approx(ref, rel=1e-14)


# ------------------------------------------------------------------ R, P3, C2


@pytest.mark.claim("R")
def test_penalty_equals_gaussian_kl_up_to_log_partition():
    rng = np.random.default_rng(0)
    for d in [1, 3, 12]:
        m = rng.standard_normal(d)
        b = rng.standard_normal((d, d))
        s = b @ b.T + 0.2 * np.eye(d)
        neg_h = -0.5 * (d * (1 + np.log(2 * np.pi)) + np.linalg.slogdet(s)[1])
        lam = 0.7
        # independent KL: Monte Carlo of log N(m, S) - log gamma
        z = rng.multivariate_normal(m, s, size=200_000)
        prec = np.linalg.inv(s)
        dz = z - m
        log_rho = (
            -0.5 * np.einsum("ij,jk,ik->i", dz, prec, dz)
            - 0.5 * np.linalg.slogdet(s)[1]
            - 0.5 * d * np.log(2 * np.pi)
        )
        log_gamma = -lam * np.sum(z * z, axis=1) - log_partition_gaussian(d, lam)
        vals = log_rho - log_gamma
        kl_mc, se = vals.mean(), vals.std() / np.sqrt(vals.size)
        pen = regularized_penalty(neg_h, float(np.trace(s) + m @ m), d, lam)
        assert abs(pen - kl_mc) <= 5 * se
        assert pen == pytest.approx(gaussian_kl(m, s, lam), rel=1e-12)


@pytest.mark.claim("R")
def test_penalty_identity_for_a_non_gaussian_law():
    # rho = product of Laplace(0, b): H = d (1 + log 2b), E|z|^2 = 2 d b^2
    d, b, lam = 4, 0.8, 0.3
    rng = np.random.default_rng(1)
    z = rng.laplace(0, b, size=(400_000, d))
    log_rho = np.sum(-np.abs(z) / b - np.log(2 * b), axis=1)
    log_gamma = -lam * np.sum(z * z, axis=1) - 0.5 * d * np.log(np.pi / lam)
    vals = log_rho - log_gamma
    pen = regularized_penalty(-d * (1 + np.log(2 * b)), 2 * d * b * b, d, lam)
    assert abs(pen - vals.mean()) <= 5 * vals.std() / np.sqrt(vals.size)


@pytest.mark.claim("P3", "C2")
def test_polar_split_of_gaussian():
    d, lam = 6, 0.4
    sample = gaussian_polar_sample(200_000, d, lam, seed=3)
    r, u = sample.radius, sample.direction
    # radius: E R^2 = d / (2 lam); direction uniform: E u = 0, E u u^T = I/d; independent of R
    assert abs((r**2).mean() - d / (2 * lam)) <= 5 * (r**2).std() / np.sqrt(r.size)
    assert np.all(np.abs(u.mean(axis=0)) <= 5 / np.sqrt(d * r.size))
    c = np.corrcoef(r, u[:, 0] ** 2)[0, 1]
    assert abs(c) <= 5 / np.sqrt(r.size)
    # z = R u has the Gaussian covariance (2 lam)^{-1} I
    z = r[:, None] * u
    assert np.allclose(np.cov(z.T), np.eye(d) / (2 * lam), atol=5 * np.sqrt(2 / r.size) / (2 * lam))


@pytest.mark.claim("P3")
@pytest.mark.parametrize(
    ("kappa", "lam", "lam_rho"),
    [
        (2.0, 0.5, 0.5),
        pytest.param(5.0, 1.0, 1.0, marks=pytest.mark.slow),
        pytest.param(2.0, 0.5, 1.5, marks=pytest.mark.slow),
    ],
)
def test_polar_kl_against_cartesian_quadrature_d2(kappa, lam, lam_rho):
    # rho(z) proportional to exp(-lam_rho |z|^2 + kappa z_1/|z|) on R^2, normalised numerically in x-y
    def unnorm(y, x):
        rr = np.hypot(x, y)
        return np.exp(-lam_rho * rr * rr + (kappa * x / rr if rr > 0 else 0.0))

    lim = 9.0 / np.sqrt(lam_rho)
    opts = {"epsabs": 1e-12, "epsrel": 1e-11}

    def quad2(f):  # four quadrants, so the direction's discontinuity at 0 sits on a corner
        boxes = [(-lim, 0.0), (0.0, lim)]
        return sum(integrate.dblquad(f, a, b, c, e, **opts)[0] for a, b in boxes for c, e in boxes)

    z = quad2(unnorm)
    log_g = lambda x, y: -lam * (x * x + y * y) - np.log(np.pi / lam)  # noqa: E731

    def integrand(y, x):
        p = unnorm(y, x) / z
        return p * (np.log(p) - log_g(x, y)) if p > 0 else 0.0

    kl = quad2(integrand)
    assert kl_polar_vmf_chi(2, kappa, lam, lam_rho) == pytest.approx(kl, rel=1e-6, abs=1e-8)
    if lam_rho == lam:
        assert kl == pytest.approx(kl_vmf_uniform(2, kappa), rel=1e-6)
    else:
        assert kl > kl_vmf_uniform(2, kappa) + 0.5 * kl_scaled_chi(2, lam_rho, lam)


@pytest.mark.claim("C2")
def test_gaussian_is_optimal_on_vmf_times_chi_family():
    d, alpha, eta2, lam = 8, 5.0, 0.36, 0.5
    b0 = beta0(alpha, eta2, d, C=lemma1_constant(d).C)
    kap = np.concatenate([[0.0], np.logspace(-2, 3, 25)])
    lam_grid = lam * np.logspace(-1, 1, 21)
    base = reduced_objective_vmf(d, 0.0, alpha, eta2, b0)
    table = np.array(
        [
            [
                reduced_objective_vmf(d, float(k), alpha, eta2, b0) + b0 * kl_scaled_chi(d, lr, lam)
                for lr in lam_grid
            ]
            for k in kap
        ]
    )
    i, j = np.unravel_index(np.argmin(table), table.shape)
    assert kap[i] == 0.0 and lam_grid[j] == pytest.approx(lam)
    assert table.min() == pytest.approx(base)


# ------------------------------------------------------------------ D (surrogate)


@pytest.mark.claim("D")
def test_qc_symbolic_general_d_matches_formula_and_numerics():
    sym = qc_symbolic()
    a, d = sym.a, sym.d
    assert sy.simplify(sym.qc - d * a * (2 - a) / 2) == 0
    assert sy.simplify(sym.coef - a * (2 - a) / (2 * d)) == 0
    for dd, alpha in [(3, 2.0), (10, 5.0), (200, 30.0)]:
        k = 1e-2
        num = (phi_vmf(dd, k, alpha) - phi_uniform(dd, alpha)) / mean_resultant_length(dd, k) ** 2
        assert num == pytest.approx(qc_local(dd, alpha), rel=1e-4)


@pytest.mark.claim("D")
def test_qc_d3_from_sympy_exact_phi():
    # d = 3: Phi(vMF) = E_t[log(sinh r / r)] - log(sinh k / k), t density k e^{kt} / (2 sinh k)
    k, t, al = sy.symbols("kappa t alpha", positive=True)
    r = sy.sqrt(al**2 + k**2 + 2 * al * k * t)
    g = sy.log(sy.sinh(r) / r)
    g2 = sy.series(g, k, 0, 3).removeO()
    dens = sy.series(k * sy.exp(k * t) / (2 * sy.sinh(k)), k, 0, 3).removeO()
    phi2 = sy.series(sy.integrate(sy.expand(g2 * dens), (t, -1, 1)), k, 0, 3).removeO()
    phi2 -= sy.series(sy.log(sy.sinh(k) / k), k, 0, 3).removeO()
    c2 = sy.simplify(phi2.coeff(k, 2))
    for alpha in [0.5, 2.0, 7.0]:
        qc = float(9 * c2.subs(al, alpha))
        assert qc == pytest.approx(qc_local(3, alpha), rel=1e-12)


@pytest.mark.claim("D")
def test_surrogate_first_order_transition_large_d():
    d, alpha = 128, 10.0
    st = surrogate_threshold(d, alpha, kappas=np.logspace(-2, 4, 61))
    assert st.first_order and st.qc_global < st.qc_local
    # at q between the thresholds uniform is locally stable, yet the tilt at kappa* wins;
    # J_q(kappa*) via Monte Carlo over u with the exact inner expectation (independent of the t-quadrature)
    q = 0.5 * (st.qc_global + st.qc_local)
    k = st.kappa_at_global
    w = np.eye(d)[0]
    u = sample_vmf(40_000, w, k, seed=5)
    vals = log_inner_vmf_mixture(u, [1.0], w[None, :], [k], alpha)
    jq_mc = vals.mean() - q * mean_resultant_length(d, k) ** 2
    se = vals.std() / np.sqrt(vals.size)
    assert jq_mc + 5 * se < phi_uniform(d, alpha)
    assert surrogate_vmf(d, 1e-2, alpha, q) > phi_uniform(d, alpha)  # locally stable


@pytest.mark.claim("D")
def test_surrogate_continuous_transition_d3():
    st = surrogate_threshold(3, 5.0, kappas=np.logspace(-3, 3, 61))
    assert not st.first_order
    assert st.qc_global == pytest.approx(st.qc_local, rel=1e-4)
