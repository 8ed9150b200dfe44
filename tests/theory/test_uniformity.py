"""theory.uniformity: Phi, InfoNCE and the vMF laboratory against independent references.

References used: sympy's exact integral (d = 3), mpmath quadrature of the law of t = u.v, plain Monte
Carlo with 5-standard-error tolerances (fixed seeds), closed forms for Dirac / antipodal measures, and a
second (loop) implementation of Eq. 2.
"""

import mpmath as mp
import numpy as np
import pytest
import sympy as sy
from hypothesis import given, settings
from hypothesis import strategies as st

from theory.sphere import sample_uniform
from theory.uniformity import (
    infonce_bias_first_order,
    infonce_convergence,
    infonce_loss,
    kl_vmf_uniform,
    log_inner_vmf_mixture,
    mean_resultant_length,
    minimize_phi_discrete,
    phi,
    phi_estimate,
    phi_uniform,
    phi_uniform_sympy_d3,
    phi_vmf,
    phi_vmf_mixture,
    population_loss,
    population_loss_vmf_coupling,
    sample_vmf,
)

mp.mp.dps = 30


def _t_quad(d, f, kappa=0.0):
    """E[f(t)] for t with density proportional to e^{kappa t} (1-t^2)^{(d-3)/2} (mpmath)."""
    w = lambda t: mp.e ** (kappa * t) * (1 - t * t) ** (mp.mpf(d - 3) / 2)  # noqa: E731
    z = mp.quad(w, [-1, 0, 1])
    return mp.quad(lambda t: w(t) * f(t), [-1, 0, 1]) / z


# ------------------------------------------------------------------ phi_uniform


@pytest.mark.claim("T1")
def test_phi_uniform_equals_sympy_exact_integral_d3():
    d3 = phi_uniform_sympy_d3()
    a, expr = d3.alpha, d3.expr
    assert sy.simplify(expr - sy.log(sy.sinh(a) / a)) == 0
    for alpha in [1e-6, 0.3, 2.0, 40.0, 700.0]:
        ref = float(sy.N(expr.subs(a, sy.Float(alpha, 40)), 30))
        assert phi_uniform(3, alpha) == pytest.approx(ref, rel=1e-13, abs=1e-300)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("d", "alpha"), [(2, 3.0), (7, 10.0), (50, 0.5), (400, 30.0)])
def test_phi_uniform_against_mpmath_quadrature(d, alpha):
    ref = float(mp.log(_t_quad(d, lambda t: mp.e ** (alpha * t))))
    assert phi_uniform(d, alpha) == pytest.approx(ref, rel=1e-11)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("d", "alpha"), [(100_000, 1e-3), (100_000, 1000.0), (20_000, 500.0)])
def test_phi_uniform_large_d_against_mpmath_hyp0f1(d, alpha):
    ref = float(mp.log(mp.hyp0f1(mp.mpf(d) / 2, mp.mpf(alpha) ** 2 / 4)))
    assert phi_uniform(d, alpha) == pytest.approx(ref, rel=1e-9)
    assert phi_uniform(d, 0.0) == 0.0


@pytest.mark.claim("T1")
@pytest.mark.parametrize(
    ("d", "alpha", "seed"), [(5, 3.0, 0), pytest.param(50, 10.0, 1, marks=pytest.mark.slow), (3, 8.0, 2)]
)  # Monte Carlo: d = 50 (1 s) in the slow run
def test_phi_uniform_against_monte_carlo(d, alpha, seed):
    v = sample_uniform(400_000, d, seed=seed)
    vals = np.exp(alpha * v[:, 0])  # E_v exp(alpha e1.v), the same for every u
    mean, se = vals.mean(), vals.std(ddof=1) / np.sqrt(vals.size)
    assert abs(np.exp(phi_uniform(d, alpha)) - mean) <= 5 * se


@pytest.mark.claim("T1")
def test_phi_of_uniform_sample_converges_at_rate_one_over_n():
    # Phi(empirical measure, self-pairs included) - Phi(sigma) = b1 / N + O(N^-2),
    # with b1 the delta-method coefficient (self-term e^alpha/c minus the Jensen gap).
    d, alpha = 5, 2.0
    b1 = infonce_bias_first_order(d, alpha, np.inf)
    rng = np.random.default_rng(3)
    Ns = np.array([100, 200, 400, 800])
    means, ses = [], []
    for n in Ns:
        gaps = np.array([phi(sample_uniform(n, d, seed=rng), alpha) for _ in range(60)])
        gaps -= phi_uniform(d, alpha)
        means.append(gaps.mean())
        ses.append(gaps.std(ddof=1) / np.sqrt(gaps.size))
    means, ses = np.array(means), np.array(ses)
    slope = np.polyfit(np.log(Ns), np.log(means), 1)[0]
    assert -1.25 < slope < -0.75
    # weighted fit gap = b1/N + b2/N^2: b1 within 5 SE of the delta-method value
    X = np.column_stack([1 / Ns, 1 / Ns**2]) / ses[:, None]
    coef, *_ = np.linalg.lstsq(X, means / ses, rcond=None)
    cov = np.linalg.inv(X.T @ X)
    assert abs(coef[0] - b1) <= 5 * np.sqrt(cov[0, 0])


# ------------------------------------------------------------------ phi of discrete measures


def test_phi_closed_forms_for_small_measures():
    e = np.eye(4)
    assert phi(e[:1], 3.0) == pytest.approx(3.0)  # Dirac: Phi = alpha
    assert phi(np.vstack([e[0], -e[0]]), 5.0) == pytest.approx(np.log(np.cosh(5.0)), rel=1e-14)
    # cross-polytope +-e_i in R^4: (e^a + e^-a + 6)/8
    pts = np.vstack([e, -e])
    assert phi(pts, 2.0) == pytest.approx(np.log((np.exp(2) + np.exp(-2) + 6) / 8), rel=1e-14)
    # alpha = 1e3 stays finite (log-sum-exp)
    assert phi(pts, 1000.0) == pytest.approx(1000.0 - np.log(8.0), rel=1e-14)


def test_phi_weights_merge_duplicate_atoms_and_rotation_invariance():
    rng = np.random.default_rng(0)
    x = sample_uniform(7, 4, seed=rng)
    w = rng.dirichlet(np.ones(7))
    dup = np.vstack([x, x[:3]])
    wd = np.concatenate([w, w[:3]])
    wd[:3] /= 2
    wd[7:] /= 2
    assert phi(dup, 3.0, wd) == pytest.approx(phi(x, 3.0, w), rel=1e-13)
    q, _ = np.linalg.qr(rng.standard_normal((4, 4)))
    assert phi(x @ q, 3.0, w) == pytest.approx(phi(x, 3.0, w), rel=1e-13)
    assert phi(x.astype(np.float32), 3.0) == pytest.approx(phi(x, 3.0), rel=1e-6)


def test_phi_bad_input():
    with pytest.raises(ValueError, match="unit-norm rows"):
        phi(np.ones((3, 2)), 1.0)
    with pytest.raises(ValueError, match="weights"):
        phi(np.eye(3), 1.0, weights=[1.0, -1.0, 1.0])
    with pytest.raises(ValueError, match="alpha"):
        phi(np.eye(3), -1.0)
    with pytest.raises(ValueError, match="at least 3"):
        phi_estimate(np.eye(2), 1.0)


# ------------------------------------------------------------------ T1 property tests


def _fibonacci_sphere(n):
    i = np.arange(n) + 0.5
    z = 1 - 2 * i / n
    r = np.sqrt(1 - z * z)
    th = np.pi * (1 + 5**0.5) * i
    return np.column_stack([r * np.cos(th), r * np.sin(th), z])


@st.composite
def discrete_measures(draw):
    kind = draw(
        st.sampled_from(["random", "clustered", "antipodal", "great_circle", "design", "simplex", "tiny"])
    )
    d = draw(st.integers(2, 12)) if kind != "design" else 3
    seed = draw(st.integers(0, 2**31 - 1))
    rng = np.random.default_rng(seed)
    n = draw(st.integers(1, 60))
    if kind == "random":
        x = sample_uniform(n, d, seed=rng)
    elif kind == "clustered":
        k = draw(st.integers(1, 5))
        centres = sample_uniform(k, d, seed=rng)
        kappa = draw(st.floats(1.0, 1e4))
        x = np.vstack([sample_vmf(n, c, kappa, seed=rng) for c in centres])
    elif kind == "antipodal":
        h = sample_uniform(n, d, seed=rng)
        x = np.vstack([h, -h])
    elif kind == "great_circle":
        q, _ = np.linalg.qr(rng.standard_normal((d, 2)))
        th = rng.uniform(0, 2 * np.pi, n) if draw(st.booleans()) else 2 * np.pi * np.arange(n) / n
        x = np.column_stack([np.cos(th), np.sin(th)]) @ q.T
    elif kind == "design":
        x = _fibonacci_sphere(max(n, 2) * 10)
    elif kind == "simplex":
        e = np.eye(d + 1) - 1.0 / (d + 1)
        q, _ = np.linalg.qr(rng.standard_normal((d + 1, d)))
        x = e @ q
        x /= np.linalg.norm(x, axis=1, keepdims=True)
    else:
        x = sample_uniform(draw(st.integers(1, 3)), d, seed=rng)
    weights = None
    if draw(st.booleans()):
        weights = rng.dirichlet(np.full(x.shape[0], draw(st.sampled_from([0.1, 1.0, 10.0]))))
    alpha = draw(st.sampled_from([1e-3, 0.1, 1.0, 3.0, 10.0, 50.0, 300.0, 1000.0]))
    return x, weights, alpha


def _no_discrete_measure_beats_uniform(m):
    x, w, alpha = m
    d = x.shape[1]
    gap = phi(x, alpha, w) - phi_uniform(d, alpha)
    # numerical floor: relative 1e-12 of the magnitudes involved
    assert gap >= -1e-12 * max(1.0, alpha)


@pytest.mark.claim("T1")
@settings(max_examples=300)
@given(discrete_measures())
def test_T1_no_discrete_measure_beats_uniform(m):
    _no_discrete_measure_beats_uniform(m)


@pytest.mark.slow
@pytest.mark.claim("T1")
@settings(max_examples=5000)
@given(discrete_measures())
def test_T1_no_discrete_measure_beats_uniform_long(m):
    _no_discrete_measure_beats_uniform(m)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("d", "alpha", "N"), [(3, 3.0, 40), (3, 20.0, 80), (5, 5.0, 60)])
def test_T1_adversarial_search_finds_no_counterexample(d, alpha, N):
    res = minimize_phi_discrete(N, d, alpha, n_starts=2, seed=7)
    assert res.gap >= -1e-10
    # the optimiser did its job: far below a random configuration
    assert res.gap < phi(sample_uniform(N, d, seed=0), alpha) - phi_uniform(d, alpha)


@pytest.mark.claim("T1")
def test_T1_weighted_adversarial_search_quick():
    res = minimize_phi_discrete(12, 3, 5.0, n_starts=2, seed=3, optimize_weights=True)
    assert res.gap >= -1e-10
    assert res.weights.sum() == pytest.approx(1.0)


@pytest.mark.slow
@pytest.mark.claim("T1")
@pytest.mark.parametrize("d", [2, 3, 4, 6, 10])
@pytest.mark.parametrize("alpha", [0.1, 1.0, 3.0, 10.0, 30.0, 100.0, 300.0])
def test_T1_weighted_adversarial_hunt(d, alpha):
    for N in [2, 3, 4, 6, 8, 12, 16, 24, 32, 64, 128]:
        res = minimize_phi_discrete(N, d, alpha, n_starts=2, seed=N, optimize_weights=True)
        assert res.gap >= -1e-10, (N, res.gap)


@pytest.mark.claim("T1")
@settings(max_examples=40)
@given(
    d=st.sampled_from([2, 3, 5, 16, 128]),
    alpha=st.sampled_from([0.1, 1.0, 5.0, 30.0]),
    k1=st.floats(1e-3, 500.0),
    ratio=st.floats(1.01, 5.0),
)
def test_T1_vmf_family_increasing_in_kappa(d, alpha, k1, ratio):
    p0 = phi_uniform(d, alpha)
    p1 = phi_vmf(d, k1, alpha)
    p2 = phi_vmf(d, k1 * ratio, alpha)
    assert p1 >= p0 - 1e-12
    assert p2 > p1 - 1e-12 * max(1.0, abs(p1))
    assert phi_vmf(d, 0.0, alpha) == p0


@pytest.mark.claim("T1")
@settings(max_examples=25)
@given(
    d=st.sampled_from([2, 3, 8]),
    k=st.integers(1, 4),
    alpha=st.sampled_from([1.0, 5.0, 20.0]),
    seed=st.integers(0, 10_000),
)
def test_T1_vmf_mixtures(d, k, alpha, seed):
    rng = np.random.default_rng(seed)
    means = sample_uniform(k, d, seed=rng)
    kappas = rng.uniform(0.0, 50.0, size=k)
    w = rng.dirichlet(np.ones(k))
    est = phi_vmf_mixture(w, means, kappas, alpha, n_samples=4000, seed=rng)
    assert est.value + 5 * est.se >= phi_uniform(d, alpha)


# ------------------------------------------------------------------ estimator


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("d", "alpha", "kappa"), [(3, 2.0, 0.0), (8, 5.0, 0.0), (4, 3.0, 5.0)])
def test_phi_estimate_within_5_se(d, alpha, kappa):
    e1 = np.eye(d)[0]
    x = sample_uniform(1500, d, seed=11) if kappa == 0 else sample_vmf(1500, e1, kappa, seed=11)
    est = phi_estimate(x, alpha)
    exact = phi_uniform(d, alpha) if kappa == 0 else phi_vmf(d, kappa, alpha)
    assert abs(est.value - exact) <= 5 * est.se


@pytest.mark.parametrize(("kind", "alpha"), [("uniform", 3.0), ("clustered", 300.0)])
def test_phi_estimate_matches_naive_jackknife(kind, alpha):
    # second algorithm: recompute the plug-in on each leave-one-out sample (O(N^3))
    rng = np.random.default_rng(2)
    if kind == "uniform":
        x = sample_uniform(40, 4, seed=rng)
    else:  # tight pairs: each row's sum is dominated by one neighbour (the exact max-removal path)
        c = sample_uniform(20, 4, seed=rng)
        x = np.vstack([c, sample_vmf(20, c, 1e5, seed=rng)])
    n = x.shape[0]
    g = alpha * (x @ x.T)
    np.fill_diagonal(g, -np.inf)

    def plug(idx):
        sub = g[np.ix_(idx, idx)]
        m = sub.max(axis=1, keepdims=True)
        return float(np.mean(m[:, 0] + np.log(np.exp(sub - m).sum(axis=1))) - np.log(len(idx) - 1))

    loo = np.array([plug(np.delete(np.arange(n), k)) for k in range(n)])
    est = phi_estimate(x, alpha)
    assert est.plugin == pytest.approx(plug(np.arange(n)), rel=1e-12, abs=1e-9)
    assert est.value == pytest.approx(n * est.plugin - (n - 1) * loo.mean(), rel=1e-9, abs=1e-8)
    assert est.se == pytest.approx(np.sqrt((n - 1) / n * np.sum((loo - loo.mean()) ** 2)), rel=1e-7)


def test_phi_estimate_se_is_calibrated():
    # z-scores over independent samples: mean ~ 0 and sd ~ 1
    d, alpha = 4, 3.0
    exact = phi_uniform(d, alpha)
    rng = np.random.default_rng(5)
    z = []
    for _ in range(60):
        est = phi_estimate(sample_uniform(200, d, seed=rng), alpha)
        z.append((est.value - exact) / est.se)
    z = np.array(z)
    assert abs(z.mean()) <= 5 / np.sqrt(z.size)
    assert 0.6 < z.std(ddof=1) < 1.5


# ------------------------------------------------------------------ InfoNCE


def test_infonce_loss_against_a_loop_implementation():
    rng = np.random.default_rng(0)
    u = sample_uniform(9, 5, seed=rng)
    v = sample_uniform(9, 5, seed=rng)
    alpha = 4.0
    ref = 0.0
    for i in range(9):
        den = sum(np.exp(alpha * u[i] @ v[j]) for j in range(9))
        ref -= np.log(np.exp(alpha * u[i] @ v[i]) / den)
    assert infonce_loss(u, v, alpha) == pytest.approx(ref / 9, rel=1e-13)
    assert np.isfinite(infonce_loss(u, v, 1000.0))
    with pytest.raises(ValueError, match="same shape"):
        infonce_loss(u, v[:5], alpha)


def test_population_loss_parts():
    assert population_loss(0.5, 1.2, 3.0) == pytest.approx(-1.5 + 1.2)
    with pytest.raises(ValueError, match="alignment"):
        population_loss(1.5, 0.0, 1.0)
    assert population_loss_vmf_coupling(8, 5.0, np.inf) == pytest.approx(-5.0 + phi_uniform(8, 5.0))
    assert population_loss_vmf_coupling(8, 5.0, 0.0) == pytest.approx(phi_uniform(8, 5.0))


@pytest.mark.claim("C1")
def test_infonce_minus_log_n_converges_to_population_loss():
    # E[L_N] - log N - L = b1/N + O(N^-2) with the delta-method b1 (v = u: perfect alignment)
    d, alpha = 8, 5.0
    conv = infonce_convergence(d, alpha, np.inf, Ns=(64, 128, 256, 512), n_rep=40, seed=1)
    b1 = infonce_bias_first_order(d, alpha, np.inf)
    X = np.column_stack([1 / conv.N, 1 / conv.N**2]) / conv.se[:, None]
    coef, *_ = np.linalg.lstsq(X, conv.bias / conv.se, rcond=None)
    cov = np.linalg.inv(X.T @ X)
    assert abs(coef[0] - b1) <= 5 * np.sqrt(cov[0, 0])
    assert -1.2 < conv.rate < -0.7
    # mu = sigma and v = u: the first-order (Hoeffding) projection is constant, so the spread is O(1/N)
    assert -1.2 < conv.spread_rate < -0.7


@pytest.mark.slow  # a Monte Carlo study (1 s)
@pytest.mark.claim("C1")
def test_infonce_with_vmf_pairs_bias_shrinks_to_zero():
    conv = infonce_convergence(6, 4.0, 8.0, Ns=(32, 64, 128, 256, 512), n_rep=200, seed=2)
    b1 = infonce_bias_first_order(6, 4.0, 8.0)
    # at N = 512 the bias is b1/512 up to O(N^-2) and noise
    assert abs(conv.bias[-1] - b1 / 512) <= 5 * conv.se[-1] + abs(b1) / 512**1.5
    # that check alone cannot tell b1 from 0 (5 se > b1/512); the weighted fit bias = b1/N + b2/N^2
    # over five N checks b1 to 5 standard errors of the fit (as in the v = u test above)
    X = np.column_stack([1 / conv.N, 1 / conv.N**2]) / conv.se[:, None]
    coef, *_ = np.linalg.lstsq(X, conv.bias / conv.se, rcond=None)
    cov = np.linalg.inv(X.T @ X)
    assert abs(coef[0] - b1) <= 5 * np.sqrt(cov[0, 0])
    assert 5 * np.sqrt(cov[0, 0]) < abs(b1)  # the fit can fail: b1 = 0 lies outside the band
    assert abs(conv.bias[-1]) < abs(conv.bias[0])
    # with imperfect pairs the alignment term fluctuates: spread O(N^{-1/2})
    assert -0.7 < conv.spread_rate < -0.3


@pytest.mark.claim("C1")
@pytest.mark.parametrize(("d", "alpha"), [(3, 5.0), (32, 10.0)])
def test_plateau_alignment_loss_minimised_at_uniform(d, alpha):
    ks = np.concatenate([[0.0], np.logspace(-2, 3, 12)])
    vals = [population_loss(0.3, phi_vmf(d, float(k), alpha), alpha) for k in ks]
    assert int(np.argmin(vals)) == 0


# ------------------------------------------------------------------ vMF family


@pytest.mark.parametrize(("d", "kappa"), [(2, 3.0), (3, 0.7), (10, 20.0), (300, 50.0)])
def test_mean_resultant_length_against_mpmath(d, kappa):
    ref = mp.besseli(mp.mpf(d) / 2, kappa) / mp.besseli(mp.mpf(d) / 2 - 1, kappa)
    assert mean_resultant_length(d, kappa) == pytest.approx(float(ref), rel=1e-12)
    assert mean_resultant_length(d, 0.0) == 0.0
    assert mean_resultant_length(d, 1e-9) == pytest.approx(1e-9 / d, rel=1e-8)


@pytest.mark.claim("L1")
@pytest.mark.parametrize(("d", "kappa"), [(2, 1.5), (3, 4.0), (7, 0.01), (20, 60.0), (200, 30.0)])
def test_kl_vmf_against_mpmath_integration(d, kappa):
    # KL(vMF || sigma) = KL of the laws of t = w.u: kappa E[t] - log(Z_kappa / Z_0)
    w = lambda t, k: mp.e ** (k * t) * (1 - t * t) ** (mp.mpf(d - 3) / 2)  # noqa: E731
    z1 = mp.quad(lambda t: w(t, kappa), [-1, 0, 1])
    z0 = mp.quad(lambda t: w(t, 0), [-1, 0, 1])
    et = mp.quad(lambda t: t * w(t, kappa), [-1, 0, 1]) / z1
    ref = float(kappa * et - mp.log(z1 / z0))
    assert kl_vmf_uniform(d, kappa) == pytest.approx(ref, rel=1e-9)


@pytest.mark.parametrize(("d", "kappa"), [(2, 2.0), (3, 10.0), (16, 5.0)])
def test_sample_vmf_moments(d, kappa):
    x = sample_vmf(100_000, np.eye(d)[-1], kappa, seed=4)
    assert np.allclose(np.linalg.norm(x, axis=1), 1.0)
    t = x[:, -1]
    assert abs(t.mean() - mean_resultant_length(d, kappa)) <= 5 * t.std() / np.sqrt(t.size)
    # second moment of t from mpmath quadrature of the t-density
    et2 = float(_t_quad(d, lambda s: s * s, kappa))
    assert abs((t * t).mean() - et2) <= 5 * (t * t).std() / np.sqrt(t.size)
    # the orthogonal part has mean 0
    assert np.all(np.abs(x[:, :-1].mean(axis=0)) <= 5 * x[:, :-1].std(axis=0) / np.sqrt(t.size))


@pytest.mark.claim("T1")
@pytest.mark.parametrize(("kappa", "alpha"), [(0.5, 2.0), (4.0, 3.0), (30.0, 10.0)])
def test_phi_vmf_d3_against_mpmath(kappa, alpha):
    # d = 3: E_v exp(alpha u.v) = (sinh r / r) / (sinh kappa / kappa),
    # t-density kappa e^{kappa t} / (2 sinh kappa)
    def inner(t):
        r = mp.sqrt(kappa**2 + alpha**2 + 2 * kappa * alpha * t)
        return mp.log(mp.sinh(r) / r) - mp.log(mp.sinh(kappa) / kappa)

    ref = float(_t_quad(3, inner, kappa))
    assert phi_vmf(3, kappa, alpha) == pytest.approx(ref, rel=1e-10)


@pytest.mark.claim("T1")
@pytest.mark.parametrize(
    ("d", "kappa", "alpha"), [(5, 3.0, 4.0), pytest.param(64, 40.0, 10.0, marks=pytest.mark.slow)]
)  # Monte Carlo: the larger case (2 s) in the slow run
def test_phi_vmf_against_monte_carlo(d, kappa, alpha):
    rng = np.random.default_rng(8)
    w = np.eye(d)[0]
    # (1) inner closed form vs plain Monte Carlo at a few u
    for u in sample_vmf(3, w, kappa, seed=rng):
        v = sample_vmf(200_000, w, kappa, seed=rng)
        vals = np.exp(alpha * (v @ u))
        exact = np.exp(log_inner_vmf_mixture(u[None, :], [1.0], w[None, :], [kappa], alpha)[0])
        assert abs(vals.mean() - exact) <= 5 * vals.std() / np.sqrt(vals.size)
    # (2) outer expectation: Monte Carlo over u vs the quadrature in t
    est = phi_vmf_mixture([1.0], w[None, :], [kappa], alpha, n_samples=40_000, seed=rng)
    assert abs(est.value - phi_vmf(d, kappa, alpha)) <= 5 * est.se


def test_vmf_bad_input():
    with pytest.raises(ValueError, match="kappa"):
        phi_vmf(3, -1.0, 1.0)
    with pytest.raises(ValueError, match="mean"):
        sample_vmf(5, [1.0, 1.0], 1.0)
    with pytest.raises(ValueError, match="K rows"):
        phi_vmf_mixture([0.5, 0.5], np.eye(3)[:1], [1.0, 2.0], 1.0)
