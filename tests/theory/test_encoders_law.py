"""The exact law of a Binary-input coordinate: enumeration and lattice convolution against brute force,
binomial convolution, the cumulant formulas and Monte Carlo."""

import itertools
import math

import numpy as np
import pytest
from scipy import stats

from theory.encoders import (
    binary_coordinate_cumulants,
    binary_coordinate_law,
    binary_lattice_law,
    floor_row,
)

pytestmark = pytest.mark.claim("Tab1-Bin-ceiling")


def brute_cdf(w, p, b, t):
    D = len(w)
    total = 0.0
    for x in itertools.product((0, 1), repeat=D):
        if b + sum(wj * xj for wj, xj in zip(w, x, strict=True)) <= t:
            k = sum(x)
            total += p**k * (1 - p) ** (D - k)
    return total


def test_enumerated_law_matches_brute_force():
    rng = np.random.default_rng(0)
    w, p, b = rng.normal(size=7), 0.23, 0.5
    law = binary_coordinate_law(w, p, bias=b)
    assert law.probs.sum() == pytest.approx(1.0, abs=1e-14)
    assert np.all(np.diff(law.values) > 0)
    assert law.values.size == 2**7  # generic weights: every subset sum is distinct
    ts = np.concatenate(
        [law.values[::9] + 1e-9, law.values[::13] - 1e-9, [law.values[0] - 1, law.values[-1] + 1]]
    )
    np.testing.assert_allclose(law.cdf(ts), [brute_cdf(w, p, b, t) for t in ts], atol=1e-13)
    assert law.cdf(0.0).shape == ()


def test_enumerated_law_merges_equal_sums():
    law = binary_coordinate_law([1.0, 1.0, 1.0], 0.3)
    np.testing.assert_array_equal(law.values, [0, 1, 2, 3])
    np.testing.assert_allclose(law.probs, stats.binom.pmf(np.arange(4), 3, 0.3), rtol=1e-14)
    # at the atoms themselves the CDF includes the atom
    np.testing.assert_allclose(
        law.cdf([0.0, 1.0, 2.0, 3.0]), stats.binom.cdf(np.arange(4), 3, 0.3), rtol=1e-14
    )
    c = law.cumulants()
    assert (c.mean, c.variance) == pytest.approx((0.9, 0.63), rel=1e-13)
    assert c.excess_kurtosis == pytest.approx((1 - 6 * 0.21) / (0.21 * 3), rel=1e-10)


def test_floor_row_lattice_law_is_a_difference_of_binomials():
    D, p = 64, 0.1
    law = binary_lattice_law(floor_row(D), p, step=1.0)
    assert law.shift == 0.0
    assert law.deficit <= law.tail <= 1e-12
    plus = stats.binom.pmf(np.arange(33), 32, p)
    diff = np.convolve(plus, plus[::-1])  # K+ - K- on -32..32
    values = np.arange(-32, 33)
    pmf = np.zeros(values.size)
    pmf[np.searchsorted(values, law.values)] = law.pmf
    np.testing.assert_allclose(pmf, diff, atol=1e-15)
    np.testing.assert_allclose(law.row, floor_row(D))
    # its CDF, between and at the lattice points, and the (exact-row) bounds around it
    ts = np.array([-3.5, -1.0, 0.0, 0.5, 2.0, 7.25])
    exact = np.array([diff[: int(np.floor(t)) + 33].sum() for t in ts])
    np.testing.assert_allclose(law.cdf(ts), exact, atol=1e-14)
    lo, hi = law.cdf_bounds(ts)
    assert (
        np.all(lo <= exact + 1e-14) and np.all(exact <= hi + 1e-14) and np.all(hi - lo <= law.deficit + 1e-15)
    )


def test_lattice_cdf_bounds_bracket_the_exact_cdf_of_an_off_lattice_row():
    rng = np.random.default_rng(2)
    w, p, b = rng.normal(size=12), 0.2, -0.3
    exact = binary_coordinate_law(w, p, bias=b)
    ts = np.linspace(exact.values[0] - 0.5, exact.values[-1] + 0.5, 301)
    F = exact.cdf(ts)
    for step, tail in ((0.05, 1e-3), (0.002, 1e-9)):
        law = binary_lattice_law(w, p, bias=b, step=step, tail=tail)
        assert law.shift > 0
        lo, hi = law.cdf_bounds(ts)
        assert np.all(lo <= F + 1e-13) and np.all(F <= hi + 1e-13)
    # with a fine step the bounds are tight away from the atoms
    assert np.median(hi - lo) < 0.02
    # k_max covers all but `tail` of K ~ Bin(12, 0.2)
    assert law.tail == pytest.approx(stats.binom.sf(law.k_max, 12, 0.2))
    assert stats.binom.sf(law.k_max - 1, 12, 0.2) > 1e-9


def test_lattice_law_of_a_wide_row_has_the_cumulants_of_its_rounded_row():
    # D = 1024, p = 0.01 (the project's Binary setting): convolution against the closed-form cumulants
    rng = np.random.default_rng(3)
    w = rng.uniform(-1 / 32, 1 / 32, 1024)
    law = binary_lattice_law(w, 0.01, bias=0.02)
    assert law.deficit < 1e-12 and law.pmf.size < 2**22
    got = law.cumulants()
    want = binary_coordinate_cumulants(law.row, 0.01, bias=0.02)
    np.testing.assert_allclose(got.kappa, want.kappa, rtol=1e-8, atol=1e-15)
    assert np.max(np.abs(law.row - w)) <= law.step / 2 + 1e-15


def test_sampling_matches_the_law():
    rng = np.random.default_rng(4)
    w = rng.normal(size=10)
    law = binary_coordinate_law(w, 0.3)
    lat = binary_lattice_law(w, 0.3, step=1e-3)
    c = law.cumulants()
    n = 200_000
    for z, F in ((law.sample(n, 0), law.cdf), (lat.sample(n, 1), lat.cdf)):
        assert abs(z.mean() - c.mean) < 5 * math.sqrt(c.variance / n)
        v = ((z - c.mean) ** 2).mean()
        assert abs(v - c.variance) < 5 * math.sqrt((c.excess_kurtosis + 2) * c.variance**2 / n)
        for t in (c.mean - math.sqrt(c.variance), c.mean + 0.1):
            f = float(F(t))
            assert abs((z <= t).mean() - f) < 5 * math.sqrt(f * (1 - f) / n)
    lo, hi = lat.cdf_bounds(c.mean)
    assert lo <= law.cdf(c.mean) <= hi
    # draws lie on the atoms
    assert np.isin(law.sample(1000, 2), law.values).all()


@pytest.mark.parametrize(
    ("call", "exc", "match"),
    [
        (lambda: binary_coordinate_law(np.ones(21), 0.1), ValueError, "at most 20 entries"),
        (lambda: binary_coordinate_law(np.ones(3), 1.5), ValueError, "p must be < 1"),
        (lambda: binary_lattice_law(np.zeros(3), 0.1), ValueError, "non-zero entry"),
        (lambda: binary_lattice_law(np.ones(3), 0.1, step=0.0), ValueError, "step must be > 0"),
        (lambda: binary_lattice_law(np.ones(3), 0.1, tail=0.7), ValueError, "tail must be < 0.5"),
        (lambda: binary_lattice_law(np.ones(500), 0.5, step=1e-6), ValueError, "max_points"),
        (lambda: binary_coordinate_law([1.0], 0.1).cdf([np.inf]), ValueError, "t must be finite"),
        (lambda: binary_coordinate_law([1.0], 0.1).sample(0), ValueError, "n_samples must be >= 1"),
    ],
)
def test_bad_inputs_name_the_argument(call, exc, match):
    with pytest.raises(exc, match=match):
        call()
