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


_MEMO: dict = {}


def _memo(fn):
    """Keep each mpmath reference once per process (they do not depend on the code under test)."""

    def wrapper(*args):
        key = (fn.__name__, *args)
        if key not in _MEMO:
            _MEMO[key] = fn(*args)
        return _MEMO[key]

    return wrapper


@_memo
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


@_memo
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
    (25, 20),
    (10**6, 10**6 - 2),
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


@_memo
def _mp_tv_parts(d, k):
    lo, hi = _mp_crossings(d, k)
    with mp.workdps(30):
        h, x = mp.mpf(k) / 2, mp.mpf(d - k) / 2
        D1 = mp.gammainc(h, 0, lo / 2, regularized=True) - mp.betainc(h, x, 0, lo / d, regularized=True)
        D2 = mp.gammainc(h, hi / 2, mp.inf, regularized=True)
        if hi < d:
            D2 -= mp.betainc(h, x, hi / d, 1, regularized=True)
    return D1, D2


@pytest.mark.parametrize(("d", "k"), [(3, 2), (3, 1), (4, 1), (7, 2), (23, 3), (100, 1), (100, 3)])
def test_tv_parts_are_the_cdf_differences_at_the_crossings(d, k):
    # TV = D1 + D2, D1 = G(s_lo) - F(s_lo), D2 = Gsf(s_hi) - Fsf(s_hi), with F the CDF of d Beta(k/2,
    # (d-k)/2) and G that of chi^2_k, all at mpmath's crossings and by mpmath's incomplete functions
    from theory.sphere._numerics import _consts, _tv_parts

    lo, hi = _mp_crossings(d, k)
    D1, D2 = _mp_tv_parts(d, k)
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


@_memo
def _mp_psi_root(q, sign):
    """The root of -v - log(1 - v) = q with the sign of ``sign``, by bisection at 40 digits."""
    with mp.workdps(40):

        def f(v):
            return -v - mp.log1p(-v) - q

        if sign > 0:
            return _mp_bisect(f, mp.mpf(0), 1 - mp.mpf(10) ** -35)
        return _mp_bisect(f, -(q + mp.sqrt(q * q + 2 * q)) - 1, mp.mpf(0))


@pytest.mark.parametrize("q", [1e-12, 1e-6, 0.01, 0.5, 1.0, 3.0, 20.0, 40.0, 700.0])
@pytest.mark.parametrize("sign", [1, -1])
def test_solve_psi_against_mpmath(q, sign):
    from theory.sphere._numerics import _solve_psi

    ref = _mp_psi_root(q, sign)
    v = _solve_psi(q, sign)
    assert v * sign > 0
    if sign > 0 and q > 36:  # the root is within an ulp of 1: the largest double below 1
        assert v == math.nextafter(1.0, 0.0)
    elif sign > 0 and q > 10:  # v is 1 - 4e-10: the distance to 1 is the meaningful quantity
        assert 1.0 - v == pytest.approx(float(1 - ref), rel=1e-6)
    assert v == pytest.approx(float(ref), rel=4e-15, abs=0)


# ---------------------------------------------------------------------------------------------------
# Validation: every refused argument is named, at the documented bounds.
# ---------------------------------------------------------------------------------------------------


def test_d_and_k_bounds_are_the_documented_ones():
    from theory.sphere import projection_radius_law

    # d >= 2, 1 <= k <= d - 1, d <= 10**100 (the largest dimension accepted): the bounds themselves pass
    assert projection_radius_law(2, 1).mean() == pytest.approx(0.5, rel=1e-15)
    assert projection_radius_law(10**100, 1).mean() == pytest.approx(1e-100, rel=1e-13)
    assert projection_radius_law(7, 6).mean() == pytest.approx(6 / 7, rel=1e-15)
    with pytest.raises(ValueError, match=r"^d must be >= 2; got 1$"):
        projection_radius_law(1, 1)
    with pytest.raises(ValueError, match=rf"^d must be <= {10**100}; got {10**100 + 1}$"):
        projection_radius_law(10**100 + 1, 1)
    with pytest.raises(TypeError, match=r"^d must be an integer; got float 5\.0$"):
        projection_radius_law(5.0, 1)
    with pytest.raises(ValueError, match=r"^k must be >= 1; got 0$"):
        projection_radius_law(5, 0)
    with pytest.raises(TypeError, match=r"^k must be an integer; got float 1\.0$"):
        projection_radius_law(5, 1.0)
    msg = r"^k must satisfy 1 <= k <= d - 1 = 6 \(a proper projection\); got k = 7$"
    with pytest.raises(ValueError, match=msg):
        projection_radius_law(7, 7)
    with pytest.raises(ValueError, match=msg.replace("= 7$", "= 9$")):
        projection_radius_law(7, 9)


def test_size_limit_names_both_arguments_and_the_size():
    from theory.sphere._numerics import MAX_ELEMENTS, _check_size

    assert MAX_ELEMENTS == 2**30
    _check_size(2**15, 2**15, "n", "m")  # exactly the limit (8 GiB) is allowed
    _check_size(2**30, 1, "n", "m")
    # 3 * 2^28 * 2 float64 entries are 12 GiB
    msg = r"^n \* m = 805306368 \* 2 entries \(12 GiB\) exceeds the limit of 1073741824 entries; draw in "
    msg += "batches$"
    with pytest.raises(ValueError, match=msg):
        _check_size(3 * 2**28, 2, "n", "m")
    with pytest.raises(ValueError, match=r"^n \* m = 65536 \* 65536 entries \(32 GiB\)"):
        _check_size(2**16, 2**16, "n", "m")
    with pytest.raises(ValueError, match=r"^N \* d = 1048576 \* 2048 entries \(16 GiB\)"):
        sample_uniform(2**20, 2**11)


def test_array_arguments_are_named_when_refused():
    from theory.sphere import log_density_ratio as ldr
    from theory.sphere import projection_cdf_1d

    with pytest.raises(ValueError, match=r"^x must have shape \(n, d\)"):
        projection_logpdf([1.0, 2.0], 5)
    with pytest.raises(TypeError, match=r"^x must be a real numeric array; got a boolean array$"):
        projection_logpdf([[True]], 5)
    with pytest.raises(TypeError, match=r"^x must be a rectangular array; got list: "):
        projection_logpdf([[1.0], [1.0, 2.0]], 5)
    with pytest.raises(ValueError, match=r"^y must have shape \(n,\)"):
        projection_cdf_1d([[1.0]], 5)
    with pytest.raises(TypeError, match=r"^y must be a real numeric array"):
        projection_cdf_1d([True], 5)
    with pytest.raises(ValueError, match=r"^s must have shape \(n,\)"):
        ldr([[1.0]], 5, 1)
    with pytest.raises(TypeError, match=r"^s must be a real numeric array"):
        ldr([True], 5, 1)
    with pytest.raises(ValueError, match=r"^s must hold squared radii >= 0$"):
        ldr([0.5, -1.0], 5, 1)
    with pytest.raises(ValueError, match=r"^z must have shape \(n, d\)"):
        project([1.0])
    with pytest.raises(TypeError, match=r"^z must be a real numeric array"):
        project([[True, False]])
    with pytest.raises(ValueError, match=r"^c0 must have shape \(n,\)"):
        project([[1.0, 0.0]], c0=[[1.0, 0.0]])
    with pytest.raises(TypeError, match=r"^c0 must be a real numeric array"):
        project([[1.0, 0.0]], c0=[True, False])
    with pytest.raises(ValueError, match=r"^c0 must be a unit vector of shape \(2,\); got shape \(3,\)$"):
        project([[1.0, 0.0]], c0=[1.0, 0.0, 0.0])
    with pytest.raises(ValueError, match=r"^c0 must have unit-norm rows"):
        project([[1.0, 0.0]], c0=[2.0, 0.0])


def test_sample_uniform_refuses_sizes_below_one_naming_them():
    with pytest.raises(ValueError, match=r"^N must be >= 1; got 0$"):
        sample_uniform(0, 3)
    with pytest.raises(ValueError, match=r"^d must be >= 1; got 0$"):
        sample_uniform(3, 0)
    with pytest.raises(TypeError, match=r"^N must be an integer"):
        sample_uniform(2.0, 3)
    with pytest.raises(TypeError, match=r"^d must be an integer"):
        sample_uniform(2, 3.0)


# ---------------------------------------------------------------------------------------------------
# The exact law (theory.sphere._law) against closed forms and mpmath.
# ---------------------------------------------------------------------------------------------------


def _mp_logpdf(r2, d, k):
    """log of Gamma(d/2) / (pi^{k/2} Gamma((d-k)/2)) (1 - r2)^{(d-k-2)/2} (unscaled, |x|^2 = r2 < 1)."""
    with mp.workdps(40):
        D, K = mp.mpf(d), mp.mpf(k)
        lognorm = mp.loggamma(D / 2) - K / 2 * mp.log(mp.pi) - mp.loggamma((D - K) / 2)
        return lognorm + (D - K - 2) / 2 * mp.log1p(-mp.mpf(r2))


@pytest.mark.parametrize(("d", "k"), [(2, 1), (5, 2), (9, 3), (40, 1)])
def test_projection_logpdf_against_the_closed_form(d, k):
    from theory.sphere import projection_pdf

    rng = np.random.default_rng(d + k)
    x = rng.uniform(-0.5, 0.5, size=(4, k)) / math.sqrt(k)  # inside the unit ball
    r2 = np.sum(x * x, axis=1)
    ref = [float(_mp_logpdf(float(r), d, k)) for r in r2]
    np.testing.assert_allclose(projection_logpdf(x, d, scaled=False), ref, rtol=1e-13)
    np.testing.assert_allclose(projection_logpdf(x, d, k, scaled=False), ref, rtol=1e-13)
    # scaled: p_{sqrt(d) X}(y) = d^{-k/2} p(y / sqrt(d)); the default is scaled
    y = x * math.sqrt(d)
    ref_y = [r - k / 2 * math.log(d) for r in ref]
    np.testing.assert_allclose(projection_logpdf(y, d), ref_y, rtol=1e-13)
    np.testing.assert_allclose(projection_logpdf(y, d, scaled=True), ref_y, rtol=1e-13)
    np.testing.assert_allclose(projection_pdf(y, d), np.exp(ref_y), rtol=1e-12)
    np.testing.assert_allclose(projection_pdf(x, d, k, scaled=False), np.exp(ref), rtol=1e-12)
    with pytest.raises(ValueError, match=rf"^x must have k = {k + 1} columns; got shape \(4, {k}\)$"):
        projection_pdf(x, d + 1, k + 1)
    with pytest.raises(TypeError, match=r"^scaled must be a bool"):
        projection_pdf(x, d, scaled=None)


@pytest.mark.parametrize(("d", "k"), [(2, 1), (3, 1), (3, 2), (6, 2)])
def test_projection_logpdf_is_minus_inf_from_the_unit_sphere_on(d, k):
    # -inf outside the open unit ball, including its boundary |x| = 1, also where (1 - r^2)^{(d-k-2)/2}
    # does not vanish there (k >= d - 2)
    x = np.zeros((3, k))
    x[:, 0] = [1.0, 1.2, 3.0]
    assert projection_logpdf(x, d, scaled=False).tolist() == [-np.inf] * 3
    y = np.zeros((2, k))
    y[:, 0] = [1.5 * math.sqrt(d), 4.0 * d]
    assert projection_logpdf(y, d).tolist() == [-np.inf] * 2


def test_projection_radius_law_is_the_documented_beta():
    from theory.sphere import projection_radius_law

    law = projection_radius_law(9, 2)
    a, b = 1.0, 3.5  # Beta(k/2, (d-k)/2)
    assert law.mean() == pytest.approx(a / (a + b), rel=1e-15)
    assert law.var() == pytest.approx(a * b / ((a + b) ** 2 * (a + b + 1)), rel=1e-14)
    with mp.workdps(30):
        ref = mp.betainc(a, b, 0, mp.mpf("0.3"), regularized=True)
    assert law.cdf(0.3) == pytest.approx(float(ref), rel=1e-14)


@pytest.mark.parametrize("d", [2, 3, 7])
def test_projection_cdf_1d_against_the_integrated_density(d):
    from theory.sphere import projection_cdf_1d

    ys = [-1.5 * math.sqrt(d), -1.2, -0.5, 0.0, 0.5, 1.3, 2.0 * math.sqrt(d)]
    t = [min(max(y / math.sqrt(d), -1.0), 1.0) for y in ys]  # U_1 = Y / sqrt(d), clipped to [-1, 1]
    if d == 2:  # U_1 = cos(theta), theta uniform: the arcsine law
        ref = [1.0 - math.acos(u) / math.pi for u in t]
    elif d == 3:  # Archimedes: U_1 is uniform on [-1, 1]
        ref = [(1.0 + u) / 2.0 for u in t]
    else:  # density proportional to (1 - u^2)^{(d-3)/2}, integrated by mpmath
        with mp.workdps(30):

            def dens(u):
                return (1 - u * u) ** (mp.mpf(d - 3) / 2)

            z = mp.quad(dens, [-1, 1])
            ref = [float(mp.quad(dens, [-1, u]) / z) for u in t]
    np.testing.assert_allclose(projection_cdf_1d(ys, d), ref, rtol=1e-12, atol=1e-15)
    with pytest.raises(ValueError, match=r"^d must be >= 2; got 1$"):
        projection_cdf_1d([0.0], 1)


# ---------------------------------------------------------------------------------------------------
# The 1/d expansions (theory.sphere._asymptotic), derived here independently: h_1 and h_2 are read off
# the exact log ratio at d = 1e20 (80 digits), their chi^2 integrals are mpmath quadratures.
# ---------------------------------------------------------------------------------------------------


@_memo
def _mp_h_polys(k):
    """Coefficients (lowest power first) of h_1, h_2 in p_d/phi_k = 1 + h_1/d + h_2/d^2 + O(d^-3)."""
    with mp.workdps(80):
        D, K = mp.mpf(10) ** 20, mp.mpf(k)
        c = mp.loggamma(D / 2) - mp.loggamma((D - K) / 2) + K / 2 * mp.log(2 / D)
        nodes = [mp.mpf(j) / 2 for j in range(1, 6)]
        r1, r2 = [], []
        for s in nodes:
            r = mp.expm1(c + (D - K - 2) / 2 * mp.log1p(-s / D) + s / 2)
            h1 = -(s * s - 2 * (K + 2) * s + K * (K + 2)) / 4  # the paper's h_k
            r1.append(h1)
            r2.append((r - h1 / D) * D * D)  # h_2 + O(1/d): 1e-20 relative
        V = mp.matrix([[s**j for j in range(5)] for s in nodes])
        return [mp.mpf(x) for x in mp.lu_solve(V, mp.matrix(r1))], [
            mp.mpf(x) for x in mp.lu_solve(V, mp.matrix(r2))
        ]


def _mp_chi2_integral(poly, k, lo, hi):
    """int_lo^hi poly(s) g_k(s) ds, g_k the chi^2_k density, by mpmath quadrature at 30 digits."""
    with mp.workdps(30):
        h = mp.mpf(k) / 2

        def f(s):
            return mp.polyval(poly[::-1], s) * s ** (h - 1) * mp.exp(-s / 2) / (2**h * mp.gamma(h))

        return mp.quad(f, [lo, hi] if hi != mp.inf else [lo, lo + 4 * k + 20, mp.inf])


def _mp_chi2_moments(poly, k, lo, hi):
    """The same integral from the chi^2 moments: E[S^m 1{lo < S < hi}] = 2^m Gamma(h+m)/Gamma(h) times
    the regularised incomplete gamma P(h+m) between lo/2 and hi/2."""
    with mp.workdps(30):
        h = mp.mpf(k) / 2
        return sum(
            c * 2**m * mp.gamma(h + m) / mp.gamma(h) * mp.gammainc(h + m, lo / 2, hi / 2, regularized=True)
            for m, c in enumerate(poly)
        )


def _mp_polymul(p, q):
    out = [mp.mpf(0)] * (len(p) + len(q) - 1)
    for i, a in enumerate(p):
        for j, b in enumerate(q):
            out[i + j] += a * b
    return out


@_memo
def _mp_divergence_coefficients(k):
    h1, h2 = _mp_h_polys(k)
    e11 = _mp_chi2_moments(_mp_polymul(h1, h1), k, 0, mp.inf)
    e12 = _mp_chi2_moments(_mp_polymul(h1, h2), k, 0, mp.inf)
    e111 = _mp_chi2_moments(_mp_polymul(_mp_polymul(h1, h1), h1), k, 0, mp.inf)
    return e11 / 2, e12 - e111 / 6, e11 / 8, e12 / 4 - e111 / 16


@_memo
def _mp_tv_part_coefficients(k):
    h1, h2 = _mp_h_polys(k)
    w = mp.sqrt(2 * (k + 2))
    lo, hi = k + 2 - w, k + 2 + w
    return tuple(
        -_mp_chi2_moments(p, k, a, b) for a, b in ((0, lo), (hi, mp.inf)) for p in (h1, h2)
    )  # (a1, b1, a2, b2)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_expansion_polynomials_are_the_ones_of_the_exact_ratio(k):
    from theory.sphere._asymptotic import _h1, _h2

    h1, h2 = _mp_h_polys(k)
    assert [float(c) for c in _h1(k)] == pytest.approx([float(c) for c in h1[:3]], rel=1e-14, abs=1e-14)
    assert [float(c) for c in _h2(k)] == pytest.approx([float(c) for c in h2], rel=1e-12, abs=1e-12)
    assert abs(h1[3]) < 1e-15 and abs(h1[4]) < 1e-15


def test_exact_polynomial_helpers_on_hand_values():
    from fractions import Fraction as Fr

    from theory.sphere._asymptotic import _chi2_expect, _interval_expect, _polymul

    assert _polymul((Fr(1), Fr(1)), (Fr(1), Fr(-1))) == (1, 0, -1)  # (1 + s)(1 - s) = 1 - s^2
    assert _polymul((Fr(2),), (Fr(3), Fr(0), Fr(1, 2))) == (6, 0, 1)
    # E S = k, E S^2 = k(k+2), E S^3 = k(k+2)(k+4), Var S = 2k for S ~ chi^2_k
    assert _chi2_expect((Fr(0), Fr(1)), 3) == 3
    assert _chi2_expect((Fr(0), Fr(0), Fr(1)), 3) == 15
    assert _chi2_expect((Fr(5), Fr(0), Fr(0), Fr(1)), 1) == 5 + 15
    assert _chi2_expect((Fr(9), Fr(-6), Fr(1)), 3) == 6  # E (S - 3)^2
    # E[p(S) 1{lo < S < hi}] on a finite interval, from 0 and to infinity (with zero coefficients)
    p = (Fr(1), Fr(0), Fr(1, 2), Fr(1))
    for k, lo, hi in ((1, 0.7, 4.2), (4, 0.0, 3.0), (3, 2.5, math.inf), (2, 1.0, 9.0)):
        ref = _mp_chi2_integral([mp.mpf(c.numerator) / c.denominator for c in p], k, lo, hi)
        assert _interval_expect(p, k, lo, hi) == pytest.approx(float(ref), rel=1e-13)


@pytest.mark.parametrize("k", [1, 2, 5])
def test_divergence_and_tv_coefficients_against_quadrature(k):
    from theory.sphere._asymptotic import divergence_coefficients, tv_part_coefficients

    ref = [float(c) for c in _mp_divergence_coefficients(k)]
    assert list(divergence_coefficients(k)) == pytest.approx(ref, rel=1e-12)
    ref = [float(c) for c in _mp_tv_part_coefficients(k)]
    assert list(tv_part_coefficients(k)) == pytest.approx(ref, rel=1e-12)


@pytest.mark.parametrize(("d", "k"), [(10, 1), (10, 2), (1000, 5), (10**7, 2)])
def test_asymptotic_distances_are_the_two_term_sums(d, k):
    from theory.sphere._asymptotic import hellinger_asymptotic, kl_asymptotic, tv_expansion

    kl2, kl3, hel2, hel3 = (float(c) for c in _mp_divergence_coefficients(k))
    a1, b1, a2, b2 = (float(c) for c in _mp_tv_part_coefficients(k))
    assert kl_asymptotic(d, k) == pytest.approx(kl2 / d**2 + kl3 / d**3, rel=1e-12)
    assert hellinger_asymptotic(d, k) == pytest.approx(math.sqrt(hel2 / d**2 + hel3 / d**3), rel=1e-12)
    ex = tv_expansion(d, k)
    D1, D2 = a1 / d + b1 / d**2, a2 / d + b2 / d**2
    assert (ex.d, ex.k) == (d, k)
    assert ex.c_k == pytest.approx(a1 + a2, rel=1e-12)
    assert ex.e_k == pytest.approx(b1 + b2, rel=1e-12)
    assert ex.tv == pytest.approx(D1 + D2, rel=1e-12)
    assert ex.ks_radial == pytest.approx(max(D1, D2), rel=1e-12)
    assert ex.rel_error_bound == pytest.approx(2 * (k + 2) ** 2 / d**2 + 4e-15 * (k + 2) ** 2, rel=1e-14)


@pytest.mark.parametrize("k", [1, 2, 7])
def test_tv_constant_is_the_mean_positive_part_of_h_k(k):
    from theory.sphere import tv_constant

    # c_k = E h_k(|Z|^2)_+ and h_k > 0 exactly between its roots k + 2 -+ sqrt(2(k+2))
    w = mp.sqrt(2 * (k + 2))
    h1 = [-mp.mpf(k * (k + 2)) / 4, mp.mpf(k + 2) / 2, -mp.mpf(1) / 4]
    ref = _mp_chi2_integral(h1, k, k + 2 - w, k + 2 + w)
    assert tv_constant(k) == pytest.approx(float(ref), rel=1e-13)


@pytest.mark.parametrize("k", [999, 1000, 1001, 5000, 10**9, 10**30])
def test_tv_constant_at_large_k_against_the_closed_form_in_mpmath(k):
    from theory.sphere import tv_constant

    with mp.workdps(60):
        K = mp.mpf(k)
        w, h = mp.sqrt(2 * (K + 2)), K / 2

        def s_g(s):  # s g_k(s) = s^h e^{-s/2} / (2^h Gamma(h))
            return mp.exp(h * mp.log(s) - s / 2 - h * mp.log(2) - mp.loggamma(h))

        ref = w / 2 * (s_g(K + 2 + w) + s_g(K + 2 - w))
    # up to k = 1000 scipy's chi^2 density (measured 2e-13 relative at k = 999); beyond, the log-space
    # form documented to 1e-15
    assert tv_constant(k) == pytest.approx(float(ref), rel=1e-12 if k <= 1000 else 1e-13)


def test_tv_constant_bounds_and_its_large_k_limit():
    from theory.sphere import tv_constant

    # c_k / k -> e^{-1/2} / sqrt(2 pi) (relative correction O(k^{-1/2}), 1e-50 at k = 1e100)
    assert tv_constant(10**100) / 1e100 == pytest.approx(math.exp(-0.5) / math.sqrt(2 * math.pi), rel=1e-13)
    with pytest.raises(ValueError, match=r"^k must be >= 1; got 0$"):
        tv_constant(0)
    with pytest.raises(ValueError, match=rf"^k must be <= {10**100}; got {10**100 + 1}$"):
        tv_constant(10**100 + 1)
    with pytest.raises(TypeError, match=r"^k must be an integer"):
        tv_constant(1.0)


def test_rel_error_bound_and_route_follow_the_documented_rule():
    from theory.sphere import _asymptotic as asy

    assert asy.rel_error_bound(10**4, 1) == pytest.approx(18 / 1e8 + 36e-15, rel=1e-15)
    assert asy.rel_error_bound(10**9, 1) == pytest.approx(18e-18 + 36e-15, rel=1e-15)
    assert asy.rel_error_bound(10**6, 3) == pytest.approx(50 / 1e12 + 100e-15, rel=1e-15)
    # the exact route up to d = 1e6 whatever the bound; beyond, the expansion when its bound <= 1e-8
    assert (asy.EXACT_MAX_D, asy.EXACT_FALLBACK_MAX_D, asy.ASYMPTOTIC_REL_TOL) == (10**6, 10**9, 1e-8)
    assert asy.route(10**6, 1, "t") == "exact"
    assert asy.route(10**6, 10**4, "t") == "exact"
    assert asy.route(10**6 + 1, 1, "t") == "asymptotic"
    # (k+2)^2 = 2.5e7: 4e-15 (k+2)^2 = 1e-7 > 1e-8, so the exact route serves up to d = 1e9, not beyond
    assert asy.route(10**9, 4998, "t") == "exact"
    bound = 2 * 5000.0**2 / 1e18 + 4e-15 * 5000.0**2
    msg = (
        rf"^what: no accurate route at d = 1000000001, k = 4998: the exact CDF differences lose accuracy "
        rf"for d > 1e\+09 and the 1/d expansion needs 2 \(k\+2\)\^2/d\^2 \+ 4e-15 \(k\+2\)\^2 <= 1e-08 "
        rf"\(here {bound:.2g}\); use d <= 1e\+09 or a smaller k$"
    )
    with pytest.raises(ValueError, match=msg):
        asy.route(10**9 + 1, 4998, "what")


# ---------------------------------------------------------------------------------------------------
# Sampling and the package's lazy names.
# ---------------------------------------------------------------------------------------------------


def test_sample_uniform_rows_are_the_normalised_gaussian_rows():
    g = np.random.default_rng(5).standard_normal((20, 2))  # some rows of norm < 1, none of norm 0
    expected = g / np.linalg.norm(g, axis=1, keepdims=True)
    np.testing.assert_allclose(sample_uniform(20, 2, seed=5), expected, rtol=0, atol=1e-15)
    g = np.random.default_rng(6).standard_normal((3, 4))
    np.testing.assert_allclose(
        sample_uniform(3, 4, seed=np.random.default_rng(6)),
        g / np.linalg.norm(g, axis=1)[:, None],
        atol=1e-15,
    )


def test_project_normalises_each_row_and_keeps_float64():
    z = np.array([[3.0, 0.0, 4.0], [0.0, 0.0, -2.0], [1.0, 1.0, 1.0]], dtype=np.float32)
    out = project(z)
    assert out.dtype == np.float64 and out.shape == (3, 3)
    r = 1 / math.sqrt(3)
    np.testing.assert_allclose(out, [[0.6, 0.0, 0.8], [0.0, 0.0, -1.0], [r, r, r]], rtol=0, atol=1e-15)
    c0 = np.array([0.0, 0.6, 0.8])
    np.testing.assert_allclose(project(np.zeros((2, 3)), c0=c0), [c0, c0], rtol=0, atol=0)


def test_moved_names_resolve_with_their_warning_and_unknown_names_fail():
    import theory.sphere
    import theory.studies.tv as tv

    with pytest.warns(DeprecationWarning) as rec:
        table = theory.sphere.tv_vs_d_table
        plot = theory.sphere.plot_tv_vs_d
    assert table is tv._legacy_tv_vs_d_table and plot is tv.plot_tv_vs_d
    assert [str(w.message) for w in rec] == [
        "theory.sphere.tv_vs_d_table moved to theory.studies.tv.tv_vs_d_table (which returns a TVvsD; this "
        "old path keeps the old dict); the old path is deprecated",
        "theory.sphere.plot_tv_vs_d moved to theory.studies.tv.plot_tv_vs_d; the old path is deprecated",
    ]
    with pytest.raises(AttributeError, match=r"^module 'theory.sphere' has no attribute 'no_such_name'$"):
        theory.sphere.no_such_name  # noqa: B018


def test_log1pmx_takes_integer_arrays_as_reals():
    from theory.sphere._numerics import _log1pmx

    # log(1 + y) - y at y = 0, 1, 3: 0, log 2 - 1, log 4 - 3 (not truncated to integers)
    ref = [0.0, math.log(2.0) - 1.0, math.log(4.0) - 3.0]
    np.testing.assert_allclose(_log1pmx(np.array([0, 1, 3])), ref, rtol=1e-15, atol=0)


def test_monte_carlo_samples_need_two_rows():
    from theory.sphere import ks_distance

    with pytest.raises(ValueError, match=r"^samples must have at least 2 rows \(samples\); got n = 1$"):
        ks_distance(np.zeros((1, 2)))


@pytest.mark.parametrize(("d", "k"), [(3, 2), (4, 3), (50, 49), (10**6, 10**6 - 1)])
def test_single_crossing_for_k_equal_d_minus_one_to_a_few_ulps(d, k):
    # k = d - 1: L increases on (0, d), one crossing, found by brentq to 4 eps relative (rtol = 4 eps, no
    # absolute tolerance): measured within 2e-16 of 60-digit bisection
    lo, _ = _mp_crossings(d, k)
    cr = crossing_radii(d, k)
    assert cr.s_lo == pytest.approx(lo, rel=2e-15, abs=0)
    assert cr.s_hi == d


@pytest.mark.parametrize(
    ("d", "k"),
    [
        (10**6 + 3, 10**6),
        (10**9 + 3, 10**9),
        (10**12 + 3, 10**12),
        (10**17 + 3, 10**17),
        (10**20, 10**20 - 1),
    ],
)
def test_crossings_and_maximum_of_the_log_ratio_for_k_close_to_a_huge_d(d, k):
    # k close to d: the log-gammas of size k log k cancel in L* = L(k + 2) unless Stirling's series is
    # used for lgamma(d/2); beyond d ~ 1e16 the crossings are within double resolution of d
    lo, hi = _mp_crossings(d, k)
    cr = crossing_radii(d, k)
    assert cr.s_lo == pytest.approx(lo, rel=2e-15, abs=0)
    assert cr.s_hi == pytest.approx(hi, rel=2e-15, abs=0)
    if d < 10**15:
        assert log_density_ratio([k + 2.0], d, k)[0] == pytest.approx(
            float(_mp_log_ratio(k + 2, d, k)), rel=1e-13
        )
