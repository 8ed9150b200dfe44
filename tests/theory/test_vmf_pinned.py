"""Pinned values of :mod:`theory.vmf` that mutation testing showed unchecked.

Mean resultant length and KL against mpmath's Bessel functions at 40 digits on both sides of the
switches between routes (``kappa = 100`` and Hankel's ``kappa = 20 (nu + 1)^2``), the types and bounds
of the inputs, and the mixture sampler's reproducibility. The mean of sampled cosines ``w.u`` against
the Bessel ratio :math:`A_d(\\kappa)` (Wood, "Simulation of the von Mises Fisher distribution", Comm.
Statist. Simulation Comput. 23 (1994) 157-164, is the sampler). Mixtures on :math:`S^2` against the
elementary closed form of the vMF law there (Fisher, Proc. R. Soc. A 217 (1953) 295-305; Mardia & Jupp,
*Directional Statistics*, 2000, Sec. 9.3.2): normaliser :math:`\\kappa/(4\\pi\\sinh\\kappa)`.
"""

import mpmath as mp
import numpy as np
import pytest

from theory.special import KAPPA_MAX
from theory.vmf import (
    kl_vmf_uniform,
    log_inner_vmf_mixture,
    mean_resultant_length,
    sample_vmf,
    sample_vmf_mixture,
)


def _one_minus_a_and_kl(d: int, kappa: float) -> tuple[float, float]:
    with mp.workdps(40):
        nu, k = mp.mpf(d) / 2 - 1, mp.mpf(kappa)
        a = mp.besseli(nu + 1, k) / mp.besseli(nu, k)
        psi = mp.loggamma(nu + 1) + nu * mp.log(2 / k) + mp.log(mp.besseli(nu, k))
        return float(1 - a), float(k * a - psi)


@pytest.mark.parametrize("d", [2, 3, 6])
@pytest.mark.parametrize("where", ["large", "hankel"])
@pytest.mark.parametrize("step", [-1, 0, 1])
def test_a_and_kl_across_the_route_switches(d, where, step):
    nu = d / 2 - 1
    base = 100.0 if where == "large" else 20.0 * (nu + 1.0) ** 2
    kappa = float(np.nextafter(base, np.inf)) if step > 0 else (base if step == 0 else base * (1 - 1e-9))
    one_minus_a, kl = _one_minus_a_and_kl(d, kappa)
    # up to kappa = 100 A = exp(la), la a difference of two log-Bessel values of size kappa: absolute error
    # about kappa ulps in A, hence in 1 - A (0.005 at kappa = 100, d = 2: 4e-12 relative); beyond, the
    # large-kappa routes compute 1 - A directly
    log_route = where == "large" and step <= 0
    tol = {"abs": 4.0 * kappa * np.finfo(float).eps} if log_route else {"abs": 0.0}
    assert 1.0 - mean_resultant_length(d, kappa) == pytest.approx(one_minus_a, rel=1e-12, **tol)
    assert kl_vmf_uniform(d, kappa) == pytest.approx(kl, rel=2e-12)  # kappa A - psi cancels ~ kappa/KL


def test_kl_types_and_bounds():
    assert isinstance(kl_vmf_uniform(3, 2.0), float)
    assert kl_vmf_uniform(3, np.array([2.0])).shape == (1,)
    with pytest.raises(ValueError, match="kappa"):
        kl_vmf_uniform(3, 2.0 * KAPPA_MAX)


def test_mixture_dimension_must_match_the_points():
    u = np.array([[1.0, 0.0, 0.0]])
    with pytest.raises(ValueError, match="means must have d = 3 columns; got 4"):
        log_inner_vmf_mixture(u, [1.0], [[1.0, 0.0, 0.0, 0.0]], [2.0], alpha=1.0)


def test_mixture_sampler_is_reproducible_and_takes_one_sample():
    w, mu, kap = [0.3, 0.7], [[1.0, 0.0, 0.0], [0.0, 1.0, 0.0]], [5.0, 50.0]
    a = sample_vmf_mixture(20, w, mu, kap, seed=11)
    b = sample_vmf_mixture(20, w, mu, kap, seed=11)
    assert np.array_equal(a, b)
    np.testing.assert_allclose(np.linalg.norm(a, axis=1), 1.0, rtol=0, atol=1e-12)
    assert sample_vmf_mixture(1, w, mu, kap, seed=0).shape == (1, 3)


def test_mixture_means_with_one_column_are_refused_naming_the_count():
    # the documented domain is d >= 2; a (K, 1) array of unit rows is refused with the count it has
    with pytest.raises(ValueError, match=r"^means must have d >= 2 columns; got 1$"):
        sample_vmf_mixture(5, [1.0], [[1.0]], [1.0], seed=0)


def test_mixture_row_counts_are_named_in_the_order_weights_means_kappas():
    # two weights, three means of d = 4, two kappas: the message gives each K as passed
    means = np.eye(4)[:3]
    with pytest.raises(ValueError, match=r"must have K rows each; got 2, 3, 2$"):
        sample_vmf_mixture(5, [0.5, 0.5], means, [1.0, 2.0], seed=0)


def test_mean_resultant_length_of_a_scalar_is_a_float_equal_to_the_bessel_ratio():
    # the documented return for a scalar ``kappa`` is a Python float; the value is I_{d/2} / I_{d/2-1}
    for d, kappa in [(3, 2.0), (6, 150.0)]:
        a = mean_resultant_length(d, kappa)
        assert type(a) is float
        with mp.workdps(40):
            ref = float(mp.besseli(mp.mpf(d) / 2, kappa) / mp.besseli(mp.mpf(d) / 2 - 1, kappa))
        assert a == pytest.approx(ref, rel=1e-13, abs=0)


@pytest.mark.parametrize(
    "d", [500, pytest.param(1000, marks=pytest.mark.slow)]
)  # sampled: d = 1000 in the slow run
def test_sampled_cosine_to_the_mean_has_mean_a_d(d):
    """Mean of ``t = w.u`` over vMF(w, kappa) draws against :math:`A_d(\\kappa)` from mpmath's Bessel ratio.

    At ``kappa = 1000`` and ``d`` in the hundreds the rejection step's envelope is tight only with Wood's
    ``b``; the tolerance is 5 standard errors of the sample mean (``se ~ 1e-4`` at 20 000 draws).
    """
    kappa, n = 1000.0, 20_000
    mean = np.zeros(d)
    mean[0] = 1.0
    t = sample_vmf(n, mean, kappa, seed=2024)[:, 0]
    with mp.workdps(30):
        a = float(mp.besseli(mp.mpf(d) / 2, kappa) / mp.besseli(mp.mpf(d) / 2 - 1, kappa))
    se = t.std(ddof=1) / np.sqrt(n)
    assert abs(t.mean() - a) < 5.0 * se


def _sinhc(x):
    return mp.mpf(1) if x == 0 else mp.sinh(x) / x


def _log_inner_s2(u, weights, means, kappas, alpha) -> np.ndarray:
    """``log sum_k pi_k sinhc(r_k) / sinhc(kappa_k)``, ``r_k = |kappa_k w_k + alpha u|``, at 60 digits.

    On :math:`S^2` the vMF density is :math:`\\kappa e^{\\kappa w^\\top u}/(4\\pi\\sinh\\kappa)`, so
    :math:`\\mathbb E\\, e^{a^\\top v} = \\operatorname{sinhc}\\lVert\\kappa w + a\\rVert
    / \\operatorname{sinhc}\\kappa` with :math:`\\operatorname{sinhc} x = \\sinh(x)/x`; the weights are
    divided by their sum.
    """
    out = []
    with mp.workdps(60):
        pi = [mp.mpf(float(p)) for p in weights]
        total = sum(pi)
        a = mp.mpf(alpha)
        for row in np.asarray(u, dtype=float):
            s = mp.mpf(0)
            for p, w, k in zip(pi, means, kappas, strict=True):
                k = mp.mpf(float(k))
                r = mp.sqrt(
                    sum((k * mp.mpf(float(wi)) + a * mp.mpf(ui)) ** 2 for wi, ui in zip(w, row, strict=True))
                )
                s += p / total * _sinhc(r) / _sinhc(k)
            out.append(float(mp.log(s)))
    return np.array(out)


_U_S2 = np.array([[1.0, 0.0, 0.0], [0.0, 1.0, 0.0], [0.6, 0.0, 0.8], [-0.48, 0.6, -0.64], [0.0, -1.0, 0.0]])
_W_S2 = np.array([[1.0, 0.0, 0.0], [0.0, 0.6, 0.8], [0.0, -1.0, 0.0]])


def test_mixture_inner_on_s2_is_the_sinh_closed_form_with_unequal_weights():
    weights, kappas = [0.1, 0.6, 0.3], [2.0, 7.5, 0.4]
    got = log_inner_vmf_mixture(_U_S2, weights, _W_S2, kappas, alpha=3.0)
    np.testing.assert_allclose(got, _log_inner_s2(_U_S2, weights, _W_S2, kappas, 3.0), rtol=1e-12, atol=1e-14)


def test_mixture_weights_are_divided_by_their_sum():
    # weights 1 : 5 : 4 are the mixture 0.1 : 0.5 : 0.4
    weights, kappas = [1.0, 5.0, 4.0], [2.0, 7.5, 0.4]
    got = log_inner_vmf_mixture(_U_S2, weights, _W_S2, kappas, alpha=1.5)
    ref = _log_inner_s2(_U_S2, [0.1, 0.5, 0.4], _W_S2, kappas, 1.5)
    np.testing.assert_allclose(got, ref, rtol=1e-12, atol=1e-14)


def test_mixture_with_a_uniform_component_is_accepted():
    # kappa = 0 is the uniform law sigma: its term is sinh(alpha) / alpha for every u
    weights, kappas = [0.7, 0.3], [0.0, 5.0]
    got = log_inner_vmf_mixture(_U_S2, weights, _W_S2[:2], kappas, alpha=2.0)
    np.testing.assert_allclose(
        got, _log_inner_s2(_U_S2, weights, _W_S2[:2], kappas, 2.0), rtol=1e-12, atol=1e-14
    )


def test_mixture_with_kappa_max_is_accepted():
    # r = |KAPPA_MAX w + alpha u| is formed in float64, so the value carries ~ulp(1e12) = 1.2e-4 absolute
    got = log_inner_vmf_mixture(_U_S2, [1.0], _W_S2[:1], [KAPPA_MAX], alpha=2.0)
    np.testing.assert_allclose(
        got, _log_inner_s2(_U_S2, [1.0], _W_S2[:1], [KAPPA_MAX], 2.0), rtol=0, atol=2.5e-4
    )
