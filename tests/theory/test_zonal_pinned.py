"""theory.zonal: tests pinned on the survivors of a mutation sample (scripts/mutation --sample).

References: the documented ring count of the composite rule, hand-computed mass-weighted latitudes, the
documented bound on max_rings, and mpmath's Bessel function for the best single ring.
"""

from __future__ import annotations

import mpmath as mp
import numpy as np
import pytest

from theory.zonal import ZonalMeasure, threshold
from theory.zonal._search import _merge_close, best_one_ring

pytestmark = pytest.mark.claim("D", "T2")


@pytest.mark.parametrize("n_panels, per_panel", [(4, 3), (2, 16)])
def test_vmf_measure_has_n_panels_times_per_panel_rings(n_panels, per_panel):
    """The composite Gauss-Legendre rule of ``ZonalMeasure.vmf`` has ``n_panels * per_panel`` rings."""
    m = ZonalMeasure.vmf(5, 3.0, n_panels=n_panels, per_panel=per_panel)
    assert m.t.shape == (n_panels * per_panel,)
    assert m.kind == "density"


def test_merge_close_puts_a_merged_ring_at_the_mass_weighted_latitude():
    """Rings 4e-4 apart merge (tol 1e-3): (0.3 * 0.2 + 0.3004 * 0.6) / 0.8 = 0.3003, mass 0.8."""
    t, p = _merge_close(np.array([0.8, 0.3004, 0.3]), np.array([0.2, 0.6, 0.2]), 1e-3)
    assert t.tolist() == pytest.approx([0.3003, 0.8], abs=1e-15)
    assert p.tolist() == pytest.approx([0.8, 0.2], abs=1e-15)


def test_threshold_refuses_more_than_32_rings():
    with pytest.raises(ValueError, match="max_rings"):
        threshold(3, 1.0, max_rings=33)


def _mp_log_g(d, b):
    """log G_d(b) = log E e^{b c}, c the cosine between two uniform points of S^{d-2}:
    Gamma(nu + 1) (2 / b)^nu I_nu(b) with nu = (d - 3) / 2."""
    nu = mp.mpf(d - 3) / 2
    return mp.log(mp.gamma(nu + 1) * (2 / b) ** nu * mp.besseli(nu, b))


@pytest.mark.parametrize("d, alpha, drop", [(5, 5.0, 0.3), (8, 10.0, 0.5)])
def test_best_one_ring_is_the_minimum_of_its_ratio(d, alpha, drop):
    """The best single ring against the minimum of the same ratio found by mpmath (Bessel I, findroot on
    the derivative), for Phi(sigma) = log G_d(alpha) - drop (so the ratio is +inf at t0 = 0)."""
    mp.mp.dps = 30
    phi_sigma = float(_mp_log_g(d, mp.mpf(alpha))) - drop

    def ratio(t0):
        return (alpha * t0 * t0 + _mp_log_g(d, alpha * (1 - t0) * (1 + t0)) - phi_sigma) / (t0 * t0)

    guess = min((ratio(mp.mpf(k) / 100), mp.mpf(k) / 100) for k in range(2, 100))[1]
    t_star = mp.findroot(lambda x: mp.diff(ratio, x), guess)
    value, t0 = best_one_ring(d, alpha, phi_sigma)
    assert 0.02 < float(t_star) < 1.0
    assert value == pytest.approx(float(ratio(t_star)), rel=1e-11, abs=1e-12)
    assert t0 == pytest.approx(float(t_star), abs=1e-5)
