"""theory.special against mpmath (independent arbitrary-precision Bessel functions and quadrature)."""

import mpmath as mp
import numpy as np
import pytest
import sympy as sy

from theory.special import (
    DEBYE_U,
    log_iv,
    log_iv_normalized,
    log_iv_scaled,
    log_sphere_area,
    log_vmf_norm,
)

mp.mp.dps = 30

# (nu, x) pairs covering the three regimes: power series, scipy.ive, and the Debye expansion
GRID = [
    (0.0, 1e-300),
    (0.0, 1e-3),
    (0.5, 1.0),
    (2.5, 5.0),
    (10.0, 20.0),
    (49.0, 300.0),
    (150.0, 100.0),
    (300.0, 50.0),
    (499.5, 100.0),
    (1000.0, 100.0),  # Debye (ive underflows)
    (1000.0, 300.0),  # Debye
    (5000.0, 1000.0),  # Debye
    (49999.0, 1000.0),  # Debye, d = 1e5
    (49999.0, 3000.0),
    (3.0, 1e4),
]


@pytest.mark.parametrize(("nu", "x"), GRID)
def test_log_iv_matches_mpmath(nu, x):
    ref = float(mp.log(mp.besseli(nu, x, maxterms=10**6)))
    got = log_iv(nu, x)
    assert abs(got - ref) <= 1e-12 * max(1.0, abs(ref))


def test_log_iv_vectorised_broadcast_and_zero():
    nu = np.array([0.0, 1.0, 2.0])
    out = log_iv(nu, np.array([[0.0], [2.0]]))
    assert out.shape == (2, 3)
    assert out[0, 0] == 0.0 and np.all(out[0, 1:] == -np.inf)
    for j, n in enumerate(nu):
        assert out[1, j] == pytest.approx(float(mp.log(mp.besseli(n, 2.0))), rel=1e-13)


@pytest.mark.parametrize(("nu", "x"), [(49999.0, 1e-3), (49999.0, 1.0), (4.0, 1e-6), (0.5, 1e-8)])
def test_log_iv_normalized_keeps_relative_accuracy_at_small_x(nu, x):
    # log 0F1(; nu+1; x^2/4) ~ x^2 / (4 (nu+1)): tiny, must not be lost to cancellation
    ref = float(mp.log(mp.hyp0f1(nu + 1, mp.mpf(x) ** 2 / 4)))
    got = log_iv_normalized(nu, x)
    assert got == pytest.approx(ref, rel=1e-12)
    assert log_iv_scaled(nu, x) == pytest.approx(ref - float(mp.loggamma(nu + 1)), rel=1e-13)


def test_debye_polynomials_follow_the_recurrence():
    # u_{k+1}(p) = p^2 (1-p^2)/2 u_k'(p) + 1/8 int_0^p (1 - 5 t^2) u_k(t) dt  (DLMF 10.41.10)
    p, t = sy.symbols("p t")
    u = sy.Integer(1)
    for k in range(1, len(DEBYE_U)):
        u = sy.expand(
            p**2 * (1 - p**2) / 2 * sy.diff(u, p)
            + sy.Rational(1, 8) * sy.integrate((1 - 5 * t**2) * u.subs(p, t), (t, 0, p))
        )
        coeffs = [float(u.coeff(p, j)) for j in range(len(DEBYE_U[k]))]
        assert np.allclose(coeffs, DEBYE_U[k], rtol=1e-15, atol=0)
        assert sy.degree(u, p) == len(DEBYE_U[k]) - 1


@pytest.mark.parametrize(("d", "area"), [(2, 2 * np.pi), (3, 4 * np.pi), (4, 2 * np.pi**2)])
def test_sphere_area_known_values(d, area):
    assert np.exp(log_sphere_area(d)) == pytest.approx(area, rel=1e-14)


@pytest.mark.parametrize(("d", "kappa"), [(2, 0.0), (3, 2.0), (5, 0.3), (10, 25.0), (64, 100.0)])
def test_log_vmf_norm_against_quadrature(d, kappa):
    # 1 / C_d(kappa) = |S^{d-2}| int_{-1}^{1} e^{kappa t} (1 - t^2)^{(d-3)/2} dt,
    # |S^{d-2}| = 2 pi^{(d-1)/2} / Gamma((d-1)/2) in mpmath (not the package's log_sphere_area)
    integral = mp.quad(lambda t: mp.e ** (kappa * t) * (1 - t * t) ** (mp.mpf(d - 3) / 2), [-1, 0, 1])
    h = mp.mpf(d - 1) / 2
    log_area = mp.log(2) + h * mp.log(mp.pi) - mp.loggamma(h)
    ref = -float(mp.log(integral) + log_area)
    assert log_vmf_norm(d, kappa) == pytest.approx(ref, rel=1e-10, abs=1e-12)


def test_bad_input_is_rejected():
    with pytest.raises(ValueError, match="nu"):
        log_iv(-1.0, 1.0)
    with pytest.raises(ValueError, match="x"):
        log_iv(1.0, -1.0)
    with pytest.raises(ValueError, match="x"):
        log_iv(1.0, np.nan)
    with pytest.raises(TypeError, match="nu"):
        log_iv("a", 1.0)
    with pytest.raises(ValueError, match="d"):
        log_vmf_norm(1, 1.0)
    with pytest.raises(TypeError, match="d"):
        log_sphere_area(3.0)


def test_grid_exercises_the_debye_regime():
    from scipy.special import ive

    debye = [(nu, x) for nu, x in GRID if 0.25 * x * x > nu + 1 and not ive(nu, x) > 1e-280]
    assert len(debye) >= 4


def test_hankel_series_beyond_1e154_does_not_warn():
    # x**k overflows to inf in Hankel's series for x beyond ~1e154; its terms are then exactly 0, and
    # no RuntimeWarning may escape (they are errors for theory.* in this suite)
    from theory.special import log_iv, log_iv_normalized

    assert log_iv_normalized(1.0, 1e200) == pytest.approx(log_iv(1.0, 1e200) - np.log(0.5e200), rel=1e-15)
