"""Theorem 1 of arXiv 2602.24012 on the von Mises-Fisher family: beta0, the exact beta*, the local threshold.

The reduced objective of Sec. 4.2,

.. math::
    \\tilde J(\\mu) = \\Phi(\\mu) - \\alpha\\,\\mathrm{Align}(\\mu)
    + \\beta\\,\\mathrm{KL}(\\mu\\Vert\\sigma),
    \\qquad \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d-1)}\\quad\\text{(Theorem 1)}.

**Convention for Align.** ``Align(mu)`` is a supremum over encoders that cannot be evaluated in general;
on the vMF family Prop. 1's upper bound :math:`\\mathrm{Align}(\\mu) \\le \\eta^2 + (1-\\eta^2)
\\lVert m(\\mu)\\rVert^2` (:func:`theory.alignment.alignment_bound`) is used as ``Align`` (the worst case
for uniformity), with an optional ``delta`` so that :math:`\\mathrm{Align}(\\sigma) = \\eta^2 - \\delta`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._deprecation import TupleCompat
from theory._io import ResultMixin
from theory._validation import check_real
from theory.alignment import alignment_bound
from theory.regularized._common import check_alpha, check_eta2, kappa_grid, phi_gap_grid
from theory.special import _check_conc, _check_d
from theory.uniformity import phi_uniform, phi_vmf
from theory.vmf import kl_vmf_uniform, mean_resultant_length

__all__ = [
    "BetaThreshold",
    "Theorem1Result",
    "align_bound",
    "beta0",
    "beta_threshold_local",
    "beta_threshold_vmf",
    "reduced_objective_vmf",
    "theorem1_vmf",
]


def beta0(alpha: float, eta2: float, d: int, C: float = 0.5) -> float:
    """Theorem 1's threshold on beta.

    .. math::
        \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C\\,(d-1)}.

    Parameters
    ----------
    alpha : float
        ``0 <= alpha <= KAPPA_MAX``.
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    d : int
        ``d >= 2``.
    C : float
        Lemma 1's constant; the default ``1/2`` is the universal constant :math:`\\inf_d C(d)` measured by
        :func:`lemma1_constant` (:math:`C(d) = d/(2(d-1)) > 1/2`); pass ``lemma1_constant(d).C_small_kappa``
        (that exact infimum) for the best constant in dimension ``d`` (``.C``, a minimum over a grid of
        concentrations, lies slightly above it).
    """
    alpha = check_alpha(alpha)
    eta2 = check_eta2(eta2)
    d = _check_d(d)
    C = check_real(C, "C", low=0.0, low_open=True)
    return alpha * (1.0 - eta2) / (C * (d - 1.0))


def reduced_objective_vmf(
    d: int, kappa: float, alpha: float, eta2: float, beta: float, delta: float = 0.0
) -> float:
    """Reduced objective J~ at vMF_kappa, with Align = Prop. 1's bound (and Align(sigma) = eta2 - delta).

    .. math::
        \\tilde J(\\mathrm{vMF}_\\kappa) = \\Phi(\\mathrm{vMF}_\\kappa)
        - \\alpha\\big(\\eta^2 + (1-\\eta^2)A_d(\\kappa)^2\\big)
        + \\beta\\,\\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma),
        \\qquad \\tilde J(\\sigma) = \\Phi(\\sigma) - \\alpha(\\eta^2 - \\delta).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float
        ``0 <= kappa <= KAPPA_MAX`` (``0`` is sigma).
    alpha, eta2, beta : float
        Inverse temperature, :math:`\\eta^2 \\in [0, 1]`, regularisation weight ``beta >= 0``.
    delta : float
        :math:`\\delta(d) = \\eta^2 - \\mathrm{Align}(\\sigma) \\ge 0`.
    """
    d = _check_d(d)
    kappa = _check_conc(kappa, "kappa")
    alpha = check_alpha(alpha)
    eta2 = check_eta2(eta2)
    beta = check_real(beta, "beta", low=0.0)
    delta = check_real(delta, "delta", low=0.0)
    if kappa == 0.0:
        return phi_uniform(d, alpha) - alpha * (eta2 - delta)
    a = mean_resultant_length(d, kappa)
    align = alignment_bound(eta2, a * a)
    return phi_vmf(d, kappa, alpha) - alpha * align + beta * kl_vmf_uniform(d, kappa)


@dataclass(frozen=True)
class Theorem1Result(ResultMixin):
    """Theorem 1 on the vMF family.

    Attributes
    ----------
    margin : float
        :math:`\\min_\\kappa [\\tilde J(\\kappa) - \\tilde J(\\sigma)] + \\alpha\\delta` (must be ``>= 0``).
    kappa_argmin : float
        The grid point where the minimum of the gaps sits.
    gaps : ndarray, shape (m,)
        :math:`\\tilde J(\\kappa) - \\tilde J(\\sigma)` on the grid.
    kappas : ndarray, shape (m,)
        The grid of concentrations.
    """

    margin: float
    kappa_argmin: float
    gaps: np.ndarray
    kappas: np.ndarray


def theorem1_vmf(
    d: int, alpha: float, eta2: float, beta: float, delta: float = 0.0, kappas=None
) -> Theorem1Result:
    """Check :math:`\\tilde J(\\mathrm{vMF}_\\kappa) - \\tilde J(\\sigma) \\ge -\\alpha\\delta(d)` on a grid.

    .. math::
        \\tilde J(\\kappa) - \\tilde J(\\sigma) = [\\Phi(\\kappa) - \\Phi(\\sigma)]
        - \\alpha(1-\\eta^2)A_d(\\kappa)^2 + \\beta\\,\\mathrm{KL}(\\kappa) - \\alpha\\delta.

    Parameters
    ----------
    d : int
    alpha, eta2, beta, delta : float
        As in :func:`reduced_objective_vmf`.
    kappas : array_like, shape (m,), optional
        Positive grid of concentrations (default ``logspace(-3, 5, 161)``).

    Returns
    -------
    Theorem1Result
    """
    d = _check_d(d)
    alpha = check_alpha(alpha)
    eta2 = check_eta2(eta2)
    beta = check_real(beta, "beta", low=0.0)
    delta = check_real(delta, "delta", low=0.0)
    kappas = kappa_grid(kappas)
    gaps = (
        phi_gap_grid(d, alpha, kappas)
        - alpha * (1.0 - eta2) * mean_resultant_length(d, kappas) ** 2
        + beta * kl_vmf_uniform(d, kappas)
        - alpha * delta
    )
    i = int(np.argmin(gaps))
    return Theorem1Result(
        margin=float(gaps[i] + alpha * delta), kappa_argmin=float(kappas[i]), gaps=gaps, kappas=kappas
    )


@dataclass(frozen=True)
class BetaThreshold(TupleCompat, ResultMixin):
    """The exact threshold on beta over the vMF family (result of :func:`beta_threshold_vmf`).

    Attributes
    ----------
    beta_star : float
        Smallest beta for which sigma minimizes J~ over the vMF family (``0`` when sigma wins for every
        ``beta >= 0``).
    kappa_star : float
        The grid point that attains the supremum defining ``beta_star`` (where, at ``beta_star``, the vMF
        tilt ties with sigma). It is not where the margin of J~ at another beta is attained: for that,
        see :attr:`Theorem1Result.kappa_argmin`.
    """

    beta_star: float
    kappa_star: float
    _tuple_fields = ("beta_star", "kappa_star")


def beta_threshold_vmf(d: int, alpha: float, eta2: float, kappas=None) -> BetaThreshold:
    """Smallest beta for which sigma minimises J~ over the vMF family (delta = 0): ``(beta*, kappa*)``.

    .. math::
        \\beta^* = \\sup_{\\kappa>0}
        \\frac{\\alpha(1-\\eta^2)A_d(\\kappa)^2 - [\\Phi(\\kappa)-\\Phi(\\sigma)]}{\\mathrm{KL}(\\kappa)}
        \\;\\le\\; \\beta_0

    (Theorem 1 drops the non-negative :math:`\\Phi(\\kappa)-\\Phi(\\sigma)`, hence the inequality).

    Parameters
    ----------
    d : int
    alpha, eta2 : float
    kappas : array_like, shape (m,), optional
        Positive grid (default ``logspace(-3, 5, 161)``).

    Returns
    -------
    BetaThreshold
        ``.beta_star`` and ``.kappa_star`` (unpacking as a tuple ``(beta_star, kappa_star)`` still
        works, with a DeprecationWarning).
    """
    d = _check_d(d)
    alpha = check_alpha(alpha)
    eta2 = check_eta2(eta2)
    kappas = kappa_grid(kappas)
    num = alpha * (1.0 - eta2) * mean_resultant_length(d, kappas) ** 2 - phi_gap_grid(d, alpha, kappas)
    ratio = num / kl_vmf_uniform(d, kappas)
    i = int(np.argmax(ratio))
    return BetaThreshold(beta_star=float(max(ratio[i], 0.0)), kappa_star=float(kappas[i]))


def beta_threshold_local(d: int, alpha: float, eta2: float) -> float:
    """Small-kappa (local) threshold on beta for sigma to minimise J~ along the vMF family.

    .. math::
        \\tilde J(\\kappa) - \\tilde J(\\sigma) = \\frac{\\kappa^2}{2d}\\Big(a(2-a)
        - \\frac{2\\alpha(1-\\eta^2)}{d} + \\beta\\Big) + O(\\kappa^4)
        \\;\\Rightarrow\\; \\beta_{\\rm loc} = \\frac{2\\alpha(1-\\eta^2)}{d} - a(2-a)
        = \\beta_0\\big|_{C = C(d)} - a(2-a),

    with :math:`a = A_d(\\alpha)` (from :math:`\\Phi(\\kappa) - \\Phi(\\sigma) \\approx a(2-a)\\kappa^2/(2d)`,
    :math:`A_d(\\kappa)^2 \\approx \\kappa^2/d^2`, :math:`\\mathrm{KL} \\approx \\kappa^2/(2d)`). Theorem 1's
    :math:`\\beta_0` exceeds it by exactly :math:`a(2-a)`, the curvature of Phi that the proof drops.
    Clipped at 0.

    Parameters
    ----------
    d : int
    alpha, eta2 : float
    """
    d = _check_d(d)
    alpha = check_alpha(alpha)
    eta2 = check_eta2(eta2)
    a = mean_resultant_length(d, alpha)
    return max(0.0, 2.0 * alpha * (1.0 - eta2) / d - a * (2.0 - a))


def align_bound(m_norm, eta2: float):
    """Deprecated: use :func:`theory.alignment.alignment_bound` ``(eta2, m_norm**2)``.

    .. math::
        \\mathrm{Align}(\\mu) \\le \\eta^2 + (1-\\eta^2)\\lVert m(\\mu)\\rVert^2 \\quad\\text{(Prop. 1)}.

    Parameters
    ----------
    m_norm : float or ndarray
        :math:`\\lVert m(\\mu)\\rVert \\in [0, 1]` (the norm, not its square).
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    """
    import warnings

    warnings.warn(
        "theory.regularized.align_bound(m_norm, eta2) is deprecated; use "
        "theory.alignment.alignment_bound(eta2, m_norm**2)",
        DeprecationWarning,
        stacklevel=2,
    )
    eta2 = check_eta2(eta2)
    if isinstance(m_norm, str | bytes | bool | np.bool_):
        raise TypeError(f"m_norm must be a real number or array in [0, 1]; got {m_norm!r}")
    m = np.asarray(m_norm, dtype=np.float64)
    if not np.all(np.isfinite(m)) or np.any(m < 0) or np.any(m > 1):
        raise ValueError(f"m_norm must lie in [0, 1]; got {m_norm!r}")
    return alignment_bound(eta2, m * m)
