"""Pinned values of :mod:`theory.sphere` that mutation testing showed unchecked.

Each test compares against an independent value (a closed form typed here, mpmath, or the sampler's
algorithm written out with the same generator), never against the function itself.
"""

import math
import warnings

import mpmath as mp
import numpy as np
import pytest

from theory.sphere import crossing_radii, log_density_ratio, project, projection_logpdf, sample_uniform


@pytest.mark.parametrize(("d", "k"), [(5, 1), (12, 3)])
def test_log_density_ratio_at_zero_is_the_normalising_constant(d, k):
    # s = 0 is a valid squared radius: L(0) = log[Gamma(d/2) (2/d)^{k/2} / Gamma((d-k)/2)]
    with mp.workdps(30):
        c = (
            mp.loggamma(mp.mpf(d) / 2)
            - mp.loggamma(mp.mpf(d - k) / 2)
            + mp.mpf(k) / 2 * mp.log(mp.mpf(2) / d)
        )
    out = log_density_ratio([0.0], d, k)
    assert out[0] == pytest.approx(float(c), rel=1e-13)
    with pytest.raises(ValueError, match="s must hold squared radii >= 0"):
        log_density_ratio([-1e-300], d, k)


def test_crossing_radii_tuple_use_warns():
    cr = crossing_radii(10, 1)
    assert len(cr) == 2
    with warnings.catch_warnings(record=True) as rec:
        warnings.simplefilter("always")
        s_lo, s_hi = cr
        first = cr[0]
    assert (s_lo, s_hi) == (cr.s_lo, cr.s_hi) and first == cr.s_lo
    assert len(rec) == 2
    for w in rec:
        assert w.category is DeprecationWarning
        assert str(w.message) == (
            "crossing_radii(...) returns a CrossingRadii; unpacking or indexing it like the old tuple is "
            "deprecated: use .s_lo and .s_hi"
        )


def test_sample_uniform_is_normalised_gaussian_rows_and_accepts_the_smallest_sizes():
    # the algorithm written out: one draw of standard normals, each row divided by its norm
    g = np.random.default_rng(7).standard_normal((6, 1))
    assert np.array_equal(sample_uniform(6, 1, seed=7), g / np.abs(g))  # d = 1: random signs
    g = np.random.default_rng(3).standard_normal((1, 4))
    np.testing.assert_allclose(sample_uniform(1, 4, seed=3), g / np.linalg.norm(g), rtol=0, atol=1e-15)


def test_project_rows_and_the_zero_row():
    z = np.array([[0.0, 0.0, 0.0], [3.0, 4.0, 0.0], [0.0, -2.0, 0.0]])
    expected = np.array([[1.0, 0.0, 0.0], [0.6, 0.8, 0.0], [0.0, -1.0, 0.0]])  # zero row -> e_1
    np.testing.assert_allclose(project(z), expected, rtol=0, atol=1e-15)
    c0 = np.array([0.0, 0.0, 1.0])
    np.testing.assert_allclose(project(z, c0=c0)[0], c0, rtol=0, atol=0)
    tiny = np.finfo(np.float64).tiny
    np.testing.assert_allclose(project([[4 * tiny, 0.0, 0.0]]), [[1.0, 0.0, 0.0]], rtol=1e-15)


def test_dir_lists_the_moved_names():
    import theory.sphere

    names = dir(theory.sphere)
    assert names == sorted(names)
    assert {"plot_tv_vs_d", "tv_vs_d_table", "projection_tv", "sample_uniform"} <= set(names)


@pytest.mark.parametrize(("d", "k"), [(5, 3), (5, 4), (10, 9)])
def test_log_density_ratio_is_minus_inf_from_s_equal_d(d, k):
    # the support of the projection is the open ball s < d: L = -inf at s = d exactly (as documented),
    # also for k >= d - 2, where the density itself does not vanish at the boundary
    out = log_density_ratio([float(d), 2.0 * d], d, k)
    assert out.tolist() == [-np.inf, -np.inf]


def test_projection_logpdf_names_the_type_of_a_non_bool_scaled():
    with pytest.raises(TypeError, match=r"^scaled must be a bool; got int 1$"):
        projection_logpdf(np.zeros((1, 1)), 5, scaled=1)


# ---------------------------------------------------------------------------------------------------
# The accurate elementary pieces (theory.sphere._numerics), each against mpmath or a closed form.
# ---------------------------------------------------------------------------------------------------


def _mp_log_ratio(s, d, k, dps=60):
    """L(s) = log Gamma(d/2) - log Gamma((d-k)/2) + (k/2) log(2/d) + ((d-k-2)/2) log(1 - s/d) + s/2."""
    with mp.workdps(dps):
        D, K, S = mp.mpf(d), mp.mpf(k), mp.mpf(s)
        c = mp.loggamma(D / 2) - mp.loggamma((D - K) / 2) + K / 2 * mp.log(2 / D)
        return c + (D - K - 2) / 2 * mp.log1p(-S / D) + S / 2


def _mp_bisect(f, lo, hi, steps=140):
    """A root of f in (lo, hi) where f changes sign, by plain bisection (140 halvings: 1e-42 relative)."""
    f_lo = f(lo)
    for _ in range(steps):
        mid = (lo + hi) / 2
        if (f(mid) > 0) == (f_lo > 0):
            lo = mid
        else:
            hi = mid
    return (lo + hi) / 2


def _mp_crossings(d, k):
    """The roots of L(s) = 0 in (0, d), by bisection of L at 80 digits (the law's definition)."""
    with mp.workdps(80):
        D, K = mp.mpf(d), mp.mpf(k)
        c = mp.loggamma(D / 2) - mp.loggamma((D - K) / 2) + K / 2 * mp.log(2 / D)

        def f(s):
            return c + (D - K - 2) / 2 * mp.log1p(-s / D) + s / 2

        top = D * (1 - mp.mpf(10) ** -60)
        if d - k - 2 > 0:
            return float(_mp_bisect(f, mp.mpf(0), K + 2)), float(_mp_bisect(f, K + 2, top))
        return float(_mp_bisect(f, mp.mpf(0), top)), float(d)


# (d, k): a = (d-k-2)/2 < 0, = 0, > 0; x = (d-k)/2 below, at and above the series threshold 10; huge d
_DK = [
    (3, 2),
    (3, 1),
    (4, 1),
    (7, 2),
    (21, 1),
    (22, 2),
    (23, 3),
    (100, 3),
    (10**6, 20),
    (10**12, 2),
    (10**20, 1),
]


@pytest.mark.parametrize(("d", "k"), _DK)
def test_log_density_ratio_against_mpmath(d, k):
    # the docstring promises full relative accuracy (measured: 3e-15 at worst over these points)
    ss = [s for s in (0.0, 0.5, k + 2.0, 2.0 * k + 5.0, 0.75 * d) if s < d]
    out = log_density_ratio(ss, d, k)
    ref = [float(_mp_log_ratio(s, d, k)) for s in ss]
    np.testing.assert_allclose(out, ref, rtol=1e-13, atol=0)


@pytest.mark.parametrize(("d", "k"), _DK)
def test_log_density_ratio_scalar_form_against_mpmath(d, k):
    from theory.sphere._numerics import _consts, _L_scalar

    cs = _consts(d, k)
    for s in (0.0, 0.5, k + 2.0, 0.75 * d):
        if s < d:
            assert _L_scalar(s, cs) == pytest.approx(float(_mp_log_ratio(s, d, k)), rel=1e-13, abs=0)
    # outside the support, s >= d, the log ratio is -inf (the density of sqrt(d) X vanishes there)
    assert _L_scalar(float(d), cs) == -math.inf
    assert _L_scalar(2.0 * d, cs) == -math.inf


@pytest.mark.parametrize(("d", "k"), _DK)
def test_crossing_radii_are_the_roots_of_the_log_ratio(d, k):
    lo, hi = _mp_crossings(d, k)
    cr = crossing_radii(d, k)
    # Newton to 4e-16 in v (a > 0) and brentq to 4 eps (a <= 0): the radii to a few ulps
    assert cr.s_lo == pytest.approx(lo, rel=1e-13, abs=0)
    assert cr.s_hi == pytest.approx(hi, rel=1e-13, abs=0)
    assert 0.0 < cr.s_lo < cr.s_hi <= d


@pytest.mark.parametrize(("d", "k"), [(3, 2), (3, 1), (4, 1), (7, 2), (23, 3), (100, 1), (100, 3)])
def test_tv_parts_are_the_cdf_differences_at_the_crossings(d, k):
    # TV = D1 + D2, D1 = G(s_lo) - F(s_lo), D2 = Gsf(s_hi) - Fsf(s_hi), with F the CDF of d Beta(k/2,
    # (d-k)/2) and G that of chi^2_k, all at mpmath's crossings and by mpmath's incomplete functions
    from theory.sphere._numerics import _consts, _tv_parts

    lo, hi = _mp_crossings(d, k)
    with mp.workdps(30):
        h, x = mp.mpf(k) / 2, mp.mpf(d - k) / 2
        D1 = mp.gammainc(h, 0, lo / 2, regularized=True) - mp.betainc(h, x, 0, lo / d, regularized=True)
        D2 = mp.gammainc(h, hi / 2, mp.inf, regularized=True)
        if hi < d:
            D2 -= mp.betainc(h, x, hi / d, 1, regularized=True)
    out = _tv_parts(_consts(d, k))
    # differences of O(1) CDFs of size O(1/d): 1e-10 relative is well above their rounding
    assert out[0] == pytest.approx(float(D1), rel=1e-10)
    assert out[1] == pytest.approx(float(D2), rel=1e-10)
    assert out[2] == pytest.approx(lo, rel=1e-13) and out[3] == pytest.approx(hi, rel=1e-13)


@pytest.mark.parametrize(("d", "k"), [(4, 1), (10, 3)])
def test_radius_cdfs_against_mpmath_and_at_the_edge_of_the_support(d, k):
    from theory.sphere._numerics import _F, _G, _consts, _Fsf, _Gsf

    cs = _consts(d, k)
    h, x = k / 2, (d - k) / 2
    for s in (0.3, 2.5):
        with mp.workdps(30):
            F = mp.betainc(h, x, 0, mp.mpf(s) / d, regularized=True)
            G = mp.gammainc(h, 0, mp.mpf(s) / 2, regularized=True)
        assert _F(s, cs) == pytest.approx(float(F), rel=1e-13)
        assert _Fsf(s, cs) == pytest.approx(float(1 - F), rel=1e-13)
        assert _G(s, h) == pytest.approx(float(G), rel=1e-13)
        assert _Gsf(s, h) == pytest.approx(float(1 - G), rel=1e-13)
    # S = d B <= d: its CDF is 1 from s = d on
    for s in (float(d), 2.0 * d):
        assert _F(s, cs) == 1.0
        assert _Fsf(s, cs) == 0.0


@pytest.mark.parametrize("z", [10.0, 12.5, 1e3, 1e8, 1e15, 1e20])
def test_stirling_and_digamma_tails_against_mpmath(z):
    from theory.sphere._numerics import _digamma_tail, _stirling_tail

    with mp.workdps(60):
        Z = mp.mpf(z)
        S = mp.loggamma(Z) - ((Z - mp.mpf(1) / 2) * mp.log(Z) - Z + mp.log(2 * mp.pi) / 2)
        T = mp.log(Z) - 1 / (2 * Z) - mp.digamma(Z)
    # the series are exact to double precision from z = 10 on (truncation error below 1e-17)
    assert _stirling_tail(z) == pytest.approx(float(S), rel=1e-14, abs=0)
    assert _digamma_tail(z) == pytest.approx(float(T), rel=1e-14, abs=0)


_Y = [-0.75, -0.3, -0.25, -0.1, -1e-5, 0.0, 1e-8, 0.2, 0.25, 0.3, 2.0, 40.0]


def test_log1pmx_against_mpmath():
    from theory.sphere._numerics import _log1pmx, _log1pmx_scalar, _psi

    with mp.workdps(40):
        ref = [float(mp.log1p(mp.mpf(y)) - mp.mpf(y)) for y in _Y]
    # without cancellation: full relative accuracy also for tiny |y| (where log1p(y) - y loses it all)
    np.testing.assert_allclose(_log1pmx(np.array(_Y)), ref, rtol=2e-15, atol=0)
    for y, r in zip(_Y, ref, strict=True):
        assert _log1pmx_scalar(y) == pytest.approx(r, rel=2e-15, abs=0)
    # psi(v) = -v - log(1 - v) = -log1pmx(-v)
    np.testing.assert_allclose(_psi(-np.array(_Y)), -np.array(ref), rtol=2e-15, atol=0)
    assert _log1pmx(np.array([[0.1, 1.0]])).shape == (1, 2)


@pytest.mark.parametrize("q", [1e-12, 1e-6, 0.01, 0.5, 1.0, 3.0, 20.0])
@pytest.mark.parametrize("sign", [1, -1])
def test_solve_psi_against_mpmath(q, sign):
    from theory.sphere._numerics import _solve_psi

    with mp.workdps(40):

        def f(v):
            return -v - mp.log1p(-v) - q

        if sign > 0:
            ref = _mp_bisect(f, mp.mpf(0), 1 - mp.mpf(10) ** -35)
        else:
            ref = _mp_bisect(f, -(q + mp.sqrt(q * q + 2 * q)) - 1, mp.mpf(0))
    v = _solve_psi(q, sign)
    assert v * sign > 0
    if sign > 0 and q > 10:  # v is 1 - 4e-10: the distance to 1 is the meaningful quantity
        assert 1.0 - v == pytest.approx(float(1 - ref), rel=1e-6)
    assert v == pytest.approx(float(ref), rel=4e-15, abs=0)
