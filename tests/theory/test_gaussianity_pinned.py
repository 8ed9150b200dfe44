"""Pinned behaviour of :mod:`theory.gaussianity` (univariate part) that mutation testing showed unchecked:
constant columns at the input's own precision (float32 against float64), the exact boundary of 64
units in the last place, the exact refusal message, the smallest sample, and exact power-of-two scale
invariance of the coefficient of variation."""

import numpy as np
import pytest

from tests.theory._scipy_reference import scipy_ad
from theory.gaussianity import anderson_darling, coefficient_of_variation, constant_columns


def _noisy(dtype) -> np.ndarray:
    """Column 0: 1.0 with noise of 10 float32 ulps; column 1: Gaussian."""
    rng = np.random.default_rng(0)
    col0 = np.float32(1.0) + np.float32(2.0**-23) * rng.integers(0, 10, size=30).astype(np.float32)
    return np.column_stack([col0, rng.standard_normal(30).astype(np.float32)]).astype(dtype)


def test_constant_at_the_precision_of_the_input():
    assert constant_columns(_noisy(np.float32)).tolist() == [0]  # 10 float32 ulps: constant
    assert constant_columns(_noisy(np.float64)).tolist() == []  # ~2e9 float64 ulps: varying
    assert constant_columns(_noisy(np.float64), precision=np.float32).tolist() == [0]
    assert constant_columns(_noisy(np.float64).tolist()).tolist() == []  # lists are float64


def test_the_boundary_is_64_ulps_inclusive():
    u = 2.0**-52
    assert constant_columns(np.array([[1.0], [1.0 + 64 * u]])).tolist() == [0]
    assert constant_columns(np.array([[1.0], [1.0 + 66 * u]])).tolist() == []


def test_refusal_message():
    Z = _noisy(np.float32)
    msg = (
        "Z has 1 numerically constant column(s) (columns 0: range within 64 units in the last place); "
        "normality tests need a varying column: drop it first (numpy.delete(Z, [...], axis=1))"
    )
    with pytest.raises(ValueError) as err:
        anderson_darling(Z)
    assert str(err.value) == msg
    many = np.column_stack([np.ones((25, 12)), np.random.default_rng(1).standard_normal(25)])
    with pytest.raises(ValueError) as err:
        anderson_darling(many)
    assert str(err.value).startswith(
        "Z has 12 numerically constant column(s) (columns 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, ...:"
    )
    assert str(err.value).endswith("drop them first (numpy.delete(Z, [...], axis=1))")


def test_smallest_sample_is_20_rows():
    rng = np.random.default_rng(2)
    assert anderson_darling(rng.standard_normal((20, 2))).shape == (2,)
    with pytest.raises(ValueError, match="Z"):
        anderson_darling(rng.standard_normal((19, 2)))


@pytest.mark.parametrize("e", [-1000, -500, 0, 500, 1000])
def test_cv_is_exactly_invariant_under_powers_of_two(e):
    Z = np.random.default_rng(3).standard_normal((50, 4))
    assert coefficient_of_variation(np.ldexp(Z, e)) == pytest.approx(coefficient_of_variation(Z), rel=1e-14)


def test_coefficient_of_variation_of_zero_rows_names_the_matrix():
    # the message as documented, capital Z as the argument is named
    expected = "Z has only zero rows; the coefficient of variation of the norms is undefined"
    with pytest.raises(ValueError) as exc:
        coefficient_of_variation(np.zeros((3, 2)))
    assert str(exc.value) == expected


def test_anderson_darling_over_the_whole_float_range():
    # each column is rescaled by the power of two of its largest magnitude, whichever end of the sorted
    # column holds it: one value at -+1e300 among values near 1e-10 must neither overflow nor lose the others
    # (AD is scale-invariant: scipy on the column times 1e-290, where every value is a normal float)
    rng = np.random.default_rng(3)
    z = np.column_stack([rng.standard_normal(40) * 1e-10, rng.standard_normal(40) * 1e-10])
    z[7, 0], z[11, 1] = -1e300, 1e300
    got = anderson_darling(z)
    assert np.all(np.isfinite(got))
    for j in range(2):
        assert got[j] == pytest.approx(scipy_ad(z[:, j] * 1e-290), rel=1e-9)


def test_anderson_darling_of_a_column_far_from_zero():
    # 1e8 plus noise of 1e-4: the median is subtracted exactly before the mean, so the statistic is that of
    # the noise (z - 1e8 is exact here); adding the median instead loses 4 digits of it
    rng = np.random.default_rng(4)
    noise = rng.standard_normal(200) * 1e-4
    z = (1e8 + noise)[:, None]
    assert anderson_darling(z)[0] == pytest.approx(scipy_ad(z[:, 0] - 1e8), rel=1e-9)


def test_a_single_column_is_not_sorted_in_place():
    # a (n, 1) float64 column transposes to a contiguous row: the statistics must sort a copy
    z = np.random.default_rng(5).standard_normal((50, 1))
    before = z.copy()
    anderson_darling(z)
    np.testing.assert_array_equal(z, before)


def test_column_stats_without_dp_returns_empty_k2_and_p():
    from theory.gaussianity._univariate import _column_stats

    ad, k2, p = _column_stats(np.random.default_rng(6).standard_normal((30, 3)), want_dp=False)
    assert ad.shape == (3,) and k2.shape == (0,) and p.shape == (0,)
