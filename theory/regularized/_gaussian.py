"""The regularizer as a KL divergence (Sec. 4.2, claim R) and the polar split (Prop. 3, Corollary 2)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from theory._deprecation import TupleCompat, deprecated_alias, renamed_keywords
from theory._io import ResultMixin
from theory._validation import as_matrix, as_vector, check_int, check_real, make_rng
from theory.special import _check_conc, _check_d
from theory.sphere import sample_uniform
from theory.vmf import kl_vmf_uniform

__all__ = [
    "PolarSample",
    "gaussian_kl",
    "gaussian_polar_sample",
    "kl_polar_vmf_chi",
    "kl_scaled_chi",
    "log_partition_gaussian",
    "regularised_penalty",
    "regularized_penalty",
]


def _check_lam(lam, name: str = "lam") -> float:
    return check_real(lam, name, low=0.0, low_open=True)


def log_partition_gaussian(d: int, lam: float) -> float:
    """Log normalizer of :math:`\\gamma(z) \\propto e^{-\\lambda\\lVert z\\rVert^2}` on :math:`\\mathbb R^d`.

    .. math::
        \\log Z_\\gamma = \\frac d2 \\log\\frac{\\pi}{\\lambda}

    (the constant that turns the penalty of Sec. 4.2 of arXiv 2602.24012 into a KL divergence).

    Parameters
    ----------
    d : int
        ``d >= 1``.
    lam : float
        ``lam > 0``.

    Returns
    -------
    float
    """
    d = _check_d(d, low=1)
    lam = _check_lam(lam)
    return 0.5 * d * np.log(np.pi / lam)


def regularized_penalty(neg_entropy: float, second_moment: float, d: int, lam: float) -> float:
    """The paper's penalty turned into a KL divergence (Sec. 4.2 of arXiv 2602.24012, claim R).

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
        ``d >= 1``.
    lam : float
        ``lam > 0``.

    Returns
    -------
    float
    """
    neg_entropy = check_real(neg_entropy, "neg_entropy")
    second_moment = check_real(second_moment, "second_moment", low=0.0)
    log_z = log_partition_gaussian(d, lam)
    return neg_entropy + float(lam) * second_moment + log_z


regularised_penalty = deprecated_alias(regularized_penalty, "regularised_penalty", "theory.regularized")


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
        ``lam > 0``.

    Returns
    -------
    float
    """
    m = as_vector(mean, "mean")
    s = as_matrix(cov, "cov")
    if s.shape != (m.size, m.size):
        raise ValueError(f"cov must have shape ({m.size}, {m.size}) to match mean; got {s.shape}")
    if not np.allclose(s, s.T, rtol=1e-10, atol=1e-12):
        raise ValueError("cov must be symmetric")
    lam = _check_lam(lam)
    d = m.size
    sign, logdet = np.linalg.slogdet(s)
    if sign <= 0 or np.linalg.eigvalsh(s).min() <= 0:
        raise ValueError("cov must be positive definite")
    s2 = 1.0 / (2.0 * lam)
    return 0.5 * (np.trace(s) / s2 + m @ m / s2 - d + d * np.log(s2) - logdet)


@dataclass(frozen=True)
class PolarSample(TupleCompat, ResultMixin):
    """A sample of :math:`\\gamma = N(0, (2\\lambda)^{-1} I_d)` in polar form (:func:`gaussian_polar_sample`).

    Attributes
    ----------
    radius : ndarray, shape (n_samples,)
        :math:`R = \\lVert z\\rVert`.
    direction : ndarray, shape (n_samples, d)
        :math:`U = z / \\lVert z\\rVert`, uniform on the sphere and independent of ``radius``.
    """

    radius: np.ndarray
    direction: np.ndarray
    _tuple_fields = ("radius", "direction")

    @property
    def points(self) -> np.ndarray:
        """The Cartesian points :math:`z = R U`, shape ``(n_samples, d)``."""
        return self.radius[:, None] * self.direction


@renamed_keywords(N="n_samples")
def gaussian_polar_sample(n_samples: int, d: int, lam: float, seed=None) -> PolarSample:
    """Polar split of :math:`\\gamma = N(0, (2\\lambda)^{-1} I_d)`: radius and direction, independent.

    .. math::
        z = R\\,U, \\qquad U\\sim\\sigma, \\qquad R = \\chi_d / \\sqrt{2\\lambda}\\ \\text{independent of } U

    (the optimal radial law of Prop. 3 and the optimum of Corollary 2 of arXiv 2602.24012).

    Parameters
    ----------
    n_samples : int
        Number of points (the keyword ``N`` is a deprecated alias).
    d : int
        ``d >= 2``.
    lam : float
        ``lam > 0``.
    seed : None, int or Generator

    Returns
    -------
    PolarSample
        ``.radius`` and ``.direction`` (unpacking as a tuple ``(radius, direction)`` still works, with a
        DeprecationWarning).
    """
    n_samples = check_int(n_samples, "n_samples", low=1)
    d = _check_d(d)
    lam = _check_lam(lam)
    rng = make_rng(seed)
    r = np.sqrt(rng.chisquare(d, size=n_samples) / (2.0 * lam))
    return PolarSample(radius=r, direction=sample_uniform(n_samples, d, rng))


def kl_scaled_chi(d: int, lam_rho: float, lam: float) -> float:
    """KL between the radial laws :math:`\\chi_d/\\sqrt{2\\lambda_\\rho}` and
    :math:`\\chi_d/\\sqrt{2\\lambda}`.

    .. math::
        \\mathrm{KL} = \\frac d2\\Big(\\frac{\\lambda}{\\lambda_\\rho} - 1
        - \\log\\frac{\\lambda}{\\lambda_\\rho}\\Big)

    (the radial part carries the whole KL between the isotropic Gaussians; Prop. 3).

    Parameters
    ----------
    d : int
        ``d >= 1``.
    lam_rho, lam : float
        ``> 0``.

    Returns
    -------
    float
    """
    d = _check_d(d, low=1)
    lam_rho = _check_lam(lam_rho, "lam_rho")
    lam = _check_lam(lam)
    x = lam / lam_rho
    # log(lam / lam_rho), also where the ratio under- or overflows
    log_x = np.log(x) if 0.0 < x < np.inf else np.log(lam) - np.log(lam_rho)
    return 0.5 * d * (x - 1.0 - log_x)


def kl_polar_vmf_chi(d: int, kappa: float, lam: float, lam_rho: float | None = None) -> float:
    """KL(rho || gamma) for rho = (vMF_kappa direction) x (scaled chi radius), by the chain rule.

    .. math::
        \\mathrm{KL}(\\rho\\Vert\\gamma) = \\mathrm{KL}(\\mu\\Vert\\sigma)
        + \\mathrm{KL}(\\rho_R\\Vert\\gamma_R)
        \\;\\ge\\; \\mathrm{KL}(\\mu\\Vert\\sigma),

    with equality iff the radial law is gamma's (Prop. 3 of arXiv 2602.24012).

    Parameters
    ----------
    d : int
        ``d >= 2``.
    kappa : float
        ``0 <= kappa <= KAPPA_MAX``.
    lam : float
        ``lam > 0``.
    lam_rho : float, optional
        ``lam_rho > 0``; ``None`` means ``lam_rho = lam``.

    Returns
    -------
    float
    """
    d = _check_d(d)
    kappa = _check_conc(kappa, "kappa")
    lam = _check_lam(lam)
    lam_rho = lam if lam_rho is None else _check_lam(lam_rho, "lam_rho")
    return float(kl_vmf_uniform(d, kappa)) + kl_scaled_chi(d, lam_rho, lam)
