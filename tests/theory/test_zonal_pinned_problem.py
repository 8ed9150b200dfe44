"""Pinned tests of :meth:`theory.zonal._problem.RingGrid.minimize` and of the vMF threshold near kappa = 0.

References, none of them the output of the code under test:

* the minimiser of :math:`\\mathrm{KL}(p\\,\\|\\,q) = \\sum_i p_i \\log(p_i / q_i)` over the simplex is
  ``q`` itself (closed form), so a converged search must return ``q`` and a search capped at one L-BFGS
  iteration must not;
* L-BFGS-B's documented budget: one evaluation at the start and at most ``maxls = 20`` per iteration,
  so one iteration costs at most 21 evaluations of the objective;
* the exchange step computed by hand from the masses the objective was last evaluated at: ``1e-3`` of
  the mass moves to the node where the gradient is lowest, ``p -> 0.999 p + 1e-3 e_k``;
* the vMF ratio :math:`[\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma)] / A_d(\\kappa)^2` at small
  ``kappa`` by mpmath at 30 digits (a 1-D quadrature of the closed-form inner expectation with Bessel
  functions), and :math:`q_c^{\\rm loc} = d\\,a(2-a)/2`, :math:`a = I_{d/2}(\\alpha)/I_{d/2-1}(\\alpha)`
  by mpmath: the ratio near ``kappa = 0`` lies above :math:`q_c^{\\rm loc}`, so the vMF family does not
  beat the local limit there.
"""

from __future__ import annotations

import functools

import mpmath as mp
import numpy as np
import pytest

from theory.zonal import threshold
from theory.zonal._problem import RingGrid
from theory.zonal._threshold import _vmf_qc_refined

# ---------------------------------------------------------------------------------------------------
# RingGrid.minimize on KL(p || q), whose minimiser over the masses is q


@functools.lru_cache
def _grid() -> RingGrid:
    return RingGrid(3, 1.0, 4, 4)


def _target(n: int) -> np.ndarray:
    """A target law with masses spread over a factor ~e^8 (L-BFGS needs many iterations to reach it)."""
    q = np.exp(4.0 * np.sin(1.3 * np.arange(n)))
    return q / q.sum()


def _kl_recorder(q: np.ndarray):
    """``fun_p`` for KL(p || q) (value and gradient ``log(p / q) + 1``) and the list of masses it saw."""
    seen: list[np.ndarray] = []

    def fun_p(p):
        seen.append(p.copy())
        lr = np.log(p / q)
        return float(p @ lr), lr + 1.0

    return fun_p, seen


def test_minimize_reaches_the_closed_form_minimiser_of_kl():
    """With the default iteration cap the masses converge to ``q`` and the value to ``KL = 0``."""
    grid = _grid()
    q = _target(grid.n)
    fun_p, _ = _kl_recorder(q)
    val, p, z = grid.minimize(fun_p, np.zeros(grid.n))
    assert np.abs(p - q).max() < 1e-8
    assert abs(val) < 1e-14
    assert np.allclose(np.exp(z - z.max()) / np.exp(z - z.max()).sum(), p, rtol=0, atol=1e-15)


def test_minimize_maxiter_caps_each_lbfgs_run():
    """``maxiter=1``, one round: at most 1 + 20 evaluations in L-BFGS (``maxls = 20``) and two after it
    (the exchange test and the final value); one iteration leaves the masses far from ``q``."""
    grid = _grid()
    q = _target(grid.n)
    fun_p, seen = _kl_recorder(q)
    val, p, _ = grid.minimize(fun_p, np.zeros(grid.n), rounds=1, maxiter=1)
    assert len(seen) <= 1 + 20 + 2
    kl = float(p @ np.log(p / q))
    assert kl > 1e-3  # the converged value is 0
    assert val == pytest.approx(kl, rel=1e-13)


def test_exchange_step_moves_a_thousandth_of_the_mass_to_the_lowest_gradient():
    """After the L-BFGS run the masses ``p*`` are tested; the gradient ``log(p*/q) + 1`` is lowest at
    ``k`` by far more than ``1e-6``, so (one round) the masses returned are ``0.999 p* + 1e-3 e_k``
    exactly (already normalised)."""
    grid = _grid()
    q = _target(grid.n)
    fun_p, seen = _kl_recorder(q)
    val, p, _ = grid.minimize(fun_p, np.zeros(grid.n), rounds=1, maxiter=1)
    p_star = seen[-2]  # the masses after L-BFGS; the last evaluation is the value returned
    g = np.log(p_star / q) + 1.0
    k = int(np.argmin(g))
    assert g[k] < p_star @ g - 0.1  # the exchange is triggered
    assert p_star[k] > 0.01  # the node already carries mass: adding to it differs from setting it
    want = 0.999 * p_star
    want[k] += 1e-3
    assert np.abs(p - want).max() < 1e-15
    assert val == pytest.approx(float(want @ np.log(want / q)), rel=1e-13)


# ---------------------------------------------------------------------------------------------------
# the vMF threshold where the vMF ratio near kappa = 0 is dominated by rounding (d = 16, alpha = 100)

D, ALPHA = 16, 100.0


def _mp_psi(d: int, x):
    """``psi_d(x) = log E_sigma exp(x t) = log[Gamma(d/2) (2/x)^nu I_nu(x)]``, ``nu = d/2 - 1``."""
    nu = mp.mpf(d) / 2 - 1
    return mp.log(mp.gamma(mp.mpf(d) / 2) * (2 / x) ** nu * mp.besseli(nu, x))


@functools.lru_cache
def _mp_qc_local(d: int, alpha: float):
    """``d a (2 - a) / 2``, ``a = A_d(alpha) = I_{d/2}(alpha) / I_{d/2-1}(alpha)``, at 30 digits."""
    with mp.workdps(30):
        a = mp.besseli(mp.mpf(d) / 2, alpha) / mp.besseli(mp.mpf(d) / 2 - 1, alpha)
        return d * a * (2 - a) / 2


@functools.lru_cache
def _mp_vmf_ratio(d: int, kappa: float, alpha: float):
    """``[Phi(vMF_kappa) - Phi(sigma)] / A_d(kappa)^2`` at 30 digits.

    ``Phi(vMF_kappa) = E_t psi_d(r) - psi_d(kappa)`` with ``r = sqrt(kappa^2 + alpha^2 + 2 kappa alpha t)``
    and ``t ~ e^{kappa t} (1 - t^2)^((d-3)/2)``; ``Phi(sigma) = psi_d(alpha)``.
    """
    with mp.workdps(30):
        return _mp_vmf_ratio_at_working_precision(d, mp.mpf(kappa), mp.mpf(alpha))


def _mp_vmf_ratio_at_working_precision(d: int, k, a):
    """:func:`_mp_vmf_ratio` at mpmath's current precision (``k``, ``a``: mpf)."""

    def w(t):
        return mp.exp(k * (t - 1)) * (1 - t * t) ** (mp.mpf(d - 3) / 2)

    z = mp.quad(w, [-1, 0, 1])
    e_psi = mp.quad(lambda t: w(t) * _mp_psi(d, mp.sqrt(k * k + a * a + 2 * k * a * t)), [-1, 0, 1]) / z
    gap = e_psi - _mp_psi(d, k) - _mp_psi(d, a)
    nu = mp.mpf(d) / 2 - 1
    return gap / (mp.besseli(nu + 1, k) / mp.besseli(nu, k)) ** 2


@pytest.mark.parametrize("kappa", [1e-3, 1e-2])
def test_vmf_ratio_near_zero_is_above_the_local_limit_at_d16_alpha100(kappa):
    """The reference itself: at ``kappa = 1e-3, 1e-2`` the vMF ratio exceeds ``q_c_loc`` (by 2e-9 and 2e-7
    relative; the double-precision ratio's rounding at ``kappa = 1e-3`` is ~1e-6 relative)."""
    assert _mp_vmf_ratio(D, kappa, ALPHA) > _mp_qc_local(D, ALPHA)


def test_vmf_threshold_is_the_local_limit_when_its_dip_is_rounding():
    """The refined vMF threshold is ``q_c_loc`` (mpmath) reached as ``kappa -> 0``, not a value below it."""
    q, kappa = _vmf_qc_refined(D, ALPHA)
    assert kappa == 0.0
    assert q == pytest.approx(float(_mp_qc_local(D, ALPHA)), rel=1e-13)


def test_threshold_at_d16_alpha100_is_attained_by_the_local_limit():
    """A coarse ring search stays above ``q_c_loc`` here; the vMF family does not beat it either, so the
    threshold is ``q_c_loc`` (mpmath), attained as ``||m|| -> 0``."""
    res = threshold(D, ALPHA, n_panels=4, per_panel=2, mean_norms=[0.5])
    q_loc = float(_mp_qc_local(D, ALPHA))
    assert res.attained_by == "local limit"
    assert res.q_c == pytest.approx(q_loc, rel=1e-13)
    assert res.q_c_vmf == pytest.approx(q_loc, rel=1e-13) and res.kappa_vmf == 0.0
    assert res.q_c_rings > q_loc
