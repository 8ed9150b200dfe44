"""Lemma 1 of arXiv 2602.24012: the best constant in KL(mu || sigma) >= C (d - 1) ||m(mu)||^2."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._io import ResultMixin
from theory.regularized._common import kappa_grid
from theory.special import _check_d
from theory.vmf import kl_vmf_uniform, mean_resultant_length

__all__ = ["Lemma1Result", "lemma1_constant"]


@dataclass(frozen=True)
class Lemma1Result(ResultMixin):
    """Best constant of Lemma 1 in dimension ``d`` (over the vMF family, hence over all measures).

    Attributes
    ----------
    d : int
        The dimension.
    C : float
        :math:`\\min_\\kappa` of the ratio over the grid.
    C_small_kappa : float
        The :math:`\\kappa\\to0` limit :math:`d / (2(d-1))`.
    kappa_argmin : float
        The grid point where the minimum sits.
    increasing : bool
        Whether the ratio increases with ``kappa`` over the grid (taken in increasing ``kappa``, whatever
        the order given; a step may fall by ``1e-9`` of its value, rounding), so the infimum is the
        small-kappa limit.
    ratio_large_kappa : float
        The ratio at the largest grid ``kappa`` (grows like ``log kappa / 2``).
    """

    d: int
    C: float
    C_small_kappa: float
    kappa_argmin: float
    increasing: bool
    ratio_large_kappa: float


def lemma1_constant(d: int, kappas=None) -> Lemma1Result:
    """Best constant C(d) in KL(mu||sigma) >= C (d-1) ||m(mu)||^2 (Lemma 1), over the vMF family.

    .. math::
        C(d) = \\inf_{\\kappa>0}
        \\frac{\\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma)}{(d-1)A_d(\\kappa)^2},
        \\qquad \\lim_{\\kappa\\to0} = \\frac{\\kappa^2/(2d)}{(d-1)\\kappa^2/d^2} = \\frac{d}{2(d-1)}.

    Small ``kappa``: :math:`\\mathrm{KL}\\approx\\kappa^2/(2d)`, :math:`A_d\\approx\\kappa/d`. Large
    ``kappa``: :math:`A_d \\to 1` while :math:`\\mathrm{KL}\\approx\\frac{d-1}{2}\\log\\kappa`, so the ratio
    grows like :math:`\\tfrac12\\log\\kappa` and the infimum sits at small ``kappa``.

    **The vMF family is the whole lemma.** For a fixed mean ``m`` the minimizer of
    :math:`\\mathrm{KL}(\\mu\\Vert\\sigma)` subject to :math:`\\mathbb E_\\mu u = m` is the
    exponential tilt of :math:`\\sigma`, a vMF law with :math:`A_d(\\kappa) = \\lVert m\\rVert`
    (I-projection, Csiszar 1975), so the constant over the vMF family is the best constant over all
    probability measures.

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappas : array_like, shape (m,), optional
        Positive grid of concentrations (default ``logspace(-3, 5, 161)``).

    Returns
    -------
    Lemma1Result
    """
    d = _check_d(d)
    kappas = kappa_grid(kappas)
    ratio = kl_vmf_uniform(d, kappas) / ((d - 1) * mean_resultant_length(d, kappas) ** 2)
    i = int(np.argmin(ratio))
    by_kappa = ratio[np.argsort(kappas, kind="stable")]
    return Lemma1Result(
        d=d,
        C=float(ratio[i]),
        C_small_kappa=d / (2.0 * (d - 1.0)),
        kappa_argmin=float(kappas[i]),
        increasing=bool(np.all(np.diff(by_kappa) >= -1e-9 * by_kappa[:-1])),
        ratio_large_kappa=float(by_kappa[-1]),
    )
