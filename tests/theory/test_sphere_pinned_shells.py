"""Pinned values of the thin-shell, exact-distance and Monte Carlo parts of :mod:`theory.sphere`.

Each test compares against an independent value: mpmath quadrature of the densities typed here (the
squared radius of ``sqrt(d)(U_1..U_k)`` is ``d Beta(k/2, (d-k)/2)``, that of ``N(0, I_k)`` is chi^2_k), a
closed form, a number derived by hand, or the documented behaviour (an error naming the argument, a
documented default or field), never against the function's own output.
"""

from __future__ import annotations

import itertools
import math
from types import SimpleNamespace

import mpmath as mp
import numpy as np
import pytest
from scipy import stats

from tests.theory._mpref import sign_change_roots
from theory.sphere import (
    chi_shell,
    diaconis_freedman_bound,
    lognormal_shell,
    mc_projection_kl,
    mc_projection_tv,
    projection_distances,
    projection_hellinger,
    projection_kl,
    projection_ks,
    projection_tv,
    projection_tv_expansion,
    shell_projection_tv,
    shell_tv_leading,
)

# ---------------------------------------------------------------------------------------------------------
# independent references (mpmath)
# ---------------------------------------------------------------------------------------------------------


def _mp_laws(d: int, k: int):
    """mpmath log densities of S = d Beta(k/2, (d-k)/2) and of chi^2_k, with their CDFs."""
    d_, h = mp.mpf(d), mp.mpf(k) / 2
    x = (d_ - k) / 2

    def logf(s):
        return (h - 1) * mp.log(s) + (x - 1) * mp.log1p(-s / d_) - h * mp.log(d_) - mp.log(mp.beta(h, x))

    def logg(s):
        return (h - 1) * mp.log(s) - s / 2 - h * mp.log(2) - mp.loggamma(h)

    def F(s):
        return mp.betainc(h, x, 0, min(s / d_, 1), regularized=True)

    def G(s):
        return mp.gammainc(h, 0, s / 2, regularized=True)

    return logf, logg, F, G


def _mp_projection(d: int, k: int, dps: int = 30):
    """TV, KS of the squared radii, KL, Hellinger and crossings of sqrt(d)(U_1..U_k) vs N(0, I_k)."""
    with mp.workdps(dps):
        logf, logg, F, G = _mp_laws(d, k)
        d_ = mp.mpf(d)

        def lr(s):
            return logf(s) - logg(s)

        top = min(d_, mp.mpf(k) + 60 + 10 * mp.sqrt(k))
        roots = sign_change_roots(lr, top, 80)
        pts = sorted({mp.mpf(0), *roots, *(p for p in (mp.mpf(k) + 2, mp.mpf(k) + 80) if p < d_), d_})

        def f(s):
            return mp.exp(logf(s)) if s < d_ else mp.mpf(0)

        tail = 1 - G(d_)
        tv = (mp.quad(lambda s: abs(f(s) - mp.exp(logg(s))), pts) + tail) / 2
        kl = mp.quad(lambda s: f(s) * lr(s), pts)
        bc = mp.quad(lambda s: mp.exp((logf(s) + logg(s)) / 2), pts)
        # F - G is stationary at the crossings; it also peaks at s = d (F = 1 there) when L is increasing
        ks = max([abs(F(r) - G(r)) for r in roots] + [1 - G(d_)])
        return float(tv), float(ks), float(kl), float(mp.sqrt(1 - bc)), [float(r) for r in roots]


def _mp_tv_constant(k: int) -> float:
    """c_k = sqrt(2(k+2))/2 [s_+ g_k(s_+) + s_- g_k(s_-)], s_pm = k + 2 pm sqrt(2(k+2)) (typed here)."""
    with mp.workdps(30):
        h = mp.mpf(k) / 2
        r = mp.sqrt(2 * (k + 2))

        def g(s):
            return mp.exp((h - 1) * mp.log(s) - s / 2 - h * mp.log(2) - mp.loggamma(h))

        sp, sm = k + 2 + r, k + 2 - r
        return float(r / 2 * (sp * g(sp) + sm * g(sm)))


def _mp_ks_coefficient(k: int) -> float:
    """lim d KS: max of -int_0^{s_-} g_k h_k, -int_{s_+}^inf g_k h_k; h_k = -(s^2 - 2(k+2)s + k(k+2))/4."""
    with mp.workdps(30):
        h = mp.mpf(k) / 2
        r = mp.sqrt(2 * (k + 2))

        def gh(s):
            g = mp.exp((h - 1) * mp.log(s) - s / 2 - h * mp.log(2) - mp.loggamma(h))
            return g * (s * s - 2 * (k + 2) * s + k * (k + 2)) / 4

        return float(max(mp.quad(gh, [0, k + 2 - r]), mp.quad(gh, [k + 2 + r, mp.inf])))


def _mp_uniform_shell(d: int, k: int, a: float, b: float, guesses, *, with_quad_tv: bool = True):
    """TV, KS and crossings for rho ~ U[a, b] (k >= 2), by mpmath, from the closed-form mixture density.

    f_T(t) = E[rho^-2 f_S(t/rho^2)] = c t^{-1/2} [I_{t/(a^2 d)} - I_{t/(b^2 d)}](k/2 - 1/2, (d-k)/2),
    c = B(k/2 - 1/2, (d-k)/2) / (2 (b - a) sqrt(d) B(k/2, (d-k)/2)) (substitute u = t/rho^2). The
    crossings are mpmath roots of f_T - g (started at ``guesses``); TV = (1/2) int |f_T - g| and the
    KS distance is max |F_T - G| over the crossings, F_T by quadrature of f_T.
    """
    with mp.workdps(15):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        x = (d_ - k) / 2
        a_, b_ = mp.mpf(a), mp.mpf(b)
        half = mp.mpf(1) / 2
        c = mp.beta(h - half, x) / mp.beta(h, x) / mp.sqrt(d_) / (b_ - a_) / 2

        def fT(t):
            upper = mp.betainc(h - half, x, 0, min(t / (a_ * a_ * d_), 1), regularized=True)
            lower = mp.betainc(h - half, x, 0, min(t / (b_ * b_ * d_), 1), regularized=True)
            return c * (upper - lower) / mp.sqrt(t)

        def g(t):
            return mp.exp((h - 1) * mp.log(t) - t / 2 - h * mp.log(2) - mp.loggamma(h))

        roots = [mp.findroot(lambda t: fT(t) - g(t), mp.mpf(r)) for r in guesses]
        D = [mp.mpf(0)]
        lo, acc = mp.mpf(0), mp.mpf(0)
        for r in roots:
            acc += mp.quad(fT, [lo, *(e for e in (a_ * a_ * d_, b_ * b_ * d_) if lo < e < r), r])
            lo = r
            D.append(acc - mp.gammainc(h, 0, r / 2, regularized=True))
        D.append(mp.mpf(0))
        tv = sum(max(D[i + 1] - D[i], 0) for i in range(len(D) - 1))
        if with_quad_tv:
            pts = sorted({mp.mpf(0), *roots, a_ * a_ * d_, b_ * b_ * d_})
            tv2 = mp.quad(lambda t: abs(fT(t) - g(t)), [*pts, mp.inf]) / 2
            assert abs(tv2 - tv) < 1e-12 * tv  # the two mpmath routes agree
        return float(tv), max(abs(float(v)) for v in D), [float(r) for r in roots]


# The references above at 30 (projection) and 15 (uniform shell) digits, tabulated so that the default run
# stays fast; test_tables_are_the_mpmath_references (slow) recomputes them.
_MP_PROJECTION = {
    (5, 1): (
        0.09298336767336313,
        0.06259251335980989,
        0.04616519898906558,
        0.13371064974736743,
        (0.6047536536692257, 4.31108994904024),
    ),
    (5, 4): (
        0.5543757537562629,
        0.2872974951836458,
        1.213069797133242,
        0.5524080298045453,
        (3.2121198206727835,),
    ),
    (6, 2): (
        0.14877183599074828,
        0.09156538625124348,
        0.09453489189183562,
        0.18974374923158488,
        (1.2988236071954196, 5.3930426444936375),
    ),
    (6, 4): (
        0.39132565024414007,
        0.19914827347145578,
        0.49592260322372594,
        0.4077101654654204,
        (3.0081547935525483,),
    ),
    (12, 3): (
        0.09021736935366753,
        0.05865520102303439,
        0.03575237084457077,
        0.11071223564996774,
        (1.9470557490896863, 7.361740901507312),
    ),
    (30, 2): (
        0.021890382320751977,
        0.015861967597420656,
        0.0024356999416199772,
        0.02616585366148129,
        (1.1933994846364613, 6.618100197600644),
    ),
    (60, 2): (
        0.010627698933181275,
        0.007806046803258323,
        0.000581206945008307,
        0.01240448083246449,
        (1.1823022322694963, 6.726238799436871),
    ),
    (1000, 2): (
        0.0006210464857713359,
        0.0004615831446535731,
        2.0053453589867765e-06,
        0.0007092345594888886,
        (1.1722066641291564, 6.8224510927350925),
    ),
    (1000, 3): (
        0.0008772693362271763,
        0.0006277518495671856,
        3.762538242868235e-06,
        0.0009716470985787241,
        (1.8388705637458942, 8.15444828129202),
    ),
}
_MP_UNIFORM_SHELL = {
    (12, 3, 0.9, 1.1): (0.08197134496942327, 0.05504871861486016, (1.9353638386380785, 7.376557825492373)),
    (40, 2, 0.5, 1.5): (
        0.07220087154870353,
        0.04125552917846026,
        (0.784605885394086, 5.357652818721076, 74.38986325025971),
    ),
    (300, 100, 0.97, 1.03): (
        0.07765119192647574,
        0.042243623709831146,
        (88.62689191436162, 114.9576979101301),
    ),
    (5, 3, 0.9, 1.1): (0.2916313137915238, 0.17044690421475622, (2.1393051112626216, 5.552357471205119)),
}


def _mp_lognormal_shell(d: int, k: int, sigma: float, crossings):
    """TV, KS for rho = exp(sigma eps - sigma^2) by mpmath: D(c) = E[F_S(c/rho^2)] - G(c) at the crossings."""
    with mp.workdps(15):
        s2 = mp.mpf(sigma) ** 2
        h, x = mp.mpf(k) / 2, mp.mpf(d - k) / 2

        def F_T(t):
            e = mp.sqrt(t / d)

            def f(rho):
                z = min(t / (rho**2 * d), 1)
                return mp.npdf(mp.log(rho), -s2, sigma) / rho * mp.betainc(h, x, 0, z, regularized=True)

            return mp.ncdf(mp.log(e), -s2, sigma) + mp.quad(f, [e, 0.5, 1, 2, mp.inf])

        D = [F_T(mp.mpf(c)) - mp.gammainc(h, 0, mp.mpf(c) / 2, regularized=True) for c in crossings]
        vals = [0, *D, 0]
        tv = sum(max(vals[i + 1] - vals[i], 0) for i in range(len(vals) - 1))
        return float(tv), float(max(abs(v) for v in D))


# rho lognormal, sigma = 0.5, d = 10, k = 1: (TV, KS) by _mp_lognormal_shell at the crossings (0.3803, 6.0456)
_MP_LOGNORMAL_SHELL = (0.1125667177841353, 0.09844389884198967)


@pytest.mark.slow
def test_tables_are_the_mpmath_references():
    tv, ks = _mp_lognormal_shell(10, 1, 0.5, (0.38031294536159692, 6.0455632676451390))
    assert (tv, ks) == pytest.approx(_MP_LOGNORMAL_SHELL, rel=1e-9, abs=0)
    for (d, k), row in _MP_PROJECTION.items():
        tv, ks, kl, hel, roots = _mp_projection(d, k)
        assert (tv, ks, kl, hel) == pytest.approx(row[:4], rel=1e-13, abs=0)
        np.testing.assert_allclose(roots, row[4], rtol=1e-13)
    for (d, k, a, b), row in _MP_UNIFORM_SHELL.items():
        tv, ks, roots = _mp_uniform_shell(d, k, a, b, row[2])
        assert (tv, ks) == pytest.approx(row[:2], rel=1e-13, abs=0)
        np.testing.assert_allclose(roots, row[2], rtol=1e-8)


# ---------------------------------------------------------------------------------------------------------
# radial laws
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("d", [1, 2, 7])
def test_chi_shell_is_the_law_of_the_normalised_gaussian_radius(d):
    # rho^2 d ~ chi^2_d: P(rho <= r) = P(chi^2_d <= d r^2)
    law = chi_shell(d)
    r = np.array([0.3, 0.9, 1.0, 1.4])
    np.testing.assert_allclose(law.cdf(r), stats.chi2(d).cdf(d * r * r), rtol=1e-12, atol=0)
    assert law.mean() ** 2 + law.var() == pytest.approx(1.0, rel=1e-12, abs=0)  # E rho^2 = 1


@pytest.mark.parametrize("bad", [0, -3])
def test_chi_shell_refuses_d_below_one_naming_d(bad):
    with pytest.raises(ValueError, match=f"^d must be >= 1; got {bad}$"):
        chi_shell(bad)
    with pytest.raises(TypeError, match=r"^d must be an integer"):
        chi_shell(2.0)


@pytest.mark.parametrize("sigma", [0.05, 0.4])
def test_lognormal_shell_has_unit_second_moment_and_documented_variance(sigma):
    # rho = exp(sigma eps - sigma^2): E rho^2 = 1, Var rho^2 = e^{4 sigma^2} - 1, median e^{-sigma^2}
    law = lognormal_shell(sigma)
    assert law.moment(2) == pytest.approx(1.0, rel=1e-12, abs=0)
    assert law.moment(4) - 1.0 == pytest.approx(math.expm1(4 * sigma * sigma), rel=1e-10, abs=0)
    assert law.median() == pytest.approx(math.exp(-sigma * sigma), rel=1e-14, abs=0)
    expected = stats.norm.cdf((math.log(1.3) + sigma * sigma) / sigma)
    assert law.cdf(1.3) == pytest.approx(expected, rel=1e-12, abs=0)


def test_lognormal_shell_refuses_sigma_not_positive_naming_sigma():
    with pytest.raises(ValueError, match=r"^sigma must be > 0.0; got 0.0$"):
        lognormal_shell(0.0)
    with pytest.raises(ValueError, match=r"^sigma must be > 0.0; got -0.5$"):
        lognormal_shell(-0.5)
    with pytest.raises(TypeError, match=r"^sigma must be a real number"):
        lognormal_shell("0.1")
    assert lognormal_shell(1e-300).median() == 1.0  # any positive sigma is accepted


def _law_without(attr):
    law = stats.uniform(0.8, 0.4)
    return SimpleNamespace(**{a: getattr(law, a) for a in ("pdf", "ppf", "rvs") if a != attr})


@pytest.mark.parametrize("missing", ["pdf", "ppf", "rvs"])
def test_radial_law_must_have_pdf_ppf_and_rvs(missing):
    msg = (
        r"^radial must be None or a frozen scipy.stats continuous distribution of rho = r/r0 "
        r"\(with pdf, ppf, rvs\); got SimpleNamespace$"
    )
    with pytest.raises(TypeError, match=msg):
        shell_projection_tv(12, 3, _law_without(missing))


def test_radial_law_of_a_wrong_type_is_named_in_the_message():
    with pytest.raises(TypeError, match=r"distribution of rho = r/r0 .*; got float$"):
        shell_projection_tv(10, 1, radial=0.5)


@pytest.mark.parametrize(("law", "start"), [(stats.norm(), "-inf"), (stats.uniform(-0.5, 2.0), "-0.5")])
def test_radial_law_must_be_supported_on_the_half_line(law, start):
    msg = rf"^radial must be supported on \[0, inf\) \(rho = r/r0 >= 0\); its support starts at {start}$"
    with pytest.raises(ValueError, match=msg):
        shell_projection_tv(12, 3, law)


# ---------------------------------------------------------------------------------------------------------
# shell_projection_tv: the mixture route against mpmath
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("d", "k", "a", "b"),
    [key for key in _MP_UNIFORM_SHELL if key[0] - key[1] != 2],
)
def test_uniform_shell_tv_ks_and_crossings_match_mpmath(d, k, a, b):
    # rho ~ U[a, b]: the Gauss-Legendre rule over rho integrates an analytic integrand except at
    # rho = sqrt(t/d) (the edge of the support of S), measured: TV and KS to 5e-13 relative here,
    # crossings to 1e-9 (4e-10 for the one at t ~ 74 that lies where the edge is inside [a, b]).
    r = shell_projection_tv(d, k, stats.uniform(a, b - a))
    tv, ks, roots = _MP_UNIFORM_SHELL[(d, k, a, b)]
    assert (r.d, r.k) == (d, k)
    assert len(r.crossings) == len(roots)
    np.testing.assert_allclose(r.crossings, roots, rtol=1e-8)
    assert r.tv == pytest.approx(tv, rel=1e-10, abs=0)
    assert r.ks_radial == pytest.approx(ks, rel=1e-10, abs=0)
    if (d, k) in _MP_PROJECTION:
        assert r.tv_fixed_radius == pytest.approx(_MP_PROJECTION[(d, k)][0], rel=1e-11, abs=0)


def test_uniform_shell_with_a_density_jump_at_the_support_edge():
    # d - k = 2: f_S = const on [0, d) jumps to 0 at d, so the Gauss-Legendre rule over rho meets a
    # discontinuity at rho = sqrt(t/d); measured against mpmath: TV to 5e-6, the upper crossing to 6e-4,
    # KS (set at the lower crossing, where t < a^2 d) to 1e-14. No floating-point warning on the way.
    tv, ks, roots = _MP_UNIFORM_SHELL[(5, 3, 0.9, 1.1)]
    r = shell_projection_tv(5, 3, stats.uniform(0.9, 0.2))
    assert r.tv == pytest.approx(tv, rel=2e-5, abs=0)
    assert r.ks_radial == pytest.approx(ks, rel=1e-10, abs=0)
    np.testing.assert_allclose(r.crossings, roots, rtol=2e-3)


def test_lognormal_shell_crossings_are_sign_changes_of_the_mpmath_densities():
    # every reported crossing t brackets a sign change of f_T - g_1 within 1e-3 (mpmath: f_T =
    # E[rho^-2 f_S(t/rho^2)] by quadrature over the lognormal law; the Gauss-Legendre rule over this wide
    # law puts the crossings within 3e-5 of mpmath's roots); far out, where both densities underflow in
    # double precision, no crossing may be reported
    d, sigma = 10, 0.5
    r = shell_projection_tv(d, 1, lognormal_shell(sigma))
    with mp.workdps(20):
        logf, logg, _, _ = _mp_laws(d, 1)
        s2 = mp.mpf(sigma) ** 2

        def gap(t):
            def integrand(rho):
                u = t / rho**2
                if u >= d:
                    return mp.mpf(0)
                p = mp.npdf(mp.log(rho), -s2, sigma) / rho
                return mp.exp(logf(u)) / rho**2 * p

            f_t = mp.quad(integrand, [mp.sqrt(t / d), 0.5, 1, 2, mp.inf])
            return f_t - mp.exp(logg(t))

        for t in r.crossings:
            lo, hi = gap(mp.mpf(t) * (1 - mp.mpf(1e-3))), gap(mp.mpf(t) * (1 + mp.mpf(1e-3)))
            assert lo * hi < 0, t
    assert len(r.crossings) == 2
    # TV and KS: the Gauss-Legendre rule over this wide law meets the support edge rho = sqrt(t/d) inside
    # its range; measured against mpmath: 5e-8 (TV) and 1e-7 (KS) relative
    assert r.tv == pytest.approx(_MP_LOGNORMAL_SHELL[0], rel=1e-6, abs=0)
    assert r.ks_radial == pytest.approx(_MP_LOGNORMAL_SHELL[1], rel=1e-6, abs=0)


def test_uniform_shell_finds_a_crossing_far_in_the_tail():
    # U[0.5, 1.5] in d = 400, k = 2: the mixture's tail, out to t = 1.5^2 d = 900, first exceeds g_2 and
    # falls below it again near t ~ 764 (densities ~1e-166, still normal floats). With f_T - g evaluated by
    # mpmath (the closed form of _mp_uniform_shell's docstring), its sign alternates between the reported
    # crossings, up to a point just inside the support's edge: each interval holds a crossing.
    d, k, a, b = 400, 2, 0.5, 1.5
    r = shell_projection_tv(d, k, stats.uniform(a, b - a))
    assert len(r.crossings) == 3 and r.crossings[2] > 400
    with mp.workdps(250):  # the tail densities are differences of regularised betas near 1
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        x, half = (d_ - k) / 2, mp.mpf(1) / 2
        c = mp.beta(h - half, x) / mp.beta(h, x) / mp.sqrt(d_) / (b - a) / 2

        def gap(t):
            t = mp.mpf(t)
            up = mp.betainc(h - half, x, 0, min(t / (a * a * d_), 1), regularized=True)
            lo = mp.betainc(h - half, x, 0, min(t / (b * b * d_), 1), regularized=True)
            return c * (up - lo) / mp.sqrt(t) - mp.exp(-t / 2) / 2

        cr = r.crossings
        pts = [cr[0] / 2, *((p + q) / 2 for p, q in itertools.pairwise(cr)), 0.999 * b * b * d]
        signs = [mp.sign(gap(t)) for t in pts]
    assert all(v != 0 for v in signs)
    assert all(signs[i] == -signs[i + 1] for i in range(len(signs) - 1))
    for t in cr:
        with mp.workdps(250):
            assert mp.sign(gap(t * (1 - 1e-6))) == -mp.sign(gap(t * (1 + 1e-6))), t


def test_uniform_shell_with_three_crossings_reports_them_in_order():
    # U[0.5, 1.5] in d = 40, k = 2: the mixture is above chi^2_2 near 0, below, above, below again
    r = shell_projection_tv(40, 2, stats.uniform(0.5, 1.0))
    assert len(r.crossings) == 3
    assert list(r.crossings) == sorted(r.crossings)
    np.testing.assert_allclose(r.crossings, _MP_UNIFORM_SHELL[(40, 2, 0.5, 1.5)][2], rtol=1e-8)


def test_shell_tv_default_node_count_is_200():
    law = stats.uniform(0.9, 0.2)
    assert shell_projection_tv(12, 3, law) == shell_projection_tv(12, 3, law, n_nodes=200)


@pytest.mark.parametrize("n_nodes", [8, 10_000])
def test_shell_tv_accepts_the_documented_node_range(n_nodes):
    tv = _MP_PROJECTION[(12, 3)][0]
    assert shell_projection_tv(12, 3, n_nodes=n_nodes).tv == pytest.approx(tv, rel=1e-11, abs=0)


@pytest.mark.parametrize(
    ("bad", "msg"), [(7, "n_nodes must be >= 8; got 7"), (10_001, "n_nodes must be <= 10000")]
)
def test_shell_tv_refuses_node_counts_outside_the_range_naming_n_nodes(bad, msg):
    with pytest.raises(ValueError, match=f"^{msg}"):
        shell_projection_tv(12, 3, n_nodes=bad)
    with pytest.raises(TypeError, match=r"^n_nodes must be an integer"):
        shell_projection_tv(12, 3, n_nodes=8.0)


def test_shell_tv_with_eight_nodes_on_a_smooth_law():
    # 8 Gauss-Legendre nodes over U[0.9, 1.1] (an analytic integrand away from the support edge):
    # within 1e-6 of the mpmath value
    law = stats.uniform(0.9, 0.2)
    r = shell_projection_tv(12, 3, law, n_nodes=8)
    assert r.tv == pytest.approx(_MP_UNIFORM_SHELL[(12, 3, 0.9, 1.1)][0], rel=1e-6, abs=0)


@pytest.mark.parametrize(("d", "k"), [(5, 1), (12, 3), (6, 4)])
def test_fixed_radius_shell_tv_ks_and_crossings_match_mpmath(d, k):
    tv, ks, _, _, roots = _MP_PROJECTION[(d, k)]
    r = shell_projection_tv(d, k)
    assert (r.d, r.k) == (d, k)
    assert r.tv == pytest.approx(tv, rel=1e-11, abs=0)
    assert r.tv_fixed_radius == pytest.approx(tv, rel=1e-11, abs=0)
    assert r.ks_radial == pytest.approx(ks, rel=1e-11, abs=0)
    # the two crossing radii (s_lo = 0 when the densities do not cross below the mode)
    expected = roots if len(roots) == 2 else [0.0, *roots] if roots[0] > k else [*roots, float(d)]
    np.testing.assert_allclose(r.crossings, expected, rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("k", [1, 3])
def test_fixed_radius_shell_at_huge_d_is_c_k_over_d(k):
    # beyond d = 1e6 the 1/d expansion: TV = c_k/d + O(d^-2), KS = max of the two one-sided parts
    d = 10**12
    r = shell_projection_tv(d, k)
    assert r.tv == pytest.approx(_mp_tv_constant(k) / d, rel=1e-9, abs=0)
    assert r.tv_fixed_radius == pytest.approx(_mp_tv_constant(k) / d, rel=1e-9, abs=0)
    assert r.ks_radial == pytest.approx(_mp_ks_coefficient(k) / d, rel=1e-9, abs=0)
    root = math.sqrt(2 * (k + 2))
    np.testing.assert_allclose(r.crossings, [k + 2 - root, k + 2 + root], rtol=1e-9)
    assert (r.d, r.k) == (d, k)


def test_fixed_radius_shell_at_one_million_uses_the_exact_route():
    # d = 1e6 is still on the exact route (documented): it agrees with mpmath of the same law to 5e-11
    d, k = 10**6, 1
    with mp.workdps(30):
        _, _, F, G = _mp_laws(d, k)
        r = shell_projection_tv(d, k)
        lo, hi = r.crossings
        ks = max(abs(G(lo) - F(lo)), abs(F(hi) - G(hi)))
        tv = abs(G(lo) - F(lo)) + abs(F(hi) - G(hi))
    assert r.tv == pytest.approx(float(tv), rel=1e-9, abs=0)
    assert r.ks_radial == pytest.approx(float(ks), rel=1e-9, abs=0)


def test_shell_tv_on_the_mixture_route_at_the_largest_documented_d():
    # d = 1e9 is the largest d of the mixture route: a lognormal spread sigma = 1e-3 gives the leading
    # order c_1 |1/d - Var(rho^2)/2| (Prop. 2 sharpened), Var(rho^2) = e^{4 sigma^2} - 1
    d, sigma = 10**9, 1e-3
    r = shell_projection_tv(d, 1, lognormal_shell(sigma))
    lead = _mp_tv_constant(1) * abs(1.0 / d - math.expm1(4 * sigma * sigma) / 2)
    assert r.tv == pytest.approx(lead, rel=1e-2, abs=0)
    with pytest.raises(
        ValueError, match=r"^shell_projection_tv: d = 1000000001 is too large .*use shell_tv_leading"
    ):
        shell_projection_tv(d + 1, 1, lognormal_shell(sigma))


def test_shell_tv_error_beyond_the_mixture_route_names_the_remedy():
    msg = (
        r"^shell_projection_tv: d = 10000000000 is too large for the radial mixture route \(incomplete beta "
        r"functions of parameter \(d-k\)/2 lose accuracy beyond d = 1e\+09\); "
        r"use shell_tv_leading for the leading order$"
    )
    with pytest.raises(ValueError, match=msg):
        shell_projection_tv(10**10, 2, chi_shell(3))


def test_shell_tv_mixture_of_a_nearly_fixed_radius_is_the_projection():
    # U[1 - 1e-9, 1 + 1e-9]: the mixture is the fixed-radius law to O(1e-9)
    tv, ks, _, _, _ = _MP_PROJECTION[(12, 3)]
    r = shell_projection_tv(12, 3, stats.uniform(1 - 1e-9, 2e-9))
    assert r.tv == pytest.approx(tv, rel=1e-7, abs=0)
    assert r.ks_radial == pytest.approx(ks, rel=1e-7, abs=0)


@pytest.mark.parametrize(
    ("d", "k", "var", "expected_ratio"), [(100, 2, 0.0, 1 / 100), (100, 2, 0.5, 0.24), (64, 1, 1 / 32, 0)]
)
def test_shell_tv_leading_is_c_k_times_the_documented_bracket(d, k, var, expected_ratio):
    # c_k |1/d - Var(rho^2)/2|, the bracket computed by hand
    assert shell_tv_leading(d, k, var) == pytest.approx(
        _mp_tv_constant(k) * expected_ratio, rel=1e-12, abs=1e-300
    )


def test_shell_tv_leading_refuses_a_negative_variance_naming_it():
    with pytest.raises(ValueError, match=r"^var_rho2 must be >= 0.0; got -0.1$"):
        shell_tv_leading(10, 1, -0.1)
    with pytest.raises(ValueError, match=r"^k must satisfy 1 <= k <= d - 1 = 9"):
        shell_tv_leading(10, 10, 0.1)
    with pytest.raises(ValueError, match=r"^d must be >= 2"):
        shell_tv_leading(1, 1, 0.1)


# ---------------------------------------------------------------------------------------------------------
# exact distances of the fixed-radius projection
# ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("d", "k"), list(_MP_PROJECTION))
def test_exact_distances_match_mpmath(d, k):
    # documented accuracy of the exact routes at d <= 1e3: ~1e-13 (CDFs, closed form); every piece of
    # the Hellinger quadrature runs at epsrel 1e-12, and the cancellation in f + g - 2 sqrt(fg) over
    # [s_b, d] amplifies that by (Fbar(s_b) + Gbar(s_b)) / H^2 < 10 in these cases: H within 3e-11
    tv, ks, kl, hel, roots = _MP_PROJECTION[(d, k)]
    assert projection_tv(d, k) == pytest.approx(tv, rel=1e-11, abs=0)
    assert projection_ks(d, k) == pytest.approx(ks, rel=1e-11, abs=0)
    assert projection_kl(d, k) == pytest.approx(kl, rel=1e-10, abs=0)
    assert projection_kl(d, k, reverse=False) == projection_kl(d, k)
    assert projection_hellinger(d, k) == pytest.approx(hel, rel=3e-11, abs=0)
    r = projection_distances(d, k)
    assert (r.d, r.k) == (d, k)
    assert r.tv == pytest.approx(tv, rel=1e-11, abs=0)
    assert r.ks_radial == pytest.approx(ks, rel=1e-11, abs=0)
    assert r.kl == pytest.approx(kl, rel=1e-10, abs=0)
    assert r.hellinger == pytest.approx(hel, rel=3e-11, abs=0)
    assert r.kl_reverse == math.inf
    assert r.route == "exact"
    assert r.rel_error_bound is None
    assert r.tv_asymptotic == pytest.approx(_mp_tv_constant(k) / d, rel=1e-12, abs=0)
    assert r.df_bound == (2.0 * (k + 3) / (d - k - 3) if k <= d - 4 else None)
    expected = roots if len(roots) == 2 else [0.0, *roots] if roots[0] > k else [*roots, float(d)]
    np.testing.assert_allclose([r.crossings.s_lo, r.crossings.s_hi], expected, rtol=1e-10, atol=1e-12)


def test_reverse_kl_is_infinite_and_reverse_must_be_a_bool():
    assert projection_kl(12, 3, reverse=True) == math.inf
    with pytest.raises(TypeError, match=r"^reverse must be a bool; got str 'yes'$"):
        projection_kl(12, 3, reverse="yes")
    with pytest.raises(TypeError, match=r"^reverse must be a bool; got int 1$"):
        projection_kl(12, 3, reverse=1)


@pytest.mark.parametrize("k", [1, 2])
def test_distances_at_huge_d_follow_the_closed_form_leading_terms(k):
    # KL = k(k+2)/(4 d^2), H^2 = k(k+2)/(16 d^2), TV = c_k/d, KS = max one-sided part / d (+ O(1/d) rel.)
    d = 10**12
    kl = k * (k + 2) / (4.0 * d * d)
    hel = math.sqrt(k * (k + 2) / 16.0) / d
    tv = _mp_tv_constant(k) / d
    ks = _mp_ks_coefficient(k) / d
    assert projection_tv(d, k) == pytest.approx(tv, rel=1e-9, abs=0)
    assert projection_ks(d, k) == pytest.approx(ks, rel=1e-9, abs=0)
    assert projection_kl(d, k) == pytest.approx(kl, rel=1e-9, abs=0)
    assert projection_hellinger(d, k) == pytest.approx(hel, rel=3e-11, abs=0)
    r = projection_distances(d, k)
    assert r.route == "asymptotic"
    assert r.rel_error_bound == pytest.approx(
        2.0 * (k + 2) ** 2 / d**2 + 4e-15 * (k + 2) ** 2, rel=1e-14, abs=0
    )
    assert (r.tv, r.ks_radial, r.kl, r.hellinger) == pytest.approx((tv, ks, kl, hel), rel=1e-9, abs=0)
    assert r.kl_reverse == math.inf
    assert r.df_bound == pytest.approx(2.0 * (k + 3) / (d - k - 3), rel=1e-15, abs=0)
    assert r.tv_asymptotic == pytest.approx(tv, rel=1e-12, abs=0)
    root = math.sqrt(2 * (k + 2))
    np.testing.assert_allclose([r.crossings.s_lo, r.crossings.s_hi], [k + 2 - root, k + 2 + root], rtol=1e-9)
    ex = projection_tv_expansion(d, k)
    assert (ex.d, ex.k) == (d, k)
    assert ex.c_k == pytest.approx(_mp_tv_constant(k), rel=1e-12, abs=0)
    assert ex.tv == pytest.approx(tv, rel=1e-9, abs=0)
    assert ex.rel_error_bound == pytest.approx(r.rel_error_bound, rel=1e-14, abs=0)


@pytest.mark.parametrize(
    "fn",
    [
        projection_tv,
        projection_ks,
        projection_kl,
        projection_hellinger,
        projection_distances,
        shell_projection_tv,
    ],
)
def test_no_accurate_route_error_names_the_function(fn):
    # d > 1e9 with k too large for the expansion: refused, naming the function called
    name = "projection_tv" if fn is shell_projection_tv else fn.__name__
    with pytest.raises(ValueError, match=f"^{name}: no accurate route at d = 10000000000, k = 10000"):
        fn(10**10, 10**4)


@pytest.mark.parametrize(
    "fn", [projection_tv, projection_ks, projection_kl, projection_hellinger, projection_tv_expansion]
)
def test_exact_functions_validate_d_and_k_by_name(fn):
    with pytest.raises(ValueError, match=r"^k must satisfy 1 <= k <= d - 1 = 4"):
        fn(5, 5)
    with pytest.raises(ValueError, match=r"^k must be >= 1; got 0"):
        fn(5, 0)
    with pytest.raises(ValueError, match=r"^d must be >= 2; got 1"):
        fn(1, 1)


def test_tv_expansion_fields_at_moderate_d():
    # the two-term expansion at any d >= 2: c_k/d + e_k/d^2, bound 2 (k+2)^2/d^2 + 4e-15 (k+2)^2
    d, k = 1000, 2
    ex = projection_tv_expansion(d, k)
    assert ex.tv == pytest.approx(ex.c_k / d + ex.e_k / d**2, rel=1e-14, abs=0)
    assert ex.c_k == pytest.approx(_mp_tv_constant(k), rel=1e-12, abs=0)
    # e_k from the exact TV: d^2 (TV - c_k/d) -> e_k; at d = 1000 within O(1/d) of it
    tv = _MP_PROJECTION[(d, k)][0]
    assert ex.e_k == pytest.approx(d * d * (tv - ex.c_k / d), rel=2e-2, abs=0)
    assert ex.rel_error_bound == pytest.approx(2 * 16 / 1e6 + 4e-15 * 16, rel=1e-14, abs=0)


@pytest.mark.parametrize(("d", "k", "bound"), [(5, 1, 8.0), (10, 2, 2.0), (20, 16, 38.0), (11, 3, 2.4)])
def test_diaconis_freedman_bound_hand_values(d, k, bound):
    assert diaconis_freedman_bound(d, k) == pytest.approx(bound, rel=1e-15, abs=0)


def test_diaconis_freedman_bound_range_is_refused_naming_the_argument():
    with pytest.raises(
        ValueError, match=r"^the Diaconis-Freedman bound needs 1 <= k <= d - 4 = 6; got k = 7$"
    ):
        diaconis_freedman_bound(10, 7)
    with pytest.raises(ValueError, match=r"^d must be >= 5; got 4"):
        diaconis_freedman_bound(4, 1)
    with pytest.raises(ValueError, match=r"^k must be >= 1; got 0"):
        diaconis_freedman_bound(10, 0)
    with pytest.raises(TypeError, match=r"^k must be an integer"):
        diaconis_freedman_bound(10, 1.0)
    with pytest.raises(TypeError, match=r"^d must be an integer"):
        diaconis_freedman_bound(10.0, 1)


# ---------------------------------------------------------------------------------------------------------
# Monte Carlo on given samples: the estimator written out with the density ratio typed here
# ---------------------------------------------------------------------------------------------------------


def _log_ratio(y: np.ndarray, d: int, k: int) -> np.ndarray:
    """log p_d(y) - log phi_k(y); p_d(y) = Gamma(d/2) / (Gamma((d-k)/2) (pi d)^{k/2}) (1 - |y|^2/d)^{a},
    a = (d-k-2)/2."""
    out = []
    for row in y:
        with mp.workdps(30):
            s = mp.fsum(mp.mpf(float(v)) ** 2 for v in row)
            lp = (
                mp.loggamma(mp.mpf(d) / 2)
                - mp.loggamma(mp.mpf(d - k) / 2)
                - mp.mpf(k) / 2 * mp.log(mp.pi * d)
                + mp.mpf(d - k - 2) / 2 * mp.log1p(-s / d)
            )
            lg = -mp.mpf(k) / 2 * mp.log(2 * mp.pi) - s / 2
            out.append(float(lp - lg))
    return np.array(out)


_Y = {
    (6, 2): np.array([[0.1, -0.3], [1.2, 0.4], [-2.0, 0.5], [0.0, 0.0], [1.5, -1.7]]),
    (5, 1): np.array([[0.2], [-1.9], [0.05], [2.1]]),
}


@pytest.mark.parametrize(("d", "k"), list(_Y))
def test_mc_estimators_on_given_samples_are_the_sample_means(d, k):
    y = _Y[(d, k)]
    L = _log_ratio(y, d, k)
    w = np.maximum(-np.expm1(-L), 0.0)
    est = mc_projection_tv(d, k, samples=y)
    assert est.estimate == pytest.approx(w.mean(), rel=1e-12, abs=0)
    assert est.stderr == pytest.approx(w.std(ddof=1) / math.sqrt(len(w)), rel=1e-12, abs=0)
    assert est.n_samples == len(y)
    assert est.method == "E_p[(1-g/p)_+]"
    est = mc_projection_kl(d, k, samples=y)
    assert est.estimate == pytest.approx(L.mean(), rel=1e-12, abs=0)
    assert est.stderr == pytest.approx(L.std(ddof=1) / math.sqrt(len(L)), rel=1e-12, abs=0)
    assert est.method == "E_p[log p/g]"


def test_mc_accepts_two_samples_and_refuses_one_naming_samples():
    y = np.array([[0.3, 0.1], [-0.2, 1.0]])
    assert mc_projection_tv(6, 2, samples=y).n_samples == 2
    with pytest.raises(ValueError, match=r"^samples must have at least 2 rows"):
        mc_projection_tv(6, 2, samples=y[:1])
    with pytest.raises(ValueError, match=r"^samples must have k = 2 columns; got shape \(2, 3\)$"):
        mc_projection_kl(6, 2, samples=np.zeros((2, 3)))
    with pytest.raises(
        ValueError, match=r"^samples must lie in the open ball of radius sqrt\(d\) = 2.44949$"
    ):
        mc_projection_tv(6, 2, samples=np.array([[0.0, 0.0], [2.5, 0.0]]))
    with pytest.raises(ValueError, match=r"open ball of radius sqrt\(d\) = 2$"):  # |y|^2 = d exactly
        mc_projection_kl(4, 1, samples=np.array([[0.1], [2.0]]))


def test_mc_draws_n_samples_and_refuses_fewer_than_two_naming_n_samples():
    assert mc_projection_tv(6, 2, n_samples=2, seed=0).n_samples == 2
    assert mc_projection_kl(6, 2, n_samples=3, seed=0).n_samples == 3
    with pytest.raises(ValueError, match=r"^n_samples must be >= 2; got 1"):
        mc_projection_tv(6, 2, n_samples=1, seed=0)
    with pytest.raises(ValueError, match=r"^k must satisfy 1 <= k <= d - 1 = 5"):
        mc_projection_tv(6, 6, n_samples=10, seed=0)
    with pytest.raises(ValueError, match=r"^d must be >= 2; got 1"):
        mc_projection_kl(1, 1, n_samples=10, seed=0)


def test_mc_draws_are_reproducible_from_the_seed():
    # the same seed (an int or a Generator in the same state) gives the same draws, hence the same estimate
    a = mc_projection_tv(6, 2, n_samples=50, seed=3)
    b = mc_projection_tv(6, 2, n_samples=50, seed=np.random.default_rng(3))
    assert a == b
    assert mc_projection_kl(6, 2, n_samples=50, seed=4) == mc_projection_kl(6, 2, n_samples=50, seed=4)
