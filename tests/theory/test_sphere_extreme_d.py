"""theory.sphere at extreme d: never a wrong number.

The exact routes (CDF differences, the KL closed form, the Hellinger quadrature) lose accuracy as d grows:
before this fix ``projection_tv(d, 2)`` was 1.6x the truth at d = 1e15, 0 at 1e16 and 11x at 1e18. Beyond
d = 1e6 the two-term 1/d expansions take over where their error bound is small, the exact route serves
large k up to d = 1e9, and beyond that a ValueError. The reference here is independent of the code: 60-digit
mpmath quadrature of the radial integrals with crossings found by mpmath root finding.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
import sympy as sp

from theory import symbolic as sym
from theory.sphere import _asymptotic as asy
from theory.sphere import (
    crossing_radii,
    log_density_ratio,
    projection_distances,
    projection_hellinger,
    projection_kl,
    projection_ks,
    projection_logpdf,
    projection_tv,
    projection_tv_expansion,
    shell_projection_tv,
    tv_constant,
)


def _mp_reference(d: int, k: int, dps: int = 80) -> dict:
    """TV, its two one-sided parts, KL, Hellinger and the crossings by mpmath at ``dps`` digits."""
    with mp.workdps(dps):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        x = (d_ - k) / 2
        a = x - 1
        log_nf = h * mp.log(d_) + mp.loggamma(h) + mp.loggamma(x) - mp.loggamma(x + h)
        log_ng = h * mp.log(2) + mp.loggamma(h)

        def lr(s):
            return a * mp.log1p(-s / d_) + s / 2 - log_nf + log_ng

        def f(s):
            return mp.exp((h - 1) * mp.log(s) + a * mp.log1p(-s / d_) - log_nf)

        def g(s):
            return mp.exp((h - 1) * mp.log(s) - s / 2 - log_ng)

        w = mp.sqrt(2 * (k + 2))
        lo, hi = mp.findroot(lr, k + 2 - w), mp.findroot(lr, k + 2 + w)
        tv = mp.quad(lambda s: f(s) - g(s), [lo, k + 2, hi])
        D1 = mp.quad(lambda s: g(s) - f(s), [0, lo])
        sd = mp.sqrt(2 * k)
        top = min(d_, k + 40 * sd + 200)
        pts = sorted(
            {mp.mpf(0), top, *(p for p in (k - 3 * sd, k, k + 2, k + 3 * sd, k + 8 * sd) if 0 < p < top)}
        )
        # KL = E_f[L(S)] in closed form (S/d ~ Beta(h, x): E log(1 - S/d) = psi(x) - psi(x + h), E S = k):
        # a quadrature of f L cancels like d^2 and would need far more digits at d = 1e18
        kl = (
            mp.loggamma(x + h)
            - mp.loggamma(x)
            - h * mp.log(x + h)
            + a * (mp.digamma(x) - mp.digamma(x + h))
            + h
        )
        h2 = mp.quad(lambda s: g(s) * mp.expm1(lr(s) / 2) ** 2, pts) / 2
        return {
            "tv": float(tv),
            "D1": float(D1),
            "D2": float(tv - D1),
            "kl": float(kl),
            "hel": float(mp.sqrt(h2)),
            "lo": float(lo),
            "hi": float(hi),
        }


# Past the switch (1e6 + 1), and where the old exact route failed: 1e12 (1e-3 off), 1e15 (1.7x), 1e16
# (0), 1e18 (11x, k = 2).
EXTREME = [
    pytest.param(10**6 + 1, 1, marks=pytest.mark.slow),
    (10**7, 3),
    pytest.param(10**10, 1, marks=pytest.mark.slow),
    (10**12, 10),
    (10**15, 2),
    (10**16, 2),
    (10**18, 2),
    (10**18, 1),
]


@pytest.mark.claim("MP", "R-d")
@pytest.mark.parametrize(("d", "k"), EXTREME)
def test_distances_right_at_and_beyond_the_switch(d, k):
    ref = _mp_reference(d, k)
    tol = 1e-8
    assert projection_tv(d, k) == pytest.approx(ref["tv"], rel=tol, abs=0)
    assert projection_ks(d, k) == pytest.approx(max(ref["D1"], ref["D2"]), rel=tol, abs=0)
    assert projection_kl(d, k) == pytest.approx(ref["kl"], rel=tol, abs=0)
    assert projection_hellinger(d, k) == pytest.approx(ref["hel"], rel=tol, abs=0)
    r = projection_distances(d, k)
    assert r.route == "asymptotic" and r.rel_error_bound <= tol
    assert r.tv == pytest.approx(ref["tv"], rel=r.rel_error_bound, abs=0)
    assert r.kl == pytest.approx(ref["kl"], rel=r.rel_error_bound, abs=0)
    assert r.hellinger == pytest.approx(ref["hel"], rel=r.rel_error_bound, abs=0)
    assert r.ks_radial == pytest.approx(max(ref["D1"], ref["D2"]), rel=r.rel_error_bound, abs=0)
    cr = crossing_radii(d, k)
    assert cr.s_lo == pytest.approx(ref["lo"], rel=1e-12) and cr.s_hi == pytest.approx(ref["hi"], rel=1e-12)
    assert shell_projection_tv(d, k).tv == pytest.approx(ref["tv"], rel=tol, abs=0)


@pytest.mark.claim("R-d")
@pytest.mark.parametrize(
    ("d", "k"),
    [pytest.param(10**3, 1, marks=pytest.mark.slow), (10**4, 2), (10**4, 10), (10**5, 100), (10**6, 1000)],
)
def test_expansion_error_within_its_bound_at_moderate_d(d, k):
    # where the O(d^-3) remainder dominates, the bound must still hold (it is not only a rounding floor)
    ref = _mp_reference(d, k)
    ex = projection_tv_expansion(d, k)
    assert abs(ex.tv / ref["tv"] - 1) <= ex.rel_error_bound
    assert abs(ex.ks_radial / max(ref["D1"], ref["D2"]) - 1) <= ex.rel_error_bound
    assert abs(asy.kl_asymptotic(d, k) / ref["kl"] - 1) <= ex.rel_error_bound
    assert abs(asy.hellinger_asymptotic(d, k) / ref["hel"] - 1) <= ex.rel_error_bound
    # and the second term matters: c_k/d alone is further off than the bound
    assert abs(tv_constant(k) / d / ref["tv"] - 1) > ex.rel_error_bound


@pytest.mark.claim("MP")
@pytest.mark.parametrize(
    ("d", "k"), [(10**8, 5000), pytest.param(10**9, 2000, marks=pytest.mark.slow), (2 * 10**6, 400)]
)
def test_large_k_keeps_the_exact_route_up_to_1e9(d, k):
    ref = _mp_reference(d, k)
    assert asy.route(d, k, "t") == "exact"
    assert projection_tv(d, k) == pytest.approx(ref["tv"], rel=1e-8, abs=0)
    assert projection_ks(d, k) == pytest.approx(max(ref["D1"], ref["D2"]), rel=1e-8, abs=0)
    assert projection_kl(d, k) == pytest.approx(ref["kl"], rel=1e-8, abs=0)
    assert projection_hellinger(d, k) == pytest.approx(ref["hel"], rel=1e-8, abs=0)


@pytest.mark.parametrize(
    "fn", [projection_tv, projection_ks, projection_kl, projection_hellinger, projection_distances]
)
def test_refuses_where_no_route_is_accurate(fn):
    with pytest.raises(ValueError, match=r"d = 1000000000000, k = 100000"):
        fn(10**12, 10**5)
    fn(10**9, 10**5)  # still served by the exact route


def test_radial_mixture_refuses_beyond_1e9():
    from theory.sphere import lognormal_shell

    with pytest.raises(ValueError, match="d = 10000000000 is too large"):
        shell_projection_tv(10**10, 1, lognormal_shell(0.1))


def test_expansion_polynomials_equal_the_sympy_derivation():
    r = sym.ratio_expansion()
    for kk in (1, 2, 7):
        for coeffs, expr in ((asy._h1(kk), r.h1), (asy._h2(kk), r.h2)):
            poly = sum(sp.Rational(c.numerator, c.denominator) * sym.s**m for m, c in enumerate(coeffs))
            assert sp.expand(poly - expr.subs(sym.k, kk)) == 0
    # the leading KL / Hellinger coefficients equal the symbolic ones, k(k+2)/4 and k(k+2)/16
    for kk in (1, 3, 10):
        kl2, _, hel2, _ = asy.divergence_coefficients(kk)
        assert kl2 == float(sym.kl_leading_expr().subs(sym.k, kk))
        assert hel2 == float(sym.hellinger_leading_expr().subs(sym.k, kk))


@pytest.mark.parametrize("d", [10**12, 10**16, 10**18])
def test_logpdf_and_log_ratio_at_huge_d(d):
    k = 2
    s = np.array([0.5, 3.0, 9.0])
    with mp.workdps(60):
        d_, h = mp.mpf(d), mp.mpf(k) / 2
        a = (d_ - k - 2) / 2
        lg = mp.loggamma(d_ / 2) - mp.loggamma((d_ - k) / 2)
        ref_scaled = [float(lg - h * mp.log(mp.pi * d_) + a * mp.log1p(-mp.mpf(v) / d_)) for v in s]
        ref_ratio = [
            float(lg - h * mp.log(d_ / 2) + a * mp.log1p(-mp.mpf(v) / d_) + mp.mpf(v) / 2) for v in s
        ]
        # unscaled density at |x|^2 = s/d
        ref_unscaled = [float(lg - h * mp.log(mp.pi) + a * mp.log1p(-mp.mpf(v) / d_)) for v in s]
    y = np.stack([np.sqrt(s), np.zeros(3)], axis=1)
    np.testing.assert_allclose(projection_logpdf(y, d, k), ref_scaled, rtol=1e-13)
    np.testing.assert_allclose(
        projection_logpdf(y / math.sqrt(d), d, k, scaled=False), ref_unscaled, rtol=1e-13
    )
    np.testing.assert_allclose(log_density_ratio(s, d, k), ref_ratio, rtol=1e-9)


@pytest.mark.claim("MP")
@pytest.mark.parametrize("k", [pytest.param(1, marks=pytest.mark.slow), 3])
def test_last_exact_point_of_the_switch(k):
    # d = 1e6 keeps the exact route (the numbers of paper_checks.md), accurate to 1e-9 there
    d = 10**6
    ref = _mp_reference(d, k)
    r = projection_distances(d, k)
    assert r.route == "exact" and r.rel_error_bound is None
    assert r.tv == pytest.approx(ref["tv"], rel=1e-9, abs=0)
    assert r.kl == pytest.approx(ref["kl"], rel=1e-9, abs=0)


@pytest.mark.claim("R-d")
@pytest.mark.parametrize("k", [1001, 10**6, 10**12, 10**20])
def test_tv_constant_at_huge_k_against_mpmath(k):
    # c_k = sqrt(2(k+2))/2 [s_+ g_k(s_+) + s_- g_k(s_-)] at 50 digits; scipy's chi^2 density lost 1e-3
    # relative at k = 1e12 (and failed at 1e20)
    with mp.workdps(50):
        h, w = mp.mpf(k) / 2, mp.sqrt(2 * (k + 2))

        def sg(s):
            return mp.exp(h * mp.log(s) - s / 2 - h * mp.log(2) - mp.loggamma(h))

        ref = float(w / 2 * (sg(k + 2 + w) + sg(k + 2 - w)))
    assert tv_constant(k) == pytest.approx(ref, rel=1e-13)
