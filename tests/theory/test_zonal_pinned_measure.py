"""Pinned checks of theory.zonal's kernel, measures, grid evaluators and beta* search.

Every expected value is independent of the code under test: mpmath closed forms (Bessel functions,
sinh, cosh), mpmath quadrature, central finite differences of the objective whose gradient is
returned, a root found by bisection, a hand-derived node or weight, or the documented behaviour
(an error that names the argument, a documented default, a documented field value).
"""

from __future__ import annotations

import math

import mpmath as mp
import numpy as np
import pytest

from theory.uniformity import phi_uniform, phi_vmf
from theory.vmf import kl_vmf_uniform, mean_resultant_length
from theory.zonal import (
    ZonalMeasure,
    beta_landau_coefficient,
    beta_threshold,
    harmonic_ratio,
    log_g,
    log_ring_kernel,
)
from theory.zonal._beta import BETA_BOUND_TEXT, _DensityFamily, beta_local
from theory.zonal._kernel import composite_nodes, uniform_nodes
from theory.zonal._problem import RingGrid, lbfgs, softmax

mp.mp.dps = 30


# ---------------------------------------------------------------- independent closed forms


def _mp_g(d: int, b: float) -> mp.mpf:
    """G_d(b) = E e^{b c}, c one coordinate of a uniform point of S^{d-2}, as a closed form."""
    b = mp.mpf(b)
    if d == 2:
        return mp.cosh(b)
    if b == 0:
        return mp.mpf(1)
    if d == 4:  # c uniform on [-1, 1]
        return mp.sinh(b) / b
    nu = mp.mpf(d - 3) / 2
    return mp.gamma(nu + 1) * (2 / b) ** nu * mp.besseli(nu, b)


def _mp_g_quad(d: int, b: float) -> mp.mpf:
    """G_d(b) by quadrature over the angle phi of c = cos phi (density sin^{d-3} phi), d >= 3."""
    f = lambda ph: mp.exp(b * mp.cos(ph)) * mp.sin(ph) ** (d - 3)  # noqa: E731
    return mp.quad(f, [0, mp.pi]) / mp.quad(lambda ph: mp.sin(ph) ** (d - 3), [0, mp.pi])


def _mp_log_k(d: int, alpha: float, s: float, t: float) -> float:
    sin = mp.sqrt((1 - mp.mpf(s) ** 2) * (1 - mp.mpf(t) ** 2))
    return float(alpha * mp.mpf(s) * t + mp.log(_mp_g(d, alpha * sin)))


def _mp_ratio(d: int, alpha: float, degree: int) -> float:
    nu = mp.mpf(d) / 2 - 1
    return float(mp.besseli(nu + degree, alpha) / mp.besseli(nu, alpha))


def _phi_rings(d: int, alpha: float, t, p) -> float:
    """sum_i p_i log sum_j p_j K(t_i, t_j) with K from the mpmath closed forms."""
    k = np.array([[_mp_log_k(d, alpha, s, u) for u in t] for s in t])
    p = np.asarray(p, dtype=float)
    p = p / p.sum()
    return float(
        sum(p[i] * math.log(sum(p[j] * math.exp(k[i, j]) for j in range(len(t)))) for i in range(len(t)))
    )


def _central(f, x: np.ndarray, h: float) -> np.ndarray:
    g = np.empty_like(x)
    for k in range(x.size):
        e = np.zeros_like(x)
        e[k] = h
        g[k] = (f(x + e) - f(x - e)) / (2.0 * h)
    return g


def _richardson(f, x: np.ndarray, h: float) -> np.ndarray:
    """Central differences at ``h`` and ``h / 2`` combined to cancel the ``h^2`` term: error ``O(h^4)``,
    so a step large enough to keep rounding noise in ``f`` (quadrature, about 1e-13) far below it."""
    return (4.0 * _central(f, x, 0.5 * h) - _central(f, x, h)) / 3.0


# ---------------------------------------------------------------- _kernel


@pytest.mark.parametrize("d", [2, 3, 4, 5, 8])
def test_log_g_against_closed_forms(d):
    b = np.array([0.0, 0.3, 2.5, 17.0])
    out = log_g(d, b)
    assert isinstance(out, np.ndarray) and out.shape == (4,)
    want = [float(mp.log(_mp_g(d, x))) for x in b]
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-14)
    scalar = log_g(d, 2.5)
    assert isinstance(scalar, float)
    assert scalar == pytest.approx(want[2], rel=1e-12)


@pytest.mark.parametrize("d", [3, 5, 6])
def test_log_g_against_quadrature(d):
    assert log_g(d, 1.7) == pytest.approx(float(mp.log(_mp_g_quad(d, 1.7))), rel=1e-12)


def test_log_g_d2_without_overflow():
    # log cosh b = b - log 2 + log1p(e^{-2b}); at b = 1000 cosh overflows float64 but the log does not
    assert log_g(2, 1000.0) == pytest.approx(1000.0 - math.log(2.0), rel=1e-15)
    assert log_g(2, 0.0) == 0.0


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: log_g(1, 1.0), ValueError, r"^d must be >= 2"),
        (lambda: log_g(2.0, 1.0), TypeError, r"^d must be an integer"),
        (lambda: log_g(3, -1.0), ValueError, r"^b "),
        (lambda: log_g(3, True), TypeError, r"^b "),
        (lambda: log_ring_kernel(1, 1.0, 0.1, 0.2), ValueError, r"^d must be >= 2"),
        (lambda: log_ring_kernel(3, -1.0, 0.1, 0.2), ValueError, r"^alpha must be >= 0"),
        (lambda: log_ring_kernel(3, 1.0, 1.5, 0.2), ValueError, r"^s must be <= 1"),
        (lambda: log_ring_kernel(3, 1.0, -1.5, 0.2), ValueError, r"^s must be >= -1"),
        (lambda: log_ring_kernel(3, 1.0, 0.1, 1.5), ValueError, r"^t must be <= 1"),
        (lambda: log_ring_kernel(3, 1.0, 0.1, -1.5), ValueError, r"^t must be >= -1"),
        (lambda: log_ring_kernel(3, 1.0, "a", 0.1), TypeError, r"^s "),
        (lambda: log_ring_kernel(3, 1.0, 0.1, "a"), TypeError, r"^t "),
        (lambda: harmonic_ratio(1, 1.0, 1), ValueError, r"^d must be >= 2"),
        (lambda: harmonic_ratio(3, 1.0, -1), ValueError, r"^degree must be >= 0"),
        (lambda: harmonic_ratio(3, 1.0, 1.0), TypeError, r"^degree must be an integer"),
        (lambda: harmonic_ratio(3, 0.0, 1), ValueError, r"^alpha must be > 0"),
        (lambda: harmonic_ratio(3, -1.0, 1), ValueError, r"^alpha "),
        (lambda: harmonic_ratio(3, np.array([1.0, 0.0]), 1), ValueError, r"^alpha must be > 0"),
        (lambda: uniform_nodes(3, 0, 4), ValueError, r"^n_panels must be >= 1"),
        (lambda: uniform_nodes(3, 4, 0), ValueError, r"^per_panel must be >= 1"),
        (lambda: uniform_nodes(3, 1.0, 4), TypeError, r"^n_panels must be an integer"),
        (lambda: uniform_nodes(3, 4, 1.0), TypeError, r"^per_panel must be an integer"),
    ],
)
def test_kernel_bad_input_names_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


@pytest.mark.parametrize(("d", "alpha"), [(2, 1.3), (3, 2.0), (4, 5.0), (5, 0.7), (7, 12.0)])
def test_log_ring_kernel_against_closed_forms(d, alpha):
    s = np.array([[-1.0], [-0.4], [0.2], [0.999999]])
    t = np.array([1.0, 0.3, -0.75])
    out = log_ring_kernel(d, alpha, s, t)
    assert out.shape == (4, 3)
    want = [[_mp_log_k(d, alpha, a, b) for b in t] for a in s[:, 0]]
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-13)
    scalar = log_ring_kernel(d, alpha, 0.2, -0.75)
    assert isinstance(scalar, float)
    assert scalar == pytest.approx(want[2][2], rel=1e-12, abs=1e-13)


def test_log_ring_kernel_at_the_poles_is_exp_alpha_s_t():
    # at s = +-1 the ring is a point: K = e^{alpha s t}, whatever t
    np.testing.assert_allclose(log_ring_kernel(5, 3.0, [1.0, -1.0], [0.4, 0.4]), [1.2, -1.2], rtol=1e-14)
    assert log_ring_kernel(4, 0.0, 0.3, 0.8) == 0.0


@pytest.mark.parametrize(("d", "alpha"), [(2, 0.5), (3, 1.0), (4, 7.5), (10, 30.0)])
def test_harmonic_ratio_against_mpmath(d, alpha):
    for degree in (0, 1, 2, 5):
        got = harmonic_ratio(d, alpha, degree)
        assert isinstance(got, float)
        assert got == pytest.approx(_mp_ratio(d, alpha, degree), rel=1e-12)
    arr = harmonic_ratio(d, np.array([alpha, 2.0 * alpha]), 2)
    assert isinstance(arr, np.ndarray) and arr.shape == (2,)
    np.testing.assert_allclose(arr, [_mp_ratio(d, alpha, 2), _mp_ratio(d, 2.0 * alpha, 2)], rtol=1e-12)
    assert harmonic_ratio(d, alpha, 0) == 1.0


@pytest.mark.parametrize("d", [2, 3, 6])
def test_composite_nodes_integrate_against_sigma_weight(d):
    edges = np.array([0.0, 0.4, 1.9, math.pi])
    theta, logw = composite_nodes(d, edges, 12)
    assert theta.shape == logw.shape == (36,)
    for k in range(3):  # 12 nodes per cell, cell by cell, inside their cell
        cell = theta[12 * k : 12 * k + 12]
        assert np.all((cell > edges[k]) & (cell < edges[k + 1]))
    assert np.all(np.diff(theta) > 0)
    w = np.exp(logw)
    for f in (lambda x: 1.0, lambda x: x**2, lambda x: mp.exp(x / 2)):
        got = float(np.sum(w * np.array([float(f(x)) for x in theta])))
        want = sum(
            mp.quad(lambda x, f=f: f(x) * mp.sin(x) ** (d - 2), [edges[k], edges[k + 1]]) for k in range(3)
        )
        assert got == pytest.approx(float(want), rel=1e-12)


def test_composite_nodes_one_node_per_cell_is_the_midpoint():
    theta, logw = composite_nodes(3, np.array([0.0, 1.0, 3.0]), 1)
    np.testing.assert_allclose(theta, [0.5, 2.0], rtol=1e-15)
    np.testing.assert_allclose(np.exp(logw), [1.0 * math.sin(0.5), 2.0 * math.sin(2.0)], rtol=1e-14)


@pytest.mark.parametrize("d", [2, 3, 5])
def test_uniform_nodes_are_sigmas_law_of_theta(d):
    theta, logw = uniform_nodes(d, 4, 8)
    assert theta.shape == (32,)
    assert float(np.log(np.sum(np.exp(logw)))) == pytest.approx(0.0, abs=1e-14)
    t, w = np.cos(theta), np.exp(logw)
    assert float(w @ t) == pytest.approx(0.0, abs=1e-14)
    assert float(w @ t**2) == pytest.approx(1.0 / d, rel=1e-12)  # E t^2 = 1/d under sigma
    # cos^4 sin^(d-2) is not a polynomial in theta: 8 Gauss-Legendre nodes on panels of width pi/4 leave
    # 3e-12 relative at d = 5
    assert float(w @ t**4) == pytest.approx(3.0 / (d * (d + 2.0)), rel=1e-11)
    # one node per panel: the panels' midpoints
    th, lw = uniform_nodes(d, 2, 1)
    np.testing.assert_allclose(th, [math.pi / 4, 3 * math.pi / 4], rtol=1e-15)
    np.testing.assert_allclose(np.exp(lw), [0.5, 0.5], rtol=1e-14)
    th, lw = uniform_nodes(d, 1, 1)
    np.testing.assert_allclose(th, [math.pi / 2], rtol=1e-15)
    assert lw[0] == pytest.approx(0.0, abs=1e-15)


# ---------------------------------------------------------------- ZonalMeasure: constructors


def test_rings_default_equal_masses_normalised_and_zero_masses_dropped():
    m = ZonalMeasure.rings(3, [0.1, 0.5, -0.2])
    np.testing.assert_array_equal(m.t, [0.1, 0.5, -0.2])
    np.testing.assert_allclose(m.p, [1 / 3] * 3, rtol=1e-15)
    assert m.kind == "rings" and m.log_f is None and m.kappa is None and m.cell_edges is None
    m = ZonalMeasure.rings(4, [0.1, 0.5, -0.2], [2.0, 0.0, 6.0])
    np.testing.assert_array_equal(m.t, [0.1, -0.2])
    np.testing.assert_allclose(m.p, [0.25, 0.75], rtol=1e-15)
    assert m.d == 4
    one = ZonalMeasure.rings(2, 0.3)
    np.testing.assert_array_equal(one.t, [0.3])
    np.testing.assert_array_equal(one.p, [1.0])
    ends = ZonalMeasure.rings(3, [-1.0, 1.0], [1.0, 3.0])
    np.testing.assert_array_equal(ends.t, [-1.0, 1.0])


def test_rings_copies_its_input():
    t = np.array([0.1, 0.2])
    m = ZonalMeasure.rings(3, t)
    t[0] = 0.9
    assert m.t[0] == 0.1


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda: ZonalMeasure.rings(1, [0.1]), ValueError, r"^d must be >= 2"),
        (lambda: ZonalMeasure.rings(3, [1.5]), ValueError, r"^t must be <= 1"),
        (lambda: ZonalMeasure.rings(3, [-1.5]), ValueError, r"^t must be >= -1"),
        (lambda: ZonalMeasure.rings(3, []), ValueError, r"^t must hold at least one latitude"),
        (lambda: ZonalMeasure.rings(3, [0.1, 0.2], [1.0]), ValueError, r"^p must have shape \(2,\)"),
        (lambda: ZonalMeasure.rings(3, [0.1, 0.2], [1.0, -0.5]), ValueError, r"^p must be non-negative"),
        (lambda: ZonalMeasure.rings(3, [0.1, 0.2], [0.0, 0.0]), ValueError, r"^p must be non-negative"),
        (lambda: ZonalMeasure.rings(3, [0.1, 0.2], ["a", "b"]), TypeError, r"^p "),
        (lambda: ZonalMeasure.from_density(1, lambda t: t), ValueError, r"^d must be >= 2"),
        (lambda: ZonalMeasure.from_density(3, 1.0), TypeError, r"^log_f must be a callable"),
        (lambda: ZonalMeasure.from_density(3, lambda t: t[:-1]), ValueError, r"^log_f must return finite"),
        (
            lambda: ZonalMeasure.from_density(3, lambda t: np.full_like(t, np.nan)),
            ValueError,
            r"^log_f must return finite",
        ),
        (lambda: ZonalMeasure.from_density(3, lambda t: t, 0, 4), ValueError, r"^n_panels must be >= 1"),
        (
            lambda: ZonalMeasure.from_density(3, lambda t: t).sample(3),
            ValueError,
            r"^sample needs a ring mixture, a histogram density or a vMF law; this density \(from_density\) "
            r"is known only at its quadrature nodes$",
        ),
        (lambda: ZonalMeasure.uniform(1), ValueError, r"^d must be >= 2"),
        (lambda: ZonalMeasure.uniform(3, 4, 0), ValueError, r"^per_panel must be >= 1"),
        (lambda: ZonalMeasure.vmf(1, 1.0), ValueError, r"^d must be >= 2"),
        (lambda: ZonalMeasure.vmf(3, -1.0), ValueError, r"^kappa must be >= 0"),
        (lambda: ZonalMeasure.vmf(3, 1.0, 4, 0), ValueError, r"^per_panel must be >= 1"),
        (lambda: ZonalMeasure.histogram(1, [-1.0, 1.0], [1.0]), ValueError, r"^d must be >= 2"),
        (lambda: ZonalMeasure.histogram(3, [-1.0], []), ValueError, r"^edges must have at least 2"),
        (lambda: ZonalMeasure.histogram(3, [-0.9, 1.0], [1.0]), ValueError, r"^edges must increase"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 0.9], [1.0]), ValueError, r"^edges must increase"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 0.5, 0.5, 1.0], [1, 1, 1]), ValueError, r"^edges must"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 0.0, 1.0], [1.0]), ValueError, r"^masses must have shape"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 1.0], [-1.0]), ValueError, r"^masses must be non-neg"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 1.0], [1.0], 0), ValueError, r"^per_cell must be >= 1"),
        (lambda: ZonalMeasure.histogram(3, [-1.0, 1.0], [1.0], 2.0), TypeError, r"^per_cell must be an"),
    ],
)
def test_measure_bad_input_names_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call()


def test_from_density_masses_are_weights_times_f_and_log_f_is_normalised():
    d = 5
    m = ZonalMeasure.from_density(d, lambda t: 2.0 * t * t - t, 3, 4)
    theta, logw = uniform_nodes(d, 3, 4)
    f = np.exp(2.0 * np.cos(theta) ** 2 - np.cos(theta))
    p = np.exp(logw) * f
    np.testing.assert_allclose(m.t, np.cos(theta), rtol=1e-15)
    np.testing.assert_allclose(m.p, p / p.sum(), rtol=1e-13)
    np.testing.assert_allclose(m.log_f, np.log(f / p.sum()), rtol=1e-13, atol=1e-14)
    assert m.kind == "density" and m.kappa is None and m.cell_edges is None and m.cell_mass is None
    assert ZonalMeasure.from_density(d, lambda t: t).t.size == 64 * 8  # the documented default rule


@pytest.mark.parametrize("shift", [800.0, -800.0])
def test_from_density_is_unchanged_by_a_constant_far_beyond_exp_range_in_log_f(shift):
    """log_f is given up to a constant: e^{log_f} under- or overflows at +-800, its normalised masses do
    not. The reference is weights times e^{log_f - max} (the constant removed by hand); removing a constant
    of size 800 in floating point leaves an error of a few 800 eps in each log-mass (1e-13 measured)."""
    d = 3
    m = ZonalMeasure.from_density(d, lambda t: t + shift, 8, 4)
    theta, logw = uniform_nodes(d, 8, 4)
    p = np.exp(logw + np.cos(theta) - np.max(logw + np.cos(theta)))
    np.testing.assert_allclose(m.p, p / p.sum(), rtol=10 * abs(shift) * np.finfo(float).eps)
    np.testing.assert_allclose(m.t, np.cos(theta), rtol=1e-15)


def test_from_density_takes_any_real_values_of_log_f():
    # log_f may return a list of exact rationals: they are read as float64 values
    from fractions import Fraction

    m = ZonalMeasure.from_density(3, lambda t: [Fraction(1, 2)] * t.size, 4, 2)
    ref = ZonalMeasure.uniform(3, 4, 2)
    np.testing.assert_allclose(m.p, ref.p, rtol=1e-14)
    assert m.kl_uniform() == pytest.approx(0.0, abs=1e-15)


def test_from_density_drops_nodes_of_negligible_mass():
    # where log f is -1000 the masses underflow: those nodes are not rings of the measure
    m = ZonalMeasure.from_density(3, lambda t: np.where(t < 0, -1000.0, 0.0), 4, 2)
    np.testing.assert_array_equal(m.t > 0, True)
    assert m.t.size == 4
    np.testing.assert_allclose(m.p.sum(), 1.0, rtol=1e-15)
    # the law of t for d = 3 is uniform: the kept half carries KL log 2
    assert m.kl_uniform() == pytest.approx(math.log(2.0), rel=1e-12)


def test_uniform_is_sigma_with_the_documented_default_rule():
    m = ZonalMeasure.uniform(4)
    assert m.t.size == 32 * 8
    assert m.kind == "density"
    assert m.kl_uniform() == 0.0
    assert m.mean_norm() == pytest.approx(0.0, abs=1e-15)
    assert m.phi(3.0) == pytest.approx(phi_uniform(4, 3.0), rel=1e-13)
    np.testing.assert_allclose(m.log_f, 0.0, atol=1e-14)
    assert ZonalMeasure.uniform(4, 3, 2).t.size == 6


@pytest.mark.parametrize(("d", "kappa"), [(3, 2.0), (6, 15.0)])
def test_vmf_measure_reproduces_the_vmf_closed_forms(d, kappa):
    m = ZonalMeasure.vmf(d, kappa)
    assert m.kind == "density" and m.kappa == kappa and m.t.size == 512
    # documented: the default rule reproduces Phi and KL of theory.vmf to 1e-12
    assert m.phi(3.0) == pytest.approx(phi_vmf(d, kappa, 3.0), rel=1e-12)
    assert m.kl_uniform() == pytest.approx(kl_vmf_uniform(d, kappa), rel=1e-12)
    assert m.mean_norm() == pytest.approx(mean_resultant_length(d, kappa), rel=1e-12)
    np.testing.assert_allclose(m.log_f - m.log_f[0], kappa * (m.t - m.t[0]), rtol=1e-12, atol=1e-12)
    small = ZonalMeasure.vmf(d, kappa, 2, 3)
    assert small.t.size == 6 and small.kind == "density" and small.kappa == kappa


def test_histogram_d3_is_piecewise_uniform_in_t():
    # for d = 3 sigma's law of t is uniform on [-1, 1]: cell k has sigma-mass (e_{k+1} - e_k) / 2
    edges, masses = [-1.0, 0.0, 0.5, 1.0], [2.0, 5.0, 3.0]
    m = ZonalMeasure.histogram(3, edges, masses)
    P = np.array(masses) / 10.0
    s = np.diff(edges) / 2.0
    assert m.kind == "density" and m.t.size == 3 * 8  # per_cell 8 by default
    np.testing.assert_array_equal(m.cell_edges, edges)
    np.testing.assert_allclose(m.cell_mass, P, rtol=1e-15)
    assert m.kl_uniform() == pytest.approx(float(P @ np.log(P / s)), rel=1e-13)
    mid = 0.5 * (np.array(edges[1:]) + np.array(edges[:-1]))
    assert float(m.p @ m.t) == pytest.approx(float(P @ mid), rel=1e-13)
    # the mass of the nodes in each cell is its cell mass
    for k in range(3):
        inside = (m.t > edges[k]) & (m.t < edges[k + 1])
        assert float(m.p[inside].sum()) == pytest.approx(P[k], rel=1e-13)
    np.testing.assert_allclose(np.exp(m.log_f[m.t < 0]), P[0] / s[0], rtol=1e-13)
    assert ZonalMeasure.histogram(3, edges, masses, per_cell=2).t.size == 6


def test_histogram_with_an_empty_cell_has_no_nodes_there():
    m = ZonalMeasure.histogram(5, [-1.0, 0.2, 1.0], [0.0, 1.0], per_cell=12)
    assert m.t.size == 12 and np.all(m.t > 0.2)
    # KL = log(1 / sigma([0.2, 1])) with sigma's law of t, density prop. to (1 - t^2) for d = 5
    frac = float(mp.quad(lambda x: 1 - x * x, [0.2, 1]) / mp.quad(lambda x: 1 - x * x, [-1, 1]))
    assert m.kl_uniform() == pytest.approx(-math.log(frac), rel=1e-11)


# ---------------------------------------------------------------- ZonalMeasure: functionals


@pytest.mark.parametrize(("d", "alpha"), [(2, 1.5), (3, 2.0), (4, 6.0), (5, 0.8)])
def test_phi_of_rings_against_closed_form_kernel(d, alpha):
    t, p = [-0.7, 0.1, 0.55, 1.0], [0.1, 0.4, 0.3, 0.2]
    m = ZonalMeasure.rings(d, t, p)
    assert m.phi(alpha) == pytest.approx(_phi_rings(d, alpha, t, p), rel=1e-12)
    assert m.mean_norm() == pytest.approx(abs(float(np.dot(t, p))), rel=1e-14)
    assert m.kl_uniform() == math.inf
    q = 0.7 * alpha
    assert m.surrogate_jq(alpha, q) == pytest.approx(
        _phi_rings(d, alpha, t, p) - q * float(np.dot(t, p)) ** 2, rel=1e-12
    )
    assert m.surrogate_jq(alpha, 0.0) == pytest.approx(_phi_rings(d, alpha, t, p), rel=1e-12)
    assert m.phi(0.0) == pytest.approx(0.0, abs=1e-15)


def test_mean_norm_is_the_absolute_mean():
    assert ZonalMeasure.rings(3, [-0.5, -0.1], [3.0, 1.0]).mean_norm() == pytest.approx(0.4, rel=1e-15)


def test_phi_of_a_large_density_crosses_the_row_blocks():
    # 640 nodes: more than one block of rows; the vMF closed form is the reference
    m = ZonalMeasure.vmf(4, 5.0, 80, 8)
    assert m.t.size == 640
    assert m.phi(2.0) == pytest.approx(phi_vmf(4, 5.0, 2.0), rel=1e-12)


@pytest.mark.parametrize(
    ("call", "exc", "pattern"),
    [
        (lambda m: m.phi(-1.0), ValueError, r"^alpha must be >= 0"),
        (lambda m: m.surrogate_jq(1.0, -0.5), ValueError, r"^q must be >= 0"),
        (lambda m: m.surrogate_jq(-1.0, 0.5), ValueError, r"^alpha must be >= 0"),
        (lambda m: m.first_variation(-1.0, [0.1]), ValueError, r"^alpha must be >= 0"),
        (lambda m: m.first_variation(1.0, [1.5]), ValueError, r"^t must be <= 1"),
        (lambda m: m.first_variation(1.0, [-1.5]), ValueError, r"^t must be >= -1"),
        (lambda m: m.sample(0), ValueError, r"^n_samples must be >= 1"),
        (lambda m: m.sample(2.0), TypeError, r"^n_samples must be an integer"),
        (lambda m: m.sample(3, axis=[1.0, 0.0]), ValueError, r"^axis must be a unit vector of length d = 3"),
        (lambda m: m.sample(3, axis=[1.0, 1.0, 0.0]), ValueError, r"^axis must be a unit vector"),
        (lambda m: m.sample(3, axis=[[1.0, 0.0, 0.0]]), ValueError, r"^axis "),
    ],
)
def test_functionals_bad_input_names_the_argument(call, exc, pattern):
    with pytest.raises(exc, match=pattern):
        call(ZonalMeasure.rings(3, [0.2, 0.6]))


def test_sample_of_a_density_without_sampler_says_so():
    with pytest.raises(ValueError, match=r"^sample needs a ring mixture"):
        ZonalMeasure.from_density(3, lambda t: t, 4, 2).sample(3)


@pytest.mark.parametrize(("d", "alpha"), [(3, 2.0), (5, 4.0), (2, 1.0)])
def test_first_variation_is_the_derivative_along_adding_a_ring(d, alpha):
    # V(t) = d/de Phi(mu + e ring(t)) (unnormalised); with mu_e = (1-e) mu + e ring(t) normalised,
    # d/de Phi(mu_e) at 0 = V(t) - int V dmu = V(t) - Phi(mu) - 1
    t, p = np.array([-0.6, 0.15, 0.7]), np.array([0.3, 0.5, 0.2])
    m = ZonalMeasure.rings(d, t, p)
    targets = np.array([0.15, -1.0, 0.4, 0.95])
    v = m.first_variation(alpha, targets)
    assert v.shape == (4,)
    phi0 = m.phi(alpha)
    h = 1e-5
    for k, t0 in enumerate(targets):
        tt = np.append(t, t0)

        def phi_e(e, tt=tt):
            return ZonalMeasure.rings(d, tt, np.append((1 - e) * p, e)).phi(alpha)

        # forward differences of second order (e >= 0 keeps the masses non-negative)
        deriv = (4.0 * phi_e(h) - phi_e(2 * h) - 3.0 * phi0) / (2.0 * h)
        assert v[k] - phi0 - 1.0 == pytest.approx(deriv, abs=2e-8)
    assert float(m.p @ m.first_variation(alpha, m.t)) == pytest.approx(phi0 + 1.0, rel=1e-13)
    assert m.first_variation(alpha, 0.15).shape == (1,)


# ---------------------------------------------------------------- ZonalMeasure: sampling


def test_sample_of_rings_lies_on_the_rings_with_their_masses():
    d, t, p = 4, np.array([-0.5, 0.2, 0.8]), np.array([0.2, 0.5, 0.3])
    m = ZonalMeasure.rings(d, t, p)
    n = 6000
    u = m.sample(n, seed=3)
    assert u.shape == (n, d)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0, rtol=1e-13)
    lat = u[:, 0]  # default axis e_1
    idx = np.argmin(np.abs(lat[:, None] - t[None, :]), axis=1)
    np.testing.assert_allclose(lat, t[idx], atol=1e-14)
    freq = np.bincount(idx, minlength=3) / n
    assert np.all(np.abs(freq - p) < 5.0 * np.sqrt(p * (1 - p) / n))
    # the component orthogonal to w is uniform on its sphere: mean 0, covariance I / (d - 1)
    xi = u[:, 1:] / np.sqrt(1.0 - lat**2)[:, None]
    assert np.all(np.abs(xi.mean(axis=0)) < 5.0 / np.sqrt(n * (d - 1)))
    cov = xi.T @ xi / n
    np.testing.assert_allclose(np.diag(cov), 1.0 / (d - 1), atol=0.03)
    np.testing.assert_array_equal(m.sample(5, seed=7), m.sample(5, seed=7))


def test_sample_about_a_given_axis():
    d = 3
    w = np.array([0.0, 0.6, 0.8])
    m = ZonalMeasure.rings(d, [0.3, -0.9], [1.0, 1.0])
    u = m.sample(200, seed=1, axis=w)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0, rtol=1e-13)
    lat = u @ w
    assert np.all(np.isclose(lat, 0.3, atol=1e-13) | np.isclose(lat, -0.9, atol=1e-13))
    assert 0 < np.sum(np.isclose(lat, 0.3)) < 200


def test_sample_of_a_vmf_measure_has_the_vmf_mean():
    d, kappa, n = 4, 6.0, 4000
    u = ZonalMeasure.vmf(d, kappa, 4, 4).sample(n, seed=2, axis=[0.0, 0.0, 1.0, 0.0])
    assert u.shape == (n, d)
    a = mean_resultant_length(d, kappa)
    sd = math.sqrt((1.0 - a * a) / n)  # an upper bound of the sd of u.w
    assert abs(u[:, 2].mean() - a) < 5.0 * sd
    assert np.all(np.abs(u[:, [0, 1, 3]].mean(axis=0)) < 5.0 / math.sqrt(n))


@pytest.mark.parametrize("d", [3, 6])
def test_sample_of_a_histogram_has_its_cell_masses_and_sigmas_law_within_cells(d):
    edges, masses = np.array([-1.0, -0.2, 0.5, 1.0]), np.array([0.3, 0.2, 0.5])
    m = ZonalMeasure.histogram(d, edges, masses, per_cell=2)
    n = 9000
    u = m.sample(n, seed=11)
    np.testing.assert_allclose(np.linalg.norm(u, axis=1), 1.0, rtol=1e-13)
    lat = u[:, 0]
    cell = np.searchsorted(edges, lat) - 1
    freq = np.bincount(cell, minlength=3) / n
    assert np.all(np.abs(freq - masses) < 5.0 * np.sqrt(masses * (1 - masses) / n))
    w = lambda x: (1 - x * x) ** (mp.mpf(d - 3) / 2)  # noqa: E731  sigma's density of t
    for k in range(3):
        a, b = edges[k], edges[k + 1]
        z = mp.quad(w, [a, b])
        mean = float(mp.quad(lambda x: x * w(x), [a, b]) / z)
        var = float(mp.quad(lambda x: x * x * w(x), [a, b]) / z) - mean**2
        x = lat[cell == k]
        assert abs(x.mean() - mean) < 5.0 * math.sqrt(var / x.size)
        assert x.var() == pytest.approx(var, rel=0.15)


# ---------------------------------------------------------------- _problem: RingGrid


def _k_matrix(d, alpha, t):
    return np.exp(np.array([[_mp_log_k(d, alpha, a, b) for b in t] for a in t]))


def test_softmax_is_the_normalised_exponential_without_overflow():
    z = np.array([0.0, 1.0, -2.0, 3.5])
    np.testing.assert_allclose(softmax(z), np.exp(z) / np.exp(z).sum(), rtol=1e-15)
    np.testing.assert_allclose(softmax(z + 1000.0), np.exp(z) / np.exp(z).sum(), rtol=1e-14)


@pytest.fixture(scope="module")
def grid():
    return RingGrid(4, 2.5, 2, 3)


def test_ring_grid_holds_sigmas_nodes_and_the_kernel(grid):
    theta, logw = uniform_nodes(4, 2, 3)
    np.testing.assert_allclose(grid.t, np.cos(theta), rtol=1e-15)
    np.testing.assert_allclose(grid.sin, np.sin(theta), rtol=1e-15)
    np.testing.assert_allclose(grid.logw, logw, rtol=1e-15)
    assert grid.n == 6 and grid.d == 4 and grid.alpha == 2.5
    np.testing.assert_allclose(grid.E * np.exp(grid.c)[:, None], _k_matrix(4, 2.5, grid.t), rtol=1e-12)
    np.testing.assert_allclose(grid.ET, grid.E.T, rtol=0)
    assert grid.phi_sigma == pytest.approx(float(mp.log(mp.besseli(1, 2.5) * 2 / 2.5)), rel=1e-13)


def test_ring_grid_at_alpha_300_keeps_every_kernel_entry_above_exp_minus_600():
    """alpha = 300, the largest the grid searches accept (checked on their entry): a row of log K spans at
    most 2 alpha, so no entry of exp(log K - row max) underflows."""
    g = RingGrid(3, 300.0, 1, 2)
    assert g.E.max() == 1.0 and g.E.min() >= math.exp(-600.0)
    np.testing.assert_allclose(g.E.max(axis=1), 1.0, rtol=0)


def _phi_p(k, p):
    return float(p @ np.log(k @ p))


def test_phi_grad_against_closed_forms_and_finite_differences(grid):
    k = _k_matrix(4, 2.5, grid.t)
    p = np.array([0.05, 0.3, 0.1, 0.25, 0.2, 0.1])
    phi, g = grid.phi_grad(p)
    assert phi == pytest.approx(_phi_p(k, p), rel=1e-13)
    assert phi == pytest.approx(ZonalMeasure.rings(4, grid.t, p).phi(2.5), rel=1e-13)
    np.testing.assert_allclose(g, _central(lambda x: _phi_p(k, x), p, 1e-6), rtol=1e-7, atol=1e-8)


def test_ratio_p_and_jq_p_against_finite_differences(grid):
    k = _k_matrix(4, 2.5, grid.t)
    ps = grid.phi_sigma
    p = np.array([0.05, 0.3, 0.1, 0.25, 0.2, 0.1])

    def ratio(x):
        return (_phi_p(k, x) - ps) / float(x @ grid.t) ** 2

    val, g = grid.ratio_p(p)
    assert val == pytest.approx(ratio(p), rel=1e-12)
    np.testing.assert_allclose(g, _central(ratio, p, 1e-6), rtol=1e-6, atol=1e-7)
    q = 1.7
    f = grid.jq_p(q)

    def jq(x):
        return _phi_p(k, x) - q * float(x @ grid.t) ** 2

    val, g = f(p)
    assert val == pytest.approx(jq(p), rel=1e-13)
    np.testing.assert_allclose(g, _central(jq, p, 1e-6), rtol=1e-7, atol=1e-8)


def _bisect_lam(z, t, r):
    lo, hi = -1e4, 1e4
    for _ in range(200):
        mid = 0.5 * (lo + hi)
        p = softmax(z + mid * t)
        lo, hi = (mid, hi) if p @ t < r else (lo, mid)
    return 0.5 * (lo + hi)


@pytest.mark.parametrize(("r", "lam0"), [(0.3, 0.0), (-0.6, 5.0), (0.9, -40.0), (0.0, 0.0)])
def test_tilt_solves_the_mean_constraint(grid, r, lam0):
    z = np.array([0.3, -1.0, 0.5, 0.0, 2.0, -0.7])
    p, lam = grid.tilt(z, r, lam0)
    assert float(p @ grid.t) == pytest.approx(r, abs=1e-13)
    assert lam == pytest.approx(_bisect_lam(z, grid.t, r), rel=1e-9, abs=1e-9)
    np.testing.assert_allclose(p, softmax(z + lam * grid.t), rtol=1e-12)


@pytest.mark.parametrize(
    ("z", "r", "lam0"),
    [
        ([0.0, -30.0, -60.0, -90.0, -120.0, -150.0], 0.0, 0.0),  # Newton from 0 overshoots: bracketing
        ([0.3, -1.0, 0.5, 0.0, 2.0, -0.7], 0.2, 1e6),  # a start far away
        ([0.3, -1.0, 0.5, 0.0, 2.0, -0.7], -0.95, 3.0),  # close to the smallest node
    ],
)
def test_tilt_converges_from_hard_starts(grid, z, r, lam0):
    z = np.array(z)
    p, lam = grid.tilt(z, r, lam0)
    assert float(p @ grid.t) == pytest.approx(r, abs=1e-12)
    assert lam == pytest.approx(_bisect_lam(z, grid.t, r), rel=1e-9, abs=1e-9)


def test_tilt_at_a_large_multiplier_stops_on_the_collapsed_bracket(grid):
    # z = -1000 t needs lam ~ 1000 with the masses spread: lam is resolved to ~1e-12 (float64), too
    # coarsely for |E t - r| <= 1e-14, so the iteration ends when its bracket collapses
    z = -1000.0 * grid.t
    p, lam = grid.tilt(z, 0.1, 0.0)
    assert lam == pytest.approx(_bisect_lam(z, grid.t, 0.1), rel=1e-13)
    assert float(p @ grid.t) == pytest.approx(0.1, abs=1e-10)


def test_tilt_of_an_unreachable_mean_stops_at_a_bounded_multiplier(grid):
    z = np.zeros(grid.n)
    p, lam = grid.tilt(z, 1.0, 0.0)  # E t = 1 needs lam = +inf: the largest node takes all the mass
    assert abs(lam) <= 1e8 + 1.0
    assert lam > 100.0
    assert float(p @ grid.t) == pytest.approx(grid.t.max(), abs=1e-12)


def test_masses_and_reduced(grid):
    z = np.array([0.3, -1.0, 0.5, 0.0, 2.0, -0.7])
    state: dict = {}
    np.testing.assert_allclose(grid.masses(z, None, state), softmax(z), rtol=1e-15)
    assert state == {}
    p = grid.masses(z, 0.4, state)
    assert float(p @ grid.t) == pytest.approx(0.4, abs=1e-13)
    assert state["lam"] == pytest.approx(_bisect_lam(z, grid.t, 0.4), rel=1e-9)
    dp = np.array([1.0, -2.0, 0.5, 3.0, 0.0, 1.5])
    np.testing.assert_array_equal(grid.reduced(dp, p, None), dp)
    h = grid.reduced(dp, p, 0.4)
    # dp less a multiple of t, and p-uncorrelated with t
    beta = (dp - h) / grid.t
    np.testing.assert_allclose(beta, beta[0], rtol=1e-10)
    cov = float(p @ (h * grid.t) - (p @ h) * (p @ grid.t))
    assert cov == pytest.approx(0.0, abs=1e-13)


def test_minimize_finds_the_closed_form_minimiser_of_a_strictly_convex_objective(grid):
    # sum p log p - p.a over the simplex: minimiser softmax(a), minimum -log sum e^a
    a = np.array([0.5, -1.0, 2.0, 0.3, -0.2, 1.0])

    def fun(p):
        lp = np.log(np.maximum(p, 1e-300))
        return float(p @ lp - p @ a), lp + 1.0 - a

    val, p, z = grid.minimize(fun, np.zeros(6))
    assert val == pytest.approx(-math.log(np.exp(a).sum()), abs=1e-10)
    np.testing.assert_allclose(p, softmax(a), atol=1e-6)
    np.testing.assert_allclose(softmax(z), p, rtol=1e-12)
    # with the mean fixed: the minimiser is the tilt softmax(a + lam t) with E t = r
    r = -0.25
    val, p, z = grid.minimize(fun, np.zeros(6), r=r)
    lam = _bisect_lam(a, grid.t, r)
    want = softmax(a + lam * grid.t)
    np.testing.assert_allclose(p, want, atol=1e-6)
    assert float(p @ grid.t) == pytest.approx(r, abs=1e-12)
    assert val == pytest.approx(fun(want)[0], abs=1e-10)


def test_minimize_exchange_step_reaches_a_node_of_zero_mass(grid):
    # a linear objective p.a: the minimum is the vertex at argmin a; the start gives that node no mass,
    # where the logits' gradient is zero, and only the exchange step can move mass there
    a = np.array([0.5, -1.0, 2.0, 0.3, -0.2, 1.0])

    def fun(p):
        return float(p @ a), a.copy()

    z0 = np.zeros(6)
    z0[1] = -800.0
    val, p, _ = grid.minimize(fun, z0, maxiter=50)
    assert val < -0.9
    assert p[1] > 0.9
    _, p1, _ = grid.minimize(fun, z0, rounds=1, maxiter=50)
    assert p1[1] < 0.01  # one round: no exchange has been applied yet at the end


def test_minimize_with_a_fixed_mean_reaches_the_linear_programme_optimum(grid):
    # min p.a over {p >= 0, sum p = 1, E_p t = r}: a linear programme (scipy's HiGHS is the reference);
    # the start gives one node of the optimal support no mass, so exchange steps are needed
    from scipy.optimize import linprog

    a = np.array([0.5, -1.0, 2.0, 0.3, -0.2, 1.0])
    r = -0.25
    lp = linprog(a, A_eq=np.vstack([np.ones(6), grid.t]), b_eq=[1.0, r], bounds=[(0, None)] * 6)

    def fun(p):
        return float(p @ a), a.copy()

    z0 = np.zeros(6)
    z0[1] = -800.0
    val, p, _ = grid.minimize(fun, z0, r=r, maxiter=200)
    assert val == pytest.approx(lp.fun, abs=1e-9)
    np.testing.assert_allclose(p, lp.x, atol=1e-6)
    assert float(p @ grid.t) == pytest.approx(r, abs=1e-12)


def test_lbfgs_minimises_a_quadratic_and_honours_maxiter():
    a = np.diag([1.0, 10.0, 100.0])
    b = np.array([1.0, -2.0, 3.0])

    def fun(x):
        return 0.5 * float(x @ a @ x) - float(b @ x), a @ x - b

    x = lbfgs(fun, np.zeros(3))
    np.testing.assert_allclose(x, np.linalg.solve(a, b), rtol=1e-9)
    x1 = lbfgs(fun, np.zeros(3), maxiter=1)
    assert np.linalg.norm(x1 - np.linalg.solve(a, b)) > 1e-3


# ---------------------------------------------------------------- _beta


@pytest.mark.parametrize(("d", "alpha", "q"), [(3, 1.0, 0.5), (5, 4.0, 3.0), (2, 0.3, 0.1)])
def test_beta_local_against_mpmath(d, alpha, q):
    r1 = _mp_ratio(d, alpha, 1)
    assert beta_local(d, alpha, q) == pytest.approx(2.0 * q / d - r1 * (2.0 - r1), rel=1e-12, abs=1e-14)


def _mp_b4(d, alpha, eta2):
    q = alpha * (1 - eta2)
    r1, r2 = mp.mpf(_mp_ratio(d, alpha, 1)), mp.mpf(_mp_ratio(d, alpha, 2))
    b = 2 * mp.mpf(q) / d - r1 * (2 - r1)
    if b <= 0:
        return None
    e4 = mp.mpf(3) / (d * (d + 2))
    p2 = 2 * mp.mpf(d - 1) / (d * d * (d + 2))
    c1 = r1**2 / 2 + r1 * r2 * (1 - r1)
    inner = p2 * (c1 + b / 2) ** 2 / (2 * (r2 * (2 - r2) + b)) - e4 * (r1**3 / 3 - r1**4 / 4 + b / 12)
    return float(2 * mp.mpf(d) ** 3 * inner)


@pytest.mark.parametrize(
    ("d", "alpha", "eta2"), [(3, 2.0, 0.0), (4, 3.0, 0.1), (6, 8.0, 0.05), (3, 0.5, 0.9)]
)
def test_beta_landau_coefficient_against_its_closed_form_in_mpmath(d, alpha, eta2):
    want = _mp_b4(d, alpha, eta2)
    got = beta_landau_coefficient(d, alpha, eta2)
    if want is None:
        assert got is None
    else:
        assert got == pytest.approx(want, rel=1e-11)


def test_beta_landau_coefficient_names_eta2():
    with pytest.raises(ValueError, match=r"^eta2 must be <= 1"):
        beta_landau_coefficient(3, 1.0, 1.5)


def _ratio_vmf(d, alpha, q, kappa):
    num = q * mean_resultant_length(d, kappa) ** 2 - (phi_vmf(d, kappa, alpha) - phi_uniform(d, alpha))
    return num / kl_vmf_uniform(d, kappa)


@pytest.fixture(scope="module")
def fam():
    g = RingGrid(4, 2.5, 4, 5)
    return _DensityFamily(g, 3, 1.9)


def test_density_family_basis_is_legendre_p1_to_pk(fam):
    t = fam.grid.t
    np.testing.assert_allclose(fam.B[:, 0], t, rtol=1e-15)
    np.testing.assert_allclose(fam.B[:, 1], 1.5 * t * t - 0.5, rtol=1e-13, atol=1e-15)
    np.testing.assert_allclose(fam.B[:, 2], 2.5 * t**3 - 1.5 * t, rtol=1e-12, atol=1e-15)
    assert fam.B.shape == (20, 3) and fam.q == 1.9


def test_density_family_parts_against_zonal_measure(fam):
    c = np.array([0.8, -0.5, 0.3])
    p, s, kl, num, g, m = fam.parts(c)
    meas = ZonalMeasure.from_density(4, lambda t: np.polynomial.legendre.legval(t, [0.0, *c]), 4, 5)
    np.testing.assert_allclose(p, meas.p, rtol=1e-12)
    assert kl == pytest.approx(meas.kl_uniform(), rel=1e-12)
    assert m == pytest.approx(float(meas.p @ meas.t), rel=1e-13)
    phi = meas.phi(2.5)
    assert num == pytest.approx(1.9 * m * m - (phi - phi_uniform(4, 2.5)), rel=1e-10)
    np.testing.assert_allclose(s, fam.B @ c, rtol=1e-15)
    np.testing.assert_allclose(g, meas.first_variation(2.5, meas.t), rtol=1e-12)


@pytest.mark.parametrize("c", [[0.8, -0.5, 0.3], [-1.2, 0.4, 0.0], [0.1, 0.05, -0.02]])
def test_density_family_neg_ratio_gradient_is_the_finite_difference(fam, c):
    c = np.array(c)

    def ratio(x):
        _, _, kl, num, _, _ = fam.parts(x)
        return num / kl

    val, grad = fam.neg_ratio(c)
    assert -val == pytest.approx(ratio(c), rel=1e-14)
    np.testing.assert_allclose(grad, -_richardson(ratio, c, 1e-3), rtol=1e-6, atol=1e-7 * abs(val))


@pytest.mark.parametrize(("r", "cr"), [(0.4, [-0.5, 0.3]), (-0.2, [0.6, 0.1]), (0.7, [0.0, 0.0])])
def test_density_family_at_mean_value_constraint_and_gradient(fam, r, cr):
    f, state = fam.at_mean(r)
    cr = np.array(cr)
    val, grad = f(cr)
    c = np.concatenate([[state["lam"]], cr])
    _, _, kl, num, _, m = fam.parts(c)
    assert m == pytest.approx(r, abs=1e-13)  # c_1 solved for E t = r
    assert -val == pytest.approx(num / kl, rel=1e-11)

    def value(x):
        return f(x)[0]

    np.testing.assert_allclose(grad, _central(value, cr, 1e-5), rtol=1e-5, atol=1e-7 * abs(val))


@pytest.mark.parametrize(
    ("kwargs", "exc", "pattern"),
    [
        ({"d": 1}, ValueError, r"^d must be >= 2"),
        ({"alpha": 0.0}, ValueError, r"^alpha must be > 0"),
        ({"alpha": 301.0}, ValueError, r"^alpha must be <= 300"),
        ({"n_panels": 3}, ValueError, r"^n_panels must be >= 4"),
        ({"per_panel": 0}, ValueError, r"^per_panel must be >= 1"),
        ({"eta2": 1.5}, ValueError, r"^eta2 must be <= 1"),
        ({"eta2": -0.1}, ValueError, r"^eta2 must be >= 0"),
        ({"degree": 0}, ValueError, r"^degree must be >= 1"),
        ({"degree": 65}, ValueError, r"^degree must be <= 64"),
        ({"degree": 2.0}, TypeError, r"^degree must be an integer"),
        ({"ring_latitudes": (0.5, 1.5)}, ValueError, r"^ring_latitudes must be <= 1"),
        ({"ring_latitudes": (-1.5,)}, ValueError, r"^ring_latitudes must be >= -1"),
        ({"mean_norms": (0.5, 0.3)}, ValueError, r"^mean_norms must increase"),
    ],
)
def test_beta_threshold_bad_input_names_the_argument(kwargs, exc, pattern):
    args = {"d": 3, "alpha": 2.0, "eta2": 0.1} | kwargs
    with pytest.raises(exc, match=pattern):
        beta_threshold(**args)


def _ratio_indep(d, alpha, q, c, n_panels, per_panel):
    """The beta* ratio of log f = sum c_k P_k by ZonalMeasure (a separate evaluation path)."""
    meas = ZonalMeasure.from_density(
        d, lambda t: np.polynomial.legendre.legval(t, [0.0, *c]), n_panels, per_panel
    )
    m = float(meas.p @ meas.t)
    return (q * m * m - (meas.phi(alpha) - phi_uniform(d, alpha))) / meas.kl_uniform(), meas


def _beta_coarse():
    # alpha = 100 on 4 panels: the kernel is sharp enough that the rule's size shows in the ratio
    # (per_panel is left at its default, 8)
    return beta_threshold(3, 100.0, 0.05, degree=3, n_panels=4, mean_norms=(0.3, 0.6), ring_latitudes=(0.5,))


def test_beta_threshold_fields_against_independent_evaluations():
    # one test per search (a module fixture would credit the search to its first test only)
    res = _beta_coarse()
    d, alpha, eta2 = 3, 100.0, 0.05
    q = alpha * (1 - eta2)
    assert res.d == d and res.alpha == alpha and res.eta2 == eta2
    assert res.q == pytest.approx(q, rel=1e-15)
    r1 = _mp_ratio(d, alpha, 1)
    assert res.beta_loc == pytest.approx(2 * q / d - r1 * (2 - r1), rel=1e-12)
    assert res.landau_b4 == pytest.approx(_mp_b4(d, alpha, eta2), rel=1e-11)
    assert res.beta_vmf == pytest.approx(_ratio_vmf(d, alpha, q, res.kappa_vmf), rel=1e-12)
    assert res.coefficients.shape == (3,)
    # the density reported, evaluated on the default rule (4 panels of 8 nodes) and one twice as fine
    val, meas = _ratio_indep(d, alpha, q, res.coefficients, 4, 8)
    assert res.beta_density == pytest.approx(val, rel=1e-10)
    fine, _ = _ratio_indep(d, alpha, q, res.coefficients, 8, 8)
    assert res.quadrature_check == pytest.approx(abs(val - fine), rel=1e-6)
    assert res.mean_norm == pytest.approx(abs(float(meas.p @ meas.t)), rel=1e-12)
    assert res.kl == pytest.approx(meas.kl_uniform(), rel=1e-12)
    assert res.phi_gap == pytest.approx(meas.phi(alpha) - phi_uniform(d, alpha), rel=1e-9)
    assert res.kl > 1e-3
    assert res.beta_star == max(0.0, res.beta_loc, res.beta_vmf, res.beta_density)
    assert res.bound == BETA_BOUND_TEXT
    # attained_by follows the documented rule
    best = max(0.0, res.beta_loc, res.beta_vmf)
    if res.beta_density > best * (1 + 1e-6) and res.beta_density > 0:
        want = "density"
    elif res.beta_vmf > max(0.0, res.beta_loc) * (1 + 1e-6) and res.beta_vmf > 0:
        want = "vMF"
    elif res.beta_loc > 0:
        want = "local limit"
    else:
        want = "zero"
    assert res.attained_by == want


def test_beta_threshold_default_degree_and_panels():
    # documented defaults: degree 16, n_panels 64 (one node per panel here, so the rule has 64 nodes)
    d, alpha, eta2 = 3, 100.0, 0.05
    res = beta_threshold(d, alpha, eta2, per_panel=1, mean_norms=(0.5,))
    assert res.coefficients.shape == (16,)
    val, _ = _ratio_indep(d, alpha, alpha * (1 - eta2), res.coefficients, 64, 1)
    assert res.beta_density == pytest.approx(val, rel=1e-10)
    # documented: quadrature_check compares with a rule twice as fine (128 panels); one node per panel
    # converges slowly enough here that 2x and 3x differ by 20%
    fine, _ = _ratio_indep(d, alpha, alpha * (1 - eta2), res.coefficients, 128, 1)
    assert res.quadrature_check == pytest.approx(abs(val - fine), rel=1e-6)


def _beta_wide():
    # d = 10, alpha = 1, eta2 = 0: b4 > 0, so densities near sigma beat beta_loc, and the vMF ratio
    # peaks at a finite kappa
    return beta_threshold(10, 1.0, 0.0, degree=3, n_panels=4, per_panel=4, mean_norms=(0.3, 0.6))


def test_beta_threshold_a_density_beats_vmf_and_is_a_local_maximum():
    res = _beta_wide()
    d, alpha, q = 10, 1.0, 1.0
    assert res.attained_by == "density"
    assert res.beta_density > res.beta_vmf * (1 + 1e-6) and res.beta_vmf > res.beta_loc > 0
    assert res.beta_star == res.beta_density
    assert res.landau_b4 == pytest.approx(_mp_b4(d, alpha, 0.0), rel=1e-11)
    assert res.landau_b4 > 0

    def ratio(c):
        return _ratio_indep(d, alpha, q, c, 4, 4)[0]

    c = res.coefficients
    assert res.beta_density == pytest.approx(ratio(c), rel=1e-10)
    # the reported density is a stationary point of the ratio over the coefficients, to the projected
    # gradient tolerance at which L-BFGS-B stops by default (1e-5), and a strict local maximum
    grad = _central(ratio, c, 1e-4)
    assert np.max(np.abs(grad)) < 2e-5
    for k in range(c.size):
        e = np.zeros(c.size)
        e[k] = 0.05
        assert ratio(c + e) < res.beta_density and ratio(c - e) < res.beta_density
    # the vMF value is the maximum of the vMF ratio over kappa
    kap = res.kappa_vmf
    assert 0.5 < kap < 50.0  # an interior maximum here
    assert res.beta_vmf == pytest.approx(_ratio_vmf(d, alpha, q, kap), rel=1e-12)
    h = 1e-3
    dlog = (_ratio_vmf(d, alpha, q, kap * math.exp(h)) - _ratio_vmf(d, alpha, q, kap * math.exp(-h))) / (
        2 * h
    )
    curv = (
        _ratio_vmf(d, alpha, q, kap * math.exp(0.05))
        + _ratio_vmf(d, alpha, q, kap * math.exp(-0.05))
        - 2 * res.beta_vmf
    ) / 0.05**2
    assert curv < 0
    assert abs(dlog) < 1e-3 * abs(curv)  # the maximiser in log kappa to about 1e-3


def test_beta_threshold_degree_one_is_the_vmf_family():
    # with K = 1 the densities are the vMF laws: none beats the vMF supremum by the documented 1e-6
    res = beta_threshold(10, 1.0, 0.0, degree=1, n_panels=4, per_panel=4, mean_norms=(0.3, 0.6))
    assert res.attained_by == "vMF"
    assert res.coefficients.shape == (1,)
    assert res.beta_density <= res.beta_vmf * (1 + 1e-6)
    assert res.beta_star == res.beta_vmf
    # the density reported is the vMF law of concentration c_1
    kappa = res.coefficients[0]
    assert res.beta_density == pytest.approx(_ratio_indep(10, 1.0, 1.0, res.coefficients, 4, 4)[0], rel=1e-10)
    # (16 nodes resolve A_d(kappa) to a few 1e-5 here)
    assert res.mean_norm == pytest.approx(mean_resultant_length(10, kappa), rel=1e-3)


def test_a_vmf_measure_samples_as_sample_vmf_with_the_same_seed():
    # the vMF law samples through theory.vmf.sample_vmf with the caller's generator: a seed reproduces it
    from theory.vmf import sample_vmf

    m = ZonalMeasure.vmf(5, 3.0)
    e1 = np.eye(5)[0]
    np.testing.assert_array_equal(m.sample(50, seed=7), sample_vmf(50, e1, 3.0, seed=7))
    np.testing.assert_array_equal(m.sample(50, seed=7), m.sample(50, seed=7))
