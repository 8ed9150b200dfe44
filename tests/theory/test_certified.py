"""Certified statements (ball arithmetic): MP / DF, c_k, L1 and T2 over boxes.

Each certificate is held three ways: it holds over its box; the balls it is built from contain an
independent high-precision value (mpmath quadrature or mpmath Bessel functions at 40 digits); and the
floating-point value of :mod:`theory` that it certifies lies in the ball, up to that float's own
documented error (the balls are far tighter than double precision, so the float's rounding error is
added to the radius). A certificate must also be able to fail: a false variant of each statement (a
constant above the best one, a beta below beta0, a bound below the TV) is reported as failing, with
the failing piece named. Short boxes run by default; the long boxes are ``-m slow``.
"""

import math

import mpmath as mp
import pytest

flint = pytest.importorskip(
    "flint", reason="python-flint (ball arithmetic) is not installed: pip install python-flint"
)
arb = flint.arb

from theory.certified import (  # noqa: E402
    Certificate,
    certify_diaconis_freedman,
    certify_lemma1,
    certify_theorem1,
    interval,
    lemma1_margin_ball,
    projection_tv_ball,
    tv_constant_ball,
)
from theory.sphere import diaconis_freedman_bound, projection_tv, tv_constant  # noqa: E402
from theory.vmf import kl_vmf_uniform, mean_resultant_length  # noqa: E402

L1_DIMS = (2, 3, 4, 8, 16, 64, 256)
T2_ROWS = ((3, 5.0, 0.3), (16, 10.0, 0.36), (128, 10.0, 0.36), (128, 30.0, 0.1), (1024, 200.0, 0.1))


def _near(ball, value: float, err: float) -> bool:
    """``value`` lies in ``ball`` widened by ``err`` (the float's own error)."""
    return bool(abs(float(ball.mid()) - value) <= float(ball.rad()) + err)


def _tv_mpmath(d: int, k: int) -> mp.mpf:
    """TV by 40-digit quadrature of the two densities of the squared radius between their crossings."""
    with mp.workdps(40):
        h, x = mp.mpf(k) / 2, mp.mpf(d - k) / 2

        def log_ratio(s):
            c = mp.loggamma(x + h) - mp.loggamma(x) + h * mp.log(mp.mpf(2) / d)
            return c + (x - 1) * mp.log(1 - s / d) + s / 2

        def diff(s):  # f - g: d Beta(h, x) density minus chi^2_k density
            f = s ** (h - 1) * (1 - s / d) ** (x - 1) / (d**h * mp.beta(h, x))
            g = s ** (h - 1) * mp.exp(-s / 2) / (2**h * mp.gamma(h))
            return f - g

        s2 = mp.findroot(log_ratio, (k + 2 + 1e-9, d * (1 - 1e-12)), solver="bisect")
        s1 = mp.findroot(log_ratio, (1e-30, k + 2), solver="bisect") if log_ratio(mp.mpf(0)) < 0 else 0
        return mp.quad(diff, [s1, (s1 + s2) / 2, s2])


class TestDiaconisFreedman:
    @pytest.mark.claim("MP")
    @pytest.mark.parametrize("k", [1, 2, 3])
    def test_holds_for_every_d_up_to_300(self, k):
        cert = certify_diaconis_freedman(k, 300)
        assert isinstance(cert, Certificate)
        assert cert.holds and not cert.failures
        assert cert.pieces == 300 - (k + 4) + 1
        assert cert.worst_piece == "d = 300"  # margin ~ (2(k+3) - c_k)/d: smallest at the largest d
        tv = projection_tv(300, k)
        bound = diaconis_freedman_bound(300, k)
        lo, hi = cert.worst_margin
        assert lo - 1e-13 * bound <= bound - tv <= hi + 1e-13 * bound
        assert cert.to_dict()["box"] == f"k = {k}, every integer d in [{k + 4}, 300]"

    @pytest.mark.parametrize(("d", "k"), [(5, 1), (7, 1), (9, 2), (20, 3), (64, 2)])
    def test_tv_ball_contains_mpmath_quadrature(self, d, k):
        ball = projection_tv_ball(d, k)
        exact = _tv_mpmath(d, k)
        assert _near(ball, float(exact), 1e-30)
        assert float(ball.rad()) < 1e-9 * float(exact)

    @pytest.mark.parametrize(("d", "k"), [(5, 1), (10, 3), (100, 2), (1000, 1), (10**5, 3)])
    def test_float_tv_lies_in_ball(self, d, k):
        # projection_tv's documented relative error: 1e-13 at d = 1e3, 5e-11 at d = 1e6
        tv = projection_tv(d, k)
        assert _near(projection_tv_ball(d, k), tv, 1e-10 * tv)

    def test_a_false_bound_fails(self):
        # TV(d, 1) ~ 0.35/d: the "bound" 0.3/d is false at large d; the crossing balls show it
        ball = projection_tv_ball(1000, 1)
        assert ball > arb("0.3") / 1000
        assert not ball > arb("0.4") / 1000

    def test_bad_input(self):
        with pytest.raises(ValueError, match="d_max must be >= 5"):
            certify_diaconis_freedman(1, 4)
        with pytest.raises(TypeError, match="k must be an integer"):
            certify_diaconis_freedman(1.5, 10)
        with pytest.raises(ValueError, match="d must be >= 5"):
            projection_tv_ball(4, 1)

    @pytest.mark.slow
    @pytest.mark.parametrize("k", [1, 2, 3])
    def test_holds_for_every_d_up_to_1e5(self, k):
        cert = certify_diaconis_freedman(k, 10**5)
        assert cert.holds, cert.failures[:5]


class TestSharpConstant:
    @pytest.mark.parametrize("k", [1, 2, 3, 10])
    def test_contains_quadrature_and_float(self, k):
        enc = tv_constant_ball(k)
        assert enc.digits >= 60
        with mp.workdps(50):
            w = mp.sqrt(2 * (k + 2))
            s_m, s_p = k + 2 - w, k + 2 + w

            def integrand(s):  # h_k(s) g_k(s): the 1/d coefficient of p_d - phi_k
                return (
                    -(s * s - 2 * (k + 2) * s + k * (k + 2))
                    / 4
                    * mp.exp((k / 2 - 1) * mp.log(s) - s / 2 - (k / 2) * mp.log(2) - mp.loggamma(k / 2))
                )

            c_quad = mp.quad(integrand, [s_m, k + 2, s_p])  # c_k = E h_k(|Z|^2)_+
        assert enc.lower - 1e-40 <= float(c_quad) <= enc.upper + 1e-40
        assert enc.upper - enc.lower < 1e-15
        c = tv_constant(k)
        assert enc.lower - 4e-16 * c <= c <= enc.upper + 4e-16 * c


def _h_mpmath(d: int, kappa: float) -> mp.mpf:
    """``KL - (d/2) A^2`` from mpmath's Bessel functions at 40 digits."""
    with mp.workdps(40):
        nu, k = mp.mpf(d) / 2 - 1, mp.mpf(kappa)
        a = mp.besseli(nu + 1, k) / mp.besseli(nu, k)
        psi = mp.loggamma(mp.mpf(d) / 2) + nu * mp.log(2 / k) + mp.log(mp.besseli(nu, k))
        return k * a - psi - mp.mpf(d) / 2 * a * a


class TestLemma1:
    @pytest.mark.claim("L1")
    @pytest.mark.parametrize("d", L1_DIMS)
    def test_holds_on_short_box(self, d):
        cert = certify_lemma1(d, 100.0)
        assert cert.holds, cert.failures
        assert cert.box == f"d = {d}, kappa in (0, 100]"
        # near 0 the margin is c kappa^2 with c -> 1/(4 (d+2)(d-1)): the interval holds the limit
        lo, hi = cert.details["near_zero_c"]
        assert 0 < lo <= 1.0 / (4 * (d + 2) * (d - 1)) <= hi
        # the float margin at the worst piece's ends lies in its enclosure
        a, b = cert.details["worst_piece_kappa"]
        for kap in (a, b):
            A = mean_resultant_length(d, kap)
            margin = kl_vmf_uniform(d, kap) / ((d - 1) * A * A) - d / (2 * (d - 1))
            lo, hi = cert.worst_margin
            assert lo - 1e-9 <= margin <= hi + 1e-9

    @pytest.mark.parametrize("d", [2, 3, 16, 256])
    @pytest.mark.parametrize("kappa", [1e-3, 0.5, 7.0, 300.0])
    def test_margin_ball_contains_mpmath_and_float(self, d, kappa):
        ball = lemma1_margin_ball(d, kappa)
        exact = _h_mpmath(d, kappa)
        assert _near(ball, float(exact), 1e-25 * abs(float(exact)))
        A = mean_resultant_length(d, kappa)
        kl = kl_vmf_uniform(d, kappa)
        # float h: KL and (d/2) A^2 each to a few ulps, then one subtraction
        assert _near(ball, kl - d / 2 * A * A, 1e-14 * (kl + d / 2 * A * A))

    @pytest.mark.parametrize("d", [2, 3, 256])
    def test_a_constant_above_the_best_fails_near_zero(self, d):
        best = d / (2 * (d - 1))
        cert = certify_lemma1(d, 10.0, C=best * (1 + 1e-6))
        assert not cert.holds
        assert cert.failures[0].startswith("on (0, ")
        assert certify_lemma1(d, 10.0, C=best * (1 - 1e-6)).holds

    def test_a_false_statement_names_its_pieces(self):
        # C = 1 at d = 3 is false for every kappa below ~ 10: the failing pieces are named, no endless split
        cert = certify_lemma1(3, 100.0, C=1.0)
        assert not cert.holds
        assert any(f.startswith("kappa in [1, ") for f in cert.failures)
        assert cert.worst_margin[0] < 0

    def test_bad_input(self):
        with pytest.raises(ValueError, match="kappa_max must be > 0"):
            certify_lemma1(3, 0.0)
        with pytest.raises(ValueError, match="kappa0 must be <= kappa_max"):
            certify_lemma1(3, 1.0, kappa0=2.0)
        with pytest.raises(TypeError, match="d must be an integer"):
            certify_lemma1(3.0, 1.0)
        with pytest.raises(ValueError, match="C must be > 0"):
            certify_lemma1(3, 1.0, C=-1.0)

    @pytest.mark.slow
    @pytest.mark.parametrize("d", L1_DIMS)
    def test_holds_on_long_box(self, d):
        cert = certify_lemma1(d, 1e4)
        assert cert.holds, cert.failures[:5]


class TestTheorem1:
    @pytest.mark.claim("T2")
    @pytest.mark.parametrize(("d", "alpha", "eta2"), T2_ROWS[:4])
    def test_holds_at_beta0(self, d, alpha, eta2):
        from theory.regularized import beta0, theorem1_vmf

        cert = certify_theorem1(d, alpha, eta2, 1e3)
        assert cert.holds, cert.failures
        b0 = beta0(alpha, eta2, d, C=d / (2 * (d - 1)))
        assert math.isclose(cert.parameters["beta"], b0, rel_tol=1e-15)
        # the certified lower bound beta0 KL - alpha (1-eta2) A^2 never exceeds the float margin of J~
        a, b = cert.details["worst_piece_kappa"]
        for kap in (a, b):
            A = mean_resultant_length(d, kap)
            lower = b0 * kl_vmf_uniform(d, kap) - alpha * (1 - eta2) * A * A
            lo, hi = cert.worst_margin
            assert lo - 1e-12 <= lower <= hi + 1e-12
            assert theorem1_vmf(d, alpha, eta2, b0, kappas=[kap]).margin >= lower - 1e-12

    def test_below_beta0_the_lower_bound_fails(self):
        # the row's beta0 uses the grid infimum C = C(d)(1 + O(1e-6 kappa^2)): a hair below beta0, so the
        # bound without Phi's gap is negative near kappa = 0 (Phi's gap, by T1, is what keeps J~ >= 0)
        from theory.regularized import beta0, lemma1_constant

        b = beta0(5.0, 0.3, 3, C=lemma1_constant(3).C)
        cert = certify_theorem1(3, 5.0, 0.3, 10.0, beta=b)
        assert not cert.holds
        assert "on (0, " in cert.failures[0]

    @pytest.mark.slow
    @pytest.mark.parametrize(("d", "alpha", "eta2"), T2_ROWS)
    def test_holds_on_long_box(self, d, alpha, eta2):
        cert = certify_theorem1(d, alpha, eta2, 1e4)
        assert cert.holds, cert.failures[:5]


def test_interval_rounds_outward():
    x = arb(1) / 3
    lo, hi = interval(x)
    assert lo < hi and arb(lo) <= x <= arb(hi)
    assert interval(arb("nan")) == (-math.inf, math.inf)
