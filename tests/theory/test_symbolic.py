"""Symbolic derivations (theory.symbolic) against independent numerics.

References: mpmath at 50-60 digits (the exact log density ratio at huge d, moments of U_1 by
quadrature), the exact finite-d distances of theory.sphere (themselves tested against mpmath), and
sympy identities (the Gaussian density, 3 - 6/(d+2)).
"""

from __future__ import annotations

import math

import mpmath as mp
import pytest
import sympy as sp
from scipy import stats

from theory import symbolic as sym
from theory.sphere import projection_hellinger, projection_kl, tv_constant


def _mp_log_ratio(d, k, s):
    d_, h, s_ = mp.mpf(d), mp.mpf(k) / 2, mp.mpf(s)
    return (
        mp.loggamma(d_ / 2)
        - mp.loggamma((d_ - k) / 2)
        + h * mp.log(2 / d_)
        + (d_ - k - 2) / 2 * mp.log1p(-s_ / d_)
        + s_ / 2
    )


@pytest.mark.claim("R-d")
@pytest.mark.parametrize(("k", "s"), [(1, 0.5), (1, 4.0), (3, 10.0), (6, 2.0)])
def test_h1_is_the_one_over_d_coefficient_of_the_exact_ratio(k, s):
    h1 = float(sym.ratio_expansion().h1.subs({sym.k: k, sym.s: s}))
    with mp.workdps(60):
        d = mp.mpf(10) ** 12
        val = d * mp.expm1(_mp_log_ratio(d, k, s))
    assert float(val) == pytest.approx(h1, abs=1e-9)


@pytest.mark.claim("R-d")
@pytest.mark.parametrize(("k", "s"), [(1, 0.5), (2, 7.0), (4, 3.0)])
def test_h2_is_the_one_over_d_squared_coefficient(k, s):
    ex = sym.ratio_expansion()
    h1 = float(ex.h1.subs({sym.k: k, sym.s: s}))
    h2 = float(ex.h2.subs({sym.k: k, sym.s: s}))
    with mp.workdps(60):
        d = mp.mpf(10) ** 10
        val = d**2 * (mp.expm1(_mp_log_ratio(d, k, s)) - h1 / d)
    assert float(val) == pytest.approx(h2, abs=1e-6)


@pytest.mark.claim("R-d")
def test_h1_closed_form_and_roots():
    h1 = sym.ratio_expansion().h1
    target = -(sym.s**2 - 2 * (sym.k + 2) * sym.s + sym.k * (sym.k + 2)) / 4
    assert sp.simplify(h1 - target) == 0


@pytest.mark.claim("R-d")
@pytest.mark.parametrize("k", [1, 2, pytest.param(3, marks=pytest.mark.slow), 4])  # k = 3: sympy, ~18 s
def test_tv_constant_symbolic_integral_equals_closed_form_and_numeric(k):
    expr = sym.tv_constant_expr(k)
    closed = sym.tv_constant_closed_form().subs(sym.k, k)
    assert float(sp.N(expr - closed, 30)) == pytest.approx(0.0, abs=1e-25)
    assert float(expr) == pytest.approx(tv_constant(k), rel=1e-13)


@pytest.mark.claim("R-d")
def test_kl_and_hellinger_leading_constants_against_exact_large_d():
    kl_c = sym.kl_leading_expr()
    hel_c = sym.hellinger_leading_expr()
    assert sp.simplify(kl_c - sym.k * (sym.k + 2) / 4) == 0
    d = 10**6
    for k in (1, 2, 5):
        assert d**2 * projection_kl(d, k) == pytest.approx(float(kl_c.subs(sym.k, k)), rel=1e-4)
        assert d**2 * projection_hellinger(d, k) ** 2 == pytest.approx(float(hel_c.subs(sym.k, k)), rel=1e-4)


@pytest.mark.claim("MP")
@pytest.mark.parametrize("m", [1, 2, 3, 4])
def test_moments_of_sqrt_d_u1_against_mpmath_quadrature_and_gaussian_limit(m):
    expr = sym.moment_expr(m)
    for d in (3, 7, 40):
        with mp.workdps(30):
            c = mp.gamma(mp.mpf(d) / 2) / (mp.sqrt(mp.pi) * mp.gamma(mp.mpf(d - 1) / 2))
            ref = mp.mpf(d) ** m * mp.quad(
                lambda u, c=c, d=d: c * u ** (2 * m) * (1 - u * u) ** (mp.mpf(d - 3) / 2), [-1, 0, 1]
            )
        assert float(expr.subs(sym.d, d)) == pytest.approx(float(ref), rel=1e-12)
    assert sp.limit(expr, sym.d, sp.oo) == sp.factorial2(2 * m - 1)


@pytest.mark.claim("MP")
def test_kurtosis_is_three_minus_six_over_d_plus_two():
    kurt = sym.kurtosis_expr()
    assert sp.simplify(kurt - (3 - 6 / (sym.d + 2))) == 0
    assert sp.limit(kurt, sym.d, sp.oo) == 3


@pytest.mark.claim("MP")
@pytest.mark.parametrize(
    "k", [1, pytest.param(2, marks=pytest.mark.slow), pytest.param(3, marks=pytest.mark.slow)]
)
def test_projected_density_tends_to_the_gaussian_pointwise(k):
    lim = sym.projected_density_limit(k)
    gauss = (2 * sp.pi) ** sp.Rational(-k, 2) * sp.exp(-(sym.y**2) / 2)
    assert sp.simplify(lim - gauss) == 0
    # and numerically at finite d: p_d / phi_k = 1 + h_k(s)/d + O(d^-2) at s = |y|^2 = 1, with h_k the
    # closed form written here; the tolerance is twice the next term h2(1)/d^2 (h2 checked against mpmath)
    d = 10**4
    p = sym.projected_density_expr(k)
    at = float(p.subs({sym.d: d, sym.y: 1}))
    h1 = -(1 - 2 * (k + 2) + k * (k + 2)) / 4
    h2 = float(sym.ratio_expansion().h2.subs({sym.k: k, sym.s: 1}))
    g1 = float(gauss.subs(sym.y, 1))
    assert at / g1 - 1 == pytest.approx(h1 / d, abs=2 * abs(h2) / d**2)


@pytest.mark.claim("P2")
def test_scale_mixture_adds_minus_half_variance_times_h_k():
    coeff = sym.shell_mixture_expansion()
    assert sp.simplify(coeff + sym.ratio_expansion().h1 / 2) == 0


def test_chi2_density_normalised():
    for k in (1, 2, 5):
        assert sp.integrate(sym.chi2_density(k), (sym.s, 0, sp.oo)) == 1
    for k, x in [(1, 0.3), (3, 2.0), (8, 11.0)]:
        assert math.isclose(float(sym.chi2_density(k).subs(sym.s, x)), stats.chi2(k).pdf(x), rel_tol=1e-12)


def test_bad_input():
    with pytest.raises(ValueError, match="k must be >= 1"):
        sym.tv_constant_expr(0)
    with pytest.raises(TypeError, match="m must be an integer"):
        sym.moment_expr(1.5)
