"""Cumulants of a linear encoder's coordinate (theory.encoders) against enumeration, moment recursions,
quadrature and Monte Carlo."""

import itertools
import math

import numpy as np
import pytest
from scipy import integrate, stats

from theory.encoders import (
    bernoulli_cumulants,
    binary_coordinate_cumulants,
    binary_rows_cumulants,
    gmm_coordinate_cdf,
    gmm_coordinate_cumulants,
    gmm_means,
    laplace_coordinate_cumulants,
    laplace_cumulants,
)

pytestmark = pytest.mark.claim("Tab1-Bin-ceiling")


def cumulants_from_raw(raw):
    """kappa_n = mu'_n - sum_{m=1}^{n-1} C(n-1, m-1) kappa_m mu'_{n-m} (raw[0] = mu'_1)."""
    mu = [1.0, *raw]
    k = [0.0]
    for n in range(1, len(mu)):
        k.append(mu[n] - sum(math.comb(n - 1, m - 1) * k[m] * mu[n - m] for m in range(1, n)))
    return np.array(k[1:])


def enumerate_moments(w, p, b):
    """Exact mean and central moments 2..4 of w.x + b over {0,1}^D (itertools, no library code)."""
    D = len(w)
    vals, probs = [], []
    for x in itertools.product((0, 1), repeat=D):
        k = sum(x)
        vals.append(b + sum(wj * xj for wj, xj in zip(w, x, strict=True)))
        probs.append(p**k * (1 - p) ** (D - k))
    vals, probs = np.array(vals), np.array(probs)
    mean = probs @ vals
    return mean, [probs @ (vals - mean) ** r for r in (2, 3, 4)]


@pytest.mark.parametrize("p", [0.003, 0.1, 0.2113248654, 0.5, 0.77])
def test_bernoulli_cumulants_match_the_moment_recursion(p):
    # every raw moment of a Bernoulli variable is p
    expected = cumulants_from_raw([p] * 8)
    got = bernoulli_cumulants(p, 8)
    np.testing.assert_allclose(got, expected, rtol=1e-9, atol=1e-15)
    q = 1 - p
    np.testing.assert_allclose(
        got[:4], [p, p * q, p * q * (1 - 2 * p), p * q * (1 - 6 * p * q)], rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("scale", [1.0, 0.3])
def test_laplace_cumulants_match_the_moment_recursion(scale):
    raw = [0.0 if r % 2 else math.factorial(r) * scale**r for r in range(1, 9)]  # E L^r = r! s^r, r even
    np.testing.assert_allclose(laplace_cumulants(8, scale), cumulants_from_raw(raw), rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(laplace_cumulants(4, scale)[[1, 3]], [2 * scale**2, 12 * scale**4])


@pytest.mark.parametrize("seed", [0, 1, 2])
@pytest.mark.parametrize("p", [0.05, 0.3, 0.6])
def test_binary_cumulants_equal_exact_enumeration(seed, p):
    rng = np.random.default_rng(seed)
    w = rng.normal(size=9)
    b = float(rng.normal())
    mean, (m2, m3, m4) = enumerate_moments(w, p, b)
    c = binary_coordinate_cumulants(w, p, bias=b)
    np.testing.assert_allclose(c.kappa, [mean, m2, m3, m4 - 3 * m2**2], rtol=1e-10, atol=1e-13)
    assert c.mean == pytest.approx(mean, rel=1e-12)
    assert c.variance == pytest.approx(m2, rel=1e-12)
    assert c.skewness == pytest.approx(m3 / m2**1.5, rel=1e-9, abs=1e-13)
    assert c.excess_kurtosis == pytest.approx(m4 / m2**2 - 3, rel=1e-9, abs=1e-12)
    assert c.inputs == "binary"


def test_rows_cumulants_equal_enumeration_row_by_row():
    rng = np.random.default_rng(5)
    W = rng.uniform(-1, 1, (4, 8))
    W[1] = np.abs(W[1])  # a non-negative row: skewness of one sign
    b = rng.normal(size=4)
    r = binary_rows_cumulants(W, 0.15, bias=b)
    for k in range(4):
        mean, (m2, m3, m4) = enumerate_moments(W[k], 0.15, b[k])
        assert r.mean[k] == pytest.approx(mean, rel=1e-12)
        assert r.variance[k] == pytest.approx(m2, rel=1e-12)
        assert r.skewness[k] == pytest.approx(m3 / m2**1.5, rel=1e-9, abs=1e-13)
        assert r.excess_kurtosis[k] == pytest.approx(m4 / m2**2 - 3, rel=1e-9)
    assert r.skewness[1] > 0
    r0 = binary_rows_cumulants(W, 0.15)
    np.testing.assert_allclose(r0.mean, 0.15 * W.sum(axis=1), rtol=1e-12)


def _central_moment_z(z, mu, r):
    """Monte Carlo estimate of E(z - mu)^r and its standard error."""
    y = (z - mu) ** r
    return y.mean(), y.std() / math.sqrt(y.size)


def test_laplace_coordinate_cumulants_against_monte_carlo():
    rng = np.random.default_rng(11)
    w = rng.normal(size=6)
    c = laplace_coordinate_cumulants(w, scale=0.7, bias=0.4)
    z = rng.laplace(0.0, 0.7, (400_000, 6)) @ w + 0.4
    for r, exact in ((2, c.kappa[1]), (3, 0.0), (4, c.kappa[3] + 3 * c.kappa[1] ** 2)):
        est, se = _central_moment_z(z, 0.4, r)
        assert abs(est - exact) < 5 * se, (r, est, exact, se)
    assert c.mean == 0.4 and c.skewness == 0.0
    assert c.excess_kurtosis == pytest.approx(3 * (w**4).sum() / (w**2).sum() ** 2, rel=1e-12)


def _gmm_density(t, m, s):
    return stats.norm.pdf(t, loc=m[:, None] if np.ndim(t) else m, scale=s).mean(axis=0)


def test_gmm_cumulants_against_quadrature_and_monte_carlo():
    rng = np.random.default_rng(3)
    means = 1.5 * rng.normal(size=(5, 7))  # well-separated components: a clearly non-Gaussian mixture
    w = rng.normal(size=7)
    c = gmm_coordinate_cumulants(w, means, sigma=0.8, bias=-0.2)
    m = means @ w - 0.2
    s = 0.8 * np.linalg.norm(w)
    lo, hi = m.min() - 12 * s, m.max() + 12 * s

    def moment(r, mu=0.0):
        return integrate.quad(lambda t: (t - mu) ** r * _gmm_density(t, m, s), lo, hi, limit=400)[0]

    mean = moment(1)
    m2, m3, m4 = (moment(r, mean) for r in (2, 3, 4))
    np.testing.assert_allclose(c.kappa, [mean, m2, m3, m4 - 3 * m2**2], rtol=1e-7, atol=1e-9)
    # Monte Carlo: draw a component, then the Gaussian part
    n = 300_000
    z = m[rng.integers(0, 5, n)] + s * rng.standard_normal(n)
    for r, exact in ((2, m2), (3, m3), (4, m4)):
        est, se = _central_moment_z(z, mean, r)
        assert abs(est - exact) < 5 * se
    # the exact CDF against quadrature of the density and the empirical CDF
    for t in (m.min() - s, mean, m.max()):
        f = gmm_coordinate_cdf(t, w, means, sigma=0.8, bias=-0.2)
        assert float(f) == pytest.approx(
            integrate.quad(_gmm_density, lo, t, args=(m, s), limit=400)[0], abs=1e-8
        )
        emp = (z <= t).mean()
        assert abs(emp - f) < 5 * math.sqrt(f * (1 - f) / n)
    assert gmm_coordinate_cdf(np.array([[lo], [hi]]), w, means, 0.8, -0.2).shape == (2, 1)


def test_gmm_point_masses_without_noise():
    means = np.array([[0.0, 1.0], [2.0, 0.0], [0.0, -1.0], [5.0, 5.0]])
    w = np.array([1.0, 0.0])
    c = gmm_coordinate_cumulants(w, means, sigma=0.0)
    v = np.array([0.0, 2.0, 0.0, 5.0])
    assert c.mean == pytest.approx(v.mean()) and c.variance == pytest.approx(v.var())
    np.testing.assert_allclose(
        gmm_coordinate_cdf([-0.5, 0.0, 1.9, 2.0, 5.0], w, means, 0.0), [0, 0.5, 0.5, 0.75, 1]
    )


def test_gmm_coordinate_of_the_project_data_is_nearly_gaussian():
    # the project's GMM (25 components, means N(0, 0.07^2 I_1024), sigma = 1): a random row's coordinate
    # has |excess kurtosis| of order (s_mu^2 / (s_mu^2 + 1))^2, and a row orthogonal to the centred means
    # is exactly Gaussian
    means = gmm_means()
    assert means.shape == (25, 1024)
    np.testing.assert_array_equal(means, 0.07 * np.random.default_rng(0).standard_normal((25, 1024)))
    rng = np.random.default_rng(1)
    c = gmm_coordinate_cumulants(rng.normal(size=1024), means)
    assert abs(c.excess_kurtosis) < 1e-3 and abs(c.skewness) < 1e-2
    centred = means - means.mean(axis=0)
    w = rng.normal(size=1024)
    q, _ = np.linalg.qr(centred.T)
    w -= q @ (q.T @ w)
    c0 = gmm_coordinate_cumulants(w, means)
    assert abs(c0.excess_kurtosis) < 1e-20 and abs(c0.skewness) < 1e-12
    assert c0.variance == pytest.approx((w**2).sum(), rel=1e-10)


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: bernoulli_cumulants(0.0), ValueError, "p must be > 0"),
        (lambda: bernoulli_cumulants(1.0), ValueError, "p must be < 1"),
        (lambda: bernoulli_cumulants("0.1"), TypeError, "p must be a real number"),
        (lambda: bernoulli_cumulants(0.1, 0), ValueError, "order must be >= 1"),
        (lambda: laplace_cumulants(4, 0.0), ValueError, "scale must be > 0"),
        (lambda: binary_coordinate_cumulants(np.zeros(4), 0.1), ValueError, "non-zero entry"),
        (lambda: binary_coordinate_cumulants([1.0, np.nan], 0.1), ValueError, "NaN or inf"),
        (lambda: binary_coordinate_cumulants(np.ones((2, 2)), 0.1), ValueError, "shape"),
        (lambda: binary_coordinate_cumulants([1.0], 0.1, bias=np.inf), ValueError, "bias must be finite"),
        (lambda: binary_rows_cumulants(np.array([[1.0, 0], [0, 0]]), 0.1), ValueError, "zero rows"),
        (lambda: binary_rows_cumulants(np.eye(2), 0.1, bias=[1.0]), ValueError, "bias must have shape"),
        (lambda: gmm_coordinate_cumulants(np.ones(3), np.ones((2, 4))), ValueError, "means must have shape"),
        (lambda: gmm_coordinate_cumulants(np.ones(3), np.ones((2, 3)), sigma=-1), ValueError, "sigma"),
        (lambda: gmm_coordinate_cumulants(np.ones(3), np.ones((2, 3)), sigma=0), ValueError, "constant"),
        (lambda: gmm_coordinate_cdf(np.nan, np.ones(3), np.eye(3)), ValueError, "t must be finite"),
        (lambda: gmm_coordinate_cdf("x", np.ones(3), np.eye(3)), TypeError, "t must be a real"),
        (lambda: gmm_means(n_components=0), ValueError, "n_components"),
        (lambda: gmm_means(seed=-1), ValueError, "seed"),
    ],
)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
