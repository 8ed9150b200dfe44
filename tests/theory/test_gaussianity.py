"""Tests of theory.gaussianity against independent references.

References: SciPy's own per-column loop (``scipy.stats.anderson``, ``scipy.stats.normaltest``), a
naive full-matrix Henze-Zirkler / Mardia written here (pingouin's formulas), an mpmath
high-precision evaluation at large d, SciPy's tabulated AD critical value, direct simulation with
SciPy's AD for the null pass probability, and binomial tolerances (5 sigma) for Monte Carlo.
"""

import json
import math
import warnings
import zlib

import mpmath
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tests.theory._scipy_reference import scipy_ad
from theory.gaussianity import (
    AD_CRITICAL_5,
    ad_pvalue,
    anderson_darling,
    calibrate_passes,
    dagostino_pearson,
    diagnose,
    multivariate_normality,
    null_pass_rates,
    sliced_wasserstein_gaussian,
)

pytestmark = pytest.mark.claim("DIAG")

FIVE_SIGMA_P = 5.733e-7  # two-sided normal tail beyond 5 sigma
SQRT_2PI = math.sqrt(2 * math.pi)


def _seed(*parts) -> int:
    """A seed fixed by ``parts`` in every process (Python's ``hash`` of a string is salted per process)."""
    return zlib.crc32(repr(parts).encode())


def _law(name, rng, shape):
    if name == "gaussian":
        return rng.standard_normal(shape)
    if name == "laplace":
        return rng.laplace(size=shape)
    if name == "uniform":
        return rng.uniform(-1, 1, size=shape)
    if name == "mixture":  # 2 components, unequal weights and scales
        comp = rng.random(shape) < 0.3
        return np.where(comp, rng.normal(3.0, 1.0, shape), rng.normal(0.0, 0.5, shape))
    raise AssertionError(name)


LAWS = ["gaussian", "laplace", "uniform", "mixture"]


# --------------------------------------------------------------------------- the paper's statistics
@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("n", [20, 137, 5000])
def test_anderson_darling_equals_scipy_per_column(law, n):
    rng = np.random.default_rng(_seed(law, n))
    Z = _law(law, rng, (n, 9)) * rng.uniform(0.1, 10, 9) + rng.normal(0, 5, 9)
    ours = anderson_darling(Z)
    ref = np.array([scipy_ad(Z[:, j]) for j in range(Z.shape[1])])
    np.testing.assert_allclose(ours, ref, rtol=1e-9, atol=1e-9)


@pytest.mark.parametrize("law", LAWS)
@pytest.mark.parametrize("n", [20, 137, 5000])
def test_dagostino_pearson_equals_scipy_per_column(law, n):
    rng = np.random.default_rng(_seed(law, n, "dp"))
    Z = _law(law, rng, (n, 9))
    ours = dagostino_pearson(Z)
    for j in range(Z.shape[1]):
        ref = stats.normaltest(Z[:, j])
        assert ours.statistic[j] == pytest.approx(ref.statistic, rel=1e-9, abs=1e-12)
        assert ours.pvalue[j] == pytest.approx(ref.pvalue, rel=1e-9, abs=1e-300)


@settings(max_examples=40)
@given(
    n=st.integers(20, 80),
    d=st.integers(1, 4),
    seed=st.integers(0, 2**32 - 1),
    law=st.sampled_from(LAWS),
    scale=st.floats(1e-3, 1e3),
)
def test_per_column_stats_equal_scipy_property(n, d, seed, law, scale):
    rng = np.random.default_rng(seed)
    Z = _law(law, rng, (n, d)) * scale
    ad = anderson_darling(Z)
    dp = dagostino_pearson(Z)
    for j in range(d):
        assert ad[j] == pytest.approx(scipy_ad(Z[:, j]), rel=1e-9, abs=1e-9)
        assert dp.pvalue[j] == pytest.approx(stats.normaltest(Z[:, j]).pvalue, rel=1e-8, abs=1e-300)


def test_ad_extreme_tail_is_finite_and_matches_scipy():
    rng = np.random.default_rng(3)
    Z = rng.standard_normal((500, 2))
    Z[0, 0] = 1e4  # an outlier 40+ sd away: log_ndtr keeps log(1 - F) finite
    Z[:, 1] = rng.standard_cauchy(500)
    ours = anderson_darling(Z)
    ref = [scipy_ad(Z[:, j]) for j in range(2)]
    assert np.all(np.isfinite(ours))
    np.testing.assert_allclose(ours, ref, rtol=1e-9)


def test_float32_is_computed_in_float64():
    rng = np.random.default_rng(4)
    Z32 = rng.standard_normal((300, 5)).astype(np.float32)
    np.testing.assert_array_equal(anderson_darling(Z32), anderson_darling(Z32.astype(np.float64)))
    r = diagnose(Z32, extras=False)
    assert r.ad.dtype == np.float64


def test_diagnose_reproduces_paper_definitions_from_scipy():
    rng = np.random.default_rng(5)
    Z = np.concatenate([rng.standard_normal((400, 6)), rng.laplace(size=(400, 4))], axis=1) * 3.0
    r = diagnose(Z, extras=False)
    ad = np.array([scipy_ad(Z[:, j]) for j in range(10)])
    p = np.array([stats.normaltest(Z[:, j]).pvalue for j in range(10)])
    norms = [math.sqrt(sum(x * x for x in row)) for row in Z.tolist()]
    cv = stats.tstd(norms) * math.sqrt((len(norms) - 1) / len(norms)) / (sum(norms) / len(norms))
    assert r.cv == pytest.approx(cv, rel=1e-12)
    assert r.ad_mean == pytest.approx(ad.mean(), rel=1e-10)
    assert r.ad_pass == np.mean(ad < 0.752)
    assert r.dp_mean == pytest.approx(p.mean(), rel=1e-9)
    assert r.dp_pass == np.mean(p > 0.05)
    assert r.gaussian == bool(ad.mean() < 0.752 and p.mean() > 0.05)
    assert 0.0 <= r.ad_pass <= 1.0 and 0.0 <= r.dp_pass <= 1.0
    assert r.null is None and r.multivariate is None and r.sliced_wasserstein is None


def test_normalize_tests_the_rows_on_the_sphere():
    rng = np.random.default_rng(6)
    Z = rng.standard_normal((300, 4)) * np.array([1.0, 2.0, 3.0, 4.0]) + 1.0
    U = Z / np.sqrt((Z**2).sum(axis=1, keepdims=True))
    r = diagnose(Z, normalize=True, extras=False)
    np.testing.assert_allclose(r.ad, [scipy_ad(U[:, j]) for j in range(4)], rtol=1e-9)
    assert r.normalized
    norms = np.sqrt((Z**2).sum(axis=1))
    assert r.cv == pytest.approx(norms.std() / norms.mean(), rel=1e-12)  # CV of the input, not of unit rows


# --------------------------------------------------------------------------- calibration
@pytest.mark.parametrize("n", [5000])
def test_gaussian_data_passes_at_the_nominal_rate_not_100pct(n):
    d, R = 256, 6
    rng = np.random.default_rng(7)
    null = null_pass_rates(n)
    ad_pass = dp_pass = 0
    p_all = []
    for _ in range(R):
        r = diagnose(rng.standard_normal((n, d)), extras=False)
        ad_pass += round(r.ad_pass * d)
        dp_pass += round(r.dp_pass * d)
        p_all.append(r.dp_pvalue)
    N = R * d
    for k, p0 in ((ad_pass, null.ad), (dp_pass, null.dp)):
        sd = math.sqrt(N * p0 * (1 - p0))
        assert abs(k - N * p0) <= 5 * sd
        assert k < N  # 100% pass of 1536 Gaussian columns would be a 1e-34 event
    # DP p-values of exactly Gaussian columns are uniform
    assert stats.kstest(np.concatenate(p_all), "uniform").pvalue > FIVE_SIGMA_P


def test_laplace_at_n5000_fails():
    rng = np.random.default_rng(8)
    r = diagnose(rng.laplace(size=(5000, 64)), n_projections=16, seed=1, sw_null=3)
    assert not r.gaussian
    assert r.ad_mean > 10 * AD_CRITICAL_5 and r.dp_mean < 1e-6
    assert r.ad_pass == 0.0 and r.dp_pass == 0.0
    # k = 0 is the least likely outcome, so the two-sided exact p-value is P(X = 0) = (1 - p0)^64
    assert r.ad_calibration.binom_pvalue == pytest.approx((1 - r.null.ad) ** 64, rel=1e-6)
    assert r.dp_uniformity.pvalue < 1e-20
    # a random direction averages 64 independent Laplace coordinates (excess kurtosis 3 sum theta^4,
    # about 3/64): by the CLT it is far closer to Gaussian than any coordinate
    assert r.projections.ad_mean < r.ad_mean / 5
    assert r.multivariate.mardia_kurtosis_pvalue < 1e-20


def test_ad_pvalue_matches_scipy_critical_value_table():
    # SciPy tabulates the asymptotic critical values of A^2 (normal, both parameters estimated);
    # the D'Agostino-Stephens p-value formula must give their levels (to the rounding of the table).
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", FutureWarning)
        res = stats.anderson(np.random.default_rng(0).standard_normal(10**6), "norm")
    for crit, level in zip(res.critical_values, res.significance_level, strict=True):
        if crit >= 0.6:  # the formula's upper branch, where the cut 0.752 lies
            assert float(ad_pvalue(crit, 10**6)) == pytest.approx(level / 100, abs=6e-4)
    assert res.critical_values[2] == AD_CRITICAL_5


def test_ad_pvalue_is_a_decreasing_probability():
    a = np.concatenate([np.linspace(0, 3, 301), np.geomspace(3, 1e5, 50)])
    p = ad_pvalue(a, 100)
    assert np.all(np.isfinite(p)) and np.all((p >= 0) & (p <= 1))
    assert np.all(np.diff(p) <= 1e-3)  # the published piecewise fit has tiny jumps at its knots
    assert p[0] == pytest.approx(1.0, abs=1e-5) and p[-1] < 1e-150
    with pytest.raises(ValueError, match="statistic"):
        ad_pvalue(-1.0, 100)


@pytest.mark.parametrize(
    "n", [20, pytest.param(1000, marks=pytest.mark.slow)]
)  # Monte Carlo; n = 1000 in the slow run
def test_asymptotic_null_pass_rate_matches_monte_carlo(n):
    # Stated accuracy of the Stephens / D'Agostino-Stephens approximation at the cut: 1e-3.
    n_rep = 200_000 if n == 20 else 20_000
    mc = null_pass_rates(n, method="mc", n_samples=n_rep, seed=11)
    asym = null_pass_rates(n)
    assert abs(asym.ad - mc.ad) <= 5 * mc.ad_se + 1e-3
    assert mc.ad_se == pytest.approx(math.sqrt(mc.ad * (1 - mc.ad) / n_rep))
    assert 0.93 < mc.ad < 0.97


@pytest.mark.slow  # a Monte Carlo study (1.5 s)
def test_monte_carlo_null_agrees_with_direct_scipy_simulation():
    n, R = 40, 1500
    rng = np.random.default_rng(12)
    k_ad = k_dp = 0
    for _ in range(R):
        x = rng.standard_normal(n)
        k_ad += scipy_ad(x) < 0.752
        k_dp += stats.normaltest(x).pvalue > 0.05
    mc = null_pass_rates(n, method="mc", n_samples=100_000, seed=13)
    for k, p, se in ((k_ad, mc.ad, mc.ad_se), (k_dp, mc.dp, mc.dp_se)):
        ref = k / R
        sd = math.sqrt(ref * (1 - ref) / R + se**2)
        assert abs(ref - p) <= 5 * sd


def test_calibrate_passes_against_closed_forms():
    c = calibrate_passes(256, 256, 0.95)
    assert c.p_all_pass == pytest.approx(0.95**256, rel=1e-10)
    # two-sided exact test at k = N: P(X = N) plus the lower-tail outcomes no more likely
    pmf = stats.binom.pmf(np.arange(257), 256, 0.95)
    assert c.binom_pvalue == pytest.approx(pmf[pmf <= pmf[256] * (1 + 1e-7)].sum(), rel=1e-6)
    assert c.z == pytest.approx((256 - 243.2) / math.sqrt(256 * 0.95 * 0.05))
    c2 = calibrate_passes(240, 256, 0.95, null_se=0.002)
    assert c2.sd_pass == pytest.approx(math.sqrt(256 * 0.95 * 0.05 + (256 * 0.002) ** 2))


# --------------------------------------------------------------------------- random projections
def test_projection_statistics_equal_scipy_on_projected_data():
    rng = np.random.default_rng(14)
    Z = rng.standard_normal((500, 7)) @ rng.standard_normal((7, 7))
    r = diagnose(Z, n_projections=5, seed=3, extras=False)
    theta = r.projections.directions
    np.testing.assert_allclose(np.linalg.norm(theta, axis=1), 1.0, rtol=1e-12)
    Y = Z @ theta.T
    np.testing.assert_allclose(r.projections.ad, [scipy_ad(Y[:, k]) for k in range(5)], rtol=1e-9)
    np.testing.assert_allclose(
        r.projections.dp_pvalue, [stats.normaltest(Y[:, k]).pvalue for k in range(5)], rtol=1e-8
    )
    r2 = diagnose(Z, n_projections=5, seed=3, extras=False)
    np.testing.assert_array_equal(r2.projections.directions, theta)


def test_projection_directions_do_not_reuse_the_data_stream():
    # data made with default_rng(0) and diagnose(seed=0): the directions must come from another stream
    # (else theta_k = z_k / |z_k| and the projections get a 16-sd outlier at d = 256)
    Z = np.random.default_rng(0).standard_normal((200, 64))
    theta = diagnose(Z, n_projections=4, seed=0, extras=False).projections.directions
    cos = np.abs(theta @ (Z[:4] / np.linalg.norm(Z[:4], axis=1, keepdims=True)).T)
    assert cos.max() < 0.6  # independent unit vectors in R^64: |cos| ~ 0.125


# --------------------------------------------------------------------------- multivariate
def _naive_hz(X):
    """pingouin's multivariate_normality, full n x n matrices, as an independent reference.

    One change: the pairwise distances are those of the centred rows (pingouin expands them from the raw
    rows, Y_jj + Y_kk - 2 Y_jk with Y = X S^-1 X^T, which cancels where the mean is large against the
    spread: up to 9e-9 relative error in HZ for uniform rows of scale 0.05 around 2). They are translation
    invariant, so this is the same statistic.
    """
    n, p = X.shape
    S = np.atleast_2d(np.cov(X, rowvar=False, bias=True))
    S_inv = np.linalg.pinv(S)
    dif = X - X.mean(0)
    Dj = np.diag(dif @ S_inv @ dif.T)
    Y = dif @ S_inv @ dif.T
    Djk = -2 * Y.T + np.repeat(np.diag(Y.T), n).reshape(n, -1) + np.tile(np.diag(Y.T), (n, 1))
    b = 1 / np.sqrt(2) * ((2 * p + 1) / 4) ** (1 / (p + 4)) * n ** (1 / (p + 4))
    hz = n * (
        1 / n**2 * np.sum(np.exp(-(b**2) / 2 * Djk))
        - 2 * (1 + b**2) ** (-p / 2) / n * np.sum(np.exp(-(b**2) / (2 * (1 + b**2)) * Dj))
        + (1 + 2 * b**2) ** (-p / 2)
    )
    wb = (1 + b**2) * (1 + 3 * b**2)
    a = 1 + 2 * b**2
    mu = 1 - a ** (-p / 2) * (1 + p * b**2 / a + p * (p + 2) * b**4 / (2 * a**2))
    si2 = (
        2 * (1 + 4 * b**2) ** (-p / 2)
        + 2 * a ** (-p) * (1 + 2 * p * b**4 / a**2 + 3 * p * (p + 2) * b**8 / (4 * a**4))
        - 4 * wb ** (-p / 2) * (1 + 3 * p * b**4 / (2 * wb) + p * (p + 2) * b**8 / (2 * wb**2))
    )
    pmu = np.log(np.sqrt(mu**4 / (si2 + mu**2)))
    psi = np.sqrt(np.log((si2 + mu**2) / mu**2))
    pval = stats.lognorm.sf(hz, psi, scale=np.exp(pmu))
    W = dif @ np.linalg.inv(np.linalg.cholesky(S)).T
    G = W @ W.T
    b1 = np.mean(G**3)
    b2 = np.mean(np.diag(G) ** 2)
    return hz, pval, b, b1, b2


@pytest.mark.parametrize(
    ("law", "n", "d", "block"),
    [("gaussian", 50, 2, 7), ("laplace", 120, 5, 13), ("mixture", 300, 10, None), ("uniform", 64, 1, 5)],
)
def test_henze_zirkler_and_mardia_equal_naive_full_matrix(law, n, d, block):
    rng = np.random.default_rng(_seed(law, n, d))
    X = _law(law, rng, (n, d)) @ rng.standard_normal((d, d)) + 2.0
    # the two routes (Cholesky here, a pseudo-inverse there) agree to about cond(S) * 1e-16; 1e-10 below
    # holds where the covariance is this well conditioned (a draw with cond 3.6e10 gives 1.7e-6)
    assert np.linalg.cond(np.atleast_2d(np.cov(X, rowvar=False))) < 1e4
    ours = multivariate_normality(X, block_rows=block)
    hz, pval, b, b1, b2 = _naive_hz(X)
    assert ours.hz == pytest.approx(hz, rel=1e-10)
    assert ours.hz_pvalue == pytest.approx(pval, rel=1e-7, abs=1e-300)
    assert ours.hz_bandwidth == pytest.approx(b, rel=1e-14)
    assert ours.mardia_skewness == pytest.approx(b1, rel=1e-9)
    assert ours.mardia_kurtosis == pytest.approx(b2, rel=1e-10)
    df = d * (d + 1) * (d + 2) / 6
    assert ours.mardia_skewness_pvalue == pytest.approx(stats.chi2.sf(n * b1 / 6, df), rel=1e-7)
    e2 = d * (d + 2) * (n - 1) / (n + 1)
    v2 = 8 * d * (d + 2) * (n - 3) * (n - d - 1) * (n - d + 1) / ((n + 1) ** 2 * (n + 3) * (n + 5))
    assert ours.mardia_kurtosis_z == pytest.approx((b2 - e2) / math.sqrt(v2), rel=1e-8)


def test_henze_zirkler_large_d_against_mpmath():
    # d = 256: hz - 1 ~ 1e-37 and mu - 1 ~ 1e-37, invisible in float64 HZ; compare with 120 digits.
    n, p = 280, 256
    rng = np.random.default_rng(15)
    X = rng.standard_normal((n, p))
    ours = multivariate_normality(X)
    dif = X - X.mean(0)
    S = dif.T @ dif / n
    W = dif @ np.linalg.inv(np.linalg.cholesky(S)).T  # float64 whitening; distances to 1e-13
    r = (W**2).sum(1)
    G = W @ W.T
    D = r[:, None] + r[None, :] - 2 * G
    iu = np.triu_indices(n, 1)
    mpmath.mp.dps = 120  # sigma^2 ~ 1e-61 must survive 1 + sigma^2/mu^2
    b2 = (
        mpmath.mpf(0.5)
        * ((2 * p + 1) / mpmath.mpf(4)) ** (mpmath.mpf(2) / (p + 4))
        * mpmath.mpf(n) ** (mpmath.mpf(2) / (p + 4))
    )
    off = 2 * mpmath.fsum(mpmath.exp(-b2 / 2 * mpmath.mpf(float(x))) for x in D[iu])
    t2 = (
        2
        * (1 + b2) ** (-mpmath.mpf(p) / 2)
        / n
        * mpmath.fsum(mpmath.exp(-b2 / (2 * (1 + b2)) * mpmath.mpf(float(x))) for x in r)
    )
    a = 1 + 2 * b2
    hz_m1 = n * (off / n**2 - t2 + a ** (-mpmath.mpf(p) / 2))
    b4, b8 = b2**2, b2**4
    wb = (1 + b2) * (1 + 3 * b2)
    mu = 1 - a ** (-mpmath.mpf(p) / 2) * (1 + p * b2 / a + p * (p + 2) * b4 / (2 * a**2))
    si2 = (
        2 * (1 + 4 * b2) ** (-mpmath.mpf(p) / 2)
        + 2 * a ** (-p) * (1 + 2 * p * b4 / a**2 + 3 * p * (p + 2) * b8 / (4 * a**4))
        - 4 * wb ** (-mpmath.mpf(p) / 2) * (1 + 3 * p * b4 / (2 * wb) + p * (p + 2) * b8 / (2 * wb**2))
    )
    hz = 1 + hz_m1
    pmu = mpmath.log(mpmath.sqrt(mu**4 / (si2 + mu**2)))
    psi = mpmath.sqrt(mpmath.log((si2 + mu**2) / mu**2))
    pval = mpmath.ncdf(-(mpmath.log(hz) - pmu) / psi)
    assert ours.hz_minus_1 == pytest.approx(float(hz_m1), rel=1e-6)
    assert ours.hz_pvalue == pytest.approx(float(pval), rel=1e-6)


@pytest.mark.slow  # a Monte Carlo study (1.2 s)
def test_multivariate_pvalues_roughly_uniform_for_gaussian():
    R = 200
    p_hz, p_kurt = [], []
    for seed in range(R):
        m = multivariate_normality(np.random.default_rng(100 + seed).standard_normal((100, 3)))
        p_hz.append(m.hz_pvalue)
        p_kurt.append(m.mardia_kurtosis_pvalue)
    for ps in (np.array(p_hz), np.array(p_kurt)):
        assert stats.kstest(ps, "uniform").pvalue > FIVE_SIGMA_P
        rate, sd = (ps < 0.05).mean(), math.sqrt(0.05 * 0.95 / R)
        assert abs(rate - 0.05) <= 5 * sd


def test_multivariate_rejects_laplace():
    m = multivariate_normality(np.random.default_rng(16).laplace(size=(500, 5)))
    assert m.hz_pvalue < 1e-10
    assert m.mardia_kurtosis_pvalue < 1e-10
    assert m.mardia_skewness_pvalue < 0.05 or m.mardia_kurtosis_z > 5


def test_multivariate_is_affine_invariant():
    rng = np.random.default_rng(17)
    X = rng.laplace(size=(150, 4))
    A = rng.standard_normal((4, 4))
    m1 = multivariate_normality(X)
    m2 = multivariate_normality(X @ A + rng.normal(size=4), block_rows=11)
    assert m2.hz == pytest.approx(m1.hz, rel=1e-9)
    assert m2.mardia_skewness == pytest.approx(m1.mardia_skewness, rel=1e-8)
    assert m2.mardia_kurtosis == pytest.approx(m1.mardia_kurtosis, rel=1e-9)


def test_multivariate_validation():
    rng = np.random.default_rng(18)
    with pytest.raises(ValueError, match="n > d"):
        multivariate_normality(rng.standard_normal((10, 8)))
    X = rng.standard_normal((50, 3))
    X[:, 2] = X[:, 0] + X[:, 1]
    with pytest.raises(ValueError, match="singular covariance"):
        multivariate_normality(X)
    r = diagnose(np.column_stack([X, rng.standard_normal(50)]), sw_null=2)
    assert r.multivariate is None and any("singular" in note for note in r.notes)


# --------------------------------------------------------------------------- sliced W2
def _w2_quadrature(x, mu, sd, dps=30):
    """W2 between the empirical law of x and N(mu, sd^2) by mpmath quadrature over each cell."""
    mpmath.mp.dps = dps
    xs = sorted(float(v) for v in x)
    n = len(xs)
    total = mpmath.mpf(0)
    for i, xi in enumerate(xs, start=1):

        def f(t, xi=xi):
            return (xi - mu - sd * mpmath.sqrt(2) * mpmath.erfinv(2 * t - 1)) ** 2

        total += mpmath.quad(f, [mpmath.mpf(i - 1) / n, mpmath.mpf(2 * i - 1) / (2 * n), mpmath.mpf(i) / n])
    return float(mpmath.sqrt(total))


@pytest.mark.parametrize(
    ("n", "law", "mu", "sd"),
    [
        (1, "gaussian", 0.3, 2.0),
        (2, "laplace", 0.0, 1.0),
        pytest.param(7, "laplace", -1.0, 0.5, marks=pytest.mark.slow),
        pytest.param(15, "mixture", 0.7, 1.3, marks=pytest.mark.slow),
    ],
)
def test_w2_gaussian_1d_equals_high_precision_quadrature(n, law, mu, sd):
    from theory.gaussianity import wasserstein_gaussian_1d

    x = _law(law, np.random.default_rng(n), (n,)) * 1.7
    assert wasserstein_gaussian_1d(x, mu, sd) == pytest.approx(_w2_quadrature(x, mu, sd), rel=1e-12)


def test_w2_gaussian_1d_far_tail_and_extreme_scale_against_quadrature():
    from theory.gaussianity import wasserstein_gaussian_1d

    x = np.array([-40.0, -3.0, 0.1, 0.2, 5.0, 60.0])  # far outside the Gaussian's bulk
    ref = _w2_quadrature(x, 0.5, 0.8)
    assert wasserstein_gaussian_1d(x, 0.5, 0.8) == pytest.approx(ref, rel=1e-12)
    for scale in (1e-300, 1e300):  # exact power-of-two rescaling inside: no overflow, no underflow
        w = wasserstein_gaussian_1d(x * scale, 0.5 * scale, 0.8 * scale)
        assert w == pytest.approx(ref * scale, rel=1e-12)


def test_w2_gaussian_1d_columns_and_large_n_against_cellwise_quad():
    # n = 1000: scipy quad per cell in the Gaussian's own variable z = Phi^{-1}(t) (smooth integrand,
    # infinite end cells handled by quad), an independent route to the same integral
    from scipy import integrate, special

    from theory.gaussianity import wasserstein_gaussian_1d

    rng = np.random.default_rng(31)
    X = np.column_stack([rng.standard_normal(1000), rng.laplace(size=1000)])
    ours = wasserstein_gaussian_1d(X, [0.0, 0.1], [1.0, 1.4])
    n = X.shape[0]
    knots = np.concatenate([[-np.inf], special.ndtri(np.arange(1, n) / n), [np.inf]])
    for j, (mu, sd) in enumerate([(0.0, 1.0), (0.1, 1.4)]):
        xs = np.sort(X[:, j])
        tot = 0.0
        for i in range(n):
            val, _ = integrate.quad(
                lambda z, x=xs[i], mu=mu, sd=sd: (x - mu - sd * z) ** 2 * math.exp(-0.5 * z * z) / SQRT_2PI,
                knots[i],
                knots[i + 1],
                epsabs=1e-15,
                epsrel=1e-12,
            )
            tot += val
        assert ours[j] == pytest.approx(math.sqrt(tot), rel=1e-9)


def test_w2_gaussian_1d_against_pot_with_many_gaussian_samples():
    # POT's 1-D solver against M draws of the Gaussian: E W2^2(emp, nu_M) -> W2^2(emp, N) as M grows
    # (bias of order log log M / M, far below the Monte Carlo standard error here)
    import ot

    from theory.gaussianity import wasserstein_gaussian_1d

    rng = np.random.default_rng(32)
    x = rng.laplace(size=50) + 0.3
    exact = wasserstein_gaussian_1d(x, 0.0, 1.0) ** 2
    M, R = 100_000, 10
    vals = [ot.wasserstein_1d(x, rng.standard_normal(M), p=2) for _ in range(R)]
    mean, se = float(np.mean(vals)), float(np.std(vals, ddof=1) / math.sqrt(R))
    assert abs(mean - exact) <= 5 * se + 2e-5
    assert se < 0.05 * exact  # the comparison has power


def test_sliced_w2_floor_and_departures():
    rng = np.random.default_rng(20)
    n, d = 1000, 8
    g = sliced_wasserstein_gaussian(rng.standard_normal((n, d)) * 3 + 1, n_null=8, seed=1)
    assert abs(g.sw2 - g.null_mean) <= 5 * g.null_sd
    assert g.scale == pytest.approx(3.0, rel=0.05)
    # a slice averages the coordinates, so a product of d Laplace laws is diluted towards the Gaussian
    # (CLT): the departure is clear at small d
    lap = sliced_wasserstein_gaussian(rng.laplace(size=(n, 2)) * 3, n_null=8, seed=1)
    assert lap.sw2 > lap.null_mean + 5 * lap.null_sd
    aniso = sliced_wasserstein_gaussian(
        rng.standard_normal((n, d)) * np.geomspace(0.3, 3, d), n_null=8, seed=1
    )
    assert aniso.sw2 > aniso.null_mean + 5 * aniso.null_sd  # isotropic fit: anisotropy is a departure


def test_sliced_w2_is_scale_equivariant():
    X = np.random.default_rng(21).laplace(size=(300, 4))
    a = sliced_wasserstein_gaussian(X, n_null=3, seed=5)
    b = sliced_wasserstein_gaussian(7.0 * X, n_null=3, seed=5)
    assert b.sw2 == pytest.approx(7.0 * a.sw2, rel=1e-9)
    assert b.null_mean == pytest.approx(7.0 * a.null_mean, rel=1e-9)


# --------------------------------------------------------------------------- results and errors
def test_result_serialises_and_prints():
    rng = np.random.default_rng(22)
    r = diagnose(rng.standard_normal((200, 5)), n_projections=3, seed=0, null="mc", null_samples=2000)
    d = json.loads(json.dumps(r.to_dict()))
    assert d["n"] == 200 and d["d"] == 5 and len(d["ad"]) == 5
    assert d["ad_calibration"]["p_all_pass"] == pytest.approx(r.null.ad**5, rel=1e-9)
    assert d["null"]["method"] == "mc"
    assert len(d["projections"]["directions"]) == 3
    text = str(r)
    assert f"{r.ad_mean:.4f}" in text and "Henze-Zirkler" in text and "Sliced W2" in text


@pytest.mark.parametrize(
    ("Z", "exc", "match"),
    [
        (np.zeros((10, 3)) + np.arange(3), ValueError, "at least 20 rows"),
        (np.ones((30, 0)), ValueError, "at least 1 columns"),
        (np.ones(30), ValueError, r"shape \(n, d\)"),
        (np.ones((30, 2, 2)), ValueError, r"shape \(n, d\)"),
        (np.array([["a", "b"]] * 30), TypeError, "numeric"),
        (
            np.column_stack([np.arange(30.0), np.ones(30)]),
            ValueError,
            r"numerically constant column\(s\) \(columns 1:",
        ),
    ],
)
def test_validation_errors(Z, exc, match):
    with pytest.raises(exc, match=match):
        diagnose(Z)
    with pytest.raises(exc, match=match):
        anderson_darling(Z)


def test_nan_rows_are_reported_with_their_indices():
    Z = np.random.default_rng(23).standard_normal((40, 3))
    Z[[4, 31], 1] = np.nan
    Z[7, 0] = np.inf
    with pytest.raises(ValueError, match=r"3 row\(s\) with NaN or inf values \(rows 4, 7, 31\)"):
        diagnose(Z)


def test_argument_validation():
    Z = np.random.default_rng(24).standard_normal((40, 3))
    with pytest.raises(TypeError, match="n_projections"):
        diagnose(Z, n_projections=2.5)
    with pytest.raises(ValueError, match="n_projections"):
        diagnose(Z, n_projections=-1)
    with pytest.raises(ValueError, match="null"):
        diagnose(Z, null="exact")
    with pytest.raises(TypeError, match="normalize"):
        diagnose(Z, normalize="yes")
    with pytest.raises(ValueError, match="method"):
        null_pass_rates(100, method="exact")
    with pytest.raises(ValueError, match="n_pass"):
        calibrate_passes(5, 4, 0.95)


def test_multivariate_on_a_row_subset_when_asked():
    Z = np.random.default_rng(40).laplace(size=(600, 4))
    full = diagnose(Z, seed=1, sw_null=2)
    same = diagnose(Z, seed=1, sw_null=2, mvn_max_rows=600)
    assert same.multivariate.hz == full.multivariate.hz and full.multivariate.n == 600
    sub = diagnose(Z, seed=1, sw_null=2, mvn_max_rows=200)
    assert sub.multivariate.n == 200 and any("random subset of 200 of the 600 rows" in s for s in sub.notes)
    assert sub.ad_mean == full.ad_mean  # only the multivariate tests change
    idx = np.sort(np.random.default_rng(1).spawn(3)[2].choice(600, size=200, replace=False))
    ref = multivariate_normality(Z[idx])
    assert sub.multivariate.mardia_kurtosis == pytest.approx(ref.mardia_kurtosis, rel=1e-12)


def test_henze_zirkler_factored_and_additive_paths_agree(monkeypatch):
    # the tiles use u^T exp(b^2 G) u unless a factor could overflow (large d); force the other path
    import theory.gaussianity._multivariate as mv

    X = np.random.default_rng(41).laplace(size=(300, 6)) @ np.random.default_rng(42).standard_normal((6, 6))
    a = multivariate_normality(X, block_rows=64)
    monkeypatch.setattr(mv, "_FACTOR_LIMIT", 0.0)
    b = multivariate_normality(X, block_rows=64)
    assert b.hz == pytest.approx(a.hz, rel=1e-12)
    assert b.hz_pvalue == pytest.approx(a.hz_pvalue, rel=1e-10)
    hz, *_ = _naive_hz(X)
    assert b.hz == pytest.approx(hz, rel=1e-10)


def test_sliced_w2_is_the_slice_average_of_exact_1d_distances():
    from theory.gaussianity import wasserstein_gaussian_1d

    rng = np.random.default_rng(43)
    Z = rng.laplace(size=(300, 5)) * np.array([1.0, 2.0, 0.5, 1.0, 3.0]) + 4.0
    res = sliced_wasserstein_gaussian(Z, n_projections=7, n_null=2, seed=9)
    theta = np.random.default_rng(9).spawn(1)[0].standard_normal((7, 5))  # the documented child stream
    theta /= np.linalg.norm(theta, axis=1, keepdims=True)
    P = Z @ theta.T
    s = math.sqrt(np.var(Z, axis=0, ddof=1).mean())
    w = wasserstein_gaussian_1d(P, P.mean(axis=0), s)
    assert res.sw2 == pytest.approx(math.sqrt(np.mean(w**2)), rel=1e-10)
    assert res.scale == pytest.approx(s, rel=1e-12)


def test_sliced_w2_null_simulation_has_the_law_of_the_direct_one():
    # the null's O(n k) construction (projections E L^T, pooled variance split into the span part and
    # an independent chi-square) against the direct simulation of G ~ N(0, I_d): same mean (5 SE)
    from theory.gaussianity import sliced_wasserstein_null, wasserstein_gaussian_1d

    n, d, k, R = 200, 40, 4, 300
    fast = sliced_wasserstein_null(n, d, n_projections=k, n_null=R, seed=3)
    rng = np.random.default_rng(44)
    direct = np.empty(R)
    for r in range(R):
        G = rng.standard_normal((n, d))
        theta = rng.standard_normal((k, d))
        theta /= np.linalg.norm(theta, axis=1, keepdims=True)
        P = G @ theta.T
        s = math.sqrt(np.var(G, axis=0, ddof=1).mean())
        direct[r] = math.sqrt(np.mean(wasserstein_gaussian_1d(P, P.mean(axis=0), s) ** 2)) / s
    se = math.sqrt(fast.var(ddof=1) / R + direct.var(ddof=1) / R)
    assert abs(fast.mean() - direct.mean()) <= 5 * se
    assert fast.std() == pytest.approx(direct.std(), rel=0.3)  # 5 SE: an sd estimate has ~1/sqrt(2R)
