"""The regularised route (Sec. 4.2: R, P3, L1, T2, C2) and the Appendix D surrogate, on the vMF family.

Paper reference (``shared/paper.md``):

.. math::
    J(f) = \\Phi(\\mu) - \\alpha\\,\\mathbb E_\\pi[u^\\top v] + \\beta\\big(-H(\\rho) + \\lambda
    \\mathbb E\\lVert z\\rVert^2\\big)
    = \\Phi(\\mu) - \\alpha\\,\\mathbb E_\\pi[u^\\top v] + \\beta\\,\\mathrm{KL}(\\rho\\Vert\\gamma)
    - \\beta \\log Z_\\gamma,

.. math::
    \\tilde J(\\mu) = \\Phi(\\mu) - \\alpha\\,\\mathrm{Align}(\\mu)
    + \\beta\\,\\mathrm{KL}(\\mu\\Vert\\sigma),
    \\qquad \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d-1)},

and the surrogate :math:`J_q(\\mu) = \\Phi(\\mu) - q\\lVert m(\\mu)\\rVert^2`, :math:`q = \\alpha(1-\\eta^2)`.

**Convention for Align.** ``Align(mu)`` is a supremum over encoders that we cannot evaluate in
general; on the vMF family we use Prop. 1's upper bound
:math:`\\mathrm{Align}(\\mu) \\le \\eta^2 + (1-\\eta^2)\\lVert m(\\mu)\\rVert^2` as ``Align`` (the worst
case for uniformity), with an optional ``delta`` so that :math:`\\mathrm{Align}(\\sigma) = \\eta^2 - \\delta`.

**Lemma 1 on the vMF family is the whole lemma.** For a fixed mean ``m``, the minimiser of
:math:`\\mathrm{KL}(\\mu\\Vert\\sigma)` subject to :math:`\\mathbb E_\\mu u = m` is the exponential tilt of
:math:`\\sigma`, i.e. a vMF law with :math:`A_d(\\kappa) = \\lVert m\\rVert` (I-projection, Csiszar 1975), so
:math:`C(d) = \\inf_\\kappa \\mathrm{KL}(\\mathrm{vMF}_\\kappa\\Vert\\sigma) / ((d-1) A_d(\\kappa)^2)` is the
best constant over all probability measures.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from theory._validation import check_int, check_real, make_rng
from theory.alignment import alignment_bound
from theory.sphere import sample_uniform
from theory.uniformity import (
    kl_vmf_uniform,
    mean_resultant_length,
    phi_uniform,
    phi_vmf,
)

__all__ = [
    "Lemma1Result",
    "SurrogateThreshold",
    "Theorem1Result",
    "align_bound",
    "beta0",
    "beta_threshold_local",
    "beta_threshold_vmf",
    "gaussian_kl",
    "gaussian_polar_sample",
    "kl_polar_vmf_chi",
    "kl_scaled_chi",
    "lemma1_constant",
    "log_partition_gaussian",
    "plot_route",
    "qc_local",
    "qc_symbolic",
    "reduced_objective_vmf",
    "regularised_penalty",
    "route_study",
    "surrogate_threshold",
    "surrogate_vmf",
    "theorem1_vmf",
]

DEFAULT_KAPPAS = np.concatenate([np.logspace(-3, 5, 161)])


def _check_eta2(eta2) -> float:
    return check_real(eta2, "eta2", low=0.0, high=1.0)


def _kappa_grid(kappas) -> np.ndarray:
    k = DEFAULT_KAPPAS if kappas is None else np.asarray(kappas, dtype=np.float64)
    if k.ndim != 1 or k.size == 0 or not np.all(np.isfinite(k)) or np.any(k <= 0):
        raise ValueError("kappas must be a non-empty 1-D array of finite positive values")
    return k


# --------------------------------------------------------------------------------------------------
# R: the regulariser as a KL divergence
# --------------------------------------------------------------------------------------------------


def log_partition_gaussian(d: int, lam: float) -> float:
    """Log normaliser of :math:`\\gamma(z) \\propto e^{-\\lambda\\lVert z\\rVert^2}` on :math:`\\mathbb R^d`.

    .. math::
        \\log Z_\\gamma = \\frac d2 \\log\\frac{\\pi}{\\lambda}.
    """
    d = check_int(d, "d", low=1)
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    return 0.5 * d * np.log(np.pi / lam)


def regularised_penalty(neg_entropy: float, second_moment: float, d: int, lam: float) -> float:
    """The paper's penalty turned into a KL divergence (claim R).

    .. math::
        -H(\\rho) + \\lambda\\,\\mathbb E\\lVert z\\rVert^2
        = \\mathrm{KL}(\\rho\\Vert\\gamma) - \\log Z_\\gamma,
        \\qquad\\text{so this returns } -H(\\rho) + \\lambda\\,\\mathbb E\\lVert z\\rVert^2 + \\log Z_\\gamma
        = \\mathrm{KL}(\\rho\\Vert\\gamma).

    Parameters
    ----------
    neg_entropy : float
        :math:`-H(\\rho)` (differential entropy, nats).
    second_moment : float
        :math:`\\mathbb E\\lVert z\\rVert^2 \\ge 0`.
    d : int
    lam : float
        ``lam > 0``.
    """
    neg_entropy = check_real(neg_entropy, "neg_entropy")
    second_moment = check_real(second_moment, "second_moment", low=0.0)
    return neg_entropy + lam * second_moment + log_partition_gaussian(d, lam)


def gaussian_kl(mean, cov, lam: float) -> float:
    """KL(N(mean, cov) || N(0, (2 lam)^{-1} I_d)) by the Gaussian formula (independent reference for R).

    .. math::
        \\mathrm{KL} = \\tfrac12\\big[\\operatorname{tr}(\\Sigma_2^{-1}\\Sigma_1) + m^\\top\\Sigma_2^{-1}m - d
        + \\log\\det\\Sigma_2 - \\log\\det\\Sigma_1\\big], \\quad \\Sigma_2 = (2\\lambda)^{-1} I_d.

    Parameters
    ----------
    mean : array_like, shape (d,)
    cov : array_like, shape (d, d)
        Symmetric positive definite.
    lam : float
    """
    m = np.asarray(mean, dtype=np.float64)
    s = np.asarray(cov, dtype=np.float64)
    if m.ndim != 1 or s.shape != (m.size, m.size):
        raise ValueError(f"mean must have shape (d,) and cov shape (d, d); got {m.shape}, {s.shape}")
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    d = m.size
    sign, logdet = np.linalg.slogdet(s)
    if sign <= 0:
        raise ValueError("cov must be positive definite")
    s2 = 1.0 / (2.0 * lam)
    return 0.5 * (np.trace(s) / s2 + m @ m / s2 - d + d * np.log(s2) - logdet)


# --------------------------------------------------------------------------------------------------
# P3 / C2: polar split
# --------------------------------------------------------------------------------------------------


def gaussian_polar_sample(N: int, d: int, lam: float, seed=None) -> tuple[np.ndarray, np.ndarray]:
    """Polar split of :math:`\\gamma = N(0, (2\\lambda)^{-1} I_d)`: radius and direction, independent.

    .. math::
        z = R\\,U, \\qquad U\\sim\\sigma, \\qquad R = \\chi_d / \\sqrt{2\\lambda}\\ \\text{independent of } U.

    Returns
    -------
    radius : ndarray, shape (N,)
    direction : ndarray, shape (N, d)
    """
    N = check_int(N, "N", low=1)
    d = check_int(d, "d", low=2)
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    rng = make_rng(seed)
    r = np.sqrt(rng.chisquare(d, size=N) / (2.0 * lam))
    return r, sample_uniform(N, d, rng)


def kl_scaled_chi(d: int, lam_rho: float, lam: float) -> float:
    """KL between the radial laws :math:`\\chi_d/\\sqrt{2\\lambda_\\rho}` and
    :math:`\\chi_d/\\sqrt{2\\lambda}`.

    .. math::
        \\mathrm{KL} = \\frac d2\\Big(\\frac{\\lambda}{\\lambda_\\rho} - 1
        - \\log\\frac{\\lambda}{\\lambda_\\rho}\\Big)

    (the radial part carries the whole KL between the isotropic Gaussians).
    """
    d = check_int(d, "d", low=1)
    lam_rho = check_real(lam_rho, "lam_rho", low=0.0, low_open=True)
    lam = check_real(lam, "lam", low=0.0, low_open=True)
    x = lam / lam_rho
    return 0.5 * d * (x - 1.0 - np.log(x))


def kl_polar_vmf_chi(d: int, kappa: float, lam: float, lam_rho: float | None = None) -> float:
    """KL(rho || gamma) for rho = (vMF_kappa direction) x (scaled chi radius), by the chain rule.

    .. math::
        \\mathrm{KL}(\\rho\\Vert\\gamma) = \\mathrm{KL}(\\mu\\Vert\\sigma)
        + \\mathrm{KL}(\\rho_R\\Vert\\gamma_R)
        \\;\\ge\\; \\mathrm{KL}(\\mu\\Vert\\sigma),

    with equality iff the radial law is gamma's (Prop. 3); ``lam_rho = None`` means ``lam_rho = lam``.
    """
    lam_rho = lam if lam_rho is None else lam_rho
    return float(kl_vmf_uniform(d, kappa)) + kl_scaled_chi(d, lam_rho, lam)


# --------------------------------------------------------------------------------------------------
# L1: Lemma 1 constant
# --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Lemma1Result:
    """Best constant of Lemma 1 in dimension ``d`` (over the vMF family, hence over all measures).

    Attributes
    ----------
    d : int
    C : float
        :math:`\\min_\\kappa` of the ratio over the grid.
    C_small_kappa : float
        The :math:`\\kappa\\to0` limit :math:`d / (2(d-1))`.
    kappa_argmin : float
    increasing : bool
        Whether the ratio increases along the grid (so the infimum is the small-kappa limit).
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
    """
    d = check_int(d, "d", low=2)
    k = _kappa_grid(kappas)
    ratio = kl_vmf_uniform(d, k) / ((d - 1) * mean_resultant_length(d, k) ** 2)
    i = int(np.argmin(ratio))
    return Lemma1Result(
        d=d,
        C=float(ratio[i]),
        C_small_kappa=d / (2.0 * (d - 1.0)),
        kappa_argmin=float(k[i]),
        increasing=bool(np.all(np.diff(ratio) >= -1e-9 * ratio[:-1])),
        ratio_large_kappa=float(ratio[-1]),
    )


def beta0(alpha: float, eta2: float, d: int, C: float = 0.5) -> float:
    """Theorem 1's threshold on beta.

    .. math::
        \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C\\,(d-1)}.

    Parameters
    ----------
    alpha : float
        ``alpha >= 0``.
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    d : int
        ``d >= 2``.
    C : float
        Lemma 1's constant; the default ``1/2`` is the universal constant :math:`\\inf_d C(d)` measured by
        :func:`lemma1_constant` (:math:`C(d) = d/(2(d-1)) > 1/2`); pass ``lemma1_constant(d).C`` for
        the best constant in dimension ``d``.
    """
    alpha = check_real(alpha, "alpha", low=0.0)
    eta2 = _check_eta2(eta2)
    d = check_int(d, "d", low=2)
    C = check_real(C, "C", low=0.0, low_open=True)
    return alpha * (1.0 - eta2) / (C * (d - 1.0))


# --------------------------------------------------------------------------------------------------
# T2: Theorem 1 on the vMF family
# --------------------------------------------------------------------------------------------------


def align_bound(m_norm, eta2: float):
    """Prop. 1's alignment bound, used as Align on the vMF family.

    .. math::
        \\mathrm{Align}(\\mu) \\le \\eta^2 + (1-\\eta^2)\\lVert m(\\mu)\\rVert^2.

    Parameters
    ----------
    m_norm : float or ndarray
        :math:`\\lVert m(\\mu)\\rVert \\in [0, 1]` (``A_d(kappa)`` for a vMF law).
    eta2 : float
        :math:`\\eta^2 \\in [0, 1]`.
    """
    eta2 = _check_eta2(eta2)
    m = np.asarray(m_norm, dtype=np.float64)
    if np.any(m < 0) or np.any(m > 1) or not np.all(np.isfinite(m)):
        raise ValueError("m_norm must lie in [0, 1]")
    return alignment_bound(eta2, m * m)


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
        ``kappa >= 0`` (``0`` is sigma).
    alpha, eta2, beta : float
        Inverse temperature, :math:`\\eta^2 \\in [0, 1]`, regularisation weight ``beta >= 0``.
    delta : float
        :math:`\\delta(d) = \\eta^2 - \\mathrm{Align}(\\sigma) \\ge 0`.
    """
    d = check_int(d, "d", low=2)
    kappa = check_real(kappa, "kappa", low=0.0)
    alpha = check_real(alpha, "alpha", low=0.0)
    eta2 = _check_eta2(eta2)
    beta = check_real(beta, "beta", low=0.0)
    delta = check_real(delta, "delta", low=0.0)
    if kappa == 0.0:
        return phi_uniform(d, alpha) - alpha * (eta2 - delta)
    a = mean_resultant_length(d, kappa)
    return phi_vmf(d, kappa, alpha) - alpha * align_bound(a, eta2) + beta * kl_vmf_uniform(d, kappa)


@dataclass(frozen=True)
class Theorem1Result:
    """Theorem 1 on the vMF family.

    Attributes
    ----------
    margin : float
        :math:`\\min_\\kappa [\\tilde J(\\kappa) - \\tilde J(\\sigma)] + \\alpha\\delta` (must be ``>= 0``).
    kappa_argmin : float
    gaps : ndarray, shape (m,)
        :math:`\\tilde J(\\kappa) - \\tilde J(\\sigma)` on the grid.
    kappas : ndarray, shape (m,)
    """

    margin: float
    kappa_argmin: float
    gaps: np.ndarray
    kappas: np.ndarray


def _phi_gap_grid(d: int, alpha: float, k: np.ndarray) -> np.ndarray:
    base = phi_uniform(d, alpha)
    return np.array([phi_vmf(d, float(x), alpha) for x in k]) - base


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
    d = check_int(d, "d", low=2)
    alpha = check_real(alpha, "alpha", low=0.0)
    eta2 = _check_eta2(eta2)
    beta = check_real(beta, "beta", low=0.0)
    delta = check_real(delta, "delta", low=0.0)
    k = _kappa_grid(kappas)
    gaps = (
        _phi_gap_grid(d, alpha, k)
        - alpha * (1.0 - eta2) * mean_resultant_length(d, k) ** 2
        + beta * kl_vmf_uniform(d, k)
        - alpha * delta
    )
    i = int(np.argmin(gaps))
    return Theorem1Result(float(gaps[i] + alpha * delta), float(k[i]), gaps, k)


def beta_threshold_vmf(d: int, alpha: float, eta2: float, kappas=None) -> tuple[float, float]:
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
    beta_star : float
        ``0`` when sigma wins for every ``beta >= 0``.
    kappa_star : float
        The maximising grid point.
    """
    d = check_int(d, "d", low=2)
    alpha = check_real(alpha, "alpha", low=0.0)
    eta2 = _check_eta2(eta2)
    k = _kappa_grid(kappas)
    num = alpha * (1.0 - eta2) * mean_resultant_length(d, k) ** 2 - _phi_gap_grid(d, alpha, k)
    ratio = num / kl_vmf_uniform(d, k)
    i = int(np.argmax(ratio))
    return float(max(ratio[i], 0.0)), float(k[i])


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
    d = check_int(d, "d", low=2)
    alpha = check_real(alpha, "alpha", low=0.0)
    eta2 = _check_eta2(eta2)
    a = mean_resultant_length(d, alpha)
    return max(0.0, 2.0 * alpha * (1.0 - eta2) / d - a * (2.0 - a))


# --------------------------------------------------------------------------------------------------
# D: the surrogate J_q
# --------------------------------------------------------------------------------------------------


def surrogate_vmf(d: int, kappa: float, alpha: float, q: float) -> float:
    """Appendix D surrogate on the vMF family.

    .. math::
        J_q(\\kappa) = \\Phi(\\mathrm{vMF}_\\kappa) - q A_d(\\kappa)^2.

    Parameters
    ----------
    d : int
    kappa, alpha : float
    q : float
        ``q = alpha (1 - eta2) >= 0``.
    """
    q = check_real(q, "q", low=0.0)
    return phi_vmf(d, kappa, alpha) - q * mean_resultant_length(d, kappa) ** 2


def qc_local(d: int, alpha):
    """Local-instability threshold of the uniform law for J_q (small-kappa expansion).

    .. math::
        \\Phi(\\mathrm{vMF}_\\kappa) = \\Phi(\\sigma) + \\frac{a(2-a)}{2d}\\kappa^2 + O(\\kappa^4),\\quad
        A_d(\\kappa)^2 = \\frac{\\kappa^2}{d^2} + O(\\kappa^4),\\quad
        q_c = \\frac{d\\,a(2-a)}{2}, \\quad a = A_d(\\alpha).

    Uniform is a strict local minimiser of J_q along the vMF family iff ``q < q_c``.
    """
    d = check_int(d, "d", low=2)
    a = mean_resultant_length(d, alpha)
    return d * a * (2.0 - a) / 2.0


def qc_symbolic():
    """Sympy derivation of the small-kappa coefficient of J_q on the vMF family.

    .. math::
        J_q(\\kappa) - J_q(0) = \\Big(\\frac{a(2-a)}{2d} - \\frac{q}{d^2}\\Big)\\kappa^2 + O(\\kappa^4),
        \\qquad a = A_d(\\alpha).

    Writes :math:`\\Phi(\\kappa) = \\mathbb E_t[\\psi(r)] - \\psi(\\kappa)`, :math:`r = \\sqrt{\\alpha^2 +
    \\kappa^2 + 2\\alpha\\kappa t}`, with :math:`\\psi = \\Phi(\\sigma)(\\cdot)`, :math:`\\psi' = A_d`,
    :math:`\\psi'' = 1 - A_d^2 - (d-1)A_d/x` (Bessel recurrences), :math:`\\psi(\\kappa) = \\kappa^2/(2d) +
    O(\\kappa^4)`, and the moments :math:`\\mathbb E t = \\kappa/d + O(\\kappa^3)`, :math:`\\mathbb E t^2 =
    1/d + O(\\kappa^2)` of :math:`t \\propto e^{\\kappa t}(1-t^2)^{(d-3)/2}`; expands to second order.

    Returns
    -------
    dict
        ``{"coef": c2, "qc": d^2 c2, "symbols": (a, d, alpha, kappa)}`` with ``a = A_d(alpha)`` and
        :math:`J_q(\\kappa) - J_q(0) = (c_2 - q/d^2)\\kappa^2 + O(\\kappa^4)`.
    """
    import sympy as sy

    a, d, al, k, t = sy.symbols("a d alpha kappa t", positive=True)
    r = sy.sqrt(al**2 + k**2 + 2 * al * k * t)
    dr = sy.series(r, k, 0, 3).removeO()  # alpha + kappa t + kappa^2 (1 - t^2)/(2 alpha)
    h = sy.expand(dr - al)
    psi1 = a
    psi2 = 1 - a**2 - (d - 1) * a / al
    # psi(r) - psi(alpha) to second order in kappa
    expansion = sy.expand(psi1 * h + psi2 * h**2 / 2)
    expansion = sy.series(expansion, k, 0, 3).removeO()
    poly = sy.Poly(sy.expand(expansion), t)
    moments = {0: sy.Integer(1), 1: k / d, 2: 1 / d}
    mean = sum(c * moments[m[0]] for m, c in zip(poly.monoms(), poly.coeffs(), strict=True))
    phi_k = sy.expand(mean - k**2 / (2 * d))
    c2 = sy.simplify(sy.series(phi_k, k, 0, 3).removeO().coeff(k, 2))
    return {"coef": c2, "qc": sy.factor(sy.simplify(d**2 * c2)), "symbols": (a, d, al, k)}


@dataclass(frozen=True)
class SurrogateThreshold:
    """Where the uniform law stops minimising J_q on the vMF family.

    Attributes
    ----------
    qc_local : float
        Small-kappa (local instability) threshold :math:`d a(2-a)/2`.
    qc_global : float
        :math:`\\inf_\\kappa [\\Phi(\\kappa) - \\Phi(\\sigma)]/A_d(\\kappa)^2` on the grid: sigma is the
        minimiser over the vMF family iff ``q <= qc_global``.
    kappa_at_global : float
        Where the infimum sits (a grid end near 0 means the transition is continuous).
    first_order : bool
        ``qc_global < qc_local`` beyond numerical noise: a vMF tilt wins before uniform goes unstable.
    """

    qc_local: float
    qc_global: float
    kappa_at_global: float
    first_order: bool
    data: dict = field(default_factory=dict)


def surrogate_threshold(d: int, alpha: float, kappas=None, rtol: float = 1e-4) -> SurrogateThreshold:
    """Local and global thresholds q_c(alpha, d) of J_q on the vMF family.

    .. math::
        q_c^{\\rm glob} = \\inf_{\\kappa>0}
        \\frac{\\Phi(\\mathrm{vMF}_\\kappa)-\\Phi(\\sigma)}{A_d(\\kappa)^2}
        \\;\\le\\; \\lim_{\\kappa\\to0}(\\cdot) = q_c^{\\rm loc}.
    """
    d = check_int(d, "d", low=2)
    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    k = _kappa_grid(kappas)
    ratio = _phi_gap_grid(d, alpha, k) / mean_resultant_length(d, k) ** 2
    i = int(np.argmin(ratio))
    qloc = float(qc_local(d, alpha))
    qglob = min(float(ratio[i]), qloc)
    return SurrogateThreshold(
        qc_local=qloc,
        qc_global=qglob,
        kappa_at_global=float(k[i]),
        first_order=bool(qglob < qloc * (1.0 - rtol)),
        data={"kappas": k, "ratio": ratio},
    )


# --------------------------------------------------------------------------------------------------
# a study over dimensions (used by the CLI)
# --------------------------------------------------------------------------------------------------


def route_study(ds, alpha: float, eta2: float, kappas=None, progress: bool = False) -> list[dict]:
    """Per dimension: C(d), beta0, beta*, q = alpha (1 - eta2), and the thresholds q_c (loc / glob).

    .. math::
        \\beta_0 = \\frac{\\alpha(1-\\eta^2)}{C(d)(d-1)}, \\qquad
        \\beta^* = \\sup_\\kappa \\frac{\\alpha(1-\\eta^2)A_d^2 - [\\Phi(\\kappa)-\\Phi(\\sigma)]}
        {\\mathrm{KL}(\\kappa)}, \\qquad q_c^{\\rm loc} = \\frac{d\\,a(2-a)}{2}.

    Returns
    -------
    list of dict
        One row per ``d`` with keys ``d, C, beta0, beta_star, kappa_star, q, qc_local, qc_global,
        kappa_global, first_order``.
    """
    from tqdm.auto import tqdm

    alpha = check_real(alpha, "alpha", low=0.0, low_open=True)
    eta2 = _check_eta2(eta2)
    k = _kappa_grid(kappas)
    rows = []
    for d in tqdm(list(ds), disable=not progress, desc="dimensions"):
        d = check_int(d, "d", low=2)
        c = lemma1_constant(d).C
        b0 = beta0(alpha, eta2, d, C=c)
        bstar, kstar = beta_threshold_vmf(d, alpha, eta2, kappas=k)
        st = surrogate_threshold(d, alpha, kappas=k)
        rows.append(
            {
                "d": d,
                "C": c,
                "beta0": b0,
                "beta_star": bstar,
                "kappa_star": kstar,
                "q": alpha * (1.0 - eta2),
                "qc_local": st.qc_local,
                "qc_global": st.qc_global,
                "kappa_global": st.kappa_at_global,
                "first_order": st.first_order,
            }
        )
    return rows


def plot_route(rows: list[dict], alpha: float, eta2: float):
    """Figure of :func:`route_study`: the App. D surrogate ratio on the vMF family, and beta*/beta0.

    .. math::
        \\kappa \\mapsto \\frac{\\Phi(\\mathrm{vMF}_\\kappa) - \\Phi(\\sigma)}{A_d(\\kappa)^2\\, q_c^{loc}}
        \\quad\\text{(a dip below 1 = first-order transition)}, \\qquad d \\mapsto \\beta^*/\\beta_0.

    Parameters
    ----------
    rows : list of dict
        Output of :func:`route_study`.
    alpha, eta2 : float
        The values ``rows`` were computed with (for the titles and the surrogate curves).

    Returns
    -------
    matplotlib.figure.Figure
    """
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots(1, 2, figsize=(11, 4.5), layout="constrained")
    kap = np.logspace(-2, 4, 81)
    for r in rows:
        st = surrogate_threshold(r["d"], alpha, kappas=kap)
        ax[0].semilogx(kap, st.data["ratio"] / st.qc_local, label=f"d={r['d']}")
    ax[0].axhline(1.0, color="k", lw=0.8)
    ax[0].set_xlabel("kappa")
    ax[0].set_ylabel("[Phi(vMF) - Phi(sigma)] / A^2 / q_c^loc")
    ax[0].set_title(f"App. D surrogate on vMF (alpha={alpha:g})\na dip below 1 = first-order transition")
    ax[0].legend(fontsize=7)
    ds = [r["d"] for r in rows]
    ax[1].semilogx(ds, [r["beta_star"] / r["beta0"] for r in rows], "s-")
    ax[1].set_ylim(-0.05, 1.05)
    ax[1].set_xlabel("d")
    ax[1].set_ylabel("beta* / beta0")
    ax[1].set_title(f"exact beta* on vMF / Theorem 1's beta0\n(alpha={alpha:g}, eta2={eta2:g})")
    return fig
