"""Pinned values of :mod:`theory.special` that mutation testing showed unchecked.

The log-Bessel functions against mpmath at 40 digits on both sides of every switch between routes
(series ``x^2/4 <= nu + 1``, Hankel ``x >= 20 nu^2``, the uniform expansion from ``nu = 128``), at
extreme arguments where a missing
``errstate`` would warn (warnings from ``theory`` are errors in this suite), and the scalar/array
type of the results.
"""

import math

import mpmath as mp
import numpy as np
import pytest

from theory.special import _log_ive, log_iv, log_iv_normalized, log_iv_scaled, log_sphere_area, log_vmf_norm


def _mp_log_iv(nu: float, x: float) -> float:
    with mp.workdps(40):
        return float(mp.log(mp.besseli(nu, x)))


def _points():
    pts = []
    for nu in (0.0, 0.5, 1.0, 3.0, 30.0):
        pts += [(nu, 2.0 * math.sqrt(nu + 1.0) * f) for f in (0.999, 1.0, 1.001)]  # series switch
        if nu > 0:
            pts += [(nu, 20.0 * nu * nu * f) for f in (0.999, 1.0, 1.001)]  # Hankel switch
    return [*pts, (2.0, 0.3), (7.5, 40.0), (0.0, 700.0)]


@pytest.mark.parametrize(("nu", "x"), _points())
def test_log_bessel_against_mpmath_at_the_route_switches(nu, x):
    ref = _mp_log_iv(nu, x)
    assert log_iv(nu, x) == pytest.approx(ref, rel=1e-13, abs=1e-13)
    # log_iv_scaled = log I_nu(x) - nu log(x/2)
    assert log_iv_scaled(nu, x) == pytest.approx(ref - nu * math.log(x / 2), rel=1e-12, abs=1e-12)
    with mp.workdps(40):
        norm = float(mp.log(mp.besseli(nu, x) * mp.gamma(nu + 1) * (2 / mp.mpf(x)) ** nu))
    assert log_iv_normalized(nu, x) == pytest.approx(norm, rel=1e-12, abs=1e-15)


def _mp_log_iv_normalized(nu: float, x: float) -> float:
    with mp.workdps(40):
        nu_, x_ = mp.mpf(nu), mp.mpf(x)
        return float(
            mp.loggamma(nu_ + 1) - nu_ * mp.log(x_ / 2) + mp.log(mp.besseli(nu_, x_, maxterms=10**6))
        )


@pytest.mark.parametrize("nu", [127.0, 128.0, 1000.0, 5e4, 5e6])
@pytest.mark.parametrize("f", [1.0001, 1.01, 1.5, 10.0, 100.0])
def test_log_iv_normalized_at_large_order_against_mpmath(nu, f):
    # just past the series regime (x = 2 sqrt(nu + 1) f) the result is about f^2, while gammaln(nu + 1)
    # and nu log(x/2) are about nu log nu: summed apart they cancel to nu ulps (6e-9 relative at
    # nu = 5e6, f = 1.5); folded into the uniform expansion every order keeps under 1e-13 (6e-14 at the
    # switch, nu = 128)
    x = 2.0 * math.sqrt(nu + 1.0) * f
    assert log_iv_normalized(nu, x) == pytest.approx(_mp_log_iv_normalized(nu, x), rel=1e-13, abs=0.0)


def test_extreme_arguments_give_finite_numbers_without_warnings():
    # lgamma(nu + 1) overflows beyond 2.5e305, x^2 beyond 1e154: no warning may escape
    assert np.isfinite(log_iv(1.0, 1e200)) and np.isfinite(log_iv_scaled(1.0, 1e200))
    assert log_iv(0.0, 0.0) == 0.0 and log_iv(2.0, 0.0) == -np.inf
    assert log_iv_scaled(1e306, 1.0) == -np.inf  # lgamma(nu + 1) overflows: -inf, no warning


@pytest.mark.parametrize(
    ("nu", "x"), [(0.0, 1e10), (0.0, 1e308), (3.0, 1.7e308), (150.0, 1e300), (1e4, 1e308)]
)
def test_log_iv_normalized_up_to_the_largest_float(nu, x):
    # scipy's ive is nan beyond x ~ 3.6e9 and 2 pi x overflows beyond 2.8e307: the result must still be
    # log Gamma(nu + 1) - nu log(x/2) + log I_nu(x) (mpmath at 40 digits), finite and without a warning
    with mp.workdps(40):
        nu_, x_ = mp.mpf(nu), mp.mpf(x)
        ref = float(mp.loggamma(nu_ + 1) - nu_ * mp.log(x_ / 2) + mp.log(mp.besseli(nu_, x_)))
    assert log_iv_normalized(nu, x) == pytest.approx(ref, rel=1e-15, abs=0.0)


def test_scalar_in_scalar_out():
    for f in (log_iv, log_iv_scaled, log_iv_normalized):
        out = f(1.5, 2.0)
        assert isinstance(out, float) and np.ndim(out) == 0
        assert f(np.array([1.5, 2.5]), 2.0).shape == (2,)
    assert isinstance(log_vmf_norm(3, 2.0), float)


def test_log_sphere_area_from_d_1():
    assert log_sphere_area(1) == pytest.approx(math.log(2.0), rel=1e-15)  # S^0 = {-1, 1}
    assert log_sphere_area(3) == pytest.approx(math.log(4 * math.pi), rel=1e-15)


@pytest.mark.parametrize("x", [5e-324, 1.5e-323, 3.5e-323, 1e-315, 4.4e-308])
@pytest.mark.parametrize("nu", [0.5, 1.0, 3.0])
def test_log_iv_at_subnormal_arguments(nu, x):
    # x / 2 rounds (or underflows to 0) below the normal range: log(x/2) must not come from it
    with mp.workdps(40):
        ref = float(mp.log(mp.besseli(nu, mp.mpf(x))))
    assert log_iv(nu, x) == pytest.approx(ref, rel=1e-14)


@pytest.mark.parametrize("bad", [True, np.bool_(False), "2.0", b"2", None, [[1.0, 2.0], [3.0]]])
def test_non_numbers_are_refused_with_the_argument_named(bad):
    with pytest.raises(TypeError, match=r"^nu must be a real number or an array of real numbers; got "):
        log_iv(bad, 1.0)


def test_integer_arguments_are_accepted_as_reals():
    nu, x = np.array([0, 1, 3], dtype=np.int64), np.array([2, 5, 40], dtype=np.int32)
    got = log_iv(nu, x)
    assert got.dtype == np.float64
    np.testing.assert_allclose(got, [_mp_log_iv(n, v) for n, v in ((0, 2), (1, 5), (3, 40))], rtol=1e-13)
    assert log_iv_normalized(2, 3) == pytest.approx(
        _mp_log_iv(2, 3) + math.log(2.0) - 2 * math.log(1.5), rel=1e-13
    )


@pytest.mark.parametrize("nu", [0.0, 0.5, 1.0, 1.5, 2.0])
@pytest.mark.parametrize("x", [0.5, 5.0, 20.0, 49.9, 50.0, 100.0, 1e10])
def test_log_ive_against_mpmath_at_small_order(nu, x):
    # log(e^-x I_nu(x)): Hankel's series only where its ten terms suffice (x >= max(20 nu^2, 50)),
    # scipy's ive below (about 1e-14 relative: 1.1e-14 seen at x = 20); theory.vmf's large-kappa route and
    # log_iv_normalized beyond x = 3.6e9 use it. Hankel's series at x = 20 was 1.6e-12 off, at x = 5 2e-6
    with mp.workdps(40):
        ref = float(mp.log(mp.besseli(nu, x)) - x)
    assert float(_log_ive(np.array([nu]), np.array([x]))[0]) == pytest.approx(ref, rel=4e-14, abs=0.0)


def _mp_series_log(nu: float, x: float) -> float:
    """``log 0F1(; nu + 1; x^2/4)`` at 40 digits (mpmath's own hypergeometric summation)."""
    with mp.workdps(40):
        return float(mp.log(mp.hyp0f1(mp.mpf(nu) + 1, mp.mpf(x) ** 2 / 4)))


def test_series_arrays_of_one_order_and_of_many_against_mpmath():
    # the series stops once every term is under half an ulp of its sum: in an array the element that
    # converges last (x^2/4 at nu + 1) decides, and one order (a kernel's matrix) or many must give each
    # element its own sum; 1e-14 relative is a few ulps of log 0F1
    frac = np.array([0.0, 1e-12, 1e-6, 0.01, 0.3, 0.7, 0.95, 1.0])
    one = np.sqrt(4.0 * 7.5 * frac).reshape(2, 4)  # nu = 6.5 (d = 16)
    got = log_iv_normalized(6.5, one)
    assert got.shape == (2, 4)
    ref = [_mp_series_log(6.5, v) for v in one.ravel()]
    np.testing.assert_allclose(got.ravel(), ref, rtol=1e-14, atol=0.0)
    orders = np.array([0.0, 0.5, 3.0, 30.0, 200.0, 5e4, 6.5, 0.0])
    many = np.sqrt(4.0 * (orders + 1.0) * frac[::-1])
    ref = [_mp_series_log(n, v) for n, v in zip(orders, many, strict=True)]
    np.testing.assert_allclose(log_iv_normalized(orders, many), ref, rtol=1e-14, atol=0.0)
    assert log_iv_normalized(6.5, np.empty((0, 3))).shape == (0, 3)


def test_an_array_across_the_routes_against_mpmath():
    # series, scipy's ive, the uniform expansion and Hankel's series in one call: each element by its route
    nu = np.array([6.5, 6.5, 6.5, 200.0, 200.0, 0.0])
    x = np.array([0.5, 5.3, 60.0, 10.0, 400.0, 1e10])
    ref = [_mp_log_iv_normalized(n, v) for n, v in zip(nu, x, strict=True)]
    np.testing.assert_allclose(log_iv_normalized(nu, x), ref, rtol=1e-13, atol=0.0)


@pytest.mark.parametrize(("nu", "x"), [(1.5, 2.0), (1.5, 20.0), (200.0, 100.0), (0.0, 1e10)])
def test_scalar_in_scalar_out_on_every_route(nu, x):
    # the series (x^2/4 <= nu + 1), scipy's ive, the uniform expansion (nu >= 128) and Hankel's series each
    # return a Python float for scalar arguments, with the value mpmath gives
    out = log_iv_normalized(nu, x)
    assert isinstance(out, float) and np.ndim(out) == 0
    assert out == pytest.approx(_mp_log_iv_normalized(nu, x), rel=1e-13, abs=0.0)


def test_the_series_stops_only_where_the_full_sum_is_reached_to_the_last_bit():
    # the plain 60-term loop, written here: the early stop must give its sums bit for bit, for one order
    # (a kernel's matrix) and for many, across the whole series domain x^2/4 <= nu + 1
    from theory.special import _SERIES_TERMS, _series_scaled

    rng = np.random.default_rng(11)
    orders = np.concatenate([rng.uniform(0.0, 300.0, 3000), [0.0, 1e6], np.full(3000, 6.5)])
    x = np.sqrt(4.0 * (orders + 1.0) * rng.uniform(0.0, 1.0, orders.size))
    x[:50] = 0.0
    for nu, xs in ((orders, x), (orders[-3000:], x[-3000:])):
        y = 0.25 * xs * xs
        term, acc = np.ones_like(y), np.zeros_like(y)
        for k in range(1, _SERIES_TERMS + 1):
            term = term * y / (k * (nu + k))
            acc = acc + term
        np.testing.assert_array_equal(_series_scaled(nu, y), np.log1p(acc))
