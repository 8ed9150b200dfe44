"""The pass-rate ceiling of a linear encoder of Binary inputs: the pass counts against SciPy, the samplers
against direct simulation of Bernoulli inputs, the ceiling against other rows and the Gaussian null."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from tests.theory._scipy_reference import scipy_ad
from theory.encoders import (
    P_MESOKURTIC,
    binary_coordinate_cumulants,
    cumulant_floor,
    dp_pass_asymptotic,
    floor_row,
    jittered_floor_row,
    pass_rate_ceiling,
    pass_rates,
)
from theory.gaussianity import null_pass_rates

pytestmark = pytest.mark.claim("Tab1-Bin-ceiling")


def test_pass_rates_count_like_scipy():
    rng = np.random.default_rng(0)
    Z = np.column_stack(
        [rng.laplace(size=(60, 15)), rng.normal(size=(60, 15)), rng.exponential(size=(60, 10))]
    )
    r = pass_rates(Z)
    ad = np.array([scipy_ad(Z[:, j]) for j in range(40)])
    dp = np.array([stats.normaltest(Z[:, j]).pvalue for j in range(40)])
    assert r.ad_pass == (ad < 0.752).mean() and r.dp_pass == (dp > 0.05).mean()
    assert r.ad_mean == pytest.approx(ad.mean(), rel=1e-9) and r.dp_mean == pytest.approx(dp.mean(), rel=1e-9)
    assert r.ad_pass_se == pytest.approx(math.sqrt(r.ad_pass * (1 - r.ad_pass) / 40))
    assert (r.n_samples, r.n_columns, r.n_constant) == (60, 40, 0)


def test_a_constant_column_fails_both_tests():
    rng = np.random.default_rng(1)
    Z = rng.normal(size=(100, 3))
    Z[:, 1] = 2.5
    r = pass_rates(Z)
    assert r.n_constant == 1 and r.ad_pass <= 2 / 3 and r.dp_pass <= 2 / 3
    only = pass_rates(np.full((30, 2), 1.0))
    assert (only.ad_pass, only.dp_pass, only.ad_mean, only.dp_mean) == (0.0, 0.0, None, None)


def test_gaussian_columns_pass_at_the_null_rate():
    Z = np.random.default_rng(2).normal(size=(500, 3000))
    r = pass_rates(Z)
    null = null_pass_rates(500)
    assert abs(r.ad_pass - null.ad) < 5 * r.ad_pass_se + 1e-3
    assert abs(r.dp_pass - null.dp) < 5 * r.dp_pass_se + 2e-3


def test_dp_pass_asymptotic_is_the_noncentral_chi2_at_scipys_statistic():
    # a sample with skewness b1 and kurtosis b2 has SciPy's K^2; the leading-order pass probability is the
    # noncentral chi^2_2 law at that noncentrality
    rng = np.random.default_rng(3)
    for x in (rng.gamma(4.0, size=800), rng.standard_t(9, size=800), rng.uniform(size=300)):
        b1, b2 = stats.skew(x), stats.kurtosis(x)
        k2 = stats.normaltest(x).statistic
        assert dp_pass_asymptotic(b1, b2, x.size) == pytest.approx(
            stats.ncx2.cdf(-2 * math.log(0.05), 2, k2), rel=1e-9
        )
    assert dp_pass_asymptotic(0.0, 0.0, 2000) == pytest.approx(0.95, abs=2e-3)
    g2 = [0.0, 0.05, 0.1, 0.3]
    vals = [dp_pass_asymptotic(0.0, g, 2000) for g in g2]
    assert all(a > b for a, b in itertools.pairwise(vals))
    assert dp_pass_asymptotic(0.2, 0.1, 2000) < dp_pass_asymptotic(0.0, 0.1, 2000)
    assert dp_pass_asymptotic(-0.2, 0.1, 2000) == pytest.approx(dp_pass_asymptotic(0.2, 0.1, 2000), rel=1e-12)


def _direct(w, p, n, m, seed):
    """Pass rates of w.x from Bernoulli input matrices (no binomial or lattice shortcut)."""
    rng = np.random.default_rng(seed)
    X = (rng.random((n, w.size, m)) < p).astype(float)
    return pass_rates(np.einsum("njm,j->nm", X, w))


def test_ceiling_samplers_against_direct_simulation_of_the_inputs():
    D, p, n, m = 32, 0.1, 200, 1500
    c = pass_rate_ceiling(p, D, n, n_columns=m, seed=0, epsilons=(0.4,))
    for row, w in zip(c.rows, (floor_row(D), jittered_floor_row(D, 0.4)), strict=True):
        d = _direct(w, p, n, m, seed=5)
        for a, b, sa, sb in ((row.rates.ad_pass, d.ad_pass, row.rates.ad_pass_se, d.ad_pass_se),
                             (row.rates.dp_pass, d.dp_pass, row.rates.dp_pass_se, d.dp_pass_se)):  # fmt: skip
            assert abs(a - b) < 5 * math.hypot(sa, sb) + 1e-9
        cum = binary_coordinate_cumulants(w, p)
        assert (row.skewness, row.excess_kurtosis) == pytest.approx(
            (cum.skewness, cum.excess_kurtosis), abs=1e-12
        )
    # the lattice floor row fails AD (ties) while passing DP; the jittered row passes both
    assert c.rows[0].rates.ad_pass < 0.05 < 0.8 < c.rows[0].rates.dp_pass
    assert c.rows[1].rates.ad_pass > 0.8
    assert c.rows[1].rates.dp_pass < c.dp_ceiling + 5 * math.hypot(
        c.dp_ceiling_se, c.rows[1].rates.dp_pass_se
    )
    assert c.dp_ceiling == c.rows[0].rates.dp_pass and c.dp_ceiling_se == c.rows[0].rates.dp_pass_se
    assert c.ad_best == max(r.rates.ad_pass for r in c.rows) and c.ad_best_epsilon == 0.4
    assert c.floor == cumulant_floor(p, D) and c.lam == pytest.approx(3.2)
    assert c.dp_asymptotic == pytest.approx(dp_pass_asymptotic(0.0, cumulant_floor(p, D).kurtosis, n))


def test_the_floor_row_beats_default_init_rows():
    # rows with i.i.d. uniform entries (nn.Linear's init) have R_4 ~ 1.8/D: more kurtosis, fewer DP passes
    D, p, n, m = 64, 0.05, 400, 600
    rng = np.random.default_rng(6)
    X = rng.random((n, D, m)) < p
    W = rng.uniform(-1, 1, (D, m))
    uniform = pass_rates(np.einsum("njm,jm->nm", X, W))
    c = pass_rate_ceiling(p, D, n, n_columns=m, seed=1, epsilons=())
    assert c.dp_ceiling - uniform.dp_pass > 5 * math.hypot(c.dp_ceiling_se, uniform.dp_pass_se)


def test_at_the_mesokurtic_sparsity_the_ceiling_is_the_gaussian_null():
    # p(1-p) = 1/6: zero fourth cumulant and (balanced row) zero skewness: DP cannot tell it from a Gaussian
    c = pass_rate_ceiling(P_MESOKURTIC, 1024, 500, n_columns=1000, seed=2, epsilons=())
    assert abs(c.dp_ceiling - null_pass_rates(500).dp) < 5 * c.dp_ceiling_se


def test_jittered_floor_row():
    np.testing.assert_array_equal(jittered_floor_row(6, 0.0), floor_row(6))
    w = jittered_floor_row(101, 0.5)
    assert np.allclose(np.abs(w) * 1000, np.rint(np.abs(w) * 1000), atol=1e-9)
    np.testing.assert_array_equal(np.sign(w), floor_row(101))
    assert np.abs(w).min() == pytest.approx(0.5) and np.abs(w).max() == pytest.approx(1.5)
    r4 = (w**4).sum() / (w**2).sum() ** 2
    assert 1 / 101 < r4 < (1 + 4 * 0.25 / 3 + 0.05) / 101


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: pass_rates(np.ones((10, 2))), ValueError, "at least 20 rows"),
        (lambda: dp_pass_asymptotic(0.0, 0.0, 10), ValueError, "n_samples must be >= 20"),
        (lambda: dp_pass_asymptotic(0.0, -3.0, 100), ValueError, "excess_kurtosis must be >= -2"),
        (lambda: jittered_floor_row(4, 1.0), ValueError, "epsilon must be < 1"),
        (lambda: pass_rate_ceiling(0.1, 1, 100), ValueError, "D must be >= 2"),
        (lambda: pass_rate_ceiling(0.1, 8, 100, n_columns=0), ValueError, "n_columns must be >= 1"),
        (lambda: pass_rate_ceiling(0.1, 8, 100, epsilons=(0.0,)), ValueError, "epsilons"),
    ],
)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
