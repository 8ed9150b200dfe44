"""Pinned values of :mod:`theory.vmf` that mutation testing showed unchecked.

Mean resultant length and KL against mpmath's Bessel functions at 40 digits on both sides of the
switches between routes (``kappa = 100`` and Hankel's ``kappa = 20 (nu + 1)^2``), the types and bounds
of the inputs, and the mixture sampler's reproducibility.
"""

import mpmath as mp
import numpy as np
import pytest

from theory.special import KAPPA_MAX
from theory.vmf import kl_vmf_uniform, log_inner_vmf_mixture, mean_resultant_length, sample_vmf_mixture


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
    assert 1.0 - mean_resultant_length(d, kappa) == pytest.approx(one_minus_a, rel=1e-12)
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
