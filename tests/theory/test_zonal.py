"""theory.zonal: the ring formula, exact Phi / ||m|| / KL of zonal measures, sampling, bad input.

References: mpmath quadrature at 30 digits, explicit vectors on circles (d = 3, where equally spaced
points integrate periodic analytic functions exactly), theory's vMF closed forms, the incomplete beta
function (sigma's law of t), Monte Carlo at 5 standard errors.
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest
from scipy import special as sp

from theory.uniformity import phi, phi_estimate, phi_uniform, phi_vmf
from theory.vmf import kl_vmf_uniform, mean_resultant_length
from theory.zonal import ZonalMeasure, describe_rings, harmonic_ratio, log_g, log_ring_kernel

pytestmark = pytest.mark.claim("D", "T2")

RING_CASES = [  # (d, s, t, alpha)
    (3, 0.3, -0.7, 2.0),
    (3, 0.95, 0.9, 20.0),
    (4, -0.2, 0.5, 5.0),
    (5, 0.0, 0.0, 1.0),
    (8, 0.6, 0.6, 10.0),
    (17, -0.9, 0.4, 3.0),
    (64, 0.35, 0.1, 20.0),
]


def _mp_ring(d, s, t, alpha):
    """log E exp(alpha u.v) by mpmath quadrature over the angle between the two ring directions."""
    mp.mp.dps = 30
    s, t, alpha = mp.mpf(s), mp.mpf(t), mp.mpf(alpha)
    b = alpha * mp.sqrt((1 - s * s) * (1 - t * t))
    if d == 2:
        return mp.log((mp.exp(alpha * s * t + b) + mp.exp(alpha * s * t - b)) / 2)
    w = lambda phi_: mp.sin(phi_) ** (d - 3)  # noqa: E731  (density of the angle on S^{d-2})
    num = mp.quad(lambda phi_: mp.exp(alpha * s * t + b * mp.cos(phi_)) * w(phi_), [0, mp.pi / 2, mp.pi])
    return mp.log(num / mp.quad(w, [0, mp.pi]))


@pytest.mark.parametrize(("d", "s", "t", "alpha"), RING_CASES)
def test_ring_formula_against_mpmath_quadrature(d, s, t, alpha):
    ref = _mp_ring(d, s, t, alpha)
    # the closed form itself, at 30 digits: Gamma(nu+1) (2/b)^nu I_nu(b), nu = (d-3)/2
    nu = mp.mpf(d - 3) / 2
    b = mp.mpf(alpha) * mp.sqrt((1 - mp.mpf(s) ** 2) * (1 - mp.mpf(t) ** 2))
    closed = mp.mpf(alpha) * mp.mpf(s) * mp.mpf(t)
    closed += mp.log(mp.gamma(nu + 1) * (2 / b) ** nu * mp.besseli(nu, b))
    assert abs(closed - ref) < mp.mpf(10) ** -25
    assert log_ring_kernel(d, alpha, s, t) == pytest.approx(float(ref), rel=1e-13, abs=1e-13)


def test_ring_formula_d2_is_the_pair_of_points():
    for s, t, alpha in [(0.3, -0.7, 2.0), (0.99, 0.2, 50.0)]:
        ref = _mp_ring(2, s, t, alpha)
        assert log_ring_kernel(2, alpha, s, t) == pytest.approx(float(ref), rel=1e-14)
    assert log_g(2, 800.0) == pytest.approx(800.0 - math.log(2.0), rel=1e-15)  # no overflow


def test_ring_formula_against_explicit_vectors_on_circles():
    """d = 3: v runs over 64 equally spaced points of its circle (exact for this periodic integrand)."""
    phis = 2 * np.pi * np.arange(64) / 64
    for s, t, alpha in [(0.3, -0.7, 2.0), (0.8, 0.5, 8.0), (-0.1, 0.95, 0.5)]:
        u = np.array([s, math.sqrt(1 - s * s), 0.0])
        rt = math.sqrt(1 - t * t)
        v = np.stack([np.full(64, t), rt * np.cos(phis), rt * np.sin(phis)], 1)
        direct = math.log(np.mean(np.exp(alpha * v @ u)))
        assert log_ring_kernel(3, alpha, s, t) == pytest.approx(direct, rel=1e-13)


def test_log_g_and_harmonic_ratio_against_mpmath():
    mp.mp.dps = 30
    for d, b in [(3, 0.01), (4, 7.0), (12, 250.0), (65, 3.0)]:
        nu = mp.mpf(d - 3) / 2
        ref = mp.log(mp.gamma(nu + 1) * (2 / mp.mpf(b)) ** nu * mp.besseli(nu, b))
        assert log_g(d, b) == pytest.approx(float(ref), rel=1e-13)
    for d, alpha, deg in [(3, 2.0, 1), (8, 5.0, 2), (16, 0.3, 3), (64, 20.0, 2)]:
        ref = mp.besseli(mp.mpf(d) / 2 - 1 + deg, alpha) / mp.besseli(mp.mpf(d) / 2 - 1, alpha)
        assert harmonic_ratio(d, alpha, deg) == pytest.approx(float(ref), rel=1e-12)
    assert harmonic_ratio(8, 3.0, 1) == pytest.approx(mean_resultant_length(8, 3.0), rel=1e-13)


@pytest.mark.parametrize("d", [2, 3, 16, 64])
def test_vmf_as_a_zonal_density_reproduces_theory(d):
    for kappa, alpha in [(0.5, 1.0), (5.0, 10.0), (40.0, 3.0)]:
        m = ZonalMeasure.vmf(d, kappa, n_panels=32)
        assert m.phi(alpha) == pytest.approx(phi_vmf(d, kappa, alpha), abs=1e-10)
        assert m.kl_uniform() == pytest.approx(kl_vmf_uniform(d, kappa), abs=1e-10)
        assert m.mean_norm() == pytest.approx(mean_resultant_length(d, kappa), abs=1e-10)
    u = ZonalMeasure.uniform(d, n_panels=16)
    assert u.phi(7.0) == pytest.approx(phi_uniform(d, 7.0), abs=1e-12)
    assert u.mean_norm() < 1e-14 and u.kl_uniform() == 0.0


def test_ring_mixture_phi_against_points_on_circles():
    """theory.uniformity.phi of 96 equally spaced points per circle (weights p_i / 96) at d = 3."""
    t = np.array([-0.4, 0.3, 0.9, 1.0])
    p = np.array([0.2, 0.5, 0.25, 0.05])
    zm = ZonalMeasure.rings(3, t, p)
    ang = 2 * np.pi * np.arange(96) / 96
    pts, wts = [], []
    for ti, pi in zip(t, p, strict=True):
        r = math.sqrt(1 - ti * ti)
        pts.append(np.stack([np.full(96, ti), r * np.cos(ang), r * np.sin(ang)], 1))
        wts.append(np.full(96, pi / 96))
    for alpha in (0.5, 4.0, 30.0):
        ref = phi(np.concatenate(pts), alpha, weights=np.concatenate(wts))
        assert zm.phi(alpha) == pytest.approx(ref, abs=1e-12)
    assert zm.mean_norm() == pytest.approx(float(p @ t), rel=1e-15)
    assert math.isinf(zm.kl_uniform())
    assert zm.surrogate_jq(4.0, 2.5) == pytest.approx(zm.phi(4.0) - 2.5 * float(p @ t) ** 2, rel=1e-15)


def test_phi_of_samples_within_five_standard_errors():
    rings = ZonalMeasure.rings(6, [0.2, 0.7, 1.0], [0.5, 0.4, 0.1])
    hist = ZonalMeasure.histogram(5, [-1.0, -0.2, 0.3, 0.6, 1.0], [0.1, 0.2, 0.3, 0.4])
    for zm, alpha, seed in [(rings, 3.0, 1), (hist, 5.0, 2)]:
        x = zm.sample(1000, seed=seed)
        assert np.allclose(np.linalg.norm(x, axis=1), 1.0)
        est = phi_estimate(x, alpha)
        assert abs(est.value - zm.phi(alpha)) < 5 * est.se
        t = x[:, 0]
        assert abs(t.mean() - zm.mean_norm()) < 5 * t.std() / math.sqrt(t.size)


def test_histogram_kl_and_cell_sampling_against_incomplete_beta():
    d, edges, mass = 7, np.array([-1.0, -0.5, 0.0, 0.1, 0.45, 1.0]), np.array([0.05, 0.15, 0.3, 0.3, 0.2])

    def cdf(x):  # sigma's law of t: t^2 ~ Beta(1/2, (d-1)/2), symmetric
        return 0.5 + 0.5 * np.sign(x) * sp.betainc(0.5, (d - 1) / 2, x * x)

    s = np.diff(cdf(edges))
    zm = ZonalMeasure.histogram(d, edges, mass)
    assert zm.kl_uniform() == pytest.approx(float(mass @ np.log(mass / s)), rel=1e-12)
    t = zm.sample(4000, seed=3)[:, 0]
    counts = np.histogram(t, edges)[0]
    assert np.all(np.abs(counts - 4000 * mass) < 5 * np.sqrt(4000 * mass * (1 - mass)))
    # within a cell: the conditional law of sigma (P(t < 0.25 | cell [0.1, 0.45]))
    inside = t[(t > 0.1) & (t < 0.45)]
    frac = (cdf(0.25) - cdf(0.1)) / (cdf(0.45) - cdf(0.1))
    assert abs(np.mean(inside < 0.25) - frac) < 5 * math.sqrt(frac * (1 - frac) / inside.size)


def test_first_variation_is_the_derivative_of_phi():
    zm = ZonalMeasure.rings(5, [0.1, 0.6, 0.95], [0.3, 0.5, 0.2])
    alpha, eps = 6.0, 1e-6
    v = zm.first_variation(alpha, [-0.8, 0.1, 0.6, 0.99])
    mean_v = float(zm.p @ zm.first_variation(alpha, zm.t))
    for t0, vt in zip([-0.8, 0.1, 0.6, 0.99], v, strict=True):

        def phi_mix(e, t0=t0):
            t = np.append(zm.t, t0)
            return ZonalMeasure.rings(5, t, np.append((1 - e) * zm.p, e)).phi(alpha)

        base = phi_mix(0.0)
        # forward differences, Richardson-extrapolated (the mixture cannot take negative mass)
        deriv = 2 * (phi_mix(eps / 2) - base) / (eps / 2) - (phi_mix(eps) - base) / eps
        assert deriv == pytest.approx(vt - mean_v, abs=1e-6)


def test_describe_rings():
    assert describe_rings([0.6], [1.0]).startswith("one ring: ring at t=0.6000")
    text = describe_rings([0.5, 1.0], [0.9, 0.1])
    assert "2 components" in text and "pole atom at t=+1" in text


@pytest.mark.parametrize(
    ("call", "err", "words"),
    [
        (lambda: ZonalMeasure.rings(3, [0.2, 1.5]), ValueError, "t must be <= 1"),
        (lambda: ZonalMeasure.rings(3, [0.2, 0.5], [0.5, -0.1]), ValueError, "p must be non-negative"),
        (lambda: ZonalMeasure.rings(3, [0.2, 0.5], [1.0]), ValueError, "p must have shape (2,)"),
        (lambda: ZonalMeasure.rings(1, [0.2]), ValueError, "d must be >= 2"),
        (lambda: ZonalMeasure.rings(3.0, [0.2]), TypeError, "d must be an integer"),
        (lambda: ZonalMeasure.rings(3, ["a"]), TypeError, "t must be a real number"),
        (lambda: ZonalMeasure.rings(3, [0.2]).phi(-1.0), ValueError, "alpha"),
        (lambda: ZonalMeasure.rings(3, [0.2]).surrogate_jq(1.0, -2.0), ValueError, "q must be >= 0"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 0.5], [1.0]), ValueError, "edges must increase"),
        (lambda: ZonalMeasure.from_density(3, lambda t: np.where(t > 0, 0.0, np.nan)), ValueError, "finite"),
        (lambda: ZonalMeasure.from_density(3, lambda t: t).sample(3), ValueError, "sample needs"),
        (lambda: ZonalMeasure.from_density(3, 1.0), TypeError, "log_f must be a callable"),
        (lambda: ZonalMeasure.rings(3, [0.2]).sample(3, axis=[1.0, 1.0, 0.0]), ValueError, "axis"),
        (lambda: log_ring_kernel(3, 1.0, 0.2, np.nan), ValueError, "t must be finite"),
        (lambda: harmonic_ratio(3, 0.0, 1), ValueError, "alpha must be > 0"),
    ],
)
def test_bad_input_names_the_argument(call, err, words):
    with pytest.raises(err) as info:
        call()
    assert words in str(info.value)
