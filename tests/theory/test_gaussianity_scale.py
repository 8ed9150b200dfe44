"""Constant columns and extreme scales.

A constant (or numerically constant) column must be reported by index at every n and every scale;
data scaled by 1e300 or 1e-300 must give the numbers of the unscaled data (the tests are location-
scale invariant); nothing may emit a RuntimeWarning. References: the unscaled data's statistics
from SciPy (independent), and exact rescaling by powers of two.
"""

import warnings

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from tests.theory._scipy_reference import scipy_ad
from theory.gaussianity import (
    anderson_darling,
    coefficient_of_variation,
    constant_columns,
    dagostino_pearson,
    diagnose,
    multivariate_normality,
    sliced_wasserstein_gaussian,
)

pytestmark = pytest.mark.claim("DIAG")


def _with_constant(n, value, j=2, d=4, noise=0.0, dtype=np.float64, seed=0):
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, d))
    col = np.full(n, value, dtype=np.float64)
    if noise:
        col = col * (1.0 + noise * np.finfo(dtype).eps * rng.standard_normal(n))
    Z[:, j] = col
    return Z.astype(dtype)


@pytest.mark.parametrize("n", [20, 137, 1000, 10007])
@pytest.mark.parametrize("value", [0.1, 1e-300, 1e300, -3.7, 1 / 3])
def test_constant_float64_column_is_named_at_every_n_and_scale(n, value):
    # the former check var <= (eps |mean|)^2 let 0.1 or 1/3 through (rounding in the mean), and
    # flagged or missed 1e300 by overflow; the range test is exact
    Z = _with_constant(n, value, j=2)
    for fn in (anderson_darling, dagostino_pearson, diagnose):
        with pytest.raises(ValueError, match=r"1 numerically constant column\(s\) \(columns 2:"):
            fn(Z)


@pytest.mark.parametrize("n", [20, 500, 20000])
@pytest.mark.parametrize("value", [0.1, 1e-300, 1e300, 2.5])
def test_constant_plus_rounding_noise_is_constant(n, value):
    Z = _with_constant(n, value, j=1, noise=2.0)  # relative noise 2 eps: a few units in the last place
    assert constant_columns(Z).tolist() == [1]
    with pytest.raises(ValueError, match=r"columns 1:"):
        diagnose(Z, extras=False)


@pytest.mark.parametrize("value", [0.1, 1e-30, 1e30, 7.0])
def test_float32_constant_with_float32_noise(value):
    Z = _with_constant(300, value, j=0, noise=2.0, dtype=np.float32)
    with pytest.raises(ValueError, match=r"columns 0:"):
        diagnose(Z, extras=False)
    # the same values declared float64 are not constant at float64 precision only if they vary by
    # more than 64 float64 ulps, which float32 rounding noise does
    assert constant_columns(Z.astype(np.float64)).size in (0, 1)


def test_several_constant_columns_are_all_named():
    Z = np.random.default_rng(1).standard_normal((50, 8))
    Z[:, [1, 4, 7]] = [0.1, 1e300, -2e-300]
    with pytest.raises(ValueError, match=r"3 numerically constant column\(s\) \(columns 1, 4, 7:"):
        diagnose(Z)


@pytest.mark.parametrize("scale", [1e-300, 1e-150, 1e150, 1e300, 1.7e307])
def test_extreme_scales_give_the_unscaled_numbers(scale):
    rng = np.random.default_rng(2)
    Z = rng.standard_normal((400, 8))
    ref_ad = np.array([scipy_ad(Z[:, j]) for j in range(8)])
    ref_p = np.array([stats.normaltest(Z[:, j]).pvalue for j in range(8)])
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no RuntimeWarning from any module
        assert constant_columns(Z * scale).size == 0  # once reported "8 constant columns" at 1e300
        r = diagnose(Z * scale, n_projections=3, seed=0, sw_null=2)
        np.testing.assert_allclose(r.ad, ref_ad, rtol=1e-9)
        np.testing.assert_allclose(r.dp_pvalue, ref_p, rtol=1e-8)
        ref = diagnose(Z, n_projections=3, seed=0, sw_null=2)
        assert r.cv == pytest.approx(ref.cv, rel=1e-12)
        assert r.multivariate.mardia_kurtosis == pytest.approx(ref.multivariate.mardia_kurtosis, rel=1e-9)
        assert r.multivariate.hz == pytest.approx(ref.multivariate.hz, rel=1e-9)
        np.testing.assert_allclose(r.projections.ad, ref.projections.ad, rtol=1e-9)
        assert r.sliced_wasserstein.sw2 == pytest.approx(scale * ref.sliced_wasserstein.sw2, rel=1e-9)
        assert r.sliced_wasserstein.scale == pytest.approx(scale * ref.sliced_wasserstein.scale, rel=1e-9)


def test_mixed_column_scales():
    rng = np.random.default_rng(3)
    G = rng.standard_normal((300, 4))
    scales = np.array([1e-300, 1.0, 1e150, 1e300])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        np.testing.assert_allclose(anderson_darling(G * scales), anderson_darling(G), rtol=1e-9)
        m0 = multivariate_normality(G)
        m1 = multivariate_normality(G * scales)
    assert m1.hz == pytest.approx(m0.hz, rel=1e-9)
    assert m1.mardia_skewness == pytest.approx(m0.mardia_skewness, rel=1e-8)


def test_nearly_constant_but_resolved_column_is_tested_accurately():
    # 1000 + 1e-9 * N(0,1): about 1e4 ulps of spread, well resolved; the standardisation is exact
    # after subtracting the median, so the AD equals SciPy's on the centred column
    rng = np.random.default_rng(4)
    x = rng.standard_normal(500)
    Z = np.column_stack([1000.0 + 1e-9 * x, rng.standard_normal(500)])
    ref = scipy_ad(Z[:, 0] - 1000.0)  # the exact differences (Sterbenz), then SciPy
    assert anderson_darling(Z)[0] == pytest.approx(ref, rel=1e-7)


def test_coefficient_of_variation_at_extreme_scales():
    rng = np.random.default_rng(5)
    Z = rng.standard_normal((100, 6))
    ref = coefficient_of_variation(Z)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        for scale in (1e-305, 1e305):
            assert coefficient_of_variation(Z * scale) == pytest.approx(ref, rel=1e-12)


def test_sliced_w2_with_one_constant_column_is_defined():
    # a constant coordinate is a departure from the isotropic Gaussian, not an error, for the SW2
    rng = np.random.default_rng(6)
    Z = rng.standard_normal((500, 3))
    Z[:, 0] = 0.1
    res = sliced_wasserstein_gaussian(Z, n_null=4, seed=0)
    assert res.excess_z > 5
    with pytest.raises(ValueError, match="no varying column"):
        sliced_wasserstein_gaussian(np.full((30, 2), 0.3))


@settings(max_examples=60)
@given(
    n=st.integers(20, 400),
    value=st.floats(-1e300, 1e300, allow_nan=False, allow_infinity=False, allow_subnormal=True),
    ulps=st.integers(0, 8),
    seed=st.integers(0, 2**16),
)
def test_constant_column_property(n, value, ulps, seed):
    # any value, any n, a few ulps of jitter: always named, never a warning
    rng = np.random.default_rng(seed)
    Z = rng.standard_normal((n, 3))
    Z[:, 1] = value
    if ulps:
        Z[:, 1] = np.nextafter(Z[:, 1], np.where(rng.random(n) < 0.5, np.inf, -np.inf))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert constant_columns(Z).tolist() == [1]
        with pytest.raises(ValueError, match=r"columns 1:"):
            anderson_darling(Z)


@settings(max_examples=30)
@given(exponent=st.integers(-300, 300), seed=st.integers(0, 2**16))
def test_scaled_gaussian_data_is_never_constant_property(exponent, seed):
    Z = np.random.default_rng(seed).standard_normal((40, 3)) * 10.0**exponent
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert constant_columns(Z).size == 0
        assert np.all(np.isfinite(anderson_darling(Z)))
