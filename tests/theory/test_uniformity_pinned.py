"""Pinned values of :mod:`theory.uniformity` that mutation testing showed unchecked.

``phi_estimate`` is held against the jackknife written out directly (explicit leave-one-out sums of the
kernel matrix, no blocks, no log-sum-exp tricks); the sympy derivation against its symbol names; the
lazy re-exports against their names.
"""

import numpy as np
import pytest

import theory.uniformity as uni
from theory.special import log_iv_normalized
from theory.sphere import sample_uniform
from theory.uniformity import phi_estimate, phi_uniform_sympy_d3


def _jackknife(x: np.ndarray, alpha: float) -> tuple[float, float, float]:
    """(value, se, plugin) of the self-pair-free jackknife, directly from K = exp(alpha X X^T)."""
    n = x.shape[0]
    K = np.exp(alpha * (x @ x.T))
    np.fill_diagonal(K, 0.0)
    S = K.sum(axis=1)
    plugin = np.mean(np.log(S / (n - 1)))
    loo = np.empty(n)
    for k in range(n):
        keep = np.arange(n) != k
        loo[k] = np.mean(np.log((S[keep] - K[keep, k]) / (n - 2)))
    value = n * plugin - (n - 1) * loo.mean()
    se = np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2))
    return value, se, plugin


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("n", "d", "alpha"), [(3, 3, 1.5), (4, 2, 0.7), (7, 5, 3.0), (1030, 3, 2.0)])
def test_phi_estimate_is_the_jackknife(n, d, alpha):
    x = sample_uniform(n, d, seed=n)
    est = phi_estimate(x, alpha)
    value, se, plugin = _jackknife(x, alpha)
    assert est.n_samples == n
    assert est.plugin == pytest.approx(plugin, rel=1e-12, abs=1e-12)
    assert est.value == pytest.approx(value, rel=1e-9, abs=1e-10)
    assert est.se == pytest.approx(se, rel=1e-8, abs=1e-12)


def test_phi_estimate_needs_three_rows():
    with pytest.raises(ValueError, match="samples must have at least 3 rows for the jackknife; got N = 2"):
        phi_estimate(sample_uniform(2, 3, seed=0), 1.0)


def test_phi_uniform_sympy_d3_symbols_and_dict():
    import sympy as sy

    res = phi_uniform_sympy_d3()
    assert res.alpha.name == "alpha"
    assert sy.simplify(res.expr - sy.log(sy.sinh(res.alpha) / res.alpha)) == 0
    assert res.to_dict() == {"alpha": "alpha", "expr": str(res.expr)}


def test_lazy_infonce_names():
    names = dir(uni)
    assert names == sorted(names) and {"infonce_loss", "population_loss", "phi_vmf"} <= set(names)
    import theory.infonce

    assert uni.infonce_loss is theory.infonce.infonce_loss
    with pytest.raises(AttributeError, match=r"module 'theory\.uniformity' has no attribute 'nope'"):
        uni.nope  # noqa: B018


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("n", "weighted"), [(1030, False), (2100, True)])
def test_phi_discrete_past_one_block(n, weighted):
    # more atoms than one log-sum-exp block (1024 rows): every row must be counted once; the direct
    # double sum sum_i w_i log sum_j w_j exp(alpha x_i.x_j) written out with plain exp
    rng = np.random.default_rng(21)
    x = sample_uniform(n, 3, seed=rng)
    alpha = 2.0
    w = rng.uniform(0.5, 1.5, n) if weighted else np.ones(n)
    w = w / w.sum()
    direct = float(w @ np.log(np.exp(alpha * (x @ x.T)) @ w))
    got = uni.phi(x, alpha, weights=w if weighted else None)
    assert got == pytest.approx(direct, rel=1e-12)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("kappa", "alpha"), [(1000.0, 10.0), (5000.0, 1.0)])
def test_phi_vmf_d3_concentrated_against_mpmath(kappa, alpha):
    # d = 3 and a concentrated vMF: with u = 1 - t the law of u is kappa e^{-kappa u} / (1 - e^{-2 kappa})
    # on [0, 2] and E_v exp(alpha w.v) = (sinh r / r) / (sinh kappa / kappa), r^2 = kappa^2 + alpha^2
    # + 2 kappa alpha (1 - u); mpmath quadrature at 30 digits, split at multiples of 1/kappa
    import mpmath as mp

    with mp.workdps(30):
        k, a = mp.mpf(kappa), mp.mpf(alpha)

        def log_sinhc(r):
            # log(sinh r / r) = r - log(2 r) + log(1 - e^{-2 r})
            return r - mp.log(2 * r) + mp.log1p(-mp.exp(-2 * r))

        def integrand(u):
            r = mp.sqrt(k * k + a * a + 2 * k * a * (1 - u))
            return (log_sinhc(r) - log_sinhc(k)) * k * mp.exp(-k * u) / (-mp.expm1(-2 * k))

        cuts = [mp.mpf(0)] + [mp.mpf(c) / k for c in (1, 4, 16, 64, 256)] + [mp.mpf(2)]
        ref = float(mp.quad(integrand, cuts))
    # phi_vmf subtracts psi_3(r) - psi_3(kappa), both about kappa: float cancellation costs about
    # kappa * 2.2e-16 absolute (1.1e-12 at kappa = 5000), hence 1e-10 as in the moderate-kappa test
    assert uni.phi_vmf(3, kappa, alpha) == pytest.approx(ref, rel=1e-10)


def _mp_phi_vmf(d: int, kappa: float, alpha: float) -> float:
    """Phi(vMF_kappa) on S^{d-1}, d >= 4, by mpmath quadrature in t = w.u at 30 digits.

    t has density proportional to e^{kappa t} (1 - t^2)^{(d-3)/2} on [-1, 1] (mode t*, curvature
    sigma^-2 there), E_v exp(alpha u.v) = C_d(kappa) / C_d(r) with r^2 = kappa^2 + alpha^2 + 2 kappa alpha t,
    and log C_d(r) = -log|S^{d-1}| - psi_d(r), psi_d(r) = log Gamma(d/2) + log I_{d/2-1}(r) - (d/2-1) log(r/2)
    with mpmath's own Bessel function; the interval is split at t* +- (1, 4, 16, 64, 256) sigma.
    """
    import mpmath as mp

    with mp.workdps(30):
        k, a, m, nu = mp.mpf(kappa), mp.mpf(alpha), mp.mpf(d - 3) / 2, mp.mpf(d) / 2 - 1

        def psi(r):
            return mp.loggamma(mp.mpf(d) / 2) + mp.log(mp.besseli(nu, r, maxterms=10**6)) - nu * mp.log(r / 2)

        t_star = (-(d - 3) + mp.sqrt((d - 3) ** 2 + 4 * k * k)) / (2 * k)
        sigma = (1 - t_star**2) / mp.sqrt((d - 3) * (1 + t_star**2))
        top = k * t_star + m * mp.log1p(-(t_star**2))

        def density(t):
            return mp.exp(k * t + m * mp.log1p(-t * t) - top)

        offsets = [j * sigma for j in (1, 4, 16, 64, 256)]
        inner = [c for o in offsets for c in (t_star - o, t_star + o) if -1 < c < 1]
        cuts = sorted([mp.mpf(-1), mp.mpf(1), t_star, *inner])
        z = mp.quad(density, cuts)
        num = mp.quad(lambda t: density(t) * psi(mp.sqrt(k * k + a * a + 2 * k * a * t)), cuts)
        return float(num / z - psi(k))


@pytest.mark.claim("T1")
@pytest.mark.parametrize(
    ("d", "kappa", "alpha"),
    [
        (100, 22.0, 5.0),
        (1000, 1.0, 10.0),
        pytest.param(1000, 1e4, 10.0, marks=pytest.mark.slow),
        pytest.param(10**5, 1e4, 1.0, marks=pytest.mark.slow),
    ],
)
def test_phi_vmf_high_d_against_mpmath(d, kappa, alpha):
    # the shapes of the law of s = atanh(t) that bound the quadrature window within e^{-45} of the mode:
    # (100, 22) falls by 44.6 nats one unit left of its mode, so the search for the window's lower end
    # starts less than one nat inside it; (1000, 1) is a narrow peak at the origin; (1000, 1e4) a narrow
    # peak far from it, falling by far more than 45 nats within one unit of s on both sides; (1e5, 1e4)
    # a peak of width 0.003 at s = 0.05, where a window anchored at the wrong place needs more than 2001
    # nodes. phi_vmf subtracts psi_d(r) - psi_d(kappa), each with relative error about 1e-14
    # (theory.special), so the absolute tolerance is 64 ulps of psi_d(kappa)
    psi = float(log_iv_normalized(0.5 * d - 1.0, kappa))
    ref = _mp_phi_vmf(d, kappa, alpha)
    assert uni.phi_vmf(d, kappa, alpha) == pytest.approx(ref, rel=1e-13, abs=64 * np.finfo(float).eps * psi)


def test_phi_vmf_n_nodes_reaches_the_grid_at_d2():
    # d = 2: t = w.u has density proportional to e^{kappa t} (1 - t^2)^{-1/2}, whose tails in s = atanh t
    # fall only like e^{-|s|}: the e^{-45} window is about 90 wide, so the smallest allowed grid (101
    # trapezoid nodes, step about 0.9) is off by about 1e-3 relative where the default 2001 nodes are exact
    # to rounding. Reference: mpmath at 30 digits, psi_2(r) = log I_0(r), tanh-sinh quadrature (which
    # absorbs the end-point singularities of the density)
    import mpmath as mp

    kappa, alpha = 1.0, 1.0
    with mp.workdps(30):
        k, a = mp.mpf(kappa), mp.mpf(alpha)

        def density(t):
            return mp.exp(k * (t - 1)) / mp.sqrt(1 - t * t)

        z = mp.quad(density, [-1, 0, 1])
        num = mp.quad(
            lambda t: density(t) * mp.log(mp.besseli(0, mp.sqrt(k * k + a * a + 2 * k * a * t))), [-1, 0, 1]
        )
        ref = float(num / z - mp.log(mp.besseli(0, k)))
    assert uni.phi_vmf(2, kappa, alpha) == pytest.approx(ref, rel=1e-13)
    coarse = uni.phi_vmf(2, kappa, alpha, n_nodes=101)
    assert 1e-5 < abs(coarse / ref - 1.0) < 1e-2


def test_phi_weights_unnormalised_with_zeros():
    # weights are normalised inside, and a zero weight removes its atom (no log(0) on the way: theory's
    # RuntimeWarnings are errors under pytest); the double sum written out with p = w / sum(w)
    x = sample_uniform(5, 3, seed=3)
    alpha = 1.7
    w = np.array([2.0, 0.0, 1.0, 3.0, 0.0])
    p = w / w.sum()
    direct = float(p @ np.log(np.exp(alpha * (x @ x.T)) @ p))
    assert uni.phi(x, alpha, weights=w) == pytest.approx(direct, rel=1e-13)
    with pytest.raises(
        ValueError, match=r"weights must be non-negative with a positive sum; got min 0\.0, sum 0\.0"
    ):
        uni.phi(x, alpha, weights=np.zeros(5))


def test_phi_uniform_of_a_scalar_is_a_python_float():
    # log(sinh(alpha) / alpha) on S^2
    got = uni.phi_uniform(3, 2.0)
    assert type(got) is float
    assert got == pytest.approx(np.log(np.sinh(2.0) / 2.0), rel=1e-14)
    arr = uni.phi_uniform(3, np.array([2.0]))
    assert isinstance(arr, np.ndarray) and arr.shape == (1,)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("d", "kappa", "alpha"), [(10**6, 1e6, 1.0), (10**6, 1e4, 1.0)])
def test_phi_vmf_at_d_1e6_against_adaptive_quadrature(d, kappa, alpha):
    # at d = 1e6 the law of t = w.u is a peak of width about 1e-3 (mpmath's Bessel series takes minutes
    # there): the reference integrates E_t[psi_d(r) - psi_d(kappa)] by adaptive Gauss-Kronrod in t over
    # t* +- 40 sigma (the density is e^-800 beyond), with psi_d from theory.special (held against mpmath
    # to about 1e-14 relative in test_special_pinned.py); a window misplaced by the mode's estimate is
    # off by 2e-7 to 1e-6 relative here. Tolerance: 64 ulps of psi_d(kappa), as above
    from scipy import integrate

    nu, m = 0.5 * d - 1.0, 0.5 * (d - 3)
    t_star = (-(d - 3) + np.sqrt((d - 3.0) ** 2 + 4.0 * kappa**2)) / (2.0 * kappa)
    sigma = (1.0 - t_star**2) / np.sqrt((d - 3) * (1.0 + t_star**2))
    top = kappa * t_star + m * np.log1p(-(t_star**2))
    psi_kappa = float(log_iv_normalized(nu, kappa))

    def density(t):
        return np.exp(kappa * t + m * np.log1p(-t * t) - top)

    def excess(t):
        return (
            float(log_iv_normalized(nu, np.sqrt(kappa**2 + alpha**2 + 2.0 * kappa * alpha * t))) - psi_kappa
        )

    lo, hi = max(-1.0, t_star - 40.0 * sigma), min(1.0, t_star + 40.0 * sigma)
    kw = {
        "epsabs": 0.0,
        "epsrel": 1e-12,
        "limit": 200,
        "points": [t_star - 4.0 * sigma, t_star, t_star + 4.0 * sigma],
    }
    z = integrate.quad(density, lo, hi, **kw)[0]
    ref = integrate.quad(lambda t: density(t) * excess(t), lo, hi, **kw)[0] / z
    assert uni.phi_vmf(d, kappa, alpha) == pytest.approx(
        ref, rel=1e-13, abs=64 * np.finfo(float).eps * psi_kappa
    )
